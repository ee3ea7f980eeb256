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

/// Fault injection (`simulate.faults`) and subtask timeouts.
@Suite struct SimulatorFaultTests {
    @Test(arguments: [1, 2, 3])
    func failTheFirstNRunsWithTheMessageInTheLog(n: Int) async throws {
        let h = SimulatorHarness(
            clusters: nil,
            faults: [
                .subtask(
                    SubtaskFault(
                        subtask: "Failover to Primary Check", fail: n,
                        message: "primary OBServer 10.0.0.1:2882 is still alive"))
            ])
        let t = try await h.simulator.failover(clusterId: 6)
        for run in 1...n {
            let failed = try await h.runToEnd(t.id)
            #expect(failed.status == .failed)
            let check = try h.subtask(failed, "Failover to Primary Check")
            #expect(check.status == .failed && check.runTime == run)
            let log = try await h.log(failed, "Failover to Primary Check")
            #expect(log.components(separatedBy: "ERROR primary OBServer 10.0.0.1:2882 is still alive").count == run + 1)
            _ = try await h.simulator.retryTask(id: t.id)
        }
        let done = try await h.runToEnd(t.id)
        #expect(done.status == .successful)
        #expect(try h.subtask(done, "Failover to Primary Check").runTime == n + 1)
    }

    @Test func aFaultWithAClusterAppliesOnlyToTasksOnThatCluster() async throws {
        let h = SimulatorHarness(
            clusters: SimulationSetup.pairs(2),
            faults: [.subtask(SubtaskFault(subtask: "Wait node", cluster: 4, fail: 1))])
        let a = try await h.simulator.failover(clusterId: 2)
        let b = try await h.simulator.failover(clusterId: 4)
        h.advance(.seconds(200))
        let ta = try await h.simulator.task(id: a.id)
        let tb = try await h.simulator.task(id: b.id)
        #expect(ta.status == .successful)
        #expect(tb.status == .failed && tb.status(of: "Wait node") == .failed)
        #expect(try await h.log(tb, "Wait node").contains("ERROR injected failure of run 1"))
    }

    @Test func aFaultAppliesToEveryTaskWithoutACluster() async throws {
        let h = SimulatorHarness(
            clusters: SimulationSetup.pairs(2), faults: [.subtask(SubtaskFault(subtask: "Wait node", fail: 1))])
        let a = try await h.simulator.failover(clusterId: 2)
        let b = try await h.simulator.failover(clusterId: 4)
        h.advance(.seconds(200))
        #expect(try await h.simulator.task(id: a.id).status == .failed)
        #expect(try await h.simulator.task(id: b.id).status == .failed)
    }

