import Foundation
import Synchronization
import Testing

@testable import Runbook

/// What one run left: its end, every record of its step log, and the simulator it ran against.
struct EngineRun {
    let finished: RunFinished
    let records: [StepLogRecord]
    let simulator: OCPSimulator<SimulationClock>

    var started: RunStarted? {
        records.lazy.compactMap { if case .runStarted(let r) = $0 { r } else { nil } }.first
    }

    /// The finished steps, in the order they finished.
    var steps: [StepFinished] {
        records.compactMap { if case .stepFinished(let s) = $0 { s } else { nil } }
    }

    /// The finished step at `label` (`steps[2]`, `on failure[0]`, `steps[0]/standby=6[1]`).
    func step(_ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> StepFinished {
        let found = steps.filter { $0.position.label == label }
        try #require(
            found.count == 1, "expected one step \(label), found \(found.count) among \(steps.map(\.position.label))",
            sourceLocation: sourceLocation)
        return found[0]
    }

    /// `label: outcome` of every finished step, in order.
    var outcomes: [String] { steps.map { "\($0.position.label): \($0.outcome.rawValue)" } }

    /// `METHOD path` of each call a step made.
    func calls(_ label: String) throws -> [String] {
        try step(label).calls.map { "\($0.method) \($0.path)" }
    }

    /// Every task the simulator holds, in full (with subtasks), oldest first.
    func tasks() async throws -> [TaskInstance] {
        let page = try await simulator.tasks(TaskQuery(size: 2000, sort: "id,asc"))
        var full: [TaskInstance] = []
        for summary in page.contents { full.append(try await simulator.task(id: summary.id)) }
        return full
    }
}

/// Checks and runs runbooks on the embedded simulator at `instant` speed, with the step log in
/// memory: a whole drill takes milliseconds and nothing sleeps.
enum Engine {
    /// The package's root folder (this file is Tests/RunbookTests/Engine/EngineHarness.swift).
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let exampleNames = [
        "failover-drill.yaml", "switchover-rehearsal.yaml", "failover-with-fault.yaml", "rollback-refused.yaml",
        "fleet-failover.yaml",
    ]

