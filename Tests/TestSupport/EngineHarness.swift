import Foundation
import Synchronization
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

/// What one run left: its end, every record of its step log, and the simulator it ran against.
package struct EngineRun {
    package let finished: RunFinished
    package let records: [StepLogRecord]
    package let simulator: OCPSimulator<SimulationClock>

    package var started: RunStarted? {
        records.lazy.compactMap { if case .runStarted(let r) = $0 { r } else { nil } }.first
    }

    /// The finished steps, in the order they finished.
    package var steps: [StepFinished] {
        records.compactMap { if case .stepFinished(let s) = $0 { s } else { nil } }
    }

    /// The finished step at `label` (`steps[2]`, `on failure[0]`, `steps[0]/standby=6[1]`).
    package func step(_ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> StepFinished {
        let found = steps.filter { $0.position.label == label }
        try #require(
            found.count == 1, "expected one step \(label), found \(found.count) among \(steps.map(\.position.label))",
            sourceLocation: sourceLocation)
        return found[0]
    }

    /// `label: outcome` of every finished step, in order.
    package var outcomes: [String] { steps.map { "\($0.position.label): \($0.outcome.rawValue)" } }

    /// `METHOD path` of each call a step made.
    package func calls(_ label: String) throws -> [String] {
        try step(label).calls.map { "\($0.method) \($0.path)" }
    }

    /// Every task the simulator holds, in full (with subtasks), oldest first.
    package func tasks() async throws -> [TaskInstance] {
        let page = try await simulator.tasks(TaskQuery(size: 2000, sort: "id,asc"))
        var full: [TaskInstance] = []
        for summary in page.contents { full.append(try await simulator.task(id: summary.id)) }
        return full
    }
}

