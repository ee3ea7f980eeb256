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

/// Reference section 5, the switchover task, and its pre-check.
@Suite struct SimulatorSwitchoverTests {
    @Test func switchoverIsAChainOfSevenWithoutProhibitRollback() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
        let t = try await h.simulator.switchover(clusterId: 6)
        #expect(t.name == "Switchover OB cluster")
        #expect(t.status == .running && t.operation == .execute && t.type == .manual && t.taskDefinitionId == -1)
        #expect(t.creator == .name("admin"))
        let order = t.subtasksInExecutionOrder
        #expect(order.map(\.name) == [
            "Mc lock ob clusters", "Prepare switchover", "Switchover to standby", "Switchover to primary check",
            "Switchover to primary", "Switchover Update Role Task", "Mc unlock ob clusters",
        ])
        #expect(order.map(\.timeout) == [60, 300, 300, 300, 300, 60, 60])
        #expect(order.allSatisfy { $0.prohibitRollback == false && $0.runTime == 1 })
        #expect(order.first?.status == .ready && order.dropFirst().allSatisfy { $0.status == .pending })
        #expect(t.subtasks?.map(\.name) != order.map(\.name))
        #expect(Set(order.map(\.id)).count == 7)
    }

    @Test func switchoverSwapsTheRoles() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING", extraStandbys: [7]))
        let t = try await h.simulator.switchover(clusterId: 6)
        #expect(try await h.cluster(5).status == .switchover)
        #expect(try await h.cluster(6).status == .switchover)
        #expect(try await h.cluster(7).status == .running)
        var sawTwoStandbys = false
        let final = try await h.runToEnd(t.id) { task in
            if task.status(of: "Switchover to standby") == .successful,
                task.status(of: "Switchover to primary") != .successful
            {
                sawTwoStandbys = true
            }
            #expect(task.prohibitRollback == false)
        }
        #expect(sawTwoStandbys)
        #expect(final.status == .successful)
        let took = try #require(final.startTime).duration(to: try #require(final.finishTime))
        #expect(took == .seconds(96))
        let newPrimary = try await h.cluster(6)
        let newStandby = try await h.cluster(5)
        #expect(newPrimary.type == .primary && newPrimary.status == .running && newPrimary.primaryCluster == nil)
        #expect(newPrimary.standbyClusters?.map(\.id) == [5, 7])
        #expect(newStandby.type == .standby && newStandby.status == .running && newStandby.primaryCluster?.id == 6)
        #expect(newStandby.syncStatus == .valid && newStandby.delayTime == 0)
        #expect(try await h.cluster(7).primaryCluster?.id == 6)
        // And back again.
        let back = try await h.simulator.switchover(clusterId: 5)
        #expect(try await h.runToEnd(back.id).status == .successful)
        #expect(try await h.cluster(5).type == .primary)
        #expect(try await h.cluster(6).type == .standby)
        #expect(try await h.cluster(5).standbyClusters?.map(\.id) == [6, 7])
    }

    @Test(arguments: [
        ("STOPPED", "VALID", "primary cluster 5 (hz) is STOPPED, not RUNNING"),
        ("RUNNING", "DISABLED", "log sync of standby cluster 6 (sh) is DISABLED"),
    ])
    func prepareFailsWhenThePrimaryIsDownOrSyncDisabled(primary: String, sync: String, words: String) async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: primary, syncStatus: sync))
        let t = try await h.simulator.switchover(clusterId: 6)
        let final = try await h.runToEnd(t.id)
        #expect(final.status == .failed)
        #expect(final.status(of: "Prepare switchover") == .failed)
        #expect(try await h.log(final, "Prepare switchover").contains(words))
        #expect(try await h.cluster(5).type == .primary)
        #expect(try await h.cluster(5).status == ClusterStatus(rawValue: primary))
    }

    @Test(arguments: [
        ("RUNNING", "VALID", true, ""),
        ("STOPPED", "VALID", false, "The primary cluster 5 (hz) is STOPPED, not RUNNING"),
        ("RUNNING", "DISABLED", false, "is DISABLED"),
        ("STOPPED", "DISABLED", false, "is DISABLED"),
    ])
    func switchoverPreCheck(primary: String, sync: String, valid: Bool, words: String) async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: primary, syncStatus: sync))
        let result = try await h.simulator.switchoverPreCheck(clusterId: 6)
        #expect(result.valid == valid)
        if !valid { #expect(result.messages.contains { $0.contains(words) }) }
        if primary == "STOPPED" && sync == "DISABLED" { #expect(result.messages.count == 2) }
    }

    @Test func switchoverPreCheckOnAPrimaryOrUnknown() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
        let onPrimary = try await h.simulator.switchoverPreCheck(clusterId: 5)
        #expect(!onPrimary.valid && onPrimary.messages.contains { $0.contains("is PRIMARY") })
        let error = await h.error { () async throws(OCPError) in try await h.simulator.switchoverPreCheck(clusterId: 9) }
        #expect(error?.httpStatus == 404 && error?.code == OCPErrorCode.clusterNotFound)
    }

    @Test func switchoverRefusals() async throws {
        let h = SimulatorHarness(clusters: [
            ClusterSpec(id: 1, name: "p", type: "PRIMARY"),
            ClusterSpec(id: 2, name: "orphan", type: "STANDBY"),
        ])
        let onPrimary = await h.error { () async throws(OCPError) in try await h.simulator.switchover(clusterId: 1) }
        #expect(onPrimary?.httpStatus == 400 && onPrimary?.code == OCPErrorCode.clusterStateInvalid)
        let orphan = await h.error { () async throws(OCPError) in try await h.simulator.switchover(clusterId: 2) }
        #expect(orphan?.httpStatus == 400 && orphan?.message.contains("no primary") == true)
        let unknown = await h.error { () async throws(OCPError) in try await h.simulator.switchover(clusterId: 3) }
        #expect(unknown?.httpStatus == 404)
    }

    @Test func aFailoverAndASwitchoverOnOnePairExcludeEachOther() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
        let s = try await h.simulator.switchover(clusterId: 6)
        let refused = await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: 6) }
        #expect(refused?.httpStatus == 409)
        #expect(try await h.runToEnd(s.id).status == .successful)
        // 5 is now the standby of 6; 6 runs, so a failover's check would fail, but the POST is accepted.
        let f = try await h.simulator.failover(clusterId: 5)
        #expect(try await h.runToEnd(f.id).status == .failed)
    }
}
