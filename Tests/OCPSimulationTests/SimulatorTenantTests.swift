import RunbookTestSupport
import Testing

@testable import OCPModel
@testable import OCPSimulation
@testable import RunbookSupport

/// OceanBase 4.x tenants (tenant reference): the model, the four pre-checks, the two chains,
/// their effects (choice 7) and the refusals of choices 2, 3, 9 and 10.
@Suite struct SimulatorTenantTests {
    static let hz = 3_000_009
    static let sh = 3_000_010
    static let primary = 2_000_022
    static let standby = 2_000_025
    static let pair = TenantPair(primary: primary, standby: standby)

    /// The default pair, its primary reachable or not, the standby `lag` behind.
    static func setup(
        reachable: Bool = true, lag: Duration = .seconds(1), obproxy: String? = nil, faults: [FaultSpec] = []
    )
        -> SimulationSetup
    {
        SimulationSetup(
            clusters: [
                ClusterSpec(id: hz, name: "ob-hz", obVersion: "4.2.5.3", obproxy: obproxy),
                ClusterSpec(id: sh, name: "ob-sh", obVersion: "4.2.5.3", obproxy: obproxy),
            ],
            tenants: [
                TenantSpec(
                    id: primary, name: "orders", cluster: hz, role: "PRIMARY", reachable: reachable,
                    serviceName: "orders_svc"),
                TenantSpec(id: standby, name: "orders", cluster: sh, role: "STANDBY", primary: primary, lag: lag),
            ], faults: faults)
    }

    func tenant(_ h: SimulatorHarness, _ id: Int) async throws -> Tenant {
        try await h.simulator.tenant(clusterId: id == Self.primary ? Self.hz : Self.sh, tenantId: id)
    }

    // MARK: - The model

    @Test func theDefaultTopologyHoldsTheFourXPairBesideClustersFiveAndSix() async throws {
        let h = SimulatorHarness()
        let clusters = try await h.simulator.clusters(ClusterQuery.lookup).contents.map(\.id)
        #expect(clusters == [5, 6, Self.hz, Self.sh])
        let all = try await h.simulator.tenants(TenantQuery.lookup).contents
        #expect(all.map(\.id) == [Self.primary, Self.standby])
        let p = try await tenant(h, Self.primary)
        let s = try await tenant(h, Self.standby)
        #expect(p.name == "orders" && p.clusterId == Self.hz && p.clusterName == "ob-hz" && p.obTenantId == 1002)
        #expect(p.role == .primary && p.status == .normal && p.syncStatus == .valid && p.clusterType == .primary)
        #expect(p.basicPrimaryTenant == nil && p.basicStandbyTenantList?.map(\.tenantId) == [Self.standby])
        #expect(s.role == .standby && s.clusterType == .primary && s.readonly == false)
        #expect(s.basicPrimaryTenant?.tenantId == Self.primary && s.basicPrimaryTenant?.clusterId == Self.hz)
        #expect(s.basicPrimaryTenant?.logRestoreInfo == .object([:]))
        #expect(s.basicStandbyTenantList == [])
        // Tenant ids are not cluster ids: naming a tenant as a cluster fails visibly.
        let mixed = await h.error { () async throws(OCPError) in
            try await h.simulator.tenant(clusterId: Self.standby, tenantId: Self.standby)
        }
        #expect(mixed?.httpStatus == 404 && mixed?.code == OCPErrorCode.clusterNotFound)
        let elsewhere = await h.error { () async throws(OCPError) in
            try await h.simulator.tenant(clusterId: Self.hz, tenantId: Self.standby)
        }
        #expect(elsewhere?.httpStatus == 404 && elsewhere?.code == OCPErrorCode.tenantNotFound)
    }

    @Test func listsFilterByNameAndStatusAndPage() async throws {
        let (clusters, tenants) = SimulationSetup.tenantRegionLoss(clusters: 2, tenantsPerCluster: 3)
        let h = SimulatorHarness(SimulationSetup(clusters: clusters, tenants: tenants))
        let page = try await h.simulator.tenants(TenantQuery(page: 2, size: 5))
        #expect(page.page.totalElements == 12 && page.page.totalPages == 3 && page.contents.count == 5)
        #expect(try await h.simulator.tenants(TenantQuery(size: 100, name: "T1-")).contents.count == 6)
        let sh0 = try await h.simulator.allTenants(clusterId: clusters[1].id)
        #expect(sh0.count == 3 && sh0.allSatisfy { $0.role == .standby })
        #expect(try await h.simulator.tenants(TenantQuery(size: 100, status: [.failover])).contents.isEmpty)
        let bad = await h.error { () async throws(OCPError) in
            try await h.simulator.tenants(TenantQuery(sort: "color,asc"))
        }
        #expect(bad?.httpStatus == 400)
    }

