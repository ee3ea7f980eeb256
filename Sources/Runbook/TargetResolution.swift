import Foundation
import OCPHTTP
import OCPModel
import RunbookLanguage
import RunbookSupport

/// Where a run goes, and where credentials may go.
///
/// The target is the first of, in order: `--target`; `RUNBOOK_TARGET`; the `target:` key of the
/// credentials file (`--credentials`); the runbook's own `target:`; else `embedded`. The first
/// three are the operator's choice; the runbook's is its author's.
///
/// Credentials (from the environment or the credentials file) are sent only to a target the
/// operator chose: a target that only the runbook names gets them only with
/// `--trust-runbook-target`. Credentials never cross the network in clear: plain `http://` to a
/// host other than loopback is refused when there are credentials, unless `--allow-plain-http`.
/// A runbook's `target:` that reads an unset or empty environment variable is refused (the run
/// would otherwise go to the simulator and pass); a target URL with `user:password@` is refused.
package struct TargetRequest: Sendable {
    /// `--target`.
    package var commandLine: String?
    /// `--credentials FILE`.
    package var credentialsFile: String?
    package var environment: [String: String]
    /// `--trust-runbook-target`: send credentials to a target only the runbook names.
    package var trustRunbookTarget = false
    /// `--allow-plain-http`: send credentials over plain `http://` beyond loopback.
    package var allowPlainHTTP = false
    package var insecure = false
    package var caFile: String?
    package var connectTimeout: Duration = .seconds(10)
    package var readTimeout: Duration = .seconds(30)

    package init(commandLine: String?, credentialsFile: String?, environment: [String: String]) {
        self.commandLine = commandLine
        self.credentialsFile = credentialsFile
        self.environment = environment
    }
}

/// The target a run resolved to, and where it came from.
package struct ResolvedTarget: Sendable {
    /// Who chose the target.
    package enum Source: String, Sendable {
        case commandLine = "--target"
        case environment = "RUNBOOK_TARGET"
        case credentialsFile = "the credentials file's target"
        case runbook = "the runbook's target"
        case none = "the default"
    }

    package var target: RunTarget
    package var source: Source
    /// Remarks for the step log: the runbook's target overridden, credentials ignored.
    package var notes: [String]
    /// The secrets of the credentials file, which the step log must never show.
    package var secrets: [String] = []
}

/// A target or its credentials that cannot be used: nothing was sent. Exit status 2.
package struct TargetProblem: Error, Sendable, CustomStringConvertible {
    package var message: String
    /// Where the runbook's `target:` is written, when it is at fault.
    package var location: SourceLocation?
    package var description: String { location.map { "\($0): error: \(message)" } ?? message }
}

extension TargetRequest {
    /// The environment variables whose presence means credentials come from the environment.
    static let credentialVariables = ["OCP_USER", "OCP_PASSWORD", "OCP_ACCESS_KEY_ID", "OCP_ACCESS_KEY_SECRET"]

