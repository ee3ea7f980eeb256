import Foundation
import Testing

@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport
import RunbookTestSupport

/// The journals the report tests render, made from the examples on the embedded simulator at
/// `instant` speed with fixed clocks and ids, and kept in `Tests/RunbookReportTests/Fixtures/`.
///
/// Everything a journal holds is fixed but what the wall clock measures (a step's and the run's
/// wall time, a call's duration) and the order parallel items finish in: the wall figures are
/// written as a 60x rehearsal would take them (a sixtieth of the simulated time; 2.5 ms a call),
/// so the same scenario writes the same journal, up to the order of parallel items.
/// `RUNBOOK_UPDATE_FIXTURES=1 swift test --filter JournalFixtureTests` writes them anew.
enum JournalFixtures {
    struct Scenario: Sendable {
        var name: String
        var example: String
        /// Text of the example replaced, to make a variant of it.
        var replacements: [(String, String)] = []
        var origin: Date
        var target = "embedded"
        var identity: String?
        var notes: [String] = []
        var speed: String? = "60x"
        var assumeYes = false
        var confirm: Bool? = nil
        /// Interrupt the run when a wait sees this subtask (1-based) of its task running.
        var interruptAtSubtask: Int?
        /// Keep this many whole lines, then half of the next one (a kill while writing it).
        var killAfterLines: Int?
    }

    static let folder = "Tests/RunbookReportTests/Fixtures"

    static func date(_ text: String) -> Date {
        Date(timeIntervalSince1970: Double(OCPTimestamp(text)?.millisecondsSince1970 ?? 0) / 1000)
    }

    static let scenarios: [Scenario] = [
        Scenario(
            name: "passed", example: "region-loss-rto.yaml",
            replacements: [
                (
                    "  - failover tenants of cluster: 3000010\n",
                    "  - confirm: Fail every orders tenant of ob-hz over to Shanghai?\n  - failover tenants of cluster: 3000010\n"
                )
            ], origin: date("2026-09-01T02:00:00.000Z"), assumeYes: true),
        Scenario(
            name: "failed", example: "failover-with-fault.yaml",
            replacements: [
                ("      fail: 1\n", "      fail: 3\n"),
                ("steps:\n", "steps:\n  - confirm: Fail cluster ${standby} over for real?\n"),
                (
                    "  - assert cluster ${standby} type: PRIMARY\n",
                    "  - assert cluster ${standby} type: PRIMARY\non failure:\n  - note: the failover did not complete; page the DBA on call <oncall@example.com>\nfinally:\n  - note: \"drill over: <b>check</b> the \\\"orders\\\" & 'payments' dashboards\"\n"
                ),
            ], origin: date("2026-10-05T08:30:00.000Z"), target: "https://ocp.example.com:8080",
            identity: "AK/SK (key AKIDEXAMPLE3F9E)", notes: ["TLS certificate verification is off (--insecure)"],
            speed: nil, confirm: true),
        Scenario(
            name: "interrupted", example: "failover-drill.yaml", origin: date("2026-10-12T09:00:00.000Z"),
            interruptAtSubtask: 3),
        Scenario(
            name: "killed", example: "failover-drill.yaml", origin: date("2026-10-19T09:00:00.000Z"), killAfterLines: 8),
        Scenario(name: "fleet-20", example: "fleet-failover.yaml", origin: date("2026-11-02T01:00:00.000Z")),
        Scenario(name: "tenant-batch", example: "tenant-region-loss.yaml", origin: date("2026-11-09T01:00:00.000Z")),
        Scenario(
            name: "region-q2", example: "region-loss-rto.yaml", replacements: [("reroute: 40s", "reroute: 11m")],
            origin: date("2026-06-01T02:00:00.000Z")),
        Scenario(
            name: "region-q4", example: "region-loss-rto.yaml", replacements: [("reroute: 40s", "reroute: 90s")],
            origin: date("2026-12-01T02:00:00.000Z")),
    ]

    /// The journal of `scenario`, as the bytes of its file.
    static func journal(_ scenario: Scenario) async throws -> [UInt8] {
        var text = String(decoding: try Engine.exampleBytes(scenario.example), as: UTF8.self)
        for (from, to) in scenario.replacements {
            try #require(text.contains(from), "examples/\(scenario.example) has no \(from)")
            text = text.replacingOccurrences(of: from, with: to)
        }
        let runbook = try Engine.check(text, file: "examples/\(scenario.example)")
        var setup = runbook.simulate.map(SimulationSetup.init) ?? SimulationSetup()
        setup.speed = .instant
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: setup, clock: clock, options: .starting(at: scenario.origin))
        let memory = MemoryStepLog()
        let answer = scenario.confirm
        let index = scenarios.firstIndex { $0.name == scenario.name } ?? 0
        var configuration = RunConfiguration(
            runId: "00000000-0000-4000-8000-"
                + String(String(repeating: "0", count: 12) + String(index + 1)).suffix(12),
            target: scenario.target, user: "drill-operator", fileSHA256: Digest.sha256Hex(Array(text.utf8)),
            simulationSpeed: scenario.speed, notes: scenario.notes, assumeYes: scenario.assumeYes,
            confirm: { _ in answer }, probes: simulator)
        configuration.identity = scenario.identity
        let subtask = scenario.interruptAtSubtask
        let trigger = Trigger(progress: { progress in
            guard let subtask, let index = progress.subtaskIndex else { return false }
            return index >= subtask
        })
        let interpreter = Interpreter(
            runbook: runbook, client: simulator, clock: SimulatedRunClock(clock, origin: scenario.origin),
            log: StepLog([memory, trigger]), configuration: configuration)
        trigger.arm { interpreter.interrupt() }
        _ = await interpreter.run()
        let lines = await memory.records.map { line(normalized($0), runId: configuration.runId) }
        if let keep = scenario.killAfterLines, keep < lines.count {
            return lines.prefix(keep).flatMap { $0 + [0x0A] } + lines[keep].prefix(lines[keep].count / 2)
        }
        return lines.flatMap { $0 + [0x0A] }
    }

    /// A record with the wall-clock figures a 60x rehearsal would have measured.
    static func normalized(_ record: StepLogRecord) -> StepLogRecord {
        switch record {
        case .stepFinished(var s):
            s.wallDurationMs = s.durationMs / 60
            s.calls = s.calls.map { c in
                var c = c
                c.durationMs = 2.5
                return c
            }
            s.probes = s.probes?.map { p in
                var p = p
                p.latencyMs = 3
                return p
            }
            return .stepFinished(s)
        case .runFinished(var r):
            r.wallDurationMs = r.durationMs / 60
            return .runFinished(r)
        default:
            return record
        }
    }

    static func line(_ record: StepLogRecord, runId: String) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(JournalLine(runId: runId, record: record))) ?? Data())
    }

    /// The committed fixture `name`.jsonl, as its path in the package.
    static func path(_ name: String) -> String { TestFiles.url("\(folder)/\(name).jsonl").path }
}
