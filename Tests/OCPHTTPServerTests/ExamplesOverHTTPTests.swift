import Foundation
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
        let directory = TestFiles.packageRoot.appendingPathComponent("examples")
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
        var block = runbook.simulate ?? SimulateBlock()
        block.speed = .instant
        runbook = runbook.simulating(block)
        let setup = SimulationSetup(block)
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
            // The examples' services are hosts of their own (orders.example.com), not this server:
            // the probes are answered by the served simulator's state, as an embedded run's are.
            // (EvidenceHTTPTests probes a served service over the wire.)
            var configuration = configuration
            configuration.probes = simulator
            let interpreter = Interpreter(
                runbook: runbook, client: WrappedClient.holding(clock, around: http),
                clock: SimulatedRunClock(clock, origin: Date()), log: StepLog([log]),
                configuration: configuration)
            let finished = await interpreter.run()
            await http.shutdown()
            #expect(server.log.records.count > 0)
            return (finished, log)
        }

        let expected = await stepOutcomes(embeddedLog)
        let found = await stepOutcomes(httpLog)
        #expect(!expected.isEmpty)
        #expect(found == expected, "\(name)")
        #expect(overHTTP.outcome == embedded.outcome, "\(name): \(overHTTP.reason ?? "") / \(embedded.reason ?? "")")
        #expect(overHTTP.counts == embedded.counts)
    }
}
