import Foundation
import Testing

@testable import Runbook

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

    // MARK: - Served answers

    private func body(_ response: SimulatorResponse) throws -> [String: JSONValue] {
        guard case .object(let o) = try JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else {
            throw CancellationError()
        }
        return o
    }

    @Test func respondAnswersErrorsAsOCPEnvelopes() async throws {
        let h = SimulatorHarness()
        let log = OCPCallLog()
        let response = await OCPCallLog.$current.withValue(log) {
            await h.simulator.respond(method: "GET", path: "/api/v2/tasks/instances/171603")
        }
        #expect(response.status == 404)
        let o = try body(response)
        #expect(o["successful"] == .bool(false))
        #expect(o["status"] == .number(404))
        #expect(o["error"] == .object(["code": .string("TSK10001"), "message": .string("The 171603 task does not exist.")]))
        #expect(o["data"] == nil)
        #expect(o["traceId"] == log.calls.first?.traceId.map(JSONValue.string))
        #expect(o["timestamp"] == .string("2022-09-05T13:39:18.441+08:00"))
        #expect(o["server"] == .string("127.0.0.1"))
        let decoded = try JSONDecoder().decode(OCPEnvelope<TaskInstance>.self, from: Data(response.body))
        #expect(decoded.error?.code == "TSK10001")
    }

    @Test func respondToUnknownRoutesAndBadQueries() async throws {
        let h = SimulatorHarness()
        let unknown = await h.simulator.respond(method: "GET", path: "/api/v2/nothing")
        #expect(unknown.status == 404)
        #expect(try body(unknown)["error"] == .object(["code": .string("NOT_FOUND"), "message": .string("No OCP endpoint GET /api/v2/nothing.")]))
        let bad = await h.simulator.respond(method: "GET", path: "/api/v2/ob/clusters", query: ["page": "x"])
        #expect(bad.status == 400)
        #expect(bad.body.isEmpty == false)
    }

    @Test func respondServesEveryEndpoint() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
        func call(_ method: String, _ path: String, _ query: [String: String] = [:]) async throws -> (Int, [String: JSONValue]) {
            let r = await h.simulator.respond(method: method, path: path, query: query)
            return (r.status, try body(r))
        }
        let (s1, pre) = try await call("POST", "/api/v2/ob/clusters/6/switchoverPreCheck")
        #expect(s1 == 200 && pre["data"] == .object(["result": .object(["valid": .bool(true), "messages": .array([])])]))
        let (s2, fpre) = try await call("POST", "/api/v2/ob/clusters/6/failoverPreCheck")
        guard case .object(let fdata)? = fpre["data"], case .object(let fresult)? = fdata["result"] else {
            Issue.record("no result")
            return
        }
        #expect(s2 == 200 && fresult["valid"] == .bool(false))
        let (s3, created) = try await call("POST", "/api/v2/ob/clusters/6/switchover")
        #expect(s3 == 200)
        guard case .object(let task)? = created["data"], case .number(let idNumber)? = task["id"] else {
            Issue.record("no task")
            return
        }
        let id = Int(idNumber)
        #expect(task["creator"] == .string("admin"))
        let (s4, detail) = try await call("GET", "/api/v2/tasks/instances/\(id)")
        guard case .object(let d)? = detail["data"] else {
            Issue.record("no detail")
            return
        }
        #expect(s4 == 200 && d["creator"] == .object(["id": .number(1), "name": .string("admin")]))
        let (s5, list) = try await call("GET", "/api/v2/tasks/instances", ["status": "RUNNING", "size": "5"])
        guard case .object(let l)? = list["data"] else {
            Issue.record("no list")
            return
        }
        #expect(s5 == 200 && l["page"] == .object(["totalElements": .number(1), "totalPages": .number(1), "number": .number(1), "size": .number(5)]))
        let (s6, _) = try await call("GET", "/api/v2/ob/clusters", ["name": "sh"])
        let (s7, one) = try await call("GET", "/api/v2/ob/clusters/6")
        #expect(s6 == 200 && s7 == 200)
        guard case .object(let c)? = one["data"] else {
            Issue.record("no cluster")
            return
        }
        #expect(c["status"] == .string("SWITCHOVER"))
        h.advance(.seconds(5))
        let t = try await h.simulator.task(id: id)
        #expect(t.status(of: "Prepare switchover") == .running)
        let prepare = try h.subtask(t, "Prepare switchover")
        let (s8, cancel) = try await call("POST", "/api/v2/tasks/instances/\(id)/subtasks/\(prepare.id)/cancel")
        #expect(s8 == 200 && cancel["successful"] == .bool(true) && cancel["data"] == nil)
        h.advance(.seconds(1))
        let (s9, retried) = try await call("POST", "/api/v2/tasks/instances/\(id)/subtasks/\(prepare.id)/retry")
        guard case .object(let sub)? = retried["data"] else {
            Issue.record("no subtask")
            return
        }
        #expect(s9 == 200 && sub["status"] == .string("READY") && sub["runTime"] == .number(2))
        let (s10, logAnswer) = try await call("GET", "/api/v2/tasks/instances/\(id)/subtasks/\(prepare.id)/log")
        guard case .object(let logData)? = logAnswer["data"], case .string(let text)? = logData["log"] else {
            Issue.record("no log")
            return
        }
        #expect(s10 == 200 && text.contains("TSK10014"))
        let (s11, skip) = try await call("POST", "/api/v2/tasks/instances/\(id)/subtasks/\(prepare.id)/skip")
        #expect(s11 == 400 && skip["error"] != nil)
        let (s12, _) = try await call("POST", "/api/v2/tasks/instances/\(id)/retry")
        let (s13, _) = try await call("POST", "/api/v2/tasks/instances/\(id)/rollback")
        #expect(s12 == 400 && s13 == 400)
        let (s14, _) = try await call("POST", "/api/v2/ob/clusters/5/failover")
        #expect(s14 == 409)
    }

    @Test func respondAddsRateLimitHeadersTo429() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.api(APIFault(endpoint: "GET /api/v2/ob/clusters", status: 429))])
        let r = await h.simulator.respond(method: "GET", path: "/api/v2/ob/clusters")
        #expect(r.status == 429)
        #expect(r.headers["RateLimit-Remaining"] == "0")
        #expect(r.headers["Retry-After"] == "1")
        #expect(try body(r)["error"].map { value in
            guard case .object(let e) = value else { return false }
            return e["code"] == .string("SIM_INJECTED")
        } == true)
        let again = await h.simulator.respond(method: "GET", path: "/api/v2/ob/clusters")
        #expect(again.status == 200 && again.headers["Retry-After"] == nil)
    }
}
