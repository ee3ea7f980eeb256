import Foundation
import Testing

@testable import Runbook

/// An ``OCPClient`` that holds an instant ``SimulationClock`` while each call is on the wire, the
/// way the embedded simulator holds it while a call is queued: virtual time does not move while a
/// request is in flight, so the runbook's time and the served simulator's time stay one timeline.
struct ClockHeldClient: OCPClient {
    let base: any OCPClient
    let clock: SimulationClock

    private func held<T>(_ call: () async throws(OCPError) -> T) async throws(OCPError) -> T {
        clock.beginBusy()
        defer { clock.endBusy() }
        return try await call()
    }

    func failoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await held { () async throws(OCPError) in try await base.failoverPreCheck(clusterId: clusterId) }
    }
    func failover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await held { () async throws(OCPError) in try await base.failover(clusterId: clusterId) }
    }
    func switchoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await held { () async throws(OCPError) in try await base.switchoverPreCheck(clusterId: clusterId) }
    }
    func switchover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await held { () async throws(OCPError) in try await base.switchover(clusterId: clusterId) }
    }
    func clusters(_ query: ClusterQuery) async throws(OCPError) -> Page<Cluster> {
        try await held { () async throws(OCPError) in try await base.clusters(query) }
    }
    func tasks(_ query: TaskQuery) async throws(OCPError) -> Page<TaskInstance> {
        try await held { () async throws(OCPError) in try await base.tasks(query) }
    }
    func task(id: Int) async throws(OCPError) -> TaskInstance {
        try await held { () async throws(OCPError) in try await base.task(id: id) }
    }
    func retryTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await held { () async throws(OCPError) in try await base.retryTask(id: id) }
    }
    func rollbackTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await held { () async throws(OCPError) in try await base.rollbackTask(id: id) }
    }
    func subtaskLog(taskId: Int, subtaskId: Int) async throws(OCPError) -> String {
        try await held { () async throws(OCPError) in try await base.subtaskLog(taskId: taskId, subtaskId: subtaskId) }
    }
    func retrySubtask(taskId: Int, subtaskId: Int) async throws(OCPError) -> SubtaskInstance {
        try await held { () async throws(OCPError) in try await base.retrySubtask(taskId: taskId, subtaskId: subtaskId)
        }
    }
    func skipSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        try await held { () async throws(OCPError) in try await base.skipSubtask(taskId: taskId, subtaskId: subtaskId) }
    }
    func cancelSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        try await held { () async throws(OCPError) in try await base.cancelSubtask(taskId: taskId, subtaskId: subtaskId)
        }
    }
}

