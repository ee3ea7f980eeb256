import Foundation
import OCPHTTPServer
import OCPModel
import OCPSimulation
import RunbookSupport
import RunbookTestSupport
import Testing

/// `runbook serve`'s answers for the simulator: every endpoint parsed from HTTP, sent through
/// the client table, and written back as OCP's envelopes.
@Suite struct ServedAnswersTests {
    private func body(_ response: ServedResponse) throws -> [String: JSONValue] {
        guard case .object(let o) = try JSONDecoder().decode(JSONValue.self, from: Data(response.body)) else {
            throw CancellationError()
        }
        return o
    }

    @Test func respondAnswersErrorsAsOCPEnvelopes() async throws {
        let h = SimulatorHarness()
        let response = await served(
            h.simulator, timestamp: { h.simulator.currentTimestamp }, method: "GET", path: "/api/v2/tasks/instances/171603")
        #expect(response.status == 404)
        let o = try body(response)
        #expect(o["successful"] == .bool(false))
        #expect(o["status"] == .number(404))
        #expect(o["error"] == .object(["code": .string("TSK10001"), "message": .string("The 171603 task does not exist.")]))
        #expect(o["data"] == nil)
        // The trace id is the simulator's for the call (its first, from its seed), not one the server made up.
        var traces = SplitMix64(seed: SimulatorOptions().seed)
        #expect(o["traceId"] == .string(traces.traceId()))
        #expect(o["timestamp"] == .string("2022-09-05T13:39:18.441+08:00"))
        #expect(o["server"] == .string("127.0.0.1"))
        let decoded = try JSONDecoder().decode(OCPEnvelope<TaskInstance>.self, from: Data(response.body))
        #expect(decoded.error?.code == "TSK10001")
    }

    @Test func respondToUnknownRoutesAndBadQueries() async throws {
        let h = SimulatorHarness()
        let unknown = await served(h.simulator, timestamp: { h.simulator.currentTimestamp }, method: "GET", path: "/api/v2/nothing")
        #expect(unknown.status == 404)
        #expect(try body(unknown)["error"] == .object(["code": .string("NOT_FOUND"), "message": .string("No OCP endpoint GET /api/v2/nothing.")]))
        let bad = await served(h.simulator, timestamp: { h.simulator.currentTimestamp }, method: "GET", path: "/api/v2/ob/clusters", query: ["page": "x"])
        #expect(bad.status == 400)
        #expect(bad.body.isEmpty == false)
    }

    @Test func respondServesEveryEndpoint() async throws {
        let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
        func call(_ method: String, _ path: String, _ query: [String: String] = [:]) async throws -> (Int, [String: JSONValue]) {
            let r = await served(h.simulator, timestamp: { h.simulator.currentTimestamp }, method: method, path: path, query: query)
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
        let r = await served(h.simulator, timestamp: { h.simulator.currentTimestamp }, method: "GET", path: "/api/v2/ob/clusters")
        #expect(r.status == 429)
        #expect(r.headers["RateLimit-Remaining"] == "0")
        #expect(r.headers["Retry-After"] == "1")
        #expect(try body(r)["error"].map { value in
            guard case .object(let e) = value else { return false }
            return e["code"] == .string("SIM_INJECTED")
        } == true)
        let again = await served(h.simulator, timestamp: { h.simulator.currentTimestamp }, method: "GET", path: "/api/v2/ob/clusters")
        #expect(again.status == 200 && again.headers["Retry-After"] == nil)
    }

    @Test func servedFailoverEnvelopeHasTheSeedsShape() async throws {
        let h = SimulatorHarness(SimulationSetup())
        let response = await served(
            h.simulator, timestamp: { h.simulator.currentTimestamp }, method: "POST", path: "/api/v2/ob/clusters/6/failover")
        #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
        #expect(response.headers["Content-Type"] == "application/json")
        let answer = try JSONDecoder().decode(JSONValue.self, from: Data(response.body))
        let seed = try JSONDecoder().decode(JSONValue.self, from: Data(SeedExample.failoverAnswer.utf8))
        guard case .object(let a) = answer, case .object(let s) = seed else {
            Issue.record("not objects")
            return
        }
        #expect(Set(a.keys) == Set(s.keys))
        #expect(a["successful"] == .bool(true))
        #expect(a["status"] == .number(200))
        #expect(a["server"] == .string("127.0.0.1"))
        #expect(a["timestamp"] == .string("2022-09-05T13:39:18.441+08:00"))
        guard case .string(let trace) = a["traceId"] else {
            Issue.record("no traceId")
            return
        }
        #expect(trace.count == 16 && trace.allSatisfy(\.isHexDigit))
        let decoded = try JSONDecoder().decode(OCPEnvelope<TaskInstance>.self, from: Data(response.body))
        #expect(decoded.data?.name == "Failover OB cluster")
    }
}
