import Foundation
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookTestSupport
import Synchronization
import Testing

/// Every `timeout:` the language allows is enforced: on loops, on `confirm` (in a person's time),
/// on calls that do not answer; and the run's `timeout` stops a call in flight.
@Suite struct DeadlineTests {
    @Test(arguments: ["for each", "in parallel for each"])
    func aLoopsTimeoutStopsTheLoop(_ loop: String) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              pairs: [2, 4, 6]
            simulate:
              clusters:
                - {id: 1, type: PRIMARY, status: STOPPED}
                - {id: 2, type: STANDBY, primary: 1}
                - {id: 3, type: PRIMARY, status: STOPPED}
                - {id: 4, type: STANDBY, primary: 3}
                - {id: 5, type: PRIMARY, status: STOPPED}
                - {id: 6, type: STANDBY, primary: 5}
            steps:
              - \(loop) standby in ${pairs}:
                  - failover cluster: ${standby}
                  - await task status: SUCCESS
                timeout: 1m
              - note: after
            """)
        let step = try run.step("steps[0]")
        #expect(step.outcome == .failed)
        #expect(step.message == "the step's timeout (1m) passed; the step was stopped")
        // A failover takes 1 min 44 s: the loop ended at its deadline, not after its items.
        #expect(step.durationMs == 60_000)
        #expect(try run.step("steps[1]").outcome == .skipped)
        #expect(run.finished.outcome == .failed)
    }

    /// A client that sleeps an hour on the simulator's clock before it answers a failover.
    static func slowFailover(_ simulator: OCPSimulator<SimulationClock>) -> any OCPClient {
        HangingClient(base: simulator, clock: simulator.clock)
    }

    struct HangingClient: OCPClient {
        let base: any OCPClient
        let clock: SimulationClock

        func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
            if operation.request.endpoint == .failover {
                do {
                    try await clock.sleep(for: .seconds(3600))
                } catch {
                    throw OCPError(.cancelled, call: operation.request.call, message: "the run was interrupted")
                }
            }
            return try await base.send(operation)
        }
    }

    /// A client whose task reads, after the first, sleep an hour on the simulator's clock.
    final class HangingPolls: OCPClient {
        let base: OCPSimulator<SimulationClock>
        let reads = Mutex(0)

        init(base: OCPSimulator<SimulationClock>) { self.base = base }

        func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
            if operation.request.endpoint == .getTask, reads.withLock({ n in n += 1; return n }) > 1 {
                do {
                    try await base.clock.sleep(for: .seconds(3600))
                } catch {
                    throw OCPError(.cancelled, call: operation.request.call, message: "the run was interrupted")
                }
            }
            return try await base.send(operation)
        }
    }

    @Test(arguments: ["timeout: 20s\n", ""])
    func anAwaitsTimeoutStopsAPollThatDoesNotAnswer(_ stepTimeout: String) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            \(stepTimeout.isEmpty ? "timeout: 20s\n" : "")steps:
              - failover cluster: 6
              - await task status: SUCCESS
                \(stepTimeout.isEmpty ? "every: 5s" : stepTimeout)
            """, client: { HangingPolls(base: $0) })
        let step = try run.step("steps[1]")
        #expect(step.outcome == .failed)
        let which = stepTimeout.isEmpty ? "the runbook's timeout (20s)" : "the step's timeout (20s)"
        #expect(step.message == "\(which) passed while a poll was still out; the step was stopped")
        // Stopped just after its deadline, not after the hour the poll would have taken.
        #expect(step.durationMs <= 20_001)
    }

    @Test func aStepsTimeoutStopsACallThatDoesNotAnswer() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
                timeout: 10s
              - await task status: SUCCESS
            """, client: Self.slowFailover)
        let step = try run.step("steps[0]")
        #expect(step.outcome == .failed)
        #expect(step.message == "the step's timeout (10s) passed; the step was stopped")
        #expect(step.durationMs == 10_000)
        #expect(try run.step("steps[1]").outcome == .skipped)
    }

    @Test func theRunsTimeoutStopsACallInFlight() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            timeout: 2m
            steps:
              - sleep: 1m
              - failover cluster: 6
              - await task status: SUCCESS
            finally:
              - note: cleaned up
            """, client: Self.slowFailover)
        let step = try run.step("steps[1]")
        #expect(step.outcome == .failed)
        #expect(step.message == "the runbook's timeout (2m) passed; the step was stopped")
        #expect(step.durationMs == 60_000)
        #expect(try run.step("finally[0]").outcome == .passed)
        #expect(run.finished.durationMs == 120_000)
    }

    @Test func aConfirmsTimeoutIsAPersonsTime() async throws {
        // Nobody answers: the question is asked until the step's timeout (wall time) passes.
        let configuration = RunConfiguration(
            user: "tester",
            confirm: { _ in
                await withTaskCancellationHandler {
                    try? await Task.sleep(for: .seconds(3600))
                } onCancel: {}
                return true
            })
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - confirm: Go?
                timeout: 200ms
              - failover cluster: 6
            """, configuration: configuration)
        let step = try run.step("steps[0]")
        #expect(step.outcome == .failed)
        #expect(step.message == "Go?: no answer within the step's timeout (200ms)")
        #expect(try run.step("steps[1]").outcome == .skipped)
        #expect(try await run.tasks().isEmpty)
    }

    @Test func aPersonsTimeIsNotMultipliedBySixty() async throws {
        // At 60x, a person who takes a fifth of a second must not let 12 simulated seconds pass.
        let wall = Mutex(Duration.zero)
        let configuration = RunConfiguration(
            user: "tester",
            confirm: { _ in
                let started = ContinuousClock.now
                try? await Task.sleep(for: .milliseconds(200))
                wall.withLock { $0 = started.duration(to: .now) }
                return true
            })
        let runbook = try Engine.check("runbook: t\nsteps:\n  - confirm: Go?\n")
        let log = MemoryStepLog()
        let finished = await RunbookRunner.run(
            runbook, target: .embedded, log: StepLog([log]), configuration: configuration, speed: .factor(60))
        #expect(finished.outcome == .passed)
        let took = wall.withLock { $0 }
        let simulated = Duration.milliseconds(try #require(await log.finishedSteps.first).durationMs)
        #expect(took >= .milliseconds(200))
        // One second for one second (with slack for the scheduling around it), not sixty.
        #expect(simulated < took * 10, "simulated \(simulated) for a wait of \(took)")
    }
}