/// Checks and runs runbooks on the embedded simulator at `instant` speed, with the step log in
/// memory: a whole drill takes milliseconds and nothing sleeps.
package enum Engine {
    package static let exampleNames = [
        "failover-drill.yaml", "switchover-rehearsal.yaml", "failover-with-fault.yaml", "rollback-refused.yaml",
        "fleet-failover.yaml", "tenant-switchover.yaml", "tenant-region-loss.yaml", "region-loss-rto.yaml",
    ]

    /// The bytes of `examples/NAME`.
    package static func exampleBytes(_ name: String) throws -> [UInt8] {
        try TestFiles.exampleBytes(name)
    }

    /// Checks an example as `runbook run examples/NAME` does; fails the test on any error.
    package static func example(_ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws
        -> CheckedRunbook
    {
        let result = RunbookChecker.check(bytes: try exampleBytes(name), file: "examples/\(name)")
        return try checked(result, sourceLocation: sourceLocation)
    }

    /// Checks an example with `text` replaced by `replacement` (a variant of it); fails the test on
    /// any error, or when `text` is not in the example.
    package static func example(
        _ name: String, replacing text: String, with replacement: String,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CheckedRunbook {
        let original = String(decoding: try exampleBytes(name), as: UTF8.self)
        try #require(original.contains(text), "examples/\(name) has no '\(text)'", sourceLocation: sourceLocation)
        let variant = original.replacingOccurrences(of: text, with: replacement)
        return try checked(RunbookChecker.check(variant, file: "examples/\(name)"), sourceLocation: sourceLocation)
    }

    /// Checks a runbook; fails the test on any error.
    package static func check(
        _ text: String, file: String = "test.yaml", vars: [String: String] = [:],
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) throws -> CheckedRunbook {
        try checked(RunbookChecker.check(text, file: file, predefinedVariables: vars), sourceLocation: sourceLocation)
    }

    private static func checked(_ result: CheckResult, sourceLocation: Testing.SourceLocation) throws -> CheckedRunbook {
        let errors = result.diagnostics.filter { $0.severity == .error }.map { $0.rendered(source: nil) }
        return try #require(result.runbook, "the runbook does not check: \(errors)", sourceLocation: sourceLocation)
    }

    /// Runs a checked runbook on a fresh simulator of its `simulate:` block, at `instant` speed.
    ///
    /// - Parameters:
    ///   - client: wraps the simulator (to observe or alter calls); the simulator itself by default.
    ///   - sinks: more sinks for the step log, beside the memory log this returns.
    ///   - started: receives the interpreter before it runs (to interrupt it from a sink).
    package static func run(
        _ runbook: CheckedRunbook, configuration: RunConfiguration = RunConfiguration(user: "tester"),
        client: (OCPSimulator<SimulationClock>) -> any OCPClient = { $0 }, sinks: [any StepLogSink] = [],
        started: (Interpreter<SimulatedRunClock>) -> Void = { _ in }
    ) async -> EngineRun {
        var setup = runbook.simulate.map(SimulationSetup.init) ?? SimulationSetup()
        setup.speed = .instant
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: setup, clock: clock)
        let memory = MemoryStepLog()
        var configuration = configuration
        configuration.simulationSpeed = "instant"
        // The simulator answers the probes, as in an embedded run.
        if configuration.probes == nil { configuration.probes = simulator }
        let interpreter = Interpreter(
            runbook: runbook, client: client(simulator), clock: SimulatedRunClock(clock, origin: Date()),
            log: StepLog([memory] + sinks),
            configuration: configuration)
        started(interpreter)
        let finished = await interpreter.run()
        return EngineRun(finished: finished, records: await memory.records, simulator: simulator)
    }

    /// Checks and runs a runbook written in the test.
    package static func run(
        _ text: String, vars: [String: String] = [:],
        configuration: RunConfiguration = RunConfiguration(user: "tester"),
        client: (OCPSimulator<SimulationClock>) -> any OCPClient = { $0 }, sinks: [any StepLogSink] = [],
        started: (Interpreter<SimulatedRunClock>) -> Void = { _ in },
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) async throws -> EngineRun {
        let runbook = try check(text, vars: vars, sourceLocation: sourceLocation)
        return await run(runbook, configuration: configuration, client: client, sinks: sinks, started: started)
    }

    /// The most tasks running at once: the greatest number of [startTime, finishTime) intervals
    /// that share an instant.
    package static func maxOverlap(_ tasks: [TaskInstance]) throws -> Int {
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
package final class Trigger: StepLogSink {
    private let fired = Mutex(false)
    private let action = Mutex<(@Sendable () -> Void)?>(nil)
    private let onRecord: @Sendable (StepLogRecord) -> Bool
    private let onProgress: @Sendable (StepProgress) -> Bool

    package init(
        record: @escaping @Sendable (StepLogRecord) -> Bool = { _ in false },
        progress: @escaping @Sendable (StepProgress) -> Bool = { _ in false }
    ) {
        onRecord = record
        onProgress = progress
    }

    /// What to do when it fires.
    package func arm(_ body: @escaping @Sendable () -> Void) { action.withLock { $0 = body } }

    package var hasFired: Bool { fired.withLock { $0 } }

    package func write(_ record: StepLogRecord) async { if onRecord(record) { fire() } }

    package func progress(_ update: StepProgress) async { if onProgress(update) { fire() } }

    package var wantsProgress: Bool { true }

    private func fire() {
        let first = fired.withLock { f in
            defer { f = true }
            return !f
        }
        if first { action.withLock { $0 }?() }
    }
}

/// An OCP client that runs `before` and `after` around each call of `base`: to observe calls,
/// or to hold a clock while they are in flight. The one forwarder of the tests.
package struct WrappedClient: OCPClient {
    package let base: any OCPClient
    package let before: @Sendable (OCPRequest) -> Void
    package let after: @Sendable (OCPRequest) -> Void

    package init(
        _ base: any OCPClient, before: @escaping @Sendable (OCPRequest) -> Void = { _ in },
        after: @escaping @Sendable (OCPRequest) -> Void = { _ in }
    ) {
        self.base = base
        self.before = before
        self.after = after
    }

    package func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        before(operation.request)
        defer { after(operation.request) }
        return try await base.send(operation)
    }

    /// A client that holds an instant ``SimulationClock`` while each call of `base` is in flight,
    /// the way the embedded simulator holds it while a call is queued: virtual time does not move
    /// while a request is on the wire.
    package static func holding(_ clock: SimulationClock, around base: any OCPClient) -> WrappedClient {
        WrappedClient(base, before: { _ in clock.beginBusy() }, after: { _ in clock.endBusy() })
    }
}

/// Notes the simulated time of every task read (`GET /api/v2/tasks/instances/{id}`) a run makes.
package final class TaskReadRecorder: Sendable {
    private let reads = Mutex<[Duration]>([])

    package init() {}

    /// Simulated times of the task reads, in order.
    package var readTimes: [Duration] { reads.withLock { $0 } }

    /// The simulator, wrapped to note its task reads.
    package func wrap(_ simulator: OCPSimulator<SimulationClock>) -> any OCPClient {
        WrappedClient(simulator, before: { request in
            if request.endpoint == .getTask { self.reads.withLock { $0.append(simulator.elapsed) } }
        })
    }
}

/// The error a call fails with, nil when it succeeds.
package func failure<T>(_ body: () async throws(OCPError) -> T) async -> OCPError? {
    do throws(OCPError) {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

/// `position: outcome` of each finished step, in position order (parallel loops finish in any order).
package func stepOutcomes(_ log: MemoryStepLog) async -> [String] {
    let blocks = StepPosition.Block.allCases
    return await log.finishedSteps.sorted { a, b in
        let ka = blocks.firstIndex(of: a.position.block) ?? 3
        let kb = blocks.firstIndex(of: b.position.block) ?? 3
        return ka != kb ? ka < kb : a.position.path.lexicographicallyPrecedes(b.position.path)
    }.map { "\($0.position.label): \($0.outcome)" }
}