    @Test func aThirtyMinuteHangIsTestedInMilliseconds() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.subtask(SubtaskFault(subtask: "Remove standby cluster", hang: true))])
        let t = try await h.simulator.failover(clusterId: 6)
        h.advance(.seconds(100))
        let hanging = try await h.simulator.task(id: t.id)
        #expect(hanging.status(of: "Remove standby cluster") == .running)
        let started = try #require(hanging.subtask(named: "Remove standby cluster")?.startTime)
        // Just before the timeout it still runs; at 1800 s it has failed.
        h.clock.advance(to: SimulationInstant(offset: .milliseconds(started.millisecondsSince1970 - SimulatorOptions.seedEpoch.millisecondsSince1970) + .seconds(1799)))
        #expect(try await h.simulator.task(id: t.id).status == .running)
        h.advance(.seconds(1))
        let failed = try await h.simulator.task(id: t.id)
        #expect(failed.status == .failed)
        let remove = try h.subtask(failed, "Remove standby cluster")
        #expect(remove.status == .failed)
        #expect(try #require(remove.startTime).duration(to: try #require(remove.finishTime)) == .seconds(1800))
        let log = try await h.log(failed, "Remove standby cluster")
        #expect(log.contains("TSK10012: subtask Remove standby cluster exceeded its timeout of 1800 s"))
        // The standby was promoted but is still linked: the remove never completed.
        #expect(try await h.cluster(6).primaryCluster?.id == 5)
        // A retry runs it normally (a hang affects the first run only).
        _ = try await h.simulator.retryTask(id: t.id)
        #expect(try await h.runToEnd(t.id).status == .successful)
    }

    @Test func hangWithFailHangsThatManyRuns() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.subtask(SubtaskFault(subtask: "Wait node", fail: 2, hang: true))])
        let t = try await h.simulator.failover(clusterId: 6)
        for _ in 0..<2 {
            let failed = try await h.runToEnd(t.id)
            #expect(failed.status == .failed)
            let wait = try h.subtask(failed, "Wait node")
            #expect(try #require(wait.startTime).duration(to: try #require(wait.finishTime)) == .seconds(30))
            _ = try await h.simulator.retryTask(id: t.id)
        }
        #expect(try await h.runToEnd(t.id).status == .successful)
    }

    @Test(arguments: [
        (Duration.seconds(1200), SubtaskStatus.successful, Duration.seconds(1200)),
        (Duration.seconds(1800), SubtaskStatus.failed, Duration.seconds(1800)),
        (Duration.seconds(3600), SubtaskStatus.failed, Duration.seconds(1800)),
        (Duration.milliseconds(0), SubtaskStatus.successful, Duration.zero),
    ])
    func takesOverridesTheDurationUpToTheTimeout(takes: Duration, status: SubtaskStatus, ran: Duration) async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.subtask(SubtaskFault(subtask: "Failover to Primary", takes: takes))])
        let t = try await h.simulator.failover(clusterId: 6)
        let final = try await h.runToEnd(t.id)
        let s = try h.subtask(final, "Failover to Primary")
        #expect(s.status == status)
        #expect(try #require(s.startTime).duration(to: try #require(s.finishTime)) == ran)
        if status == .failed {
            #expect(try await h.log(final, "Failover to Primary").contains("TSK10012"))
        }
    }

    @Test func takesOnlyForOneCluster() async throws {
        let h = SimulatorHarness(
            clusters: SimulationSetup.pairs(2),
            faults: [.subtask(SubtaskFault(subtask: "Failover to Primary", cluster: 4, takes: .seconds(1200)))])
        let a = try await h.runToEnd(try await h.simulator.failover(clusterId: 2).id)
        let b = try await h.runToEnd(try await h.simulator.failover(clusterId: 4).id)
        let da = try #require(a.startTime).duration(to: try #require(a.finishTime))
        let db = try #require(b.startTime).duration(to: try #require(b.finishTime))
        #expect(da == .seconds(104))
        #expect(db == .seconds(104 - 45 + 1200))
    }

    // MARK: - API faults

    @Test(arguments: [500, 503, 429, 502])
    func theNextNCallsOfAnEndpointAnswerAnHTTPError(status: Int) async throws {
        let h = SimulatorHarness(
            clusters: nil,
            faults: [.api(APIFault(endpoint: "GET /api/v2/tasks/instances/{taskId}", status: status, times: 2))])
        let t = try await h.simulator.failover(clusterId: 6)
        let log = OCPCallLog()
        let errors = await OCPCallLog.$current.withValue(log) {
            [
                await h.error { () async throws(OCPError) in try await h.simulator.task(id: t.id) },
                await h.error { () async throws(OCPError) in try await h.simulator.task(id: t.id) },
                await h.error { () async throws(OCPError) in try await h.simulator.task(id: t.id) },
            ]
        }
        for error in errors.prefix(2) {
            #expect(error?.kind == .api)
            #expect(error?.httpStatus == status)
            #expect(error?.code == OCPErrorCode.injected)
            #expect(error?.message.contains("Injected fault") == true)
            #expect(error?.call == OCPCall(method: "GET", path: "/api/v2/tasks/instances/\(t.id)"))
        }
        #expect(errors[2] == nil)
        #expect(log.calls.map(\.status) == [status, status, 200])
        #expect(log.calls.map(\.errorCode) == [OCPErrorCode.injected, OCPErrorCode.injected, nil])
        // Other endpoints are untouched.
        #expect(try await h.simulator.tasks(TaskQuery()).contents.count == 1)
    }

    @Test func anInjectedFaultOnAPostHasNoEffect() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.api(APIFault(endpoint: "POST /api/v2/ob/clusters/{id}/failover", status: 503))])
        let error = await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: 6) }
        #expect(error?.httpStatus == 503)
        #expect(try await h.simulator.tasks(TaskQuery()).contents.isEmpty)
        #expect(try await h.cluster(6).status == .running)
        #expect(try await h.simulator.failover(clusterId: 6).status == .running)
    }

    @Test func anInjected401IsUnauthorized() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.api(APIFault(endpoint: "GET /api/v2/ob/clusters", status: 401))])
        let error = await h.error { () async throws(OCPError) in try await h.simulator.cluster(id: 6) }
        #expect(error?.kind == .unauthorized)
        #expect(error?.isTargetFailure == true)
        #expect(try await h.simulator.cluster(id: 6).id == 6)
    }

    @Test func faultsForTheSameEndpointApplyInOrder() async throws {
        let h = SimulatorHarness(
            clusters: nil,
            faults: [
                .api(APIFault(endpoint: "GET /api/v2/tasks/instances", status: 429, times: 1)),
                .api(APIFault(endpoint: "GET /api/v2/tasks/instances", status: 500, times: 1)),
            ])
        let first = await h.error { () async throws(OCPError) in try await h.simulator.tasks(TaskQuery()) }
        let second = await h.error { () async throws(OCPError) in try await h.simulator.tasks(TaskQuery()) }
        let third = await h.error { () async throws(OCPError) in try await h.simulator.tasks(TaskQuery()) }
        #expect(first?.httpStatus == 429 && second?.httpStatus == 500 && third == nil)
    }

    @Test func defaultTopologyIsTheLanguageBriefs() async throws {
        let h = SimulatorHarness()
        let page = try await h.simulator.clusters(ClusterQuery())
        // Clusters 5 and 6 (OB 3.x), then the OceanBase 4.x pair, whose tenants carry the roles.
        #expect(page.contents.map(\.id) == [5, 6, 3_000_009, 3_000_010])
        let hz = page.contents[0]
        let sh = page.contents[1]
        #expect(hz.name == "obcluster-hz" && hz.type == .primary && hz.status == .stopped)
        #expect(sh.name == "obcluster-sh" && sh.type == .standby && sh.status == .running && sh.syncStatus == .valid)
        #expect(sh.primaryCluster == ClusterLink(id: 5, name: "obcluster-hz"))
        // The three-step runbook works with no setup.
        #expect(try await h.simulator.failoverPreCheck(clusterId: 6).valid)
        #expect(page.contents[2].name == "ob-hz" && page.contents[3].name == "ob-sh")
        #expect(page.contents.dropFirst(2).allSatisfy { $0.type == .primary && $0.status == .running })
    }
}
