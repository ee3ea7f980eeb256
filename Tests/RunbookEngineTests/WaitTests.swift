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

/// Waits: they poll adaptively, ride out passing errors, fail fast when the awaited state can no
/// longer come, and name what is still running when they time out.
@Suite struct WaitTests {
    // MARK: - Failing fast

    @Test func awaitFailsFastOnFailedTaskNamingTheSubtaskAndQuotingItsLog() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - subtask: Failover to Primary
                  fail: 1
                  message: replay of clog stopped at LSN 4711
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timeout: 30m
              - note: never
            """)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .failed)
        let message = try #require(wait.message)
        #expect(message.hasPrefix(#"task 171603 FAILED: subtask "Failover to Primary" failed (run 1); the end of its log:"#))
        let quoted = message.split(separator: "\n").dropFirst()
        #expect(quoted.count == 3)
        #expect(quoted.allSatisfy { $0.hasPrefix("  | 2022-09-05T13:") })
        #expect(quoted.contains { $0.hasSuffix("ERROR replay of clog stopped at LSN 4711") })
        #expect(wait.expected == "task status SUCCESSFUL")
        #expect(wait.found == "task status FAILED")
        // Lock (2 s), check (10 s) and the failover's own 45 s, each picked up 1 s late: the task
        // ends FAILED at 60 s; the wait notices within one poll, long before its 30 minutes.
        #expect(wait.durationMs >= 60_000 && wait.durationMs < 64_000)
        // It read the failed subtask's log.
        let failed = try #require(try await run.simulator.task(id: 171603).subtask(named: "Failover to Primary"))
        #expect(
            wait.calls.last.map { "\($0.method) \($0.path)" }
                == "GET /api/v2/tasks/instances/171603/subtasks/\(failed.id)/log")
        #expect(try run.step("steps[2]").outcome == .skipped)
        #expect(run.finished.outcome == .failed)
    }

    @Test func awaitSubtaskFailsFastWhenTheTaskHasEnded() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - {subtask: Failover to Primary Check, fail: 1, message: primary still answers}
            steps:
              - failover cluster: 6
              - await subtask "Remove standby cluster" status: SUCCESS
            """)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .failed)
        #expect(wait.message?.contains(#"subtask "Failover to Primary Check" failed"#) == true)
        #expect(wait.message?.contains("primary still answers") == true)
        #expect(wait.found == #"subtask "Remove standby cluster" status PENDING"#)
        #expect(wait.durationMs < 20_000)
    }

    @Test func awaitOnAnEndedTaskThatCannotReachTheStatusFailsAtOnce() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - await task status: FAILED
            """)
        let wait = try run.step("steps[2]")
        #expect(wait.outcome == .failed)
        #expect(wait.message == "task 171603 ended SUCCESSFUL; it will not reach task status FAILED")
        #expect(wait.durationMs == 0)
        #expect(wait.calls.count == 1)
    }

    // MARK: - Timeouts

    @Test func awaitTimeoutNamesTheSubtaskStillRunning() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - subtask: Remove standby cluster
                  hang: true
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timeout: 5m
            """)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .failed)
        let message = try #require(wait.message)
        #expect(
            message.hasPrefix(
                #"the step's timeout (5m) passed while awaiting task 171603 status SUCCESSFUL; subtask "Remove standby cluster" is still RUNNING (started 2022-09-05T13:40:"#
            ), "\(message)")
        #expect(wait.expected == "task status SUCCESSFUL")
        #expect(wait.found == "task status RUNNING")
        // It gives up at its deadline, not later.
        #expect(wait.durationMs == 300_000)
    }

    @Test func awaitClusterTimeoutSaysWhatItFound() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - await cluster 5 status: RUNNING
                timeout: 1m
            """)
        let wait = try run.step("steps[0]")
        #expect(wait.message == "the step's timeout (1m) passed while awaiting cluster 5 status RUNNING")
        #expect(wait.expected == "cluster 5 status RUNNING")
        #expect(wait.found == "type PRIMARY, status STOPPED")
        #expect(wait.durationMs == 60_000)
    }

    @Test func awaitWithoutTimeoutWaitsAnHour() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - await cluster 5 status: RUNNING
            """)
        let wait = try run.step("steps[0]")
        #expect(wait.message == "the step's timeout (1h) passed while awaiting cluster 5 status RUNNING")
        #expect(wait.durationMs == 3_600_000)
    }

    // MARK: - The poll schedule

    @Test(arguments: [
        (0, nil, 1_000), (10, nil, 1_000), (20, nil, 1_000), (40, nil, 2_000), (100, nil, 5_000), (600, nil, 30_000),
        (3_600, nil, 30_000), (100, 2, 2_000), (0, 2, 1_000), (0, 1, 1_000), (600, 10, 10_000),
    ] as [(Int, Int?, Int64)])
    func pollScheduleGrowsFromOneSecondNeverBeyondEvery(elapsed: Int, every: Int?, expectedMs: Int64) {
        let schedule = PollSchedule()
        let interval = schedule.interval(elapsed: .seconds(elapsed), every: every.map { .seconds($0) })
        #expect(interval.milliseconds == expectedMs)
    }

    @Test func pollScheduleNeverExceedsAShortEvery() {
        let interval = PollSchedule().interval(elapsed: .seconds(600), every: .milliseconds(500))
        #expect(interval == .milliseconds(500))
    }

    @Test(arguments: [nil, 3] as [Int?])
    func awaitPollsQuicklyFirstThenSlowerNeverBeyondEvery(every: Int?) async throws {
        let recorder = TaskReadRecorder()
        let everyLine = every.map { "\n    every: \($0)s" } ?? ""
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS\(everyLine)
            """,
            client: { recorder.wrap($0) })
        #expect(run.finished.outcome == .passed)
        let times = recorder.readTimes
        let gaps = zip(times, times.dropFirst()).map { ($1 - $0).milliseconds }
        // Polls start a second apart ...
        #expect(times.first == .zero)
        #expect(gaps.prefix(10).allSatisfy { $0 == 1_000 })
        // ... grow as the wait grows, never shrinking ...
        #expect(zip(gaps, gaps.dropFirst()).allSatisfy { $0 <= $1 })
        #expect(gaps.max() ?? 0 > 1_000)
        // ... and never exceed `every` (without one: 5% of 104 s).
        let cap = Int64((every ?? 30) * 1000)
        #expect(gaps.allSatisfy { $0 <= cap })
        // The task ended at 104 s; the wait saw it within one interval.
        let last = try #require(times.last)
        #expect(last >= .seconds(104) && last < .seconds(110))
        // Fewer polls than a poll every second would make, each one in the step's call log.
        #expect(times.count < 60)
        let reads = try run.step("steps[1]").calls.filter { $0.path == "/api/v2/tasks/instances/171603" }
        #expect(reads.count == times.count)
    }

    // MARK: - Errors while polling

    @Test(arguments: [503, 429, 502])
    func awaitRidesOutPassingErrors(status: Int) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - endpoint: GET /api/v2/tasks/instances/{taskId}
                  status: \(status)
                  times: 2
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """)
        #expect(run.finished.outcome == .passed)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .passed)
        #expect(Array(wait.calls.map(\.status).prefix(3)) == [status, status, 200])
        #expect(wait.calls.prefix(2).allSatisfy { $0.errorCode == "SIM_INJECTED" })
    }

    @Test func awaitBacksOffAfterPassingErrors() async throws {
        let recorder = TaskReadRecorder()
        _ = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - endpoint: GET /api/v2/tasks/instances/{taskId}
                  status: 429
                  times: 3
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """,
            client: { recorder.wrap($0) })
        let times = recorder.readTimes
        let gaps = zip(times, times.dropFirst()).prefix(4).map { ($1 - $0).milliseconds }
        // Each refused read doubles the next interval; the first answer brings it back.
        #expect(gaps == [2_000, 4_000, 8_000, 1_000])
    }

    @Test(arguments: [500, 502, 503, 429])
    func awaitRidesOutFailedPolls(_ status: Int) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - endpoint: GET /api/v2/tasks/instances/{taskId}
                  status: \(status)
                  times: 6
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .passed)
        #expect(wait.calls.prefix(6).map(\.status) == Array(repeating: status, count: 6))
        #expect(wait.calls.last?.status == 200)
        #expect(wait.message == "task 171603 is SUCCESSFUL (6 failed polls tried again)")
    }

    @Test func awaitThatKeepsFailingEndsAtItsDeadlineSayingWhy() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - endpoint: GET /api/v2/tasks/instances/{taskId}
                  status: 500
                  times: 1000
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
                timeout: 10m
            """)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .failed)
        #expect(wait.durationMs == 600_000)
        let message = try #require(wait.message)
        #expect(message.hasPrefix("the step's timeout (10m) passed while awaiting task 171603 status SUCCESS"))
        #expect(message.contains("polls failed: GET /api/v2/tasks/instances/171603: HTTP 500 SIM_INJECTED"))
        // Backed off: at most 30 s between polls once failing, far fewer polls than one a second.
        #expect(wait.calls.count < 40)
        #expect(run.finished.outcome == .failed)
    }

    @Test func awaitFailsAtOnceOnAnErrorThatWillNotPass() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - endpoint: GET /api/v2/tasks/instances/{taskId}
                  status: 404
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """)
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .failed)
        #expect(wait.calls.map(\.status) == [404])
        #expect(wait.durationMs == 0)
    }

    /// A client whose task reads fail as `kind` while the simulator's clock is in `window`.
    struct FlakyReads: OCPClient {
        let base: OCPSimulator<SimulationClock>
        let kind: OCPError.Kind
        let window: Range<Duration>

        func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
            if operation.request.endpoint == .getTask, window.contains(base.elapsed) {
                throw OCPError(kind, call: operation.request.call, message: "connection refused")
            }
            return try await base.send(operation)
        }
    }

    @Test func awaitRidesOutATargetUnreachableForAWhile() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """, client: { FlakyReads(base: $0, kind: .unreachable, window: Duration.seconds(5)..<Duration.seconds(65)) })
        let wait = try run.step("steps[1]")
        // A minute of refused connections, then the failover's end (1 min 44 s) is seen.
        #expect(wait.outcome == .passed)
        #expect(wait.durationMs > 65_000)
        #expect(run.finished.outcome == .passed)
    }

    @Test func awaitEndsTheRunWhenTheTargetStaysUnreachablePastTheLimit() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """, client: { FlakyReads(base: $0, kind: .unreachable, window: Duration.seconds(5)..<Duration.seconds(100_000)) })
        let wait = try run.step("steps[1]")
        #expect(wait.outcome == .failed)
        #expect(wait.message?.hasPrefix("the target was unreachable for 5m while waiting: ") == true)
        // The first refused poll came at 5 s; the last look is at the limit, 5 min later.
        #expect(wait.durationMs == 305_000)
        #expect(run.finished.outcome == .targetFailed)
    }

    @Test func awaitEndsTheRunAtOnceWhenTheTargetRefusesTheCredentials() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
            """, client: { FlakyReads(base: $0, kind: .unauthorized, window: Duration.seconds(5)..<Duration.seconds(100_000)) })
        let wait = try run.step("steps[1]")
        // The poll at 5 s was refused: the run ended there.
        #expect(wait.outcome == .failed)
        #expect(wait.durationMs == 5_000)
        #expect(run.finished.outcome == .targetFailed)
    }
}

