import Foundation

/// An HTTP answer of the simulator, for `runbook serve`: status, headers and the JSON envelope.
public struct SimulatorResponse: Sendable, Hashable {
    public var status: Int
    /// `Content-Type`, and for 429 the `RateLimit-*` headers and `Retry-After` (also for 503).
    public var headers: [String: String]
    /// The envelope (reference section 2), UTF-8 JSON.
    public var body: [UInt8]

    public init(status: Int, headers: [String: String], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

extension OCPSimulator {
    /// Answers one HTTP request the way OCP would: the endpoint is found from `method` and `path`,
    /// `query` holds the decoded query parameters (`page`, `size`, `status`, ...). The answer is the full
    /// envelope, success or error, with timestamp, duration, status, trace id and server. The call is
    /// recorded to ``OCPCallLog/current`` and API faults apply, as for the ``OCPClient`` methods.
    public nonisolated func respond(method: String, path: String, query: [String: String] = [:]) async
        -> SimulatorResponse
    {
        let busyClock = clock as? SimulationClock
        busyClock?.beginBusy()
        defer { busyClock?.endBusy() }
        return await answer(method: method, path: path, query: query)
    }

    private func answer(method: String, path: String, query: [String: String]) -> SimulatorResponse {
        guard let (endpoint, id, subtaskId) = OCPEndpoint.match(method: method, path: path) else {
            let traceId = model.nextTraceId()
            let error = OCPError(
                .api, call: OCPCall(method: method.uppercased(), path: path), httpStatus: 404,
                code: OCPErrorCode.notFound, message: "No OCP endpoint \(method.uppercased()) \(path).",
                traceId: traceId)
            return encode(OCPEnvelope<NoPayload>.failure(error, timestamp: currentTimestamp, server: options.server))
        }
        let id0 = id ?? 0
        let sub0 = subtaskId ?? 0
        switch endpoint {
        case .failoverPreCheck:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in PreCheckData(result: try m.failoverPreCheck(id0)) })
        case .failover:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in
                let taskId = try m.failover(id0)
                return try m.createdAnswer(taskId)
            })
        case .switchoverPreCheck:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in PreCheckData(result: try m.switchoverPreCheck(id0)) })
        case .switchover:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in
                let taskId = try m.switchover(id0)
                return try m.createdAnswer(taskId)
            })
        case .listClusters:
            let parsed = Self.clusterQuery(query)
            let text = (try? parsed.get())?.queryString ?? Self.rawQuery(query)
            return envelope(run(endpoint, query: text) { m throws(SimulatorRefusal) in try m.clusterPage(try parsed.get()) })
        case .getCluster:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in try m.cluster(id: id0) })
        case .listTasks:
            let parsed = Self.taskQuery(query)
            let text = (try? parsed.get())?.queryString ?? Self.rawQuery(query)
            return envelope(run(endpoint, query: text) { m throws(SimulatorRefusal) in try m.taskPage(try parsed.get()) })
        case .getTask:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in try m.task(id0) })
        case .retryTask:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in
                try m.retryTask(id0)
                return try m.task(id0)
            })
        case .rollbackTask:
            return envelope(run(endpoint, id: id0) { m throws(SimulatorRefusal) in
                try m.rollbackTask(id0)
                return try m.task(id0)
            })
        case .subtaskLog:
            return envelope(run(endpoint, id: id0, subtaskId: sub0) { m throws(SimulatorRefusal) in
                SubtaskLog(log: try m.subtaskLog(id0, sub0))
            })
        case .retrySubtask:
            return envelope(run(endpoint, id: id0, subtaskId: sub0) { m throws(SimulatorRefusal) in
                let index = try m.retrySubtask(id0, sub0)
                guard let task = m.tasks[id0] else { throw .taskNotFound(id0) }
                return m.subtask(task, index, detail: true)
            })
        case .skipSubtask:
            return envelope(
                run(endpoint, id: id0, subtaskId: sub0) { m throws(SimulatorRefusal) in
                    try m.skipSubtask(id0, sub0)
                    return NoPayload()
                }, withData: false)
        case .cancelSubtask:
            return envelope(
                run(endpoint, id: id0, subtaskId: sub0) { m throws(SimulatorRefusal) in
                    try m.cancelSubtask(id0, sub0)
                    return NoPayload()
                }, withData: false)
        }
    }

    /// The envelope of an answer; `withData: false` leaves `data` out (skip, cancel).
    private func envelope<T: Codable & Sendable>(_ answer: Answer<T>, withData: Bool = true) -> SimulatorResponse {
        let duration = Int(answer.durationMs.rounded())
        switch answer.result {
        case .success(let data):
            return encode(
                OCPEnvelope.success(
                    withData ? data : nil, timestamp: answer.timestamp, duration: duration, traceId: answer.traceId, server: options.server))
        case .failure(let refusal):
            return encode(
                OCPEnvelope<T>.failure(
                    answer.error(from: refusal), timestamp: answer.timestamp, duration: duration, server: options.server))
        }
    }

    private func encode<T: Codable & Sendable>(_ envelope: OCPEnvelope<T>) -> SimulatorResponse {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let status = envelope.status ?? 200
        var headers = ["Content-Type": "application/json"]
        if status == 429 {
            headers["RateLimit-Limit"] = "100"
            headers["RateLimit-Remaining"] = "0"
            headers["RateLimit-Reset"] = "1"
        }
        if status == 429 || status == 503 { headers["Retry-After"] = "1" }
        let body = (try? encoder.encode(envelope)).map { Array($0) } ?? Array(#"{"successful":false}"#.utf8)
        return SimulatorResponse(status: status, headers: headers, body: body)
    }

    // MARK: - Query parameters

    private static func rawQuery(_ query: [String: String]) -> String {
        query.sorted { $0.key < $1.key }.map { "\($0.key)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    private static func integer(_ query: [String: String], _ key: String) -> Result<Int?, SimulatorRefusal> {
        guard let text = query[key] else { return .success(nil) }
        guard let n = Int(text) else {
            return .failure(
                SimulatorRefusal(
                    status: 400, code: OCPErrorCode.illegalArgument, message: "\(key) must be a number, not '\(text)'."))
        }
        return .success(n)
    }

    static func clusterQuery(_ query: [String: String]) -> Result<ClusterQuery, SimulatorRefusal> {
        do throws(SimulatorRefusal) {
            return .success(
                ClusterQuery(
                    page: try integer(query, "page").get() ?? 1, size: try integer(query, "size").get() ?? 10,
                    name: query["name"], status: query["status"].map(ClusterStatus.init(rawValue:))))
        } catch {
            return .failure(error)
        }
    }

    static func taskQuery(_ query: [String: String]) -> Result<TaskQuery, SimulatorRefusal> {
        do throws(SimulatorRefusal) {
            return .success(
                TaskQuery(
                    status: query["status"].map(TaskStatus.init(rawValue:)),
                    clusterId: try integer(query, "clusterId").get(), name: query["name"],
                    type: query["type"].map(TaskType.init(rawValue:)), page: try integer(query, "page").get() ?? 1,
                    size: try integer(query, "size").get() ?? 10, sort: query["sort"]))
        } catch {
            return .failure(error)
        }
    }
}