    /// The bytes of `examples/NAME`.
    static func exampleBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: packageRoot.appendingPathComponent("examples").appendingPathComponent(name)))
    }

    /// Checks an example as `runbook run examples/NAME` does; fails the test on any error.
    static func example(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> RunbookDocument
    {
        let result = RunbookChecker.check(bytes: try exampleBytes(name), file: "examples/\(name)")
        return try checked(result, sourceLocation: sourceLocation)
    }

    /// Checks a runbook; fails the test on any error.
    static func check(
        _ text: String, file: String = "test.yaml", vars: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> RunbookDocument {
        try checked(RunbookChecker.check(text, file: file, predefinedVariables: vars), sourceLocation: sourceLocation)
    }

    private static func checked(_ result: CheckResult, sourceLocation: Testing.SourceLocation) throws -> RunbookDocument {
        let errors = result.diagnostics.filter { $0.severity == .error }.map { $0.rendered(source: nil) }
        return try #require(result.runbook, "the runbook does not check: \(errors)", sourceLocation: sourceLocation)
    }

    /// Runs a checked runbook on a fresh simulator of its `simulate:` block, at `instant` speed.
    ///
    /// - Parameters:
    ///   - client: wraps the simulator (to observe or alter calls); the simulator itself by default.
    ///   - sinks: more sinks for the step log, beside the memory log this returns.
    ///   - started: receives the interpreter before it runs (to interrupt it from a sink).
    static func run(
        _ runbook: RunbookDocument, configuration: RunConfiguration = RunConfiguration(user: "tester"),
        client: (OCPSimulator<SimulationClock>) -> any OCPClient = { $0 }, sinks: [any StepLogSink] = [],
        started: (Interpreter<SimulationClock>) -> Void = { _ in }
    ) async -> EngineRun {
        var setup = runbook.simulate ?? SimulationSetup()
        setup.speed = .instant
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: setup, clock: clock)
        let memory = MemoryStepLog()
        var configuration = configuration
        configuration.simulationSpeed = "instant"
        let interpreter = Interpreter(
            runbook: runbook, client: client(simulator), clock: clock, log: StepLog([memory] + sinks),
            configuration: configuration)
        started(interpreter)
        let finished = await interpreter.run()
        return EngineRun(finished: finished, records: await memory.records, simulator: simulator)
    }

    /// Checks and runs a runbook written in the test.
    static func run(
        _ text: String, vars: [String: String] = [:],
        configuration: RunConfiguration = RunConfiguration(user: "tester"),
        client: (OCPSimulator<SimulationClock>) -> any OCPClient = { $0 }, sinks: [any StepLogSink] = [],
        started: (Interpreter<SimulationClock>) -> Void = { _ in },
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws -> EngineRun {
        let runbook = try check(text, vars: vars, sourceLocation: sourceLocation)
        return await run(runbook, configuration: configuration, client: client, sinks: sinks, started: started)
    }

    /// The most tasks running at once: the greatest number of [startTime, finishTime) intervals
    /// that share an instant.
    static func maxOverlap(_ tasks: [TaskInstance]) throws -> Int {
        var events: [(Int64, Int)] = []
        for task in tasks {
            let start = try #require(task.startTime, "task \(task.id) has no startTime")
            let finish = try #require(task.finishTime, "task \(task.id) has not finished")
            events.append((start.millisecondsSince1970, 1))
            events.append((finish.millisecondsSince1970, -1))
        }
        // At one instant, ends come before starts: a task that ends when another starts did not overlap it.
        events.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var running = 0
        var most = 0
        for (_, delta) in events {
            running += delta
            most = max(most, running)
        }
        return most
    }
}

/// A step-log sink that calls `action` once, on the first record or progress update it matches.
final class Trigger: StepLogSink {
    private let fired = Mutex(false)
    private let action = Mutex<(@Sendable () -> Void)?>(nil)
    private let onRecord: @Sendable (StepLogRecord) -> Bool
    private let onProgress: @Sendable (StepProgress) -> Bool

    init(
        record: @escaping @Sendable (StepLogRecord) -> Bool = { _ in false },
        progress: @escaping @Sendable (StepProgress) -> Bool = { _ in false }
    ) {
        onRecord = record
        onProgress = progress
    }

    /// What to do when it fires.
    func arm(_ body: @escaping @Sendable () -> Void) { action.withLock { $0 = body } }

    var hasFired: Bool { fired.withLock { $0 } }

    func write(_ record: StepLogRecord) async { if onRecord(record) { fire() } }

    func progress(_ update: StepProgress) async { if onProgress(update) { fire() } }

    var wantsProgress: Bool { true }

    private func fire() {
        let first = fired.withLock { f in
            defer { f = true }
            return !f
        }
        if first { action.withLock { $0 }?() }
    }
}

/// An OCP client that forwards to the simulator and notes the simulated time of every task read.
final class TaskReadRecorder: OCPClient {
    let simulator: OCPSimulator<SimulationClock>
    private let reads = Mutex<[Duration]>([])

    init(_ simulator: OCPSimulator<SimulationClock>) { self.simulator = simulator }

    /// Simulated times of the `GET /api/v2/tasks/instances/{id}` calls, in order.
    var readTimes: [Duration] { reads.withLock { $0 } }

    func task(id: Int) async throws(OCPError) -> TaskInstance {
        let now = simulator.elapsed
        reads.withLock { $0.append(now) }
        return try await simulator.task(id: id)
    }

    func failoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await simulator.failoverPreCheck(clusterId: clusterId)
    }
    func failover(clusterId: Int) async throws(OCPError) -> TaskInstance { try await simulator.failover(clusterId: clusterId) }
    func switchoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await simulator.switchoverPreCheck(clusterId: clusterId)
    }
    func switchover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await simulator.switchover(clusterId: clusterId)
    }
    func clusters(_ query: ClusterQuery) async throws(OCPError) -> Page<Cluster> { try await simulator.clusters(query) }
    func tasks(_ query: TaskQuery) async throws(OCPError) -> Page<TaskInstance> { try await simulator.tasks(query) }
    func retryTask(id: Int) async throws(OCPError) -> TaskInstance { try await simulator.retryTask(id: id) }
    func rollbackTask(id: Int) async throws(OCPError) -> TaskInstance { try await simulator.rollbackTask(id: id) }
    func subtaskLog(taskId: Int, subtaskId: Int) async throws(OCPError) -> String {
        try await simulator.subtaskLog(taskId: taskId, subtaskId: subtaskId)
    }
    func retrySubtask(taskId: Int, subtaskId: Int) async throws(OCPError) -> SubtaskInstance {
        try await simulator.retrySubtask(taskId: taskId, subtaskId: subtaskId)
    }
    func skipSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        try await simulator.skipSubtask(taskId: taskId, subtaskId: subtaskId)
    }
    func cancelSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        try await simulator.cancelSubtask(taskId: taskId, subtaskId: subtaskId)
    }
}
