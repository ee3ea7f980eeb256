import Foundation
import OCPHTTP
import RunbookLanguage
import RunbookSupport
import RunbookTestSupport
import Testing

@testable import Runbook

/// Where a run goes and where credentials may go (`TargetRequest`).
@Suite struct TargetResolutionTests {
    static let credentials = ["OCP_USER": "admin", "OCP_PASSWORD": "s3cret-pw"]

    static func runbook(target: String?) throws -> CheckedRunbook {
        let line = target.map { "target: \($0)\n" } ?? ""
        let text = "runbook: t\n\(line)steps:\n  - note: hi\n"
        return try #require(RunbookChecker.check(text, file: "t.yaml").runbook)
    }

    static func resolve(
        target: String?, commandLine: String? = nil, environment: [String: String] = [:], file: String? = nil,
        trust: Bool = false, plain: Bool = false
    ) throws -> Result<ResolvedTarget, TargetProblem> {
        var request = TargetRequest(commandLine: commandLine, credentialsFile: file, environment: environment)
        request.trustRunbookTarget = trust
        request.allowPlainHTTP = plain
        let book = try runbook(target: target)
        do throws(TargetProblem) {
            return .success(try request.resolve(for: book))
        } catch {
            return .failure(error)
        }
    }

    static func description(_ result: Result<ResolvedTarget, TargetProblem>) -> String {
        switch result {
        case .success(let r): "\(r.target.description) from \(r.source.rawValue)"
        case .failure(let p): "refused: \(p.description)"
        }
    }

