import Foundation
import Synchronization
import RunbookTestSupport
import Testing

@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport
@testable import RunbookYAML

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `runbook run` as a user runs it: the built binary, its exit status, its output, its journal,
/// and what a signal does to it.
@Suite(.serialized)
struct RunCommandTests {
    // MARK: - Exit status

    @Test func passingRunExitsZeroAndWritesNoLogWithNoLog() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--no-log"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("✔ await task status: SUCCESSFUL  task 171603  1m45s\n"))
        #expect(result.stdout.contains("PASSED  7 passed in 1m45s simulated"))
        #expect(result.stdout.contains("recovery: failover of cluster 6 (task 171603) SUCCESSFUL in 1m44s"))
        // Not a terminal: plain lines, no colour, no live line.
        #expect(!result.stdout.contains("\u{1B}["))
        #expect(!result.stdout.contains("step log:"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runbook-logs").path))
    }

    @Test func failingRunExitsOne() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["run", CLI.example("rollback-refused.yaml"), "--no-log"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("✘ rollback task drill  0s\n"))
        #expect(result.stdout.contains("HTTP 400 TSK10009"))
        #expect(result.stdout.contains("FAILED  4 passed, 2 failed, 1 skipped"))
    }

    @Test func invalidRunbookExitsTwoAndRunsNothing() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(
            """
            runbook: Typo
            steps:
              - failover cluster: 6
              - awiat task status: SUCCESS
            """, to: folder, as: "typo.yaml")
        let result = try await CLI.run(["run", file], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("typo.yaml:4:5: error: unknown phrase 'awiat task status'; did you mean 'await task status'?"))
        #expect(result.stderr.contains("typo.yaml is invalid (1 error); nothing was run"))
        #expect(result.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runbook-logs").path))
    }

    @Test func unusableCredentialsExitTwoAndSendNothing() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(
            [
                "run", CLI.example("failover-drill.yaml"), "--target", "https://ocp.invalid:8080", "--credentials",
                folder.appendingPathComponent("missing.yaml").path, "--no-log",
            ], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.yaml cannot be read"))
    }

    /// `target: ${env.X}` with X unset must not quietly run on the simulator and pass.
    @Test func aTargetReadingAnUnsetVariableRunsNothing() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try CLI.write(
            "runbook: t\ntarget: ${env.RUNBOOK_TEST_UNSET_TARGET}\nsteps:\n  - failover cluster: 6\n  - await task status: SUCCESS\n",
            to: folder, as: "t.yaml")
        let result = try await CLI.run(["run", path], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("t.yaml:2:9: error: the runbook's target '${env.RUNBOOK_TEST_UNSET_TARGET}' reads RUNBOOK_TEST_UNSET_TARGET, which is not set"))
        #expect(!result.stdout.contains("PASSED"))
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("runbook-logs").path))
        // `check` warns of it, and passes.
        let check = try await CLI.run(["check", path], in: folder)
        #expect(check.status == 0)
        #expect(check.stderr.contains("t.yaml:2:9: warning: the target reads ${env.RUNBOOK_TEST_UNSET_TARGET}, which is not set here"))
    }

    /// A runbook that prints a credential shows `***` instead, on the terminal and in the journal.
    @Test func secretsNeverReachTheTerminalOrTheJournal() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try CLI.write(
            """
            runbook: t
            vars:
              pw: ${env.OCP_PASSWORD}
            steps:
              - note: "the password is ${env.OCP_PASSWORD}, the token ${env.DEPLOY_TOKEN}"
              - note: ${pw}
                name: "step with ${pw}"
            """, to: folder, as: "t.yaml")
        let journal = folder.appendingPathComponent("j.jsonl").path
        let result = try await CLI.run(
            ["run", path, "--log", journal, "--verbose"], in: folder,
            environment: ["OCP_PASSWORD": "hunter2-\"quoted\"", "DEPLOY_TOKEN": "tok-0123456789"])
        #expect(result.status == 0, "\(result.stderr)")
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        for secret in ["hunter2", "tok-0123456789"] {
            #expect(!result.stdout.contains(secret))
            #expect(!result.stderr.contains(secret))
            #expect(!text.contains(secret))
        }
        #expect(result.stdout.contains("step with ***"))
        #expect(text.contains("the password is ***, the token ***"))
    }

    @Test func aCredentialIsHiddenInTheDiagnosticsThatQuoteValues() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = try CLI.write(
            """
            runbook: t
            vars:
              rto: 30m
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timeout: ${rto}
            """, to: folder, as: "t.yaml")
        let credentials = try CLI.write("user: admin\npassword: filepw-123\n", to: folder, as: "c.yaml")
        chmod(credentials, 0o600)
        let env = ["OCP_USER": "admin", "OCP_PASSWORD": "envpw-456"]
        let cases: [([String], String)] = [
            (["run", path, "--var", "rto=envpw-456", "--target", "http://127.0.0.1:1", "--no-log"], "envpw-456"),
            (["plan", path, "--var", "rto=envpw-456", "--target", "http://127.0.0.1:1"], "envpw-456"),
            (["check", path, "--var", "rto=envpw-456"], "envpw-456"),
            (["check", path, "--var", "rto=envpw-456", "--format", "json"], "envpw-456"),
            (["run", path, "--var", "rto=filepw-123", "--credentials", credentials, "--target", "http://127.0.0.1:1", "--no-log"], "filepw-123"),
        ]
        for (arguments, secret) in cases {
            let result = try await CLI.run(arguments, in: folder, environment: env)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "\(arguments)")
            #expect((result.stdout + result.stderr).contains("is '***', which is not a duration"), "\(arguments)")
        }
        // In JSON, a secret that JSON escapes is hidden too, and the output stays JSON (a secret
        // variable whose value is `true` does not touch a JSON `true`).
        let quoted = ["OCP_USER": "admin", "OCP_PASSWORD": "pa\"ss-789", "USE_CREDENTIALS": "true"]
        for command in ["check", "plan"] {
            let result = try await CLI.run(
                [command, path, "--var", "rto=pa\"ss-789", "--format", "json"] + (command == "plan" ? ["--target", "http://127.0.0.1:1"] : []),
                in: folder, environment: quoted)
            #expect(!result.stdout.contains("ss-789"), "\(command): \(result.stdout)")
            #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "\(command): \(result.stdout)")
        }
        let sarif = try await CLI.run(["check", path, "--var", "rto=pa\"ss-789", "--format", "sarif"], in: folder, environment: quoted)
        #expect(!sarif.stdout.contains("ss-789"))
        #expect((try? JSONSerialization.jsonObject(with: Data(sarif.stdout.utf8))) != nil, "\(sarif.stdout)")
    }

    @Test func aVarNothingUsesIsAnError() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        for command in ["run", "plan", "check"] {
            let result = try await CLI.run([command, CLI.example("failover-drill.yaml"), "--var", "standy=8"], in: folder)
            #expect(result.status == 2, "\(command)")
            #expect(
                result.stderr.contains("error: '--var standy=...': the runbook \(CLI.example("failover-drill.yaml")) neither declares nor uses a variable 'standy'; did you mean 'standby'?"),
                "\(command): \(result.stderr)")
        }
        // A name declared and used is listed once among the variables.
        let path = try CLI.write(
            "runbook: t\nvars:\n  standby: 6\nsteps:\n  - failover cluster: ${standby}\n  - await task status: SUCCESS\n    timeout: ${rto}\n",
            to: folder, as: "t.yaml")
        let listed = try await CLI.run(["check", path, "--var", "rto=5m", "--var", "zzz=1"], in: folder)
        #expect(listed.status == 2)
        #expect(listed.stderr.contains("its variables are 'standby' and 'rto'"), "\(listed.stderr)")
    }

    @Test func helpDocumentsTheSpeedOverride() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["run", "--help"], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("--speed <speed>"))
        #expect(result.stdout.contains("Override the simulator's speed"))
        let bad = try await CLI.run(["run", CLI.example("failover-drill.yaml"), "--speed", "fast"], in: folder)
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("--speed 'fast' is not a speed"))
    }

    @Test(arguments: [false, true])
    func confirmWithoutATerminalNeedsYes(yes: Bool) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(
            """
            runbook: Gate
            steps:
              - confirm: Is the primary region lost?
              - failover cluster: 6
              - await task status: SUCCESS
            """, to: folder, as: "gate.yaml")
        let result = try await CLI.run(["run", file, "--no-log"] + (yes ? ["--yes"] : []), in: folder)
        if yes {
            #expect(result.status == 0, "\(result.stdout)")
            #expect(result.stdout.contains("✔ confirm: Is the primary region lost?  0s\n"))
        } else {
            // Standard input is not a terminal: the gate fails and nothing after it runs.
            #expect(result.status == 1)
            #expect(
                result.stdout.contains(
                    "Is the primary region lost?: no terminal to ask on; run with --yes to confirm without asking"))
            #expect(result.stdout.contains("- failover cluster: 6  skipped\n"))
            #expect(!result.stdout.contains("recovery:"))
        }
    }

    @Test func varOverridesAVariable() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--no-log", "--var", "rto=20s"], in: folder)
        #expect(result.status == 1)
        #expect(result.stdout.contains("the step's timeout (20s) passed while awaiting task 171603 status SUCCESSFUL"))
    }

    @Test func verboseShowsCallsAndObservations() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--no-log", "--verbose"], in: folder)
        #expect(result.status == 0)
        #expect(result.stdout.contains("→ POST /api/v2/ob/clusters/6/failover 200 trace "))
        #expect(result.stdout.contains("· Failover to Primary: RUNNING → SUCCESSFUL"))
        #expect(result.stdout.contains("· cluster 6 obcluster-sh: PRIMARY RUNNING"))
    }

    // MARK: - The journal

    @Test func logWritesTheJournalWhereAskedAndPrintsItsPath() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("logs/drill.jsonl").path
        let result = try await CLI.run(
            ["run", CLI.example("failover-with-fault.yaml"), "--speed", "instant", "--log", path], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasSuffix("step log: \(path)\n"))
        let records = try CLI.journal(at: path)
        #expect(records.count == 2 + 2 * 7)
        guard case .runStarted(let started) = records.first, case .runFinished(let finished) = records.last else {
            Issue.record("the journal does not start with run-started and end with run-finished")
            return
        }
        #expect(started.file == CLI.example("failover-with-fault.yaml"))
        #expect(started.sha256 == Digest.sha256Hex(try Engine.exampleBytes("failover-with-fault.yaml")))
        #expect(started.simulationSpeed == "instant")
        #expect(finished.outcome == .passed)
        #expect(finished.counts == StepCounts(passed: 6, continued: 1))
        #expect(finished.recoveries.first?.taskStatus == "SUCCESSFUL")
    }

    @Test func defaultJournalGoesToRunbookLogs() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--quiet"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("runbook-logs").path)
        #expect(logs.count == 1)
        let name = try #require(logs.first)
        #expect(name.wholeMatch(of: /failover-drill-\d{8}T\d{6}\.\d{3}Z\.jsonl/) != nil, "\(name)")
        #expect(result.stdout.contains("step log: runbook-logs/\(name)\n"))
        // --quiet: only failures and the summary.
        #expect(!result.stdout.contains("✔"))
        #expect(result.stdout.contains("PASSED  7 passed"))
        #expect(try CLI.journal(at: folder.appendingPathComponent("runbook-logs/\(name)").path).count == 16)
    }

    // MARK: - Signals

    static let slowRunbook = """
        runbook: A slow drill
        simulate:
          speed: realtime
        steps:
          - note: one
          - note: two
          - sleep: 30s
          - note: never
        finally:
          - note: cleaned up
        """

    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func signalStopsTheRunRunsFinallyAndExits130(signal: Int32) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(Self.slowRunbook, to: folder, as: "slow.yaml")
        let journal = folder.appendingPathComponent("slow.jsonl").path
        let result = try await CLI.run(["run", file, "--log", journal], in: folder, signal: signal, after: "✔ note: two")
        #expect(result.status == 130)
        #expect(result.signalled == false)
        let notice = [
            SIGINT: "runbook: interrupted; stopping", SIGTERM: "runbook: terminated (SIGTERM); stopping",
            SIGHUP: "runbook: the terminal hung up (SIGHUP); stopping as for SIGTERM",
        ]
        #expect(result.stderr.contains(notice[signal] ?? "?"), "\(result.stderr)")
        #expect(result.stdout.contains("✘ sleep: 30s"))
        #expect(result.stdout.contains("✔ note: cleaned up"))
        #expect(result.stdout.contains("INTERRUPTED"))
        // The sleep was cut short: the whole run took far less than its 30 seconds.
        #expect(result.seconds < 10)
        let records = try CLI.journal(at: journal)
        guard case .runFinished(let finished) = records.last else {
            Issue.record("no run-finished record")
            return
        }
        #expect(finished.outcome == .interrupted)
    }

    @Test func sigkillLeavesAJournalOfWholeRecords() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(Self.slowRunbook, to: folder, as: "slow.yaml")
        let journal = folder.appendingPathComponent("slow.jsonl").path
        let result = try await CLI.run(["run", file, "--log", journal], in: folder, signal: SIGKILL, after: "✔ note: two")
        #expect(result.signalled)
        #expect(result.status == SIGKILL)
        let text = try String(contentsOfFile: journal, encoding: .utf8)
        #expect(text.hasSuffix("\n"))
        let records = try CLI.journal(at: journal)
        // Written before "note: two" was shown: the run's start and the first note, whole.
        #expect(records.count >= 4)
        #expect(records.first.map { if case .runStarted = $0 { true } else { false } } == true)
        #expect(!records.contains { if case .runFinished = $0 { true } else { false } })
    }
}

