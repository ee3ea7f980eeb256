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

/// The current task and `as` names: which task each step acts on.
@Suite struct ScopeTests {
    static let threePairs = """
        simulate:
          clusters:
            - {id: 5, name: hz, type: PRIMARY, status: STOPPED}
            - {id: 6, name: sh, type: STANDBY, primary: 5}
            - {id: 7, name: bj, type: PRIMARY, status: STOPPED}
            - {id: 8, name: sz, type: STANDBY, primary: 7}
            - {id: 9, name: gz, type: PRIMARY, status: STOPPED}
            - {id: 10, name: cd, type: STANDBY, primary: 9}
        """

    /// The task id a step acted on, and the cluster that task runs on.
    func target(_ run: EngineRun, _ label: String) async throws -> (task: Int, cluster: Int?) {
        let id = try #require(try run.step(label).observed.taskId, "\(label) observed no task")
        return (id, try await run.simulator.task(id: id).clusterId)
    }

    @Test func loopBodyHasItsOwnCurrentTaskAndTheEnclosingOneComesBack() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              others: [8, 10]
            \(Self.threePairs)
            steps:
              - failover cluster: 6
              - for each standby in ${others}:
                  - assert task:
                      runTime: 1
                  - failover cluster: ${standby}
                  - await task status: SUCCESS
              - await task status: SUCCESS
            """)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        // Before a task of its own, the body acts on the enclosing current task ...
        #expect(try await target(run, "steps[1]/standby=8[0]").cluster == 6)
        // ... each item's wait acts on the task that item started ...
        #expect(try await target(run, "steps[1]/standby=8[2]").cluster == 8)
        #expect(try await target(run, "steps[1]/standby=10[2]").cluster == 10)
        // ... and the second item starts again from the enclosing task, not the first item's.
        #expect(try await target(run, "steps[1]/standby=10[0]").cluster == 6)
        // After the loop, the current task is the one started before it.
        #expect(try await target(run, "steps[2]") == (171603, 6))
    }

    @Test func parallelItemsEachHaveTheirOwnCurrentTask() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              standbys: [6, 8, 10]
            \(Self.threePairs)
            steps:
              - in parallel for each standby in ${standbys}:
                  - failover cluster: ${standby}
                  - sleep: 5s
                  - await task status: SUCCESS
                  - assert task status: SUCCESSFUL
            """)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        for standby in [6, 8, 10] {
            let started = try #require(try run.step("steps[0]/standby=\(standby)[0]").observed.taskId)
            #expect(try await target(run, "steps[0]/standby=\(standby)[0]").cluster == standby)
            #expect(try await target(run, "steps[0]/standby=\(standby)[2]") == (started, standby))
            #expect(try await target(run, "steps[0]/standby=\(standby)[3]") == (started, standby))
        }
        #expect(Set(try await run.tasks().map(\.id)).count == 3)
    }

    @Test func asNamesATaskThatStepsAndFieldsReadLater() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            vars:
              label: drill
            \(Self.threePairs)
            steps:
              - failover cluster: 6
                as: first
              - failover cluster: 8
                as: second
              - await task first status: SUCCESS
              - note: ${label} ${first.id} on ${first.clusterId} is ${first.status}, ended ${first.finishTime}
              - await task second status: SUCCESS
              - note: second is ${second.id}, ${second.name}, ${second.operation}
              - assert task ${first.id} status: SUCCESSFUL
            """)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        // `await task first` waits for the first task although the second is current.
        #expect(try await target(run, "steps[2]") == (171603, 6))
        #expect(
            try run.step("steps[3]").message == "drill 171603 on 6 is SUCCESSFUL, ended 2022-09-05T13:41:02.441+08:00")
        #expect(try await target(run, "steps[4]") == (171604, 8))
        #expect(try run.step("steps[5]").message == "second is 171604, Failover OB cluster, EXECUTE")
        #expect(try run.step("steps[6]").phrase == "assert task 171603: status SUCCESSFUL")
    }

    @Test func onFailureActsOnTheTaskStepsStarted() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            simulate:
              faults:
                - {subtask: Mc lock ob clusters, fail: 1}
            steps:
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
            on failure:
              - rollback task
              - await task drill status: SUCCESS
            finally:
              - assert task status: SUCCESSFUL
            """)
        #expect(run.finished.outcome == .failed)
        #expect(
            run.outcomes == [
                "steps[0]: passed", "steps[1]: failed", "on failure[0]: passed", "on failure[1]: passed",
                "finally[0]: passed",
            ])
        #expect(try run.calls("on failure[0]") == ["POST /api/v2/tasks/instances/171603/rollback"])
        let task = try await run.simulator.task(id: 171603)
        #expect(task.operation == .rollback && task.status == .successful)
    }

    @Test func namedTaskThatStepsNeverStartedFailsWhenUsed() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - assert cluster 6 type: PRIMARY
              - failover cluster: 6
                as: drill
              - await task drill status: SUCCESS
            finally:
              - note: ${drill.id}
                continue on failure: true
              - await task drill status: SUCCESS
            """)
        #expect(run.finished.outcome == .failed)
        #expect(try run.step("finally[0]").outcome == .continued)
        #expect(try run.step("finally[1]").outcome == .failed)
        #expect(try run.step("finally[0]").message?.contains("'drill' is not defined here") == true)
        #expect(try run.step("finally[1]").message?.hasPrefix("the task 'drill' has not been started") == true)
        #expect(try await run.tasks().isEmpty)
    }
}