    @Test func anUnsetOrEmptyVariableInTheTargetIsRefusedAtItsKey() throws {
        for environment in [[:], ["OCP_URL": ""], ["OCP_URL": "  "]] as [[String: String]] {
            let result = try Self.resolve(target: "${env.OCP_URL}", environment: environment)
            guard case .failure(let problem) = result else {
                Issue.record("ran against \(Self.description(result))")
                continue
            }
            #expect(problem.location == SourceLocation(file: "t.yaml", line: 2, column: 9))
            #expect(problem.message.contains("reads OCP_URL, which is"))
        }
        // Set, it is used; a runbook with no target, or `embedded`, runs on the simulator.
        #expect(try Self.description(Self.resolve(target: "${env.OCP_URL}", environment: ["OCP_URL": "https://ocp:8080"]))
            == "https://ocp:8080 from the runbook's target")
        #expect(try Self.description(Self.resolve(target: nil)) == "embedded from the default")
        #expect(try Self.description(Self.resolve(target: "embedded")) == "embedded from the runbook's target")
        // A target the operator chose makes the runbook's unused: its unset variable is no error.
        #expect(try Self.description(Self.resolve(target: "${env.OCP_URL}", commandLine: "embedded")) == "embedded from --target")
    }

    @Test func aVariableThatReadsAnUnsetVariableIsAsUnset() throws {
        let text = "runbook: t\nvars:\n  url: ${env.OCP_URL}\ntarget: ${url}\nsteps:\n  - note: hi\n"
        let book = try #require(RunbookChecker.check(text, file: "t.yaml").runbook)
        let request = TargetRequest(commandLine: nil, credentialsFile: nil, environment: [:])
        do {
            _ = try request.resolve(for: book)
            Issue.record("ran with OCP_URL unset")
        } catch {
            #expect(error.message.contains("reads OCP_URL, which is not set"), "\(error.message)")
            #expect(error.location?.line == 4)
        }
        // `check` warns, as for a direct `${env.OCP_URL}`.
        let checked = RunbookChecker.check(text, file: "t.yaml", environment: [:])
        #expect(checked.diagnostics.map(\.id) == ["runbook.target-unset"])
        // A value with credentials in it is refused by `check` as by `run`, without repeating them.
        let leaky = RunbookChecker.check(
            text, file: "t.yaml", environment: ["OCP_URL": "https://admin:hunter2@ocp.example.com"])
        #expect(leaky.diagnostics.map(\.id) == ["runbook.target"])
        #expect(leaky.diagnostics.first?.message.contains("reads ${env.OCP_URL}, and the target 'https://***@ocp.example.com' carries credentials") == true, "\(leaky.diagnostics)")
        #expect(leaky.diagnostics.allSatisfy { !$0.message.contains("hunter2") })
        #expect(leaky.runbook == nil)
    }

    @Test func theOperatorsChoiceWinsOverTheRunbooks() throws {
        let env = try Self.resolve(target: "https://file.example.com", environment: ["RUNBOOK_TARGET": "https://ops.example.com"])
        #expect(Self.description(env) == "https://ops.example.com from RUNBOOK_TARGET")
        #expect(
            (try? env.get())?.notes == [
                "the runbook's target https://file.example.com is overridden by RUNBOOK_TARGET", "credentials: none",
            ])
        let cli = try Self.resolve(
            target: "https://file.example.com", commandLine: "embedded", environment: ["RUNBOOK_TARGET": "https://ops.example.com"])
        #expect(Self.description(cli) == "embedded from --target")
    }

    @Test func credentialsGoOnlyToATargetTheOperatorChose() throws {
        let onlyRunbook = try Self.resolve(target: "https://evil.example.com", environment: Self.credentials)
        guard case .failure(let problem) = onlyRunbook else {
            Issue.record("credentials would go to \(Self.description(onlyRunbook))")
            return
        }
        #expect(problem.message.contains("--trust-runbook-target"))
        #expect(!problem.description.contains("s3cret-pw"))
        #expect(try Self.description(Self.resolve(target: "https://evil.example.com", environment: Self.credentials, trust: true))
            == "https://evil.example.com from the runbook's target")
        #expect(try Self.description(
                Self.resolve(target: "https://evil.example.com", commandLine: "https://ocp.example.com", environment: Self.credentials))
            == "https://ocp.example.com from --target")
        var env = Self.credentials
        env["RUNBOOK_TARGET"] = "https://ocp.example.com"
        #expect(try Self.description(Self.resolve(target: nil, environment: env)) == "https://ocp.example.com from RUNBOOK_TARGET")
        // Without credentials a runbook's own target is used as it is.
        #expect(try Self.description(Self.resolve(target: "https://ocp.example.com")) == "https://ocp.example.com from the runbook's target")
    }

    @Test func theCredentialsFileMayNameTheTarget() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("creds-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("ocp.yaml").path
        try "user: admin\npassword: pw-in-file\ntarget: https://ocp.example.com:8080\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        chmod(file, 0o600)
        let result = try Self.resolve(target: "https://other.example.com", file: file)
        #expect(Self.description(result) == "https://ocp.example.com:8080 from the credentials file's target")
    }

    @Test func plainHTTPWithCredentialsBeyondLoopbackIsRefused() throws {
        let remote = try Self.resolve(target: nil, commandLine: "http://ocp.example.com:8080", environment: Self.credentials)
        guard case .failure(let problem) = remote else {
            Issue.record("sent in clear to \(Self.description(remote))")
            return
        }
        #expect(problem.message.contains("--allow-plain-http"))
        #expect(try Self.description(
                Self.resolve(target: nil, commandLine: "http://ocp.example.com:8080", environment: Self.credentials, plain: true))
            == "http://ocp.example.com:8080 from --target")
        for loopback in ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"] {
            #expect(try Self.description(Self.resolve(target: nil, commandLine: loopback, environment: Self.credentials))
                == "\(loopback) from --target")
        }
        // Without credentials nothing secret crosses the network.
        #expect(try Self.description(Self.resolve(target: nil, commandLine: "http://ocp.example.com:8080"))
            == "http://ocp.example.com:8080 from --target")
        // A name that merely starts like a loopback address is another host.
        for lookalike in [
            "http://127.evil.example:1", "http://127.0.0.1.evil.example", "http://127.0.0.1.nip.io",
            "http://127.999.999.999", "http://localhost.evil.com",
        ] {
            let result = try Self.resolve(target: nil, commandLine: lookalike, environment: Self.credentials)
            guard case .failure(let problem) = result else {
                Issue.record("credentials sent in clear to \(lookalike)")
                continue
            }
            #expect(problem.message.contains("--allow-plain-http"), "\(lookalike)")
        }
    }

    @Test(arguments: ["http://127.0.0.1:99999999999999999999", "http://127.0.0.1:65536", "http://127.0.0.1:0", "http://h:8o80", "http://h:"])
    func aPortOutOfRangeIsRefused(_ target: String) throws {
        let result = try Self.resolve(target: nil, commandLine: target)
        guard case .failure(let problem) = result else {
            Issue.record("ran against \(Self.description(result))")
            return
        }
        #expect(problem.message.contains("which is not a port (1 to 65535)"), "\(problem.message)")
        #expect(TargetText.problem(target)?.contains("which is not a port (1 to 65535)") == true)
    }

    @Test func aTargetWithCredentialsInItIsRefusedWithoutRepeatingThem() throws {
        let result = try Self.resolve(target: nil, environment: ["RUNBOOK_TARGET": "https://admin:hunter22@ocp.example.com"])
        guard case .failure(let problem) = result else {
            Issue.record("ran against \(Self.description(result))")
            return
        }
        #expect(problem.message.contains("carries credentials"))
        #expect(!problem.description.contains("hunter22"))
        let empty = try Self.resolve(target: nil, environment: ["RUNBOOK_TARGET": ""])
        #expect(Self.description(empty).hasPrefix("refused: RUNBOOK_TARGET is set but empty"))
    }
}