extension RunCommandTests {
    /// `runbook run drill.yaml | head -1`: the run outlives its output.
    @Test func aClosedStandardOutputDoesNotStopTheRun() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("drill.jsonl").path
        // The output is closed at the first step; the rest is written after, once the sleep ends.
        let file = try CLI.write(
            """
            runbook: Outlive the output
            steps:
              - note: one
              - sleep: 300ms
              - note: two
              - note: three
            """, to: folder, as: "drill.yaml")
        let result = try await CLI.run(
            ["run", file, "--speed", "realtime", "--log", journal], in: folder, after: "✔ note: one", closeOutput: true)
        #expect(result.signalled == false, "killed by signal \(result.status)")
        #expect(result.status == 0, "\(result.stderr)")
        let records = try CLI.journal(at: journal)
        guard case .runFinished(let finished)? = records.last else {
            Issue.record("the journal has no run-finished record")
            return
        }
        #expect(finished.outcome == .passed)
        #expect(records.count == 10)
    }
}

extension RunCommandTests {
    /// A disk that fills mid-run: the journal ends at a whole line, the run starts no cluster
    /// action after that, and it exits 4 saying so.
    @Test func aJournalThatCannotBeWrittenStopsTheRunBeforeItsNextAction() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = folder.appendingPathComponent("drill.jsonl").path
        let file = try CLI.write(
            """
            runbook: Fill the disk
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - switchover cluster: 6
            """, to: folder, as: "drill.yaml")
        // 8 KiB: the await's record, with its polls, does not fit.
        let result = try await CLI.run(["run", file, "--log", journal], in: folder, fileSizeLimitBlocks: 16)
        #expect(result.signalled == false, "killed by signal \(result.status)")
        #expect(result.status == 4, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("not started: the step log cannot be written"))
        #expect(result.stdout.contains("STEP LOG FAILED"))
        // Every line is a whole record; the file was cut back to its last whole line.
        let data = try #require(FileManager.default.contents(atPath: journal))
        #expect(data.count <= 8192)
        #expect(data.last == 0x0A)
        let records = try CLI.journal(at: journal)
        #expect(!records.isEmpty)
        #expect(!records.contains { if case .runFinished = $0 { true } else { false } })
    }

    @Test func everyJournalLineCarriesTheRunIdAndDefaultNamesNeverCollide() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write("runbook: t\nsteps:\n  - note: hello\n", to: folder, as: "t.yaml")
        for _ in 0..<3 {
            let result = try await CLI.run(["run", file], in: folder)
            #expect(result.status == 0)
        }
        let logs = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("runbook-logs").path)
        #expect(logs.count == 3)
        var runIds = Set<String>()
        for name in logs {
            let path = folder.appendingPathComponent("runbook-logs").appendingPathComponent(name).path
            let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
                try JSONDecoder().decode(JournalLine.self, from: Data($0.utf8))
            }
            let ids = Set(lines.compactMap(\.runId))
            #expect(ids.count == 1 && lines.allSatisfy { $0.runId != nil })
            runIds.formUnion(ids)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
        #expect(runIds.count == 3)
    }

    @Test func aLogThatHoldsAnotherRunIsRefused() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write("runbook: t\nsteps:\n  - note: hello\n", to: folder, as: "t.yaml")
        let journal = folder.appendingPathComponent("t.jsonl").path
        #expect(try await CLI.run(["run", file, "--log", journal], in: folder).status == 0)
        let before = try String(contentsOfFile: journal, encoding: .utf8)
        let again = try await CLI.run(["run", file, "--log", journal], in: folder)
        #expect(again.status == 4)
        #expect(again.stderr.contains("exists already, and a run never writes into another's"))
        #expect(try String(contentsOfFile: journal, encoding: .utf8) == before)
    }
}

