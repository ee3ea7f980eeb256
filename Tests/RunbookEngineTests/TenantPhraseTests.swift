import Foundation
import RunbookTestSupport
import Testing

@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport

/// The tenant phrases (OceanBase 4.x) on the embedded simulator: the language brief's examples as
/// written, the evidence each action leaves, task groups, and the refusals a drill meets.
@Suite struct TenantPhraseTests {
    static let briefSwitchover = TenantBrief.switchover
    static let briefRegionLoss = TenantBrief.regionLoss

    @Test func theLagIsReadAgainstThePreChecksTimeNotTheTasksStart() throws {
        // The pre-check answered at run time 1 s with the standby 800 ms behind; the call went out
        // at 3.5 s and OCP started the task then: the 2.5 s between are not data the standby lacked.
        let start = try #require(OCPTimestamp("2026-12-01T10:00:03.500+08:00"))
        let checkedServerTime = start.adding(.milliseconds(-2500))
        let scn = Int(checkedServerTime.millisecondsSince1970 - 800) * 1_000_000
        let result = TenantPreCheckResult(valid: true, tenantId: 2_000_025, syncScn: scn)
        let task = TaskInstance(id: 1, name: "Failover tenant", status: .running, startTime: start)
        let lag = try #require(Interpreter<ContinuousClock>.lag(result, task, checkedAt: 1000, calledAt: 3500))
        #expect(lag == TenantSyncLag(milliseconds: 800, source: "syncScn"))
        // Without the gap taken out, the figure would be the 800 ms and the 2.5 s.
        #expect(TenantSyncLag.reported(by: result, at: start)?.milliseconds == 3300)
        #expect(Interpreter<ContinuousClock>.lag(nil, task, checkedAt: 0, calledAt: 0) == nil)
    }

    /// The simulator, with 5 s passing on its clock before the pre-check of cluster 3000011's
    /// pairs is sent (the first cluster's pre-check answered 5 s before the calls go out).
    struct SlowSecondPreCheck: OCPClient {
        let base: OCPSimulator<SimulationClock>

