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

/// Each phrase of the language, run on the simulator: what it calls, how it ends, what it says.
@Suite struct PhraseTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var runbook: String
        /// The step under test.
        var label: String
        var outcome: StepOutcome
        /// `METHOD path` of the calls the step makes, in order (nil: not checked).
        var calls: [String]?
        /// Text the step's message contains.
        var message: String
        /// The run's outcome.
        var run: RunOutcome = .passed

        var testDescription: String { name }
    }

    static let primaryUp = """
        simulate:
          clusters:
            - {id: 5, name: hz, type: PRIMARY}
            - {id: 6, name: sh, type: STANDBY, primary: 5}
        """

    static let task = "/api/v2/tasks/instances/171603"

    static let cases: [Case] = [
        Case(
            name: "failover cluster",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await task status: SUCCESS
                """,
            label: "steps[0]", outcome: .passed, calls: ["POST /api/v2/ob/clusters/6/failover"],
            message: "started task 171603 'Failover OB cluster' on cluster 6"),
        Case(
            name: "switchover cluster",
            runbook: """
                runbook: t
                \(primaryUp)
                steps:
                  - switchover cluster: 6
                  - await task status: SUCCESS
                """,
            label: "steps[0]", outcome: .passed, calls: ["POST /api/v2/ob/clusters/6/switchover"],
            message: "started task 171603 'Switchover OB cluster' on cluster 6"),
        Case(
            name: "precheck failover cluster, valid",
            runbook: """
                runbook: t
                steps:
                  - precheck failover cluster: 6
                """,
            label: "steps[0]", outcome: .passed, calls: ["POST /api/v2/ob/clusters/6/failoverPreCheck"],
            message: "cluster 6 may fail over"),
        Case(
            name: "precheck failover cluster, not valid",
            runbook: """
                runbook: t
                \(primaryUp)
                steps:
                  - precheck failover cluster: 6
                """,
            label: "steps[0]", outcome: .failed, calls: ["POST /api/v2/ob/clusters/6/failoverPreCheck"],
            message: "the failover pre-check of cluster 6 failed:\n- The primary cluster", run: .failed),
        Case(
            name: "precheck switchover cluster, not valid lists every message",
            runbook: """
                runbook: t
                steps:
                  - precheck switchover cluster: 5
                """,
            label: "steps[0]", outcome: .failed, calls: ["POST /api/v2/ob/clusters/5/switchoverPreCheck"],
            message: "the switchover pre-check of cluster 5 failed:\n- The cluster", run: .failed),
        Case(
            name: "precheck switchover cluster, valid",
            runbook: """
                runbook: t
                \(primaryUp)
                steps:
                  - precheck switchover cluster: 6
                """,
            label: "steps[0]", outcome: .passed, calls: ["POST /api/v2/ob/clusters/6/switchoverPreCheck"],
            message: "cluster 6 may switch over"),
        Case(
            name: "retry task",
            runbook: """
                runbook: t
                simulate:
                  faults:
                    - {subtask: Failover to Primary Check, fail: 1}
                steps:
                  - failover cluster: 6
                  - await task status: FAILED
                  - retry task
                  - await task status: SUCCESS
                """,
            label: "steps[2]", outcome: .passed, calls: ["POST \(task)/retry"], message: "task 171603 is RUNNING (RETRY)"),
        Case(
            name: "rollback task",
            runbook: """
                runbook: t
                simulate:
                  faults:
                    - {subtask: Mc lock ob clusters, fail: 1}
                steps:
                  - failover cluster: 6
                  - await task status: FAILED
                  - rollback task
                  - await task status: SUCCESS
                """,
            label: "steps[2]", outcome: .passed, calls: ["POST \(task)/rollback"],
            message: "task 171603 is RUNNING (ROLLBACK)"),
        Case(
            name: "retry subtask",
            runbook: """
                runbook: t
                simulate:
                  faults:
                    - {subtask: Failover to Primary Check, fail: 1}
                steps:
                  - failover cluster: 6
                    as: drill
                  - await task drill status: FAILED
                  - retry subtask "Failover to Primary Check" of task drill
                  - await task drill status: SUCCESS
                """,
            label: "steps[2]", outcome: .passed,
            calls: ["GET \(task)", "POST \(task)/subtasks/202626/retry", "GET \(task)"],
            message: #"subtask "Failover to Primary Check" is READY (run 2)"#),
        Case(
            name: "skip subtask",
            runbook: """
                runbook: t
                simulate:
                  faults:
                    - {subtask: Sync all cluster info, fail: 1}
                steps:
                  - failover cluster: 6
                  - await task status: FAILED
                  - skip subtask "Sync all cluster info"
                  - await task status: SUCCESS
                  - assert subtask "Sync all cluster info"
                """,
            label: "steps[2]", outcome: .passed, calls: nil, message: #"subtask "Sync all cluster info" skipped"#),
        Case(
            name: "cancel subtask",
            runbook: """
                runbook: t
                simulate:
                  faults:
                    - {subtask: Failover to Primary, takes: 20m}
                steps:
                  - failover cluster: 6
                  - await subtask "Failover to Primary" status: RUNNING
                  - cancel subtask "Failover to Primary"
                  - await task status: FAILED
                  - assert subtask "Failover to Primary" status: FAILED
                """,
            label: "steps[2]", outcome: .passed, calls: nil, message: #"subtask "Failover to Primary" cancelled"#),
        Case(
            name: "cancel subtask that is not running",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await task status: SUCCESS
                  - cancel subtask "Failover to Primary"
                """,
            label: "steps[2]", outcome: .failed, calls: nil, message: "TSK10007", run: .failed),
        Case(
            name: "await task status",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await task status: SUCCESS
                """,
            label: "steps[1]", outcome: .passed, calls: nil, message: "task 171603 is SUCCESSFUL"),
        Case(
            name: "await subtask status",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await subtask "Failover to Primary" status: SUCCESS
                  - assert subtask "Remove standby cluster" status: PENDING
                  - await task status: SUCCESS
                """,
            label: "steps[1]", outcome: .passed, calls: nil, message: #"subtask "Failover to Primary" is SUCCESSFUL"#),
        Case(
            name: "await cluster type",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await cluster 6 type: PRIMARY
                  - await task status: SUCCESS
                """,
            label: "steps[1]", outcome: .passed, calls: nil, message: "cluster 6 has type PRIMARY"),
        Case(
            name: "await cluster status",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await cluster 6 status: FAILOVER
                  - await cluster 6 status: RUNNING
                  - await task status: SUCCESS
                """,
            label: "steps[2]", outcome: .passed, calls: nil, message: "cluster 6 has status RUNNING"),
        Case(
            name: "assert task",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await task status: SUCCESS
                  - assert task:
                      status: SUCCESSFUL
                      runTime: 1
                      took under: 2m
                """,
            label: "steps[2]", outcome: .passed, calls: ["GET \(task)"], message: "task 171603 is SUCCESSFUL"),
        Case(
            name: "assert subtask",
            runbook: """
                runbook: t
                steps:
                  - failover cluster: 6
                  - await task status: SUCCESS
                  - assert subtask "Remove standby cluster":
                      after: "Failover to Primary"
                      took under: 16s
                      runTime: 1
                """,
            label: "steps[2]", outcome: .passed, calls: ["GET \(task)"],
            message: #"subtask "Remove standby cluster" is SUCCESSFUL"#),
        Case(
            name: "assert cluster",
            runbook: """
                runbook: t
                steps:
                  - assert cluster 6:
                      type: STANDBY
                      status: RUNNING
                      syncStatus: VALID
                """,
            label: "steps[0]", outcome: .passed, calls: ["GET /api/v2/ob/clusters?page=1&size=2000"],
            message: "cluster 6 obcluster-sh is STANDBY RUNNING"),
        Case(
            name: "sleep",
            runbook: """
                runbook: t
                steps:
                  - sleep: 90s
                """,
            label: "steps[0]", outcome: .passed, calls: [], message: "slept 1m30s"),
        Case(
            name: "note",
            runbook: """
                runbook: t
                vars:
                  standby: 6
                steps:
                  - note: about to fail over cluster ${standby}
                """,
            label: "steps[0]", outcome: .passed, calls: [], message: "about to fail over cluster 6"),
        Case(
            name: "for each",
            runbook: """
                runbook: t
                vars:
                  clusters: [5, 6]
                steps:
                  - for each c in ${clusters}:
                      - assert cluster ${c} status: RUNNING
                """,
            label: "steps[0]", outcome: .failed, calls: [],
            message: "item 1 of 2 (c=5) failed; the loop stopped there", run: .failed),
        Case(
            name: "in parallel for each",
            runbook: """
                runbook: t
                vars:
                  clusters: [5, 6]
                steps:
                  - in parallel for each c in ${clusters}:
                      - assert cluster ${c} type: PRIMARY
                """,
            label: "steps[0]", outcome: .failed, calls: [], message: "1 of 2 items failed: c=6", run: .failed),
    ]

    @Test(arguments: cases)
    func phrase(_ c: Case) async throws {
        let run = try await Engine.run(c.runbook)
        let step = try run.step(c.label)
        #expect(step.outcome == c.outcome, "\(step.message ?? "")")
        if let calls = c.calls {
            #expect(step.calls.map { "\($0.method) \($0.path)" } == calls)
        }
        #expect(step.message?.contains(c.message) == true, "message: \(step.message ?? "none")")
        #expect(run.finished.outcome == c.run, "\(run.finished.reason ?? "")")
    }

    @Test func sleepTakesItsTimeOnTheRunClock() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - sleep: 90s
              - note: after
            """)
        #expect(try run.step("steps[0]").durationMs == 90_000)
        #expect(run.finished.durationMs == 90_000)
        #expect(run.simulator.elapsed == .seconds(90))
    }

    @Test func sequentialLoopRunsItemsInOrderWithTheirValues() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              names: [a, b, c]
            steps:
              - for each n in ${names}:
                  - note: item ${n}
                  - sleep: 10s
            """)
        #expect(run.finished.outcome == .passed)
        let notes = run.steps.filter { $0.phrase.hasPrefix("note") }
        #expect(notes.map(\.message) == ["item a", "item b", "item c"])
        #expect(notes.map(\.position.label) == ["steps[0]/n=a[0]", "steps[0]/n=b[0]", "steps[0]/n=c[0]"])
        #expect(notes.map(\.position.path) == [[0, 0, 0], [0, 1, 0], [0, 2, 0]])
        #expect(try run.step("steps[0]").message == "3 items passed")
        #expect(run.finished.durationMs == 30_000)
    }

    @Test func sequentialLoopStopsAtAFailedItemAndRecordsTheRestAsSkipped() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              clusters: [6, 5, 6]
            steps:
              - for each c in ${clusters}:
                  - assert cluster ${c} type: STANDBY
                  - note: cluster ${c} checked
              - note: after
            """)
        #expect(
            run.outcomes == [
                "steps[0]/c=6[0]: passed", "steps[0]/c=6[1]: passed", "steps[0]/c=5[0]: failed",
                "steps[0]/c=5[1]: skipped", "steps[0]/c=6[0]: skipped", "steps[0]/c=6[1]: skipped", "steps[0]: failed",
                "steps[1]: skipped",
            ])
        // A skipped item's steps are named with its values.
        #expect(run.steps[5].phrase == "note: cluster 6 checked")
        #expect(run.steps[5].position.path == [0, 2, 1])
        #expect(run.finished.counts == StepCounts(passed: 2, failed: 2, skipped: 4))
    }

    @Test func parallelLoopRunsItemsAtOnce() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              names: [a, b, c]
            steps:
              - in parallel for each n in ${names}:
                  - sleep: 10s
            """)
        #expect(run.finished.outcome == .passed)
        #expect(try run.step("steps[0]").message == "3 items passed, at most 3 at once")
        // Three sleeps of 10 s side by side take 10 s.
        #expect(run.finished.durationMs == 10_000)
    }
}
