import Foundation
import OCPHTTPServer
import OCPModel
import OCPSimulation
import RunbookReport
import RunbookStepLog
import RunbookTestSupport
import Synchronization
import Testing

@_spi(Testing) import OCPHTTPServer

/// `runbook resume` after a SIGKILL at many points of a failover drill against a served
/// simulator: the failover POST reaches the server exactly once, the resumed run ends as an
/// uninterrupted one would, and the one journal tells the whole story.
@Suite struct ResumeTests {
    static let drill = """
        runbook: Fail over cluster 6, resumably
        vars:
          standby: 6
          rto: 30m
          ticket: "6"
        steps:
          - note: start ${ticket}
          - failover cluster: ${standby}
            as: drill
          - await task drill status: SUCCESS
            timeout: ${rto}
          - assert cluster 6 type: PRIMARY
          - assert task drill status: SUCCESSFUL
        finally:
          - sleep: 1s
          - note: done
        """

    /// Where the run is killed: once the journal holds a record matching `after`.
    struct Point: Sendable, CustomTestStringConvertible {
        var name: String
        var after: @Sendable (JournalLine) -> Bool
        /// More wall time after that, to land inside what follows.
        var wait: Duration = .zero
        var testDescription: String { name }
    }

    static func started(_ label: String) -> @Sendable (JournalLine) -> Bool {
        { if case .stepStarted(let s) = $0.record { s.position.label == label } else { false } }
    }

    static func finished(_ label: String) -> @Sendable (JournalLine) -> Bool {
        { if case .stepFinished(let s) = $0.record { s.position.label == label } else { false } }
    }

    static let points: [Point] = [
        Point(name: "before the POST", after: { if case .runStarted = $0.record { true } else { false } }),
        Point(name: "during the POST (its answer held back)", after: started("steps[1]"), wait: .milliseconds(300)),
        Point(name: "right after the POST", after: finished("steps[1]")),
        Point(name: "during the await", after: started("steps[2]"), wait: .milliseconds(500)),
        Point(name: "between the assertions", after: finished("steps[3]")),
        Point(name: "in finally", after: started("finally[0]"), wait: .milliseconds(300)),
    ]

