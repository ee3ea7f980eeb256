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

@Suite struct PlannerTests {
    static let text = """
        runbook: Fleet
        vars:
          standbys: [6, 8]
        steps:
          - for each s in ${standbys}:
              - failover cluster: ${s}
                as: drill
              - await task drill status: SUCCESS
                every: 10s
          - switchover cluster: 6
          - retry subtask "Prepare switchover"
          - note: done with ${env.WHO}
        finally:
          - assert cluster 6:
              type: PRIMARY
        """

    @Test func expandsLoopsAndNamesCallsAndChanges() throws {
        let result = RunbookChecker.check(Self.text, file: "fleet.yaml")
        let runbook = try #require(result.runbook, "\(result.diagnostics)")
        let plan = Planner(environment: ["WHO": "sre"]).plan(runbook)
        #expect(plan.map(\.position.label) == [
            "steps[0]", "steps[0]/s=6[0]", "steps[0]/s=6[1]", "steps[0]/s=8[0]", "steps[0]/s=8[1]", "steps[1]",
            "steps[2]", "steps[3]", "finally[0]",
        ])
        #expect(plan.map(\.phrase) == [
            "for each s in [6, 8]", "failover cluster: 6", "await task drill status: SUCCESSFUL", "failover cluster: 8",
            "await task drill status: SUCCESSFUL", "switchover cluster: 6", "retry subtask \"Prepare switchover\"",
            "note: done with sre", "assert cluster 6: type PRIMARY",
        ])
        #expect(plan.map(\.changesSystem) == [false, true, false, true, false, true, true, false, false])
        #expect(plan[2].calls == [
            "GET /api/v2/tasks/instances/{task of steps[0]/s=6[0]}",
            "GET /api/v2/tasks/instances/{task of steps[0]/s=6[0]}/subtasks/{failed subtask}/log  (only if the task fails)",
        ])
        #expect(plan[2].detail == "polled, at most every 10s, timeout 1h")
        #expect(plan[6].calls == [
            "GET /api/v2/tasks/instances/{task of steps[1]}",
            "POST /api/v2/tasks/instances/{task of steps[1]}/subtasks/{subtaskId}/retry",
            "GET /api/v2/tasks/instances/{task of steps[1]}",
        ])
        #expect(plan[8].calls == ["GET /api/v2/ob/clusters?page=1&size=2000"])
        #expect(plan[8].position.block == .finally)
    }
}
