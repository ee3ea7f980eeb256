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
            "The OCP to run against: `embedded` (the built-in simulator) or a base URL such as https://ocp.example.com:8080. Default: RUNBOOK_TARGET, else the credentials file's `target:`, else the runbook's `target:`, else embedded. Credentials go only to a target you choose (this option, RUNBOOK_TARGET or the credentials file).",
            valueName: "url"))
    var target: String?

    @Option(
        help: ArgumentHelp(
            "A YAML file with `user` and `password`, or `accessKeyId` and `accessKeySecret`, and optionally `target` (must not be readable by group or others). Default: OCP_ACCESS_KEY_ID/OCP_ACCESS_KEY_SECRET or OCP_USER/OCP_PASSWORD from the environment.",
            valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var credentials: String?

    @Flag(help: "Do not verify the target's TLS certificate (a warning goes into the step log). For tests only.")
    var insecure = false

    @Flag(
        help: "Send credentials to a target that only the runbook's `target:` names (by default they go only to a target given with --target, RUNBOOK_TARGET or the credentials file).")
    var trustRunbookTarget = false

    @Flag(help: "Send credentials over plain http:// to a host other than loopback (refused by default).")
    var allowPlainHttp = false

    @Option(
        help: ArgumentHelp(
            "A PEM file of CA certificates to trust for the target, besides the system's.", valueName: "file"),
        completion: .file())
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

    /// The environment to check a runbook in: with `RUNBOOK_TARGET` set when the operator chose a
    /// target some other way (`--target`, or the credentials file's `target:`), since then the
    /// runbook's own target is not used and the check has nothing to say about it.
    func checkEnvironment(_ environment: [String: String]) -> [String: String] {
        guard environment["RUNBOOK_TARGET"] == nil, let chosen = target ?? Credentials.target(inFile: credentials) else {
            return environment
        }
        return environment.merging(["RUNBOOK_TARGET": chosen]) { a, _ in a }
    }

    /// The options to repeat on a `runbook resume` of this run, so that the printed command goes
    /// to the same target the same way: ` --target URL --credentials FILE ...`, or "" when the
    /// target came from the environment alone. Never a secret: `--target` holds no credentials.
    var resumeArguments: String {
        var out: [String] = []
        if let target { out += ["--target", RunSession.shellQuoted(target)] }
        if connectTimeout != 10 { out += ["--connect-timeout", Self.number(connectTimeout)] }
        if readTimeout != 30 { out += ["--read-timeout", Self.number(readTimeout)] }
        if let credentials { out += ["--credentials", RunSession.shellQuoted(credentials)] }
        if let caFile { out += ["--ca-file", RunSession.shellQuoted(caFile)] }
        if insecure { out.append("--insecure") }
        if allowPlainHttp { out.append("--allow-plain-http") }
        if trustRunbookTarget { out.append("--trust-runbook-target") }
        return out.isEmpty ? "" : " " + out.joined(separator: " ")
    }

    /// `120` for 120.0, `2.5` for 2.5: seconds as the command line takes them.
    private static func number(_ seconds: Double) -> String {
        seconds == seconds.rounded() && abs(seconds) < 1e9 ? String(Int(seconds)) : String(seconds)
    }

    /// ``resolve(for:environment:)``, or, when the target cannot be used, its problem printed
    /// (located at the runbook's `target:` when it is at fault) and exit 2.
    func resolvedOrExit(for runbook: CheckedRunbook, environment: [String: String]) throws -> ResolvedTarget {
        do {
            return try resolve(for: runbook, environment: environment)
        } catch {
            Preparation.printProblem(error)
            throw ExitCode(2)
        }
    }

    /// The target of `runbook` and where it came from, by the rules of ``TargetRequest``.
    func resolve(for runbook: CheckedRunbook, environment: [String: String]) throws(TargetProblem) -> ResolvedTarget {
        var request = TargetRequest(commandLine: target, credentialsFile: credentials, environment: environment)
        request.trustRunbookTarget = trustRunbookTarget
        request.allowPlainHTTP = allowPlainHttp
        request.insecure = insecure
        request.caFile = caFile
        request.connectTimeout = .milliseconds(Int64((connectTimeout * 1000).rounded()))
        request.readTimeout = .milliseconds(Int64((readTimeout * 1000).rounded()))
        return try request.resolve(for: runbook)
    }
}