    @Test(arguments: points)
    func aKilledRunResumesWithOneFailoverPOST(_ point: Point) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(Self.drill, to: folder, as: "drill.yaml")
        let journal = folder.appendingPathComponent("drill.jsonl").path
        // 1 min 44 s of failover in 1.7 s of wall time; the failover's answer held back 1 s.
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: SimulationClock(speed: .factor(60)))
        let interposer: OCPServer.Interposer = { head, forward in
            let response = await forward()
            if head.method == "POST", head.path.hasSuffix("/failover") { try await Task.sleep(for: .seconds(1)) }
            return response
        }
        try await LiveServer.with(simulator, interposer: interposer) { server in
            let killed = try await Self.runAndKill(["run", file, "--target", server.url, "--log", journal, "--var", "rto=20m"], in: folder, journal: journal, at: point)
            #expect(killed, "the run ended before it could be killed \(point.name)")
            let resumed = try await CLI.run(["resume", journal, "--target", server.url], in: folder)
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(server.log.count("POST", endingWith: "/clusters/6/failover") == 1, "\(point.name)")
        }
        let lines = try String(contentsOfFile: journal, encoding: .utf8).split(separator: "\n").map {
            try JSONDecoder().decode(JournalLine.self, from: Data($0.utf8))
        }
        // One run: one runId, a run-started, a run-resumed, and the end of an uninterrupted run.
        #expect(Set(lines.compactMap(\.runId)).count == 1)
        let records = lines.map(\.record)
        #expect(records.count { if case .runStarted = $0 { true } else { false } } == 1)
        #expect(records.count { if case .runResumed = $0 { true } else { false } } == 1)
        guard case .runFinished(let end)? = records.last else {
            Issue.record("the journal does not end with run-finished")
            return
        }
        #expect(end.outcome == .passed, "\(end.reason ?? "")")
        #expect(end.counts == StepCounts(passed: 7), "\(end.counts)")
        #expect(end.recoveries.map(\.outcome) == [.completed])
        // Every step's last word is passed.
        var last: [String: StepOutcome] = [:]
        for case .stepFinished(let s) in records { last[s.position.label] = s.outcome }
        #expect(last.count == 7 && last.values.allSatisfy { $0 == .passed })
        // Its report shows the one run: each step once by how it ended, an attempt the kill cut
        // short as interrupted, the recovery on the whole run's clock, a JUnit case per step.
        let report = try DrillReport.read(path: journal)
        #expect(report.verdict == .passed)
        #expect(report.counts == StepCounts(passed: 7), "\(report.counts)")
        #expect(report.segments.count == 2)
        #expect(!report.steps.contains { $0.outcome == "unfinished" })
        #expect(report.steps.count { $0.outcome == "interrupted" } <= 1)
        #expect(report.recoveries.allSatisfy { $0.calledAtMs >= 0 }, "\(report.recoveries.map(\.calledAtMs))")
        let junit = try ReportFormat.junit.render(report)
        // A case per step (steps and finally) and one for the run outcome.
        #expect(junit.components(separatedBy: "<testcase ").count - 1 == 7 + 1)
        // Every call OCP saw is in the report, the resumed run's reads of restored steps included.
        var journalCalls = 0
        for case .stepFinished(let s) in records { journalCalls += s.calls.count { !$0.isNoteOnly } }
        #expect(report.callCount == journalCalls)
        // The variables came back as they were: the text "6" is still text, `--var rto=20m` still 20m.
        var phrases: [String: Set<String>] = [:]
        for case .stepStarted(let s) in records { phrases[s.position.label, default: []].insert(s.phrase) }
        #expect(phrases["steps[0]"] == ["note: start 6"], "\(phrases)")
        #expect(phrases["steps[2]"]?.allSatisfy { $0.contains("20m") || !$0.contains("30m") } == true, "\(phrases)")
    }

    /// A tenant batch failover and a fleet failed over in parallel, killed during their POSTs and
    /// during their awaits: every failover POST reaches the server once.
    static let batches: [(String, String, String, Int)] = [
        (
            "tenant batch",
            """
            runbook: Fail over every standby tenant of Shanghai, resumably
            simulate:
              tenants: []
            steps:
              - failover tenants of cluster: 3000010
                as: takeover
              - await task takeover status: SUCCESS
              - assert tenant 2000025 role: PRIMARY
            """, "/tenants/failover", 3
        ),
        (
            "fleet in parallel",
            """
            runbook: Fail over a fleet, resumably
            vars:
              standbys: [2, 4, 6, 8]
            steps:
              - in parallel for each standby in ${standbys}:
                  - failover cluster: ${standby}
                  - await task status: SUCCESS
            """, "/failover", 9
        ),
    ]

    @Test(arguments: [0, 1], ["during the POSTs", "during the awaits"])
    func aKilledBatchResumesWithOneCallPerFailover(_ which: Int, _ when: String) async throws {
        let (name, drill, suffix, steps) = Self.batches[which]
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(drill, to: folder, as: "drill.yaml")
        let journal = folder.appendingPathComponent("drill.jsonl").path
        let setup =
            which == 0
            ? SimulationSetup(
                tenants: [
                    TenantSpec(id: 2_000_022, name: "orders", cluster: 3_000_009, role: "PRIMARY", reachable: false),
                    TenantSpec(id: 2_000_025, name: "orders", cluster: 3_000_010, role: "STANDBY", primary: 2_000_022),
                ]) : SimulationSetup(clusters: SimulationSetup.pairs(4))
        // A tenant failover takes 10 s, a cluster's 1 min 44 s: both some wall seconds here, the
        // tenant's long enough after its held-back POST for the kill to land in the await.
        let simulator = OCPSimulator(setup: setup, clock: SimulationClock(speed: .factor(which == 0 ? 3 : 60)))
        let interposer: OCPServer.Interposer = { head, forward in
            let response = await forward()
            if head.method == "POST", head.path.hasSuffix(suffix) { try await Task.sleep(for: .seconds(1)) }
            return response
        }
        let awaiting: @Sendable (JournalLine) -> Bool = {
            if case .stepStarted(let s) = $0.record { s.phrase.hasPrefix("await") } else { false }
        }
        let posting: @Sendable (JournalLine) -> Bool = {
            if case .stepStarted(let s) = $0.record { s.phrase.contains("failover") } else { false }
        }
        let point = when == "during the POSTs"
            ? Point(name: when, after: posting, wait: .milliseconds(300))
            : Point(name: when, after: awaiting, wait: .milliseconds(300))
        try await LiveServer.with(simulator, interposer: interposer) { server in
            let killed = try await Self.runAndKill(
                ["run", file, "--target", server.url, "--log", journal], in: folder, journal: journal, at: point)
            #expect(killed, "\(name): the run ended before it could be killed \(when)")
            let resumed = try await CLI.run(["resume", journal, "--target", server.url], in: folder)
            #expect(resumed.status == 0, "\(name): \(resumed.stdout)\(resumed.stderr)")
            // One POST per failover: one batch call, or one per cluster of the fleet.
            let posts = server.log.records.filter { $0.method == "POST" && $0.path.hasSuffix(suffix) }
            let distinct = Set(posts.map(\.path))
            #expect(posts.count == distinct.count, "\(name) \(when): \(posts.map(\.path))")
            #expect(distinct.count == (which == 0 ? 1 : 4), "\(name) \(when): \(posts.map(\.path))")
        }
        let records = try CLI.journal(at: journal)
        guard case .runFinished(let end)? = records.last else {
            Issue.record("\(name): the journal does not end with run-finished")
            return
        }
        #expect(end.outcome == .passed, "\(name) \(when): \(end.reason ?? "")")
        var last: [String: StepOutcome] = [:]
        for case .stepFinished(let s) in records { last[s.position.label] = s.outcome }
        #expect(last.count == steps && last.values.allSatisfy { $0 == .passed }, "\(name): \(last)")
    }

    @Test func anEmbeddedRunCannotBeResumed() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(Self.drill, to: folder, as: "drill.yaml")
        let journal = folder.appendingPathComponent("drill.jsonl").path
        let point = Point(name: "during the await", after: Self.started("steps[2]"))
        #expect(try await Self.runAndKill(["run", file, "--speed", "realtime", "--log", journal], in: folder, journal: journal, at: point))
        let resumed = try await CLI.run(["resume", journal], in: folder)
        #expect(resumed.status == 2)
        #expect(resumed.stderr.contains("is an embedded run's: its simulator's state ended with the process, so it cannot be resumed"))
        #expect(resumed.stderr.contains("runbook serve"))
    }

    @Test func aFinishedRunAChangedFileAndAnotherTargetAreRefused() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(Self.drill, to: folder, as: "drill.yaml")
        let journal = folder.appendingPathComponent("drill.jsonl").path
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: SimulationClock(speed: .factor(60)))
        try await LiveServer.with(simulator) { server in
            let point = Point(name: "during the await", after: Self.started("steps[2]"))
            #expect(try await Self.runAndKill(["run", file, "--target", server.url, "--log", journal, "--var", "rto=20m"], in: folder, journal: journal, at: point))
            // Another target.
            let other = try await CLI.run(["resume", journal, "--target", "http://127.0.0.1:1"], in: folder)
            #expect(other.status == 2)
            #expect(other.stderr.contains("the run went to \(server.url), and this resume would go to http://127.0.0.1:1"), "\(other.stderr)")
            // A changed file, refused, then resumed with --force, which the journal records.
            try (Self.drill + "\n  - note: added\n").write(toFile: file, atomically: true, encoding: .utf8)
            let changed = try await CLI.run(["resume", journal, "--target", server.url], in: folder)
            #expect(changed.status == 2)
            #expect(changed.stderr.contains("changed since the run started"), "\(changed.stderr)")
            let forced = try await CLI.run(["resume", journal, "--target", server.url, "--force"], in: folder)
            #expect(forced.status == 0, "\(forced.stdout)\(forced.stderr)")
            let resumed = try CLI.journal(at: journal).compactMap { if case .runResumed(let r) = $0 { r } else { nil } }
            #expect(resumed.map(\.forced) == [true])
            // Its report says the resumed segment ran another file, with both digests.
            let report = try DrillReport.read(path: journal)
            let warning = report.warnings.first { $0.contains("ran a different runbook file") }
            #expect(warning?.contains("with --force") == true, "\(report.warnings)")
            #expect(warning?.contains(resumed.first?.sha256 ?? "?") == true && warning?.contains(report.sha256) == true)
            #expect(report.segments.map(\.forced) == [nil, true])
            // A finished run: nothing to resume.
            let again = try await CLI.run(["resume", journal, "--target", server.url, "--force"], in: folder)
            #expect(again.status == 2)
            #expect(again.stderr.contains("finished (passed"), "\(again.stderr)")
            #expect(server.log.count("POST", endingWith: "/clusters/6/failover") == 1)
        }
    }

    @Test func anInterruptedRunSaysHowToResume() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(Self.drill, to: folder, as: "drill.yaml")
        let journal = folder.appendingPathComponent("drill.jsonl").path
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: SimulationClock(speed: .factor(40)))
        try await LiveServer.with(simulator) { server in
            let result = try await CLI.run(
                ["run", file, "--target", server.url, "--log", journal, "--var", "rto=20m"], in: folder, signal: SIGTERM,
                after: "✔ failover cluster: 6")
            #expect(result.status == 130)
            let command = "runbook resume \(journal) --target \(server.url)"
            #expect(result.stdout.contains("task 171603 (failover of cluster 6) is still running on OCP: to continue the run, with no call sent twice: \(command)"), "\(result.stdout)")
            guard case .runFinished(let end)? = try CLI.journal(at: journal).last else {
                Issue.record("no run-finished")
                return
            }
            #expect(end.reason?.contains(command) == true)
            // And it does, as printed.
            let resumed = try await CLI.run(["resume", journal, "--target", server.url], in: folder)
            #expect(resumed.status == 0, "\(resumed.stdout)\(resumed.stderr)")
            #expect(server.log.count("POST", endingWith: "/clusters/6/failover") == 1)
            // The report counts each step once, by how it ended last: the steps the interruption
            // skipped and the `finally` run on the way out were run again, and the run passed.
            let report = try DrillReport.read(path: journal)
            #expect(report.verdict == .passed)
            #expect(report.counts == StepCounts(passed: 7), "\(report.counts)")
            let standing = report.steps.filter { $0.outcome != "interrupted" }.map(\.position.label)
            #expect(standing.count == 7 && Set(standing).count == 7, "\(standing)")
            let junit = try ReportFormat.junit.render(report)
            #expect(junit.components(separatedBy: "<testcase ").count - 1 == 7 + 1)
            #expect(!junit.contains("<failure") && !junit.contains("<error") && !junit.contains("<skipped"), "\(junit)")
        }
    }

    /// Starts the binary and SIGKILLs it once the journal shows `point`; whether it was still
    /// running then.
    static func runAndKill(_ arguments: [String], in folder: URL, journal: String, at point: Point) async throws -> Bool {
        let binary = try RunbookBinary.require()
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = folder
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("OCP_") && !$0.key.hasPrefix("RUNBOOK_") }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        var seen = false
        while !seen, process.isRunning, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
            guard let text = try? String(contentsOfFile: journal, encoding: .utf8) else { continue }
            seen = text.split(separator: "\n").contains { line in
                (try? JSONDecoder().decode(JournalLine.self, from: Data(line.utf8))).map(point.after) ?? false
            }
        }
        if seen, point.wait > .zero { try await Task.sleep(for: point.wait) }
        let running = process.isRunning
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return seen && running
    }
}
