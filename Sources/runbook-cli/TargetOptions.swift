import ArgumentParser
import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

/// How to reach a real OCP; shared by `run` and `plan`.
struct TargetOptions: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "The OCP to run against: `embedded` (the built-in simulator) or a base URL such as https://ocp.example.com:8080. Default: the runbook's `target:`, else RUNBOOK_TARGET, else embedded.",
            valueName: "url"))
    var target: String?

    @Option(
        help: ArgumentHelp(
            "A YAML file with `user` and `password`, or `accessKeyId` and `accessKeySecret` (must not be readable by group or others). Default: OCP_ACCESS_KEY_ID/OCP_ACCESS_KEY_SECRET or OCP_USER/OCP_PASSWORD from the environment.",
            valueName: "file"))
    var credentials: String?

    @Flag(help: "Do not verify the target's TLS certificate (a warning goes into the step log). For tests only.")
    var insecure = false

    @Option(
        help: ArgumentHelp(
            "A PEM file of CA certificates to trust for the target, besides the system's.", valueName: "file"))
    var caFile: String?

    @Option(help: ArgumentHelp("Seconds to wait for a connection to the target.", valueName: "seconds"))
    var connectTimeout: Double = 10

    @Option(
        help: ArgumentHelp(
            "Seconds to wait for the whole answer (head and body) once a request is sent. A read is then tried again; a call that starts work is not re-sent, and the client looks for its effect instead, for this long plus 10 seconds.",
            valueName: "seconds"))
    var readTimeout: Double = 30

    func validate() throws {
        for (name, value) in [("--connect-timeout", connectTimeout), ("--read-timeout", readTimeout)] {
            guard value.isFinite, value > 0, value <= 3600 else {
                throw ValidationError("\(name) must be a number of seconds above 0 and at most 3600, not \(value).")
            }
        }
        if let caFile, !FileManager.default.isReadableFile(atPath: caFile) {
            throw ValidationError("--ca-file \(caFile) cannot be read.")
        }
    }

    /// The target: the command line, then the runbook's own `target:` value, then RUNBOOK_TARGET.
    func resolve(fileTarget: String?, environment: [String: String]) throws -> RunTarget {
        let text = target ?? fileTarget ?? environment["RUNBOOK_TARGET"] ?? "embedded"
        if text == "embedded" { return .embedded }
        do throws(OCPConnectionError) {
            let base = try OCPConnection.BaseURL(text)
            let auth = try Credentials.authentication(environment: environment, file: credentials)
            return .ocp(
                OCPConnection(
                    baseURL: base, authentication: auth, insecure: insecure, caFile: caFile,
                    connectTimeout: .milliseconds(Int64(connectTimeout * 1000)),
                    readTimeout: .milliseconds(Int64(readTimeout * 1000))))
        } catch {
            throw TargetError(message: error.description)
        }
    }
}

/// The target cannot be used; the run ends with exit 3.
struct TargetError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
