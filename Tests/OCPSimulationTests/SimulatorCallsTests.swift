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

/// What each call records and how `runbook serve` gets whole envelopes.
@Suite struct SimulatorCallsTests {
    @Test func everyCallIsRecorded() async throws {
        let h = SimulatorHarness()
        let log = OCPCallLog()
        try await OCPCallLog.$current.withValue(log) {
            _ = try await h.simulator.failoverPreCheck(clusterId: 6)
            let t = try await h.simulator.failover(clusterId: 6)
            _ = try await h.simulator.task(id: t.id)
            _ = try await h.simulator.tasks(TaskQuery(clusterId: 6))
            _ = try await h.simulator.clusters(ClusterQuery(size: 20))
            let lock = try h.subtask(t, "Mc lock ob clusters")
            _ = try await h.simulator.subtaskLog(taskId: t.id, subtaskId: lock.id)
            _ = await h.error { () async throws(OCPError) in try await h.simulator.retryTask(id: t.id) }
        }
        let calls = log.calls
        #expect(calls.map { "\($0.method) \($0.path) \($0.status ?? 0)" } == [
            "POST /api/v2/ob/clusters/6/failoverPreCheck 200",
            "POST /api/v2/ob/clusters/6/failover 200",
            "GET /api/v2/tasks/instances/171603 200",
            "GET /api/v2/tasks/instances?clusterId=6&page=1&size=10 200",
            "GET /api/v2/ob/clusters?page=1&size=20 200",
            "GET /api/v2/tasks/instances/171603/subtasks/202623/log 200",
            "POST /api/v2/tasks/instances/171603/retry 400",
        ])
        #expect(calls.allSatisfy { $0.traceId?.count == 16 && $0.traceId?.allSatisfy(\.isHexDigit) == true })
        #expect(Set(calls.compactMap(\.traceId)).count == calls.count)
        #expect(calls.allSatisfy { $0.durationMs >= 0 && $0.durationMs < 1000 && $0.attempt == 1 })
        #expect(calls.map(\.errorCode) == [nil, nil, nil, nil, nil, nil, OCPErrorCode.operationNotSupported])
    }

    @Test func traceIdsAreDeterministicPerSeed() async throws {
        func traces(seed: UInt64) async throws -> [String] {
            let sim = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: SimulatorOptions(seed: seed))
            let log = OCPCallLog()
            try await OCPCallLog.$current.withValue(log) {
                for _ in 0..<3 { _ = try await sim.clusters(ClusterQuery()) }
            }
            return log.calls.compactMap(\.traceId)
        }
        #expect(try await traces(seed: 1) == (try await traces(seed: 1)))
        #expect(try await traces(seed: 1) != (try await traces(seed: 2)))
    }

    @Test func errorsCarryTheCallAndTraceId() async throws {
        let h = SimulatorHarness()
        let log = OCPCallLog()
        let error = try #require(await OCPCallLog.$current.withValue(log) {
            await h.error { () async throws(OCPError) in try await h.simulator.task(id: 42) }
        })
        #expect(error.traceId == log.calls.first?.traceId)
        #expect(error.description.hasPrefix("GET /api/v2/tasks/instances/42: HTTP 404 TSK10001: The 42 task does not exist."))
    }

    // MARK: - Lists

    @Test func clusterPagesAndFilters() async throws {
        let h = SimulatorHarness(clusters: SimulationSetup.pairs(5))
        let first = try await h.simulator.clusters(ClusterQuery(page: 1, size: 4))
        #expect(first.contents.map(\.id) == [1, 2, 3, 4])
        #expect(first.page == Page<Cluster>.Info(totalElements: 10, totalPages: 3, number: 1, size: 4))
        let last = try await h.simulator.clusters(ClusterQuery(page: 3, size: 4))
        #expect(last.contents.map(\.id) == [9, 10])
        let beyond = try await h.simulator.clusters(ClusterQuery(page: 4, size: 4))
        #expect(beyond.contents.isEmpty && beyond.page.totalElements == 10)
        let stopped = try await h.simulator.clusters(ClusterQuery(size: 100, status: .stopped))
        #expect(stopped.contents.map(\.id) == [1, 3, 5, 7, 9])
        let named = try await h.simulator.clusters(ClusterQuery(name: "standby-3"))
        #expect(named.contents.map(\.id) == [8])
        // The list is how a client finds one cluster.
        #expect(try await h.simulator.cluster(id: 8).name == "standby-3")
        let tooBig = await h.error { () async throws(OCPError) in try await h.simulator.clusters(ClusterQuery(size: 2001)) }
        #expect(tooBig?.httpStatus == 400 && tooBig?.code == OCPErrorCode.illegalArgument)
        let page0 = await h.error { () async throws(OCPError) in try await h.simulator.clusters(ClusterQuery(page: 0)) }
        #expect(page0?.httpStatus == 400)
    }

    @Test func taskListFiltersAndSorts() async throws {
        let h = SimulatorHarness(
            clusters: SimulationSetup.pairs(3), faults: [.subtask(SubtaskFault(subtask: "Wait node", cluster: 6, fail: 1))])
        let a = try await h.simulator.failover(clusterId: 2).id
        let b = try await h.simulator.failover(clusterId: 4).id
        let c = try await h.simulator.failover(clusterId: 6).id
        h.advance(.seconds(200))
        func ids(_ q: TaskQuery) async throws -> [Int] { try await h.simulator.tasks(q).contents.map(\.id) }
        #expect(try await ids(TaskQuery()) == [c, b, a])
        #expect(try await ids(TaskQuery(sort: "id,asc")) == [a, b, c])
        #expect(try await ids(TaskQuery(status: .failed)) == [c])
        #expect(try await ids(TaskQuery(status: .successful, sort: "id,asc")) == [a, b])
        #expect(try await ids(TaskQuery(clusterId: 4)) == [b])
        #expect(try await ids(TaskQuery(name: "Failover")) == [c, b, a])
        #expect(try await ids(TaskQuery(name: "Switchover")) == [])
        #expect(try await ids(TaskQuery(type: .scheduled)) == [])
        #expect(try await ids(TaskQuery(page: 2, size: 2)) == [a])
        let page = try await h.simulator.tasks(TaskQuery(page: 2, size: 2))
        #expect(page.page == Page<TaskInstance>.Info(totalElements: 3, totalPages: 2, number: 2, size: 2))
        #expect(page.contents.allSatisfy { $0.subtasks == nil && $0.creator == .user(id: 1, name: "admin") })
        let badSort = await h.error { () async throws(OCPError) in try await h.simulator.tasks(TaskQuery(sort: "name,asc")) }
        #expect(badSort?.httpStatus == 400)
    }
}