    /// Resolves the target of `runbook` by the rules of ``TargetRequest``.
    package func resolve(for runbook: CheckedRunbook) throws(TargetProblem) -> ResolvedTarget {
        var notes: [String] = []
        let fileValues: [String: String]
        do throws(OCPConnectionError) {
            fileValues = try credentialsFile.map { path throws(OCPConnectionError) in try Credentials.readFile(path) } ?? [:]
        } catch {
            throw TargetProblem(message: error.description)
        }
        // The runbook's own target matters only when the operator chose none: then a variable it
        // reads that is unset or empty is an error; otherwise it is read only to note the override.
        let operatorChose =
            commandLine != nil || environment["RUNBOOK_TARGET"] != nil || fileValues["target"] != nil
        let runbookTarget = operatorChose ? try? self.runbookTarget(runbook) : try self.runbookTarget(runbook)

        var choice: (String, ResolvedTarget.Source)
        if let commandLine {
            choice = (commandLine, .commandLine)
        } else if let value = environment["RUNBOOK_TARGET"] {
            guard !value.trimmingSpaces.isEmpty else {
                throw TargetProblem(message: "RUNBOOK_TARGET is set but empty: set it to embedded or an OCP base URL, or unset it")
            }
            choice = (value, .environment)
        } else if let value = fileValues["target"], let file = credentialsFile {
            guard !value.trimmingSpaces.isEmpty else {
                throw TargetProblem(message: "the credentials file \(file) has an empty `target`")
            }
            choice = (value, .credentialsFile)
        } else if let runbookTarget {
            choice = (runbookTarget, .runbook)
        } else {
            choice = ("embedded", .none)
        }
        let (text, source) = choice
        var secrets = ["password", "accessKeySecret"].compactMap { fileValues[$0] }
        // An OCP error may echo the Authorization header it was sent.
        if let user = fileValues["user"], let password = fileValues["password"], !password.isEmpty {
            secrets.append(Data("\(user):\(password)".utf8).base64EncodedString())
        }
        if let runbookTarget, source != .runbook, runbookTarget != text {
            notes.append("the runbook's target \(TargetText.withoutUserInfo(runbookTarget)) is overridden by \(source.rawValue)")
        }
        if text == "embedded" {
            return ResolvedTarget(target: .embedded, source: source, notes: notes, secrets: secrets)
        }
        if let problem = TargetText.problem(text) {
            throw TargetProblem(
                message: "\(source.rawValue) \(TargetText.withoutUserInfo(text)): \(problem)",
                location: source == .runbook ? runbook.target?.location : nil)
        }
        let base: OCPConnection.BaseURL
        let authentication: OCPConnection.Authentication
        do throws(OCPConnectionError) {
            base = try OCPConnection.BaseURL(text)
            authentication = try Credentials.authentication(environment: environment, file: credentialsFile)
        } catch {
            throw TargetProblem(message: error.description, location: source == .runbook ? runbook.target?.location : nil)
        }
        if case .none = authentication {} else {
            if source == .runbook, !trustRunbookTarget {
                throw TargetProblem(
                    message:
                        "the runbook sends this run to \(base), and credentials from \(credentialsFile.map { "the credentials file \($0)" } ?? "the environment") go only to a target you choose: pass --target \(base), set RUNBOOK_TARGET, put `target:` in the credentials file, or pass --trust-runbook-target",
                    location: runbook.target?.location)
            }
            if base.scheme == "http", !Self.isLoopback(base.host), !allowPlainHTTP {
                throw TargetProblem(
                    message:
                        "credentials would cross the network in clear to \(base): use https://, or pass --allow-plain-http to send them anyway")
            }
        }
        // Who the run is, to OCP, for the log (never a secret); and a file's target that lost.
        notes.append("credentials: \(authentication.summary)\(credentialsFile == nil ? "" : " from \(credentialsFile ?? "")")")
        if let fileTarget = fileValues["target"], source != .credentialsFile, fileTarget != text {
            notes.append(
                "the credentials file's target \(TargetText.withoutUserInfo(fileTarget)) is overridden by \(source.rawValue)")
        }
        let connection = OCPConnection(
            baseURL: base, authentication: authentication, insecure: insecure, caFile: caFile,
            connectTimeout: connectTimeout, readTimeout: readTimeout)
        return ResolvedTarget(target: .ocp(connection), source: source, notes: notes, secrets: secrets)
    }

    /// The runbook's `target:` as evaluated with its variables and the environment, nil when it has
    /// none; refused when it reads an environment variable that is unset or empty.
    func runbookTarget(_ runbook: CheckedRunbook) throws(TargetProblem) -> String? {
        guard let expr = runbook.target else { return nil }
        for reference in TargetText.environmentReferences(of: expr, vars: runbook.vars) {
            let name = reference.path[1]
            let value = environment[name]
            if value == nil || value?.trimmingSpaces.isEmpty == true {
                throw TargetProblem(
                    message:
                        "the runbook's target '\(expr.sourceText)' reads \(name), which is \(value == nil ? "not set" : "empty"): set it, or choose the target with --target or RUNBOOK_TARGET (nothing was run)",
                    location: expr.location)
            }
        }
        switch Bindings.declaring(runbook.vars, environment: environment).bindings.evaluate(expr) {
        case .success(let value):
            let text = value.text
            guard !text.trimmingSpaces.isEmpty else {
                throw TargetProblem(
                    message: "the runbook's target '\(expr.sourceText)' is empty: write embedded or an OCP base URL",
                    location: expr.location)
            }
            return text
        case .failure(let why):
            throw TargetProblem(message: "the runbook's target '\(expr.sourceText)' cannot be evaluated: \(why)", location: expr.location)
        }
    }

    /// `localhost`, an IPv4 address in 127.0.0.0/8 (four numbers from 0 to 255), or `::1`: a
    /// name that merely starts with `127.` is a host like any other.
    static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" || h == "0:0:0:0:0:0:0:1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "127" else { return false }
        return parts.allSatisfy { p in
            !p.isEmpty && p.count <= 3 && p.allSatisfy { $0.isASCII && $0.isNumber } && (Int(p) ?? 256) <= 255
        }
    }
}