    // MARK: - Switchover

    @Test func aSwitchoverPreCheckPassesWithAProxyWarningAndReportsTheSyncPoint() async throws {
        let h = SimulatorHarness(Self.setup())
        h.advance(.seconds(100))
        let result = try await h.simulator.tenantSwitchoverPreCheck(clusterId: Self.hz, pair: Self.pair)
        #expect(result.valid && result.tenantId == Self.primary && result.clusterId == Self.hz)
        let standby = try #require(result.standbyCheckResults.first)
        #expect(result.standbyCheckResults.count == 1 && standby.valid && standby.tenantId == Self.standby)
        #expect(standby.checkResults.map(\.errorCode) == ["OBE26107"] && standby.checkResults[0].warning)
        let at = SimulatorOptions.seedEpoch.adding(.seconds(99))
        #expect(standby.syncScn == Int(at.millisecondsSince1970) * 1_000_000)
        #expect(
            TenantSyncLag.reported(by: standby, at: SimulatorOptions.seedEpoch.adding(.seconds(100)))?.milliseconds
                == 1000)
        // Clusters that share an OBProxy get no warning.
        let shared = SimulatorHarness(Self.setup(obproxy: "obproxy-1"))
        let clean = try await shared.simulator.tenantSwitchoverPreCheck(clusterId: Self.hz, pair: Self.pair)
        #expect(clean.standbyCheckResults.first?.checkResults == [])
    }

    @Test func aLagOverTheThresholdBlocksTheSwitchoverWithOBE26009() async throws {
        let h = SimulatorHarness(Self.setup(lag: .milliseconds(14_883_430)))
        let result = try await h.simulator.tenantSwitchoverPreCheck(clusterId: Self.hz, pair: Self.pair)
        let finding = try #require(result.standbyCheckResults.first?.blocking.first)
        #expect(!result.valid && finding.errorCode == "OBE26009")
        #expect(
            finding.errorMessage
                == "The log synchronization latency of the orders tenant is 14,883,430 ms, which exceeds 5,000 ms.")
        #expect(
            TenantSyncLag.reported(by: result.standbyCheckResults[0], at: nil)
                == TenantSyncLag(milliseconds: 14_883_430, source: "OBE26009"))
        // The POST evaluates the same checks and refuses (choice 2).
        let refused = await h.error { () async throws(OCPError) in
            try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        }
        #expect(refused?.httpStatus == 400 && refused?.code == "OBE26009")
        #expect(try await h.simulator.tasks(TaskQuery()).contents.isEmpty)
    }

    @Test func aSwitchoverNeedsThePrimaryUpAndTheBodyToRepeatThePath() async throws {
        let h = SimulatorHarness(Self.setup(reachable: false))
        let result = try await h.simulator.tenantSwitchoverPreCheck(clusterId: Self.hz, pair: Self.pair)
        #expect(
            !result.valid && result.standbyCheckResults[0].blocking.map(\.errorCode) == [OCPErrorCode.tenantUnreachable]
        )
        let healthy = SimulatorHarness(Self.setup())
        // Choice 10: the body's tenantId is the path's.
        let mismatch = await healthy.error { () async throws(OCPError) in
            try await healthy.simulator.send(
                OCPOperation<TaskInstance>(
                    .tenantSwitchover, [Self.hz, Self.primary],
                    body: TenantPair(primary: Self.standby, standby: Self.primary).body))
        }
        #expect(mismatch?.httpStatus == 400 && mismatch?.code == OCPErrorCode.illegalArgument)
        // The standby named as the primary: its cluster does not hold it.
        let swapped = await healthy.error { () async throws(OCPError) in
            try await healthy.simulator.tenantSwitchover(
                clusterId: Self.sh, pair: TenantPair(primary: Self.standby, standby: Self.primary))
        }
        #expect(swapped?.httpStatus == 400 && swapped?.code == OCPErrorCode.tenantStateInvalid)
    }

    @Test func theSwitchoverChainIsTenSubtasksAsDocumented() async throws {
        let h = SimulatorHarness(Self.setup())
        let t = try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        #expect(t.name == "Switchover ob tenant for network mode" && t.status == .running && t.operation == .execute)
        #expect(
            t.tenantId == Self.primary && t.clusterId == Self.hz && t.creator == .name("admin")
                && t.prohibitRollback == false)
        let order = t.subtasksInExecutionOrder
        #expect(order.map(\.name) == TaskDefinition.tenantSwitchover.subtaskNames)
        #expect(order.map(\.timeout) == [60, 1800, 3600, 1800, 1800, 1800, 900, 600, 120, 120])
        #expect(
            order.map { $0.prohibitRollback == true } == [
                false, false, false, false, true, false, false, false, false, false,
            ])
        #expect(order.map(\.parallelIdx) == [-1, -1, -1, -1, -1, -1, 0, -1, -1, -1])
        #expect(order.first?.status == .ready && order.dropFirst().allSatisfy { $0.status == .pending })
        #expect(t.subtasks?.map(\.name) != order.map(\.name))
        #expect(order.allSatisfy { $0.description == $0.name && $0.nodeType == "JAVA_TASK" && $0.runTime == 1 })
    }

    @Test func aSwitchoverSwapsTheRolesInMetaAtStepNineAndFreesTheTenantsAtTheEnd() async throws {
        var setup = Self.setup()
        // A second standby of the primary is re-pointed to the new primary.
        setup.clusters?.append(ClusterSpec(id: 3_000_011, name: "ob-sz", obVersion: "4.2.5.3"))
        setup.tenants?.append(
            TenantSpec(id: 2_000_027, name: "orders", cluster: 3_000_011, role: "STANDBY", primary: Self.primary))
        let h = SimulatorHarness(setup)
        let t = try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        #expect(try await tenant(h, Self.primary).status == .switchover)
        #expect(try await tenant(h, Self.standby).status == .switchover)
        var rolesBeforeMeta: [TenantRole?] = []
        var final = t
        while !final.status.isTerminal {
            guard await h.step() else { break }
            final = try await h.simulator.task(id: t.id)
            if final.status(of: "Update tenant role in meta") != .successful {
                rolesBeforeMeta.append(try await tenant(h, Self.standby).role)
            }
        }
        #expect(final.status == .successful)
        #expect(rolesBeforeMeta.allSatisfy { $0 == .standby })
        let took = try #require(final.startTime).duration(to: try #require(final.finishTime))
        #expect(took == .milliseconds(19_800))
        let newPrimary = try await tenant(h, Self.standby)
        let newStandby = try await tenant(h, Self.primary)
        #expect(newPrimary.role == .primary && newPrimary.status == .normal && newPrimary.basicPrimaryTenant == nil)
        #expect(newPrimary.basicStandbyTenantList?.map(\.tenantId) == [Self.primary, 2_000_027])
        #expect(
            newStandby.role == .standby && newStandby.status == .normal
                && newStandby.basicPrimaryTenant?.tenantId == Self.standby)
        let third = try await h.simulator.tenant(clusterId: 3_000_011, tenantId: 2_000_027)
        #expect(third.basicPrimaryTenant?.tenantId == Self.standby)
        let log = try await h.log(final, "Switch primary tenant to standby")
        #expect(log.contains("ALTER SYSTEM SWITCHOVER TO STANDBY TENANT = orders"))
        // And back: the old primary, now 1 s behind as its standby was, may switch over again.
        let back = try await h.simulator.tenantSwitchover(
            clusterId: Self.sh, pair: TenantPair(primary: Self.standby, standby: Self.primary))
        #expect(try await h.runToEnd(back.id).status == .successful)
        #expect(try await tenant(h, Self.primary).role == .primary)
    }

    @Test func aTenantHeldByATaskRefusesAnotherUntilItsTaskSucceeds() async throws {
        let h = SimulatorHarness(
            Self.setup(faults: [
                .subtask(SubtaskFault(subtask: "Switch primary tenant to standby", tenant: Self.standby, fail: 1))
            ]))
        let t = try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        let busy = await h.error { () async throws(OCPError) in
            try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        }
        #expect(busy?.httpStatus == 409 && busy?.code == OCPErrorCode.clusterTaskInProgress)
        let precheck = try await h.simulator.tenantSwitchoverPreCheck(clusterId: Self.hz, pair: Self.pair)
        #expect(!precheck.valid && precheck.standbyCheckResults[0].blocking.contains { $0.errorCode == "OBE11020" })
        let failed = try await h.runToEnd(t.id)
        #expect(failed.status == .failed && failed.status(of: "Switch primary tenant to standby") == .failed)
        // A FAILED task keeps its hold (choice 3).
        #expect(try await tenant(h, Self.primary).status == .switchover)
        let still = await h.error { () async throws(OCPError) in
            try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        }
        #expect(still?.httpStatus == 409)
        // Nothing prohibits a rollback before step 5: it undoes and frees the tenants.
        _ = try await h.simulator.rollbackTask(id: t.id)
        let undone = try await h.runToEnd(t.id)
        #expect(undone.status == .successful && undone.operation == .rollback)
        let freed = try await tenant(h, Self.primary)
        #expect(freed.status == .normal && freed.role == .primary)
    }

    @Test func aSwitchoverFailedAfterTheRoleSwitchCannotRollBackButRetries() async throws {
        let h = SimulatorHarness(
            Self.setup(faults: [
                .subtask(SubtaskFault(subtask: "Update log restore source", fail: 1, message: "ret=-4012: timeout"))
            ]))
        let t = try await h.simulator.tenantSwitchover(clusterId: Self.hz, pair: Self.pair)
        let failed = try await h.runToEnd(t.id)
        #expect(failed.status == .failed && failed.prohibitRollback == true)
        #expect(try await h.log(failed, "Update log restore source").contains("ret=-4012: timeout"))
        let refused = await h.error { () async throws(OCPError) in try await h.simulator.rollbackTask(id: t.id) }
        #expect(refused?.httpStatus == 400 && refused?.code == OCPErrorCode.cannotRollback)
        _ = try await h.simulator.retryTask(id: t.id)
        #expect(try await h.runToEnd(t.id).status == .successful)
        #expect(try await tenant(h, Self.standby).role == .primary)
    }

    // MARK: - Failover

    @Test func aFailoverIsRefusedWhileThePrimaryCanBeConnected() async throws {
        let h = SimulatorHarness(Self.setup())
        let result = try await h.simulator.tenantFailoverPreCheck(clusterId: Self.sh, tenantId: Self.standby)
        #expect(!result.valid && result.tenantId == Self.standby && result.primaryTenantServiceName == "orders_svc")
        #expect(result.blocking.map(\.errorCode) == ["OBE26107"])
        let refused = await h.error { () async throws(OCPError) in
            try await h.simulator.tenantFailover(clusterId: Self.sh, tenantId: Self.standby)
        }
        #expect(refused?.httpStatus == 400 && refused?.code == "OBE26107")
    }

    @Test func aFailoverPromotesTheStandbyAndLeavesTheOldPrimaryAsItWas() async throws {
        let h = SimulatorHarness(Self.setup(reachable: false, lag: .milliseconds(800)))
        let result = try await h.simulator.tenantFailoverPreCheck(clusterId: Self.sh, tenantId: Self.standby)
        #expect(result.valid && result.checkResults.isEmpty)
        let t = try await h.simulator.tenantFailover(
            clusterId: Self.sh, tenantId: Self.standby, serviceName: "orders_sh")
        #expect(t.name == "Failover tenant" && t.tenantId == Self.standby && t.clusterId == Self.sh)
        let order = t.subtasksInExecutionOrder
        #expect(order.map(\.name) == TaskDefinition.tenantFailover.subtaskNames)
        #expect(order.map(\.timeout) == [1800, 1800, 1800, 1800, 1800])
        #expect(order.map { $0.prohibitRollback == true } == [false, true, false, false, true])
        #expect(try await tenant(h, Self.standby).status == .failover)
        #expect(try await tenant(h, Self.primary).status == .normal)
        let final = try await h.runToEnd(t.id)
        #expect(final.status == .successful)
        let took = try #require(final.startTime).duration(to: try #require(final.finishTime))
        #expect(took == .milliseconds(9_700))
        let promoted = try await tenant(h, Self.standby)
        #expect(promoted.role == .primary && promoted.status == .normal && promoted.basicPrimaryTenant == nil)
        #expect(promoted.serviceNameInfo?.serviceName == "orders_sh")
        let old = try await tenant(h, Self.primary)
        #expect(old.role == .primary && old.basicStandbyTenantList == [])
        // A tenant that is now a primary cannot fail over again.
        let again = await h.error { () async throws(OCPError) in
            try await h.simulator.tenantFailover(clusterId: Self.sh, tenantId: Self.standby)
        }
        #expect(again?.httpStatus == 400 && again?.code == OCPErrorCode.tenantStateInvalid)
    }

    @Test func faultsApplyBySubtaskNameAndTenant() async throws {
        let (clusters, tenants) = SimulationSetup.tenantRegionLoss(clusters: 1, tenantsPerCluster: 2)
        let faulty = tenants[3].id
        let h = SimulatorHarness(
            SimulationSetup(
                clusters: clusters, tenants: tenants,
                faults: [
                    .subtask(
                        SubtaskFault(
                            subtask: "Failover to primary tenant", tenant: faulty, fail: 1,
                            message: "ret=-4179: standby log not caught up"))
                ]))
        let sh = clusters[1].id
        let tasks = try await h.simulator.tenantsFailover(
            clusterId: sh, items: [TenantFailoverItem(tenantId: tenants[1].id), TenantFailoverItem(tenantId: faulty)])
        #expect(tasks.map(\.tenantId) == [tenants[1].id, faulty])
        let ok = try await h.runToEnd(tasks[0].id)
        let failed = try await h.runToEnd(tasks[1].id)
        #expect(ok.status == .successful && failed.status == .failed)
        #expect(try await h.log(failed, "Failover to primary tenant").contains("ret=-4179: standby log not caught up"))
        // The task list finds each tenant's task.
        #expect(try await h.simulator.tasks(TaskQuery(tenantId: faulty)).contents.map(\.id) == [tasks[1].id])
        _ = try await h.simulator.retryTask(id: tasks[1].id)
        #expect(try await h.runToEnd(tasks[1].id).status == .successful)
    }

    @Test func theBatchCallsCoverEveryStandbyOfTheClusterAllOrNone() async throws {
        let (clusters, tenants) = SimulationSetup.tenantRegionLoss(clusters: 1, tenantsPerCluster: 3)
        let h = SimulatorHarness(SimulationSetup(clusters: clusters, tenants: tenants))
        let sh = clusters[1].id
        let checks = try await h.simulator.tenantsFailoverPreCheck(clusterId: sh)
        #expect(
            checks.map(\.tenantId) == tenants.filter { $0.role == "STANDBY" }.map(\.id) && checks.allSatisfy(\.valid))
        // Choice 9: a batch failover without its list is refused.
        let empty = await h.error { () async throws(OCPError) in
            try await h.simulator.send(OCPOperation<Contents<TaskInstance>>(.tenantsFailover, [sh]))
        }
        #expect(empty?.httpStatus == 400 && empty?.code == OCPErrorCode.illegalArgument)
        // A serviceName that is not a non-empty string refuses the batch, as it refuses a single failover.
        for bad: JSONValue in [.number(7), .string(""), .string("  "), .bool(true)] {
            let body: JSONValue = .object([
                "failoverTenantItemList": .array([.object(["tenantId": .number(Double(checks[0].tenantId)), "serviceName": bad])])
            ])
            let refused = await h.error { () async throws(OCPError) in
                try await h.simulator.send(OCPOperation<Contents<TaskInstance>>(.tenantsFailover, [sh], body: body))
            }
            #expect(refused?.httpStatus == 400 && refused?.code == OCPErrorCode.illegalArgument, "serviceName \(bad)")
        }
        // A primary in the list refuses the whole batch.
        let mixed = await h.error { () async throws(OCPError) in
            try await h.simulator.tenantsFailover(
                clusterId: sh,
                items: [TenantFailoverItem(tenantId: tenants[1].id), TenantFailoverItem(tenantId: tenants[0].id)])
        }
        #expect(mixed?.httpStatus == 404)
        #expect(try await h.simulator.tasks(TaskQuery()).contents.isEmpty)
        let started = try await h.simulator.tenantsFailover(
            clusterId: sh, items: checks.map { TenantFailoverItem(tenantId: $0.tenantId) })
        #expect(started.count == 3 && Set(started.map(\.id)).count == 3)
        // The batch switchover takes pairs whose primaries are in the path's cluster.
        let h2 = SimulatorHarness(Self.setup())
        let results = try await h2.simulator.tenantsSwitchoverPreCheck(clusterId: Self.hz, pairs: [Self.pair])
        #expect(results.count == 1 && results[0].valid)
        let swaps = try await h2.simulator.tenantsSwitchover(clusterId: Self.hz, pairs: [Self.pair])
        #expect(swaps.map(\.tenantId) == [Self.primary])
    }
}