        func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
            if operation.request.endpoint == .tenantsSwitchoverPreCheck, operation.request.pathValues.first == 3_000_011 {
                try? await base.clock.sleep(for: .seconds(5))
            }
            return try await base.send(operation)
        }
    }

    @Test func aBatchOverSeveralClustersReadsEachLagAgainstItsOwnPreCheck() async throws {
        let run = try await Engine.run(
            """
            runbook: switch over two primaries' standbys
            simulate:
              clusters:
                - {id: 3000009, name: hz, type: PRIMARY}
                - {id: 3000011, name: bj, type: PRIMARY}
                - {id: 3000010, name: sh, type: PRIMARY}
              tenants:
                - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY}
                - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022, lag: 800ms}
                - {id: 2000031, name: payments, cluster: 3000011, role: PRIMARY}
                - {id: 2000032, name: payments, cluster: 3000010, role: STANDBY, primary: 2000031, lag: 1s}
            steps:
              - switchover tenants of cluster: 3000010
              - await task status: SUCCESS
            """, client: { SlowSecondPreCheck(base: $0) })
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        let actions = try #require(try run.step("steps[0]").observed.tenantActions)
        // The 5 s after the second cluster's pre-check are not data the first cluster's standby lacked.
        #expect(actions.map(\.lagMs) == [800, 1000], "\(actions.map(\.lagMs))")
    }

    @Test func theBriefsSwitchoverRunsAsWrittenWithItsEvidence() async throws {
        let run = try await Engine.run(Self.briefSwitchover)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        #expect(run.outcomes == (0..<8).map { "steps[\($0)]: passed" })
        // The pre-check passes with OCP's warning that no OBProxy is shared, logged.
        let precheck = try run.step("steps[0]")
        #expect(precheck.observed.precheckMessages?.count == 1)
        #expect(precheck.observed.precheckMessages?.first?.hasPrefix("OBE26107: ") == true)
        #expect(precheck.observed.precheckMessages?.first?.hasSuffix("(warning)") == true)
        // The action's calls: the lookup, the standby, the pre-check, the switchover, the two tenants after.
        #expect(
            try run.calls("steps[1]") == [
                "GET /api/v2/ob/clusters/3000010/tenants/2000025",
                "POST /api/v2/ob/clusters/3000009/tenants/2000022/switchoverPreCheck",
                "POST /api/v2/ob/clusters/3000009/tenants/2000022/switchover",
                "GET /api/v2/ob/clusters/3000010/tenants/2000025",
                "GET /api/v2/ob/clusters/3000009/tenants/2000022",
            ])
        #expect(try run.calls("steps[0]").first == "GET /api/v2/ob/tenants?page=1&size=2000&sort=id%2Casc")
        let evidence = try #require(try run.step("steps[1]").observed.tenantActions?.first)
        #expect(evidence.action == "tenant switchover" && evidence.taskId == 171603)
        #expect(evidence.standby == TenantPlace(tenantId: 2_000_025, clusterId: 3_000_010, name: "orders"))
        #expect(evidence.primary?.tenantId == 2_000_022 && evidence.primary?.clusterId == 3_000_009)
        #expect(evidence.lagMs == 1000 && evidence.lagSource == "syncScn" && evidence.syncScn != nil)
        #expect(evidence.warnings?.first?.hasPrefix("OBE26107") == true)
        #expect(evidence.after.map(\.id) == [2_000_025, 2_000_022])
        #expect(evidence.after.allSatisfy { $0.status == "SWITCHOVER" })
        // One recovery per tenant task, with its pair and lag.
        #expect(run.finished.recoveries.count == 2)
        let first = run.finished.recoveries[0]
        #expect(first.action == "tenant switchover" && first.tenantId == 2_000_025 && first.clusterId == 3_000_010)
        #expect(first.primaryTenantId == 2_000_022 && first.primaryClusterId == 3_000_009 && first.lagMs == 1000)
        #expect(first.outcome == .completed && first.recoveryMs == 19_800)
        let back = run.finished.recoveries[1]
        #expect(back.tenantId == 2_000_022 && back.primaryTenantId == 2_000_025 && back.lagMs == 1000)
    }

    @Test func theBriefsRegionLossFailsFastNamingTheTenantThenRetries() async throws {
        let text = Self.briefRegionLoss.replacingOccurrences(
            of: "  - await task takeover status: SUCCESS",
            with: """
                  - await task takeover status: SUCCESS
                    continue on failure: true
                  - retry task takeover
                  - await task takeover status: SUCCESS
                  - assert task takeover: {status: SUCCESSFUL}
                  - assert tenant 2000032: {role: PRIMARY, primary: none, cluster: 3000010}
                """)
        let run = try await Engine.run(text)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        #expect(
            run.outcomes == [
                "steps[0]: passed", "steps[1]: passed", "steps[2]: continued", "steps[3]: passed", "steps[4]: passed",
                "steps[5]: passed", "steps[6]: passed",
            ])
        let batch = try run.step("steps[1]")
        #expect(
            try run.calls("steps[1]") == [
                "GET /api/v2/ob/clusters/3000010/tenants?page=1&size=2000&sort=id%2Casc",
                "POST /api/v2/ob/clusters/3000010/tenants/failoverPreCheck",
                "POST /api/v2/ob/clusters/3000010/tenants/failover",
                "GET /api/v2/ob/clusters/3000010/tenants?page=1&size=2000&sort=id%2Casc",
            ])
        let actions = try #require(batch.observed.tenantActions)
        #expect(actions.map(\.standby.tenantId) == [2_000_025, 2_000_032])
        #expect(actions.map(\.primary?.tenantId) == [2_000_022, 2_000_031])
        #expect(actions.map(\.lagMs) == [800, 2000])
        #expect(actions.allSatisfy { $0.after.first?.status == "FAILOVER" && $0.after.first?.role == "STANDBY" })
        // The wait stops at the first task that failed, naming its tenant and quoting its log.
        let wait = try run.step("steps[2]")
        #expect(
            wait.message?.hasPrefix("tenant 2000032: task 171604 FAILED: subtask \"Failover to primary tenant\" failed")
                == true)
        #expect(wait.message?.contains("ret=-4179: standby log not caught up") == true)
        // The retry acts on the failed task only.
        #expect(try run.calls("steps[3]") == ["POST /api/v2/tasks/instances/171604/retry"])
        #expect(run.finished.recoveries.map(\.tenantId) == [2_000_025, 2_000_032])
        #expect(run.finished.recoveries.map(\.outcome) == [.completed, .completed])
        #expect(run.finished.recoveries.map(\.lagMs) == [800, 2000])
    }

    @Test func aGroupAssertionNamesTheTasksThatDiffer() async throws {
        let text = Self.briefRegionLoss.replacingOccurrences(
            of: "  - await task takeover status: SUCCESS",
            with: """
                  - await task takeover status: SUCCESS
                    continue on failure: true
                  - assert subtask "Failover to primary tenant" of task takeover: {status: SUCCESSFUL}
                """)
        let run = try await Engine.run(text)
        let assertion = try run.step("steps[3]")
        #expect(assertion.outcome == .failed)
        #expect(assertion.message == "1 task of the group's 2 is not as expected: task 171604 (tenant 2000032)")
        #expect(assertion.expected == "status SUCCESSFUL")
        #expect(assertion.found == "task 171604 (tenant 2000032): status FAILED")
    }

    @Test func aLagOverTheThresholdStopsTheSwitchoverBeforeAnythingStarts() async throws {
        let run = try await Engine.run(
            """
            runbook: Lagging
            simulate:
              tenants:
                - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY}
                - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022, lag: 14883430ms}
            steps:
              - switchover tenant: 2000025
              - await task status: SUCCESS
            """)
        #expect(run.outcomes == ["steps[0]: failed", "steps[1]: skipped"])
        let step = try run.step("steps[0]")
        #expect(
            step.message
                == "not started: the tenant switchover pre-check of tenant 2000025 failed:\n"
                + "- tenant 2000025 (orders): OBE26009: The log synchronization latency of the orders tenant is "
                + "14,883,430 ms, which exceeds 5,000 ms.")
        #expect(try run.calls("steps[0]").contains { $0.hasSuffix("/switchover") } == false)
        #expect(try await run.tasks().isEmpty)
        #expect(run.finished.recoveries.isEmpty)
    }

    @Test func aFailoverWhileThePrimaryAnswersIsNotStarted() async throws {
        let run = try await Engine.run("runbook: Too soon\nsteps:\n  - failover tenant: 2000025\n")
        let step = try run.step("steps[0]")
        #expect(step.outcome == .failed)
        #expect(step.message?.hasPrefix("not started: the tenant failover pre-check of tenant 2000025 failed:") == true)
        #expect(step.message?.contains("OBE26107: The primary tenant 2000022 (orders) can still be connected") == true)
        #expect(try await run.tasks().isEmpty)
    }

    @Test func aFailoverCreatesItsServiceNameAndTheRunFindsEachTenantOnce() async throws {
        let run = try await Engine.run(
            """
            runbook: Service name
            vars:
              standbys: [2000025, 2000032]
            simulate:
              clusters:
                - {id: 3000009, name: ob-hz}
                - {id: 3000010, name: ob-sh}
              tenants:
                - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY, reachable: false}
                - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022}
                - {id: 2000031, name: payments, cluster: 3000009, role: PRIMARY, reachable: false}
                - {id: 2000032, name: payments, cluster: 3000010, role: STANDBY, primary: 2000031}
            steps:
              - in parallel for each standby in ${standbys}:
                  - failover tenant: ${standby}
                    service name: svc_${standby}
                  - await task status: SUCCESS
                  - await tenant ${standby} role: PRIMARY
            """)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        let lookups = run.steps.flatMap(\.calls).filter { $0.path.hasPrefix("/api/v2/ob/tenants?") }
        #expect(lookups.count == 1)
        let t = try await run.simulator.tenant(clusterId: 3_000_010, tenantId: 2_000_032)
        #expect(t.serviceNameInfo?.serviceName == "svc_2000032")
        #expect(run.finished.recoveries.count == 2)
    }

    @Test func aTenantIdIsNotAClusterId() async throws {
        let run = try await Engine.run("runbook: Mixed\nsteps:\n  - failover tenant: 3000010\n")
        let step = try run.step("steps[0]")
        #expect(
            step.message
                == "OCP lists no tenant with id 3000010: a tenant is named by its OCP tenant id (such as 2000025), not "
                + "by its obTenantId or a cluster id")
    }

    @Test func anAwaitOnATenantWaitsForItsRole() async throws {
        let run = try await Engine.run(
            """
            runbook: Await role
            steps:
              - switchover tenant: 2000025
              - await tenant 2000025 role: PRIMARY
              - await tenant 2000025 status: NORMAL
              - assert tenant 2000022 role: STANDBY
              - await task status: SUCCESS
            """)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        let wait = try run.step("steps[1]")
        #expect(wait.message == "tenant 2000025 has role PRIMARY")
        #expect(wait.observed.tenants?.first?.role == "PRIMARY")
        #expect(wait.calls.allSatisfy { $0.path == "/api/v2/ob/clusters/3000010/tenants/2000025" })
    }

    @Test func aTenantAssertionSaysWhatDiffersAndWhere() async throws {
        let run = try await Engine.run(
            """
            runbook: Wrong
            steps:
              - assert tenant 2000025:
                  role: PRIMARY
                  primary: none
                  cluster: 3000010
            """)
        let step = try run.step("steps[0]")
        #expect(step.outcome == .failed)
        #expect(step.message == "tenant 2000025 (orders) is not as expected")
        #expect(step.expected == "role PRIMARY, primary none")
        #expect(step.found == "role STANDBY, primary 2000022")
        #expect(step.location.line == 3)
    }

    @Test func thePlanShowsTheBodiesOfThePosts() throws {
        let runbook = try Engine.check(
            """
            runbook: Plan
            steps:
              - failover tenant: 2000025
                service name: orders_sh
              - failover tenants of cluster: 3000010
                as: rest
              - await task rest status: SUCCESS
            """)
        let plan = Planner().plan(runbook)
        #expect(
            plan[0].calls.contains(
                "POST /api/v2/ob/clusters/{cluster of tenant 2000025}/tenants/2000025/failover  body {\"serviceName\":\"orders_sh\"}"
            ))
        #expect(
            plan[1].calls.contains(
                "POST /api/v2/ob/clusters/3000010/tenants/failover  body {\"failoverTenantItemList\":[{\"tenantId\":{each standby tenant of cluster 3000010}}, ...]}"
            ))
        #expect(plan[2].calls.first == "GET /api/v2/tasks/instances/{tasks of steps[1]}")
        #expect(plan[0].changesSystem && plan[1].changesSystem && !plan[2].changesSystem)
    }
}