extension RunCommandTests {
    /// A message says `error:` once.
    @Test func errorsSayErrorOnce() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try await CLI.run(["run", "missing.yaml"], in: folder)
        #expect(missing.status == 2)
        #expect(missing.stderr == "missing.yaml:1:1: error: no such file\n")
        let file = try CLI.write("runbook: t\ntarget: ${env.RUNBOOK_NOT_SET}\nsteps:\n  - note: a\n", to: folder, as: "t.yaml")
        let unset = try await CLI.run(["run", file, "--no-log"], in: folder)
        #expect(unset.status == 2)
        let lines = unset.stderr.split(separator: "\n")
        #expect(lines.last?.hasSuffix("t.yaml:2:9: error: the runbook's target '${env.RUNBOOK_NOT_SET}' reads RUNBOOK_NOT_SET, which is not set: set it, or choose the target with --target or RUNBOOK_TARGET (nothing was run)") == true)
        #expect(!unset.stderr.contains("error: error") && !unset.stderr.contains("runbook: error: /"))
    }
}

extension RunCommandTests {
    @Test func checkReportsEveryDuplicateKey() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(
            "runbook: t\nrunbook: u\nsteps:\n  - note: a\n    name: x\n    name: y\n", to: folder, as: "d.yaml")
        let result = try await CLI.run(["check", file], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr.contains("d.yaml:2:1: error: duplicate key 'runbook' in this mapping (first at line 1)"))
        #expect(result.stderr.contains("d.yaml:6:5: error: duplicate key 'name' in this mapping (first at line 5)"))
    }
}

