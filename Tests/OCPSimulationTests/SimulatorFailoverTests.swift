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

@Suite struct SimulatorFailoverTests {
    private func json<T: Encodable>(_ value: T) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: JSONEncoder().encode(value))
    }

    // MARK: - The seed, faithfully

    @Test func failoverAnswerIsTheSeedsDataExactly() async throws {
        let options = SimulatorOptions(executor: "xxx.xxx.xxx.xxx")
        let h = SimulatorHarness(SimulationSetup(), options: options)
        let task = try await h.simulator.failover(clusterId: 6)
        let seed = try JSONDecoder().decode(JSONValue.self, from: Data(SeedExample.failoverAnswer.utf8))
        guard case .object(let envelope) = seed else {
            Issue.record("the seed is not an object")
            return
        }
        #expect(try json(task) == envelope["data"])
    }

    @Test func postAnswerFollowsReferenceSection5() async throws {
        let h = SimulatorHarness()
        let task = try await h.simulator.failover(clusterId: 6)
        #expect(task.name == "Failover OB cluster")
        #expect(task.status == .running)
        #expect(task.operation == .execute)
        #expect(task.type == .manual)
        #expect(task.taskDefinitionId == -1)
        #expect(task.creator == .name("admin"))
        #expect(task.clusterId == 6)
        let subtasks = try #require(task.subtasks)
        #expect(subtasks.count == 9)
        #expect(subtasks.allSatisfy { $0.runTime == 1 && $0.operation == .execute && $0.nodeType == "JAVA_TASK" })
        let order = task.subtasksInExecutionOrder
        #expect(order.first?.status == .ready)
        #expect(order.dropFirst().allSatisfy { $0.status == .pending })
        // Returned in an order that is not the execution order.
        #expect(subtasks.map(\.name) != order.map(\.name))
    }

    @Test(arguments: Array(TaskDefinition.failover.subtasks.enumerated()))
    func failoverSubtaskMatchesTheSeedTable(index: Int, definition: TaskDefinition.Subtask) async throws {
        let h = SimulatorHarness()
        let task = try await h.simulator.failover(clusterId: 6)
        let s = task.subtasksInExecutionOrder[index]
        #expect(s.name == definition.name)
        #expect(s.description == definition.name)
        #expect(s.seriesId == definition.seriesId)
        #expect(s.timeout == definition.timeout)
        #expect(s.prohibitRollback == definition.prohibitRollback)
        #expect(s.parallelIdx == definition.parallelIdx)
        // The seed's ids for a first subtask id of 202620.
        let seedIds = [202_623, 202_626, 202_628, 202_621, 202_625, 202_627, 202_620, 202_622, 202_624]
        #expect(s.id == seedIds[index])
    }

    @Test func seedTableMatchesReferenceSection5() {
        let rows = TaskDefinition.failover.subtasks.map { "\($0.name)|\($0.seriesId)|\($0.timeout)|\($0.prohibitRollback)|\($0.parallelIdx)" }
        #expect(rows == [
            "Mc lock ob clusters|8|60|false|-1",
            "Failover to Primary Check|5|1800|true|-1",
            "Failover to Primary|4|1800|true|-1",
            "Update OB cluster status|1|30|false|0",
            "Wait node|6|30|false|-1",
            "Mc ob failover update mc ob cluster|0|60|false|-1",
            "Sync all cluster info|7|60|false|-1",
            "Remove standby cluster|3|1800|true|0",
            "Mc unlock ob clusters|2|60|false|-1",
        ])
    }

    @Test func eachTaskGetsFreshIdsLinkedInAChain() async throws {
        let h = SimulatorHarness(clusters: SimulationSetup.pairs(2))
        let a = try await h.simulator.failover(clusterId: 2)
        let b = try await h.simulator.failover(clusterId: 4)
        #expect(b.id == a.id + 1)
        let idsA = Set(a.subtasks?.map(\.id) ?? [])
        let idsB = Set(b.subtasks?.map(\.id) ?? [])
        #expect(idsA.count == 9 && idsB.count == 9 && idsA.isDisjoint(with: idsB))
        for task in [a, b] {
            let order = task.subtasksInExecutionOrder
            for (i, s) in order.enumerated() {
                #expect(s.upstreams == (i == 0 ? [] : [order[i - 1].id]))
                #expect(s.downstreams == (i == order.count - 1 ? [] : [order[i + 1].id]))
            }
        }
    }

    @Test func detailAnswerHasCreatorObjectAndTimes() async throws {
        let h = SimulatorHarness()
        let created = try await h.simulator.failover(clusterId: 6)
        let detail = try await h.simulator.task(id: created.id)
        #expect(detail.creator == .user(id: 1, name: "admin"))
        #expect(detail.createTime == SimulatorOptions.seedEpoch)
        #expect(detail.startTime == SimulatorOptions.seedEpoch)
        #expect(detail.finishTime == nil)
        let summary = try await h.simulator.tasks(TaskQuery())
        #expect(summary.contents.map(\.id) == [created.id])
        #expect(summary.contents.first?.subtasks == nil)
    }

    // MARK: - Lifecycle

    @Test func wholeFailoverRunsTheChainInOrderAndSucceeds() async throws {
        let h = SimulatorHarness()
        let created = try await h.simulator.failover(clusterId: 6)
        var seenRunning: [String] = []
        let final = try await h.runToEnd(created.id) { task in
            let order = task.subtasksInExecutionOrder
            for (i, s) in order.enumerated() {
                // PENDING until every upstream is SUCCESSFUL; never further on than the upstream.
                if s.status != .pending {
                    #expect(order[..<i].allSatisfy { $0.status == .successful }, "\(task.statusLine)")
                }
                if s.status == .running, seenRunning.last != s.name { seenRunning.append(s.name) }
            }
            if !task.status.isTerminal {
                #expect(task.finishTime == nil)
            }
        }
        #expect(final.status == .successful)
        #expect(final.subtasks?.allSatisfy { $0.status == .successful } == true)
        #expect(seenRunning == TaskDefinition.failover.subtaskNames)
        let order = final.subtasksInExecutionOrder
        for (a, b) in zip(order, order.dropFirst()) {
            let aEnd = try #require(a.finishTime)
            let bStart = try #require(b.startTime)
            #expect(aEnd <= bStart)
        }
        // Default durations: 95 s of subtasks and 1 s of dispatch before each: 1 min 44 s.
        let took = try #require(final.startTime).duration(to: try #require(final.finishTime))
        #expect(took == .seconds(104))
        #expect(took >= .seconds(60) && took <= .seconds(180))
    }

    @Test(arguments: Array(SimulatorTimings.defaultDurations))
    func subtaskTakesItsDefaultDuration(name: String, duration: Duration) async throws {
        if !TaskDefinition.failover.subtaskNames.contains(name), !TaskDefinition.switchover.subtaskNames.contains(name) {
            // A tenant task's subtask: run the default pair's switchover, or a failover of its standby.
            let failover = TaskDefinition.tenantFailover.subtaskNames.contains(name)
            var setup = SimulationSetup()
            if failover {
                setup.tenants = SimulationSetup.defaultTenants.map { t in
                    var lost = t
                    lost.reachable = t.role != "PRIMARY"
                    return lost
                }
            }
            let h = SimulatorHarness(setup)
            let created = failover
                ? try await h.simulator.tenantFailover(clusterId: 3_000_010, tenantId: 2_000_025)
                : try await h.simulator.tenantSwitchover(clusterId: 3_000_009, pair: TenantPair(primary: 2_000_022, standby: 2_000_025))
            let s = try h.subtask(try await h.runToEnd(created.id), name)
            #expect(s.status == .successful)
            #expect(try #require(s.startTime).duration(to: try #require(s.finishTime)) == duration)
            return
        }
        let kind: SimulatedTaskKind = TaskDefinition.failover.subtaskNames.contains(name) ? .failover : .switchover
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: kind == .failover ? "STOPPED" : "RUNNING"))
        let created = kind == .failover
            ? try await h.simulator.failover(clusterId: 6) : try await h.simulator.switchover(clusterId: 6)
        let final = try await h.runToEnd(created.id)
        let s = try h.subtask(final, name)
        #expect(s.status == .successful)
        #expect(try #require(s.startTime).duration(to: try #require(s.finishTime)) == duration)
    }

    @Test func taskStatusAndProhibitRollbackFollowTheSubtasks() async throws {
        let h = SimulatorHarness()
        let created = try await h.simulator.failover(clusterId: 6)
        #expect(created.prohibitRollback == false)
        _ = try await h.runToEnd(created.id) { task in
            let left = task.subtasks?.contains {
                $0.prohibitRollback == true && $0.status != .pending && $0.status != .ready
            } ?? false
            #expect(task.prohibitRollback == left)
            let live = task.subtasks?.contains { [.running, .ready, .canceling].contains($0.status) } ?? false
            if live { #expect(task.status == .running) }
        }
        let check = try h.subtask(try await h.simulator.task(id: created.id), "Failover to Primary Check")
        #expect(check.status == .successful)
    }

    @Test func subtaskLogsSayWhatHappened() async throws {
        let h = SimulatorHarness()
        let created = try await h.simulator.failover(clusterId: 6)
        let final = try await h.runToEnd(created.id)
        let log = try await h.log(final, "Failover to Primary")
        #expect(log.contains("Failover to Primary: run 1 started"))
        #expect(log.contains("cluster 6 (obcluster-sh) is now PRIMARY"))
        #expect(log.contains("Failover to Primary: run 1 SUCCESSFUL"))
        #expect(log.split(separator: "\n").allSatisfy { OCPTimestamp(String($0.prefix(29))) != nil })
        let lock = try await h.log(final, "Mc lock ob clusters")
        #expect(lock.contains("locked clusters 6 (obcluster-sh), 5 (obcluster-hz)"))
    }

    // MARK: - Cluster effects

    @Test func failoverPromotesTheStandbyAndDetachesTheOldPrimary() async throws {
        let h = SimulatorHarness()
        let before = try await h.cluster(6)
        #expect(before.type == .standby && before.status == .running && before.primaryCluster?.id == 5)
        #expect(before.syncStatus == .valid && before.delayTime == 2)
        #expect(try await h.cluster(5).standbyClusters == [ClusterLink(id: 6, name: "obcluster-sh")])

        let created = try await h.simulator.failover(clusterId: 6)
        #expect(try await h.cluster(6).status == .failover)
        let final = try await h.runToEnd(created.id)
        #expect(final.status == .successful)
        let standby = try await h.cluster(6)
        let old = try await h.cluster(5)
        #expect(standby.type == .primary)
        #expect(standby.status == .running)
        #expect(standby.primaryCluster == nil)
        #expect(standby.standbyClusters == [])
        #expect(standby.syncStatus == nil && standby.delayTime == nil)
        // The old primary is not re-attached: still PRIMARY (and STOPPED), with no standby.
        #expect(old.type == .primary && old.status == .stopped)
        #expect(old.standbyClusters == [])
        #expect(old.primaryCluster == nil)
    }

    @Test func clusterChangesHappenAtTheirSubtasks() async throws {
        var observations: [String] = []
        let g = SimulatorHarness()
        let task = try await g.simulator.failover(clusterId: 6)
        var current = task
        while !current.status.isTerminal {
            guard await g.step() else { break }
            current = try await g.simulator.task(id: task.id)
            let c6 = try await g.cluster(6)
            let promoted = current.status(of: "Failover to Primary") == .successful
            let removed = current.status(of: "Remove standby cluster") == .successful
            #expect((c6.type == .primary) == promoted, "\(current.statusLine)")
            #expect((c6.primaryCluster == nil) == removed)
            #expect((c6.status == .failover) == !current.status.isTerminal)
            observations.append("\(c6.type)/\(c6.status)/\(c6.primaryCluster?.id ?? 0)")
        }
        #expect(observations.first == "STANDBY/FAILOVER/5")
        #expect(observations.contains("PRIMARY/FAILOVER/5"))
        #expect(observations.contains("PRIMARY/FAILOVER/0"))
        #expect(observations.last == "PRIMARY/RUNNING/0")
    }

    @Test func failoverOfAStandbyWithSiblingsLeavesThemWithTheOldPrimary() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(extraStandbys: [7]))
        let created = try await h.simulator.failover(clusterId: 6)
        #expect(try await h.runToEnd(created.id).status == .successful)
        #expect(try await h.cluster(5).standbyClusters?.map(\.id) == [7])
        #expect(try await h.cluster(7).primaryCluster?.id == 5)
    }

    // MARK: - Preconditions

    @Test(arguments: [
        (5, 400, OCPErrorCode.clusterStateInvalid, "is PRIMARY"),
        (99, 404, OCPErrorCode.clusterNotFound, "99 does not exist"),
    ])
    func failoverOfAPrimaryOrUnknownClusterIsRefused(cluster: Int, status: Int, code: String, words: String) async throws {
        let h = SimulatorHarness()
        let log = OCPCallLog()
        let error = try #require(await OCPCallLog.$current.withValue(log) {
            await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: cluster) }
        })
        #expect(error.kind == .api)
        #expect(error.httpStatus == status)
        #expect(error.code == code)
        #expect(error.message.contains(words))
        #expect(error.call == OCPCall(method: "POST", path: "/api/v2/ob/clusters/\(cluster)/failover"))
        #expect(error.traceId?.count == 16)
        #expect(log.calls.map(\.status) == [status])
        #expect(log.calls.first?.errorCode == code)
        #expect(try await h.simulator.tasks(TaskQuery()).contents.isEmpty)
    }

    @Test func failoverOfAStoppedStandbyIsRefused() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(standbyStatus: "STOPPED"))
        let error = await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: 6) }
        #expect(error?.httpStatus == 400)
        #expect(error?.message.contains("STOPPED") == true)
    }

    @Test func checkSubtaskFailsWhileThePrimaryRuns() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
        let created = try await h.simulator.failover(clusterId: 6)
        let final = try await h.runToEnd(created.id)
        #expect(final.status == .failed)
        #expect(final.status(of: "Mc lock ob clusters") == .successful)
        #expect(final.status(of: "Failover to Primary Check") == .failed)
        #expect(final.status(of: "Failover to Primary") == .pending)
        #expect(final.finishTime != nil)
        let log = try await h.log(final, "Failover to Primary Check")
        #expect(log.contains("primary cluster 5 (hz) is still RUNNING"))
        // Nothing changed on the clusters, and nothing holds them now.
        let c6 = try await h.cluster(6)
        #expect(c6.type == .standby && c6.status == .running && c6.primaryCluster?.id == 5)
        #expect(try await h.simulator.failover(clusterId: 6).status == .running)
    }

    @Test(arguments: [
        ("STOPPED", "VALID", false, "primary cluster 5 (hz) is still RUNNING"),
        ("RUNNING", "VALID", false, "still RUNNING"),
    ])
    func failoverPreCheckNeedsThePrimaryDown(primary: String, sync: String, valid: Bool, words: String) async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: primary, syncStatus: sync))
        let result = try await h.simulator.failoverPreCheck(clusterId: 6)
        #expect(result.valid == (primary != "RUNNING"))
        if primary == "RUNNING" {
            #expect(result.messages.contains { $0.contains(words) })
        } else {
            #expect(result.messages.isEmpty)
        }
    }

    @Test func failoverPreCheckListsEveryProblem() async throws {
        let h = SimulatorHarness()
        let onPrimary = try await h.simulator.failoverPreCheck(clusterId: 5)
        #expect(!onPrimary.valid)
        #expect(onPrimary.messages.contains { $0.contains("is PRIMARY") })
        #expect(onPrimary.messages.contains { $0.contains("STOPPED, not RUNNING") })
        let busy = try await h.simulator.failover(clusterId: 6)
        let during = try await h.simulator.failoverPreCheck(clusterId: 6)
        #expect(!during.valid)
        #expect(during.messages.contains { $0.contains("task \(busy.id)") })
        let error = await h.error { () async throws(OCPError) in try await h.simulator.failoverPreCheck(clusterId: 42) }
        #expect(error?.httpStatus == 404)
    }

    // MARK: - Locks and concurrency

    @Test func secondTaskOnABusyClusterIsRefused() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(extraStandbys: [7]))
        let first = try await h.simulator.failover(clusterId: 6)
        // Before the lock subtask ran: the task is in progress.
        let errors = [
            await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: 6) },
            await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: 7) },
            await h.error { () async throws(OCPError) in try await h.simulator.switchover(clusterId: 7) },
        ]
        for error in errors {
            #expect(error?.httpStatus == 409)
            #expect(error?.code == OCPErrorCode.clusterTaskInProgress)
            #expect(error?.message.contains("task \(first.id)") == true)
        }
        // After "Mc lock ob clusters": locked.
        h.advance(.seconds(3))
        let locked = try await h.simulator.task(id: first.id)
        #expect(locked.status(of: "Mc lock ob clusters") == .successful)
        let error = await h.error { () async throws(OCPError) in try await h.simulator.failover(clusterId: 7) }
        #expect(error?.httpStatus == 409)
        #expect(error?.code == OCPErrorCode.clusterLocked)
        // After the task: free again (7 is still a standby of 5).
        #expect(try await h.runToEnd(first.id).status == .successful)
        let pre = try await h.simulator.failoverPreCheck(clusterId: 7)
        #expect(pre.valid)
    }

    @Test func unrelatedPairsFailOverSideBySide() async throws {
        let h = SimulatorHarness(clusters: SimulationSetup.pairs(3))
        var ids: [Int] = []
        for standby in [2, 4, 6] { ids.append(try await h.simulator.failover(clusterId: standby).id) }
        h.advance(.seconds(104))
        for id in ids {
            let t = try await h.simulator.task(id: id)
            #expect(t.status == .successful)
            #expect(t.finishTime == SimulatorOptions.seedEpoch.adding(.seconds(104)))
        }
        for standby in [2, 4, 6] { #expect(try await h.cluster(standby).type == .primary) }
    }

    @Test func aFailedTaskReleasesItsClustersAndARetryTakesThemAgain() async throws {
        let h = SimulatorHarness(
            clusters: SimulatorHarness.pair(extraStandbys: [7]),
            faults: [.subtask(SubtaskFault(subtask: "Failover to Primary", cluster: 6, fail: 1, message: "observer down"))])
        let first = try await h.simulator.failover(clusterId: 6)
        let failed = try await h.runToEnd(first.id)
        #expect(failed.status == .failed)
        #expect(try await h.cluster(6).status == .running)
        // Another task may now take the primary (via its other standby) ...
        let other = try await h.simulator.failover(clusterId: 7)
        // ... and then the retry of the first is refused while it runs.
        let refused = await h.error { () async throws(OCPError) in try await h.simulator.retryTask(id: first.id) }
        #expect(refused?.httpStatus == 409)
        #expect(refused?.code == OCPErrorCode.clusterTaskInProgress)
        #expect(try await h.simulator.task(id: first.id).status == .failed)
        // Once the other ended, the retry takes the clusters again.
        #expect(try await h.runToEnd(other.id).status == .successful)
        let retried = try await h.simulator.retryTask(id: first.id)
        #expect(retried.status == .running)
        #expect(try await h.cluster(6).status == .failover)
        let blocked = await h.error { () async throws(OCPError) in try await h.simulator.switchover(clusterId: 6) }
        #expect(blocked?.code == OCPErrorCode.clusterLocked)
        #expect(try await h.runToEnd(first.id).status == .successful)
    }
}