/// Every runbook in `examples/` gives the same step outcomes over HTTP, against `runbook serve`'s
/// simulator set up from its `simulate:` block, as embedded.
///
/// Both runs use an instant clock (a runbook's `speed` is set to `instant` for both, to keep the
/// test fast; the wire path does not depend on it). Over HTTP the runbook's clock and the served
/// simulator's clock are one instant clock held while each request is in flight, so timeouts,
/// sleeps and `took under` mean the same in both runs. The HTTP client makes one attempt per call:
/// the embedded simulator does not retry, so with retries an injected 503 would pass over HTTP and
/// fail embedded (retries are covered by the fault table).
@Suite struct ExamplesOverHTTPTests {
    static var examples: [String] {
        let directory = YAMLTestSuite.packageRoot.appendingPathComponent("examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
            .map { directory.appendingPathComponent($0).path }
    }

    @Test func thereAreExamples() {
        #expect(!Self.examples.isEmpty)
    }

    @Test(arguments: examples)
    func sameStepOutcomesOverHTTP(_ path: String) async throws {
        let bytes = try FileInput.read(path)
        try await Self.compare(RunbookChecker.check(bytes: bytes, file: path), name: path)
    }

    /// Runbooks that use what the examples may come to use (faults, retries, hangs, cancels, API
    /// faults, sleeps, loops, `on failure`, `finally`), through the same comparison.
    static let tour: [(String, String)] = [
        (
            "retry, hang, cancel, API faults",
            """
            runbook: Retry, hang and cancel
            simulate:
              faults:
                - subtask: Failover to Primary Check
                  fail: 1
                  message: primary OBServer 10.0.0.1:2882 is still alive
                - subtask: Remove standby cluster
                  hang: true
                - endpoint: GET /api/v2/tasks/instances/{taskId}
                  status: 503
                  times: 2
            steps:
              - note: starting
              - confirm: go?
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
                continue on failure: true
              - retry subtask "Failover to Primary Check" of task drill
              - await subtask "Remove standby cluster" status: RUNNING
              - sleep: 1m
              - await task drill status: SUCCESS
                timeout: 5m
                continue on failure: true
              - cancel subtask "Remove standby cluster"
              - await task drill status: FAILED
              - skip subtask "Remove standby cluster"
              - await task drill status: SUCCESS
              - assert subtask "Failover to Primary":
                  status: SUCCESSFUL
                  took under: 10m
              - assert cluster 6 type: PRIMARY
            finally:
              - note: done
            """
        ),
        (
            "switchover and back",
            """
            runbook: Switch over and back
            simulate:
              clusters:
                - {id: 5, name: hz, type: PRIMARY}
                - {id: 6, name: sh, type: STANDBY, primary: 5}
            steps:
              - precheck switchover cluster: 6
              - switchover cluster: 6
                as: swap
              - await task swap status: SUCCESS
              - assert cluster 5 type: STANDBY
              - switchover cluster: 5
                as: back
              - await task back status: SUCCESS
              - precheck failover cluster: 6
            on failure:
              - note: the precheck of a failover fails while the primary runs
            """
        ),
        (
            "parallel fleet with a failing pair",
            """
            runbook: Fleet
            vars:
              standbys: [2, 4, 6, 8]
            simulate:
              clusters:
                - {id: 1, name: p1, type: PRIMARY, status: STOPPED}
                - {id: 2, name: s1, type: STANDBY, primary: 1}
                - {id: 3, name: p2, type: PRIMARY, status: STOPPED}
                - {id: 4, name: s2, type: STANDBY, primary: 3}
                - {id: 5, name: p3, type: PRIMARY, status: RUNNING}
                - {id: 6, name: s3, type: STANDBY, primary: 5}
                - {id: 7, name: p4, type: PRIMARY, status: STOPPED}
                - {id: 8, name: s4, type: STANDBY, primary: 7}
              faults:
                - subtask: Failover to Primary
                  takes: 20m
                  cluster: 8
            steps:
              - in parallel for each standby in ${standbys}:
                  - failover cluster: ${standby}
                  - await task status: SUCCESS
                    timeout: 15m
                  - assert cluster ${standby} type: PRIMARY
                max concurrency: 3
            on failure:
              - for each standby in ${standbys}:
                  - assert cluster ${standby} type: PRIMARY
                    continue on failure: true
            """
        ),
    ]

    @Test(arguments: tour)
    func tourRunbooksGiveTheSameOutcomesOverHTTP(_ name: String, _ text: String) async throws {
        try await Self.compare(RunbookChecker.check(text, file: "\(name).yaml"), name: name)
    }

    /// Runs the checked runbook embedded and over HTTP and compares the finished steps.
    static func compare(_ checked: CheckResult, name: String) async throws {
        var runbook = try #require(checked.runbook, "\(name) does not check: \(checked.diagnostics)")
        var setup = runbook.simulate ?? SimulationSetup()
        setup.speed = .instant
        runbook.simulate = setup
        let configuration = RunConfiguration(
            environment: ProcessInfo.processInfo.environment, assumeYes: true, confirm: { _ in true })

        let embeddedLog = MemoryStepLog()
        let embedded = await RunbookRunner.run(
            runbook, target: .embedded, log: StepLog([embeddedLog]), configuration: configuration)

        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: setup, clock: clock)
        let (overHTTP, httpLog) = try await LiveServer.with(simulator) { server in
            let http = try server.client(retry: OCPConnection.RetryPolicy(maxAttempts: 1))
            let log = MemoryStepLog()
            let interpreter = Interpreter(
                runbook: runbook, client: ClockHeldClient(base: http, clock: clock), clock: clock, log: StepLog([log]),
                configuration: configuration)
            let finished = await interpreter.run()
            await http.shutdown()
            #expect(server.log.records.count > 0)
            return (finished, log)
        }

        let expected = await outcomes(embeddedLog)
        let found = await outcomes(httpLog)
        #expect(!expected.isEmpty)
        #expect(found == expected, "\(name)")
        #expect(overHTTP.outcome == embedded.outcome, "\(name): \(overHTTP.reason ?? "") / \(embedded.reason ?? "")")
        #expect(overHTTP.counts == embedded.counts)
    }

    /// `(position, outcome)` of each finished step, in position order (parallel loops finish in
    /// any order).
    static func outcomes(_ log: MemoryStepLog) async -> [String] {
        let blocks = ["steps": 0, "on failure": 1, "finally": 2]
        return await log.finishedSteps.sorted { a, b in
            let ka = blocks[a.position.block] ?? 3
            let kb = blocks[b.position.block] ?? 3
            return ka != kb ? ka < kb : a.position.path.lexicographicallyPrecedes(b.position.path)
        }.map { "\($0.position.label): \($0.outcome)" }
    }
}