// MARK: - Running the binary

enum CLI {
    static func example(_ name: String) -> String {
        TestFiles.packageRoot.appendingPathComponent("examples").appendingPathComponent(name).path
    }

    static func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func write(_ text: String, to folder: URL, as name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// Every line of a journal, decoded; fails on a line that is not a whole record.
    static func journal(at path: String) throws -> [StepLogRecord] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(StepLogRecord.self, from: Data($0.utf8))
        }
    }

    struct Result {
        var status: Int32
        /// The process ended by a signal (`status` is then the signal's number).
        var signalled: Bool
        var stdout: String
        var stderr: String
        /// Wall-clock seconds from launch to exit.
        var seconds: Double
    }

    /// Runs the binary in `folder` with a plain environment (no NO_COLOR games, no OCP credentials),
    /// with SIGPIPE at its default as a shell starts it (this test process ignores it). With
    /// `signal`, sends it once standard output shows `marker`; with `closeOutput`, closes the
    /// reading end of its standard output there instead (`| head`). A run still going after 60 s
    /// is killed, so a hung run fails the test instead of hanging the suite.
    static func run(
        _ arguments: [String], in folder: URL, signal: Int32? = nil, after marker: String = "",
        closeOutput: Bool = false, fileSizeLimitBlocks: Int? = nil, environment extra: [String: String] = [:]
    ) async throws -> Result {
        let binary = try RunbookBinary.require()
        return try await withCheckedThrowingContinuation { continuation in
            // Blocking reads and waits run on a thread of their own, not on the test's executor.
            Thread.detachNewThread {
                do {
                    continuation.resume(
                        returning: try runBlocking(
                            binary, arguments, folder, signal, marker, closeOutput, fileSizeLimitBlocks, extra))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    private static func runBlocking(
        _ binary: URL, _ arguments: [String], _ folder: URL, _ signal: Int32?, _ marker: String,
        _ closeOutput: Bool, _ fileSizeLimitBlocks: Int?, _ extra: [String: String]
    ) throws -> Result {
        let process = Process()
        if let fileSizeLimitBlocks {
            // `ulimit -f` counts blocks of 512 bytes in POSIX sh.
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments =
                ["-c", "ulimit -f \(fileSizeLimitBlocks) && exec \"$0\" \"$@\"", "/usr/bin/env", "--default-signal=PIPE", binary.path]
                + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["--default-signal=PIPE", binary.path] + arguments
        }
        process.currentDirectoryURL = folder
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OCP_") && !$0.key.hasPrefix("RUNBOOK_") }
        environment.merge(extra) { $1 }
        environment["NO_COLOR"] = nil
        process.environment = environment
        let out = Pipe()
        let errURL = folder.appendingPathComponent(".stderr-\(UUID().uuidString)")
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let err = try FileHandle(forWritingTo: errURL)
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let started = ContinuousClock.now
        try process.run()
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 60, execute: watchdog)
        var stdout = Data()
        var signalled = signal == nil
        while true {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            stdout.append(chunk)
            if !signalled, let signal, String(decoding: stdout, as: UTF8.self).contains(marker) {
                kill(process.processIdentifier, signal)
                signalled = true
            }
            if closeOutput, String(decoding: stdout, as: UTF8.self).contains(marker) {
                try out.fileHandleForReading.close()
                break
            }
        }
        process.waitUntilExit()
        watchdog.cancel()
        try err.close()
        let stderr = (try? String(contentsOf: errURL, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: errURL)
        return Result(
            status: process.terminationStatus, signalled: process.terminationReason == .uncaughtSignal,
            stdout: String(decoding: stdout, as: UTF8.self), stderr: stderr,
            seconds: started.duration(to: .now).secondsDouble)
    }
}
