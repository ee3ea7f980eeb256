import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL

/// The OCP API over HTTP(S), on AsyncHTTPClient.
///
/// - Reads and pre-checks are retried on connection errors and on 429/502/503/504, with bounded
///   exponential backoff and jitter, honouring `Retry-After` and `RateLimit-Reset`.
/// - Calls that start or change work are never re-sent blindly: a call that failed before it was
///   sent (connection refused, connect timeout) or was refused with 429 is sent again; after an
///   ambiguous failure (a timeout or a lost connection once the request was sent, or a gateway
///   error) the client looks for the task the call would have started or changed, and returns
///   what it found, or fails saying the call was not re-sent. The call record's `note` says which.
/// - Credentials never appear in errors, records or descriptions.
public final class HTTPOCPClient: OCPClient {
    public let connection: OCPConnection
    private let http: HTTPClient
    private let sleeper: @Sendable (Duration) async throws -> Void
    private let clock: @Sendable () -> Date
    private let decoder = JSONDecoder()

    /// - Parameters:
    ///   - sleep: how to wait between attempts (tests pass one that does not sleep).
    ///   - now: the wall clock, for `Date` headers and for matching tasks after an ambiguous failure.
    public init(
        connection: OCPConnection,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(OCPConnectionError) {
        self.connection = connection
        self.sleeper = sleep
        self.clock = now
        var tls = TLSConfiguration.makeClientConfiguration()
        if connection.insecure { tls.certificateVerification = .none }
        if let caFile = connection.caFile {
            guard FileManager.default.isReadableFile(atPath: caFile) else {
                throw OCPConnectionError("the CA file \(caFile) cannot be read")
            }
            tls.trustRoots = .file(caFile)
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .milliseconds(connection.connectTimeout.milliseconds),
            read: .milliseconds(connection.readTimeout.milliseconds))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connections. Call once, when done.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: - OCPClient

    public func failoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await read(.failoverPreCheck, id: clusterId, as: PreCheckData.self).result
    }

    public func switchoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await read(.switchoverPreCheck, id: clusterId, as: PreCheckData.self).result
    }

    public func failover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await change(.failover, id: clusterId, as: TaskInstance.self) { sentAt async throws(OCPError) in
            try await self.findStartedTask(named: TaskDefinition.failover.name, clusterId: clusterId, since: sentAt)
        }
    }

    public func switchover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await change(.switchover, id: clusterId, as: TaskInstance.self) { sentAt async throws(OCPError) in
            try await self.findStartedTask(named: TaskDefinition.switchover.name, clusterId: clusterId, since: sentAt)
        }
    }

    public func clusters(_ query: ClusterQuery) async throws(OCPError) -> Page<Cluster> {
        try await read(.listClusters, query: query.queryString, as: Page<Cluster>.self)
    }

    public func tasks(_ query: TaskQuery) async throws(OCPError) -> Page<TaskInstance> {
        try await read(.listTasks, query: query.queryString, as: Page<TaskInstance>.self)
    }

    public func task(id: Int) async throws(OCPError) -> TaskInstance {
        try await read(.getTask, id: id, as: TaskInstance.self)
    }

    public func retryTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await change(.retryTask, id: id, as: TaskInstance.self) { _ async throws(OCPError) in
            let task = try await self.task(id: id)
            guard task.operation == .retry, task.status != .failed else { return nil }
            return (task, "task \(id) is in RETRY (\(task.status)): the retry took effect")
        }
    }

    public func rollbackTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await change(.rollbackTask, id: id, as: TaskInstance.self) { _ async throws(OCPError) in
            let task = try await self.task(id: id)
            guard task.operation == .rollback, task.status != .failed else { return nil }
            return (task, "task \(id) is in ROLLBACK (\(task.status)): the rollback took effect")
        }
    }

    public func subtaskLog(taskId: Int, subtaskId: Int) async throws(OCPError) -> String {
        try await read(.subtaskLog, id: taskId, subtaskId: subtaskId, as: SubtaskLog.self).log
    }

    public func retrySubtask(taskId: Int, subtaskId: Int) async throws(OCPError) -> SubtaskInstance {
        try await change(.retrySubtask, id: taskId, subtaskId: subtaskId, as: SubtaskInstance.self) {
            _ async throws(OCPError) in
            let task = try await self.task(id: taskId)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }), s.operation == .retry, s.status != .failed
            else { return nil }
            return (s, "subtask \(subtaskId) is in RETRY (\(s.status)): the retry took effect")
        }
    }

    public func skipSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        _ = try await change(.skipSubtask, id: taskId, subtaskId: subtaskId, as: NoPayload.self) {
            _ async throws(OCPError) in
            let task = try await self.task(id: taskId)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }),
                s.operation == .skip || s.status == .successful
            else { return nil }
            return (NoPayload(), "subtask \(subtaskId) is \(s.status) (\(s.operation?.rawValue ?? "")): the skip took effect")
        }
    }

    public func cancelSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        _ = try await change(.cancelSubtask, id: taskId, subtaskId: subtaskId, as: NoPayload.self) {
            _ async throws(OCPError) in
            let task = try await self.task(id: taskId)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }),
                s.status == .canceling || (s.status == .failed && s.operation == .cancel)
            else { return nil }
            return (NoPayload(), "subtask \(subtaskId) is \(s.status): the cancel took effect")
        }
    }

    // MARK: - Reconciling ambiguous starts

    /// The most recent task of that name on that cluster created since `since` (allowing for
    /// clock skew), in full.
    private func findStartedTask(named name: String, clusterId: Int, since: Date) async throws(OCPError)
        -> (TaskInstance, String)?
    {
        let page = try await tasks(TaskQuery(clusterId: clusterId, name: name, page: 1, size: 20, sort: "id,desc"))
        let earliest = since.addingTimeInterval(-120)
        let candidates = page.contents.filter { t in
            t.clusterId == clusterId && t.name == name
                && ((t.createTime ?? t.startTime).map { $0.date >= earliest } ?? (t.status == .running))
        }
        guard let found = candidates.max(by: { $0.id < $1.id }) else { return nil }
        let detail = try await task(id: found.id)
        return (detail, "found task \(detail.id) (\(detail.status)) on cluster \(clusterId), started after the call: the call took effect")
    }

    // MARK: - Sending

    private enum Attempt {
        case answered(status: Int, headers: HTTPHeaders, body: ByteBuffer)
        /// The request never reached the server: safe to send again.
        case notSent(String)
        /// The request may have reached the server.
        case ambiguous(String)
    }

    /// A call that is safe to repeat: retried on connection errors and 429/502/503/504.
    private func read<T: Codable & Sendable>(
        _ endpoint: OCPEndpoint, id: Int? = nil, subtaskId: Int? = nil, query: String? = nil, as type: T.Type
    ) async throws(OCPError) -> T {
        let call = OCPCall(endpoint, id: id, subtaskId: subtaskId, query: query)
        var attempt = 1
        while true {
            let result = try await send(call, attempt: attempt)
            let last = attempt >= connection.retry.maxAttempts
            switch result {
            case .answered(let status, let headers, let body):
                if !last, Self.retryableStatuses.contains(status) {
                    try await pause(before: attempt + 1, headers: headers, call: call)
                    attempt += 1
                    continue
                }
                return try decode(T.self, status: status, body: body, call: call)
            case .notSent(let reason):
                if last { throw OCPError(.unreachable, call: call, message: "\(connection.baseURL) cannot be reached: \(reason)") }
            case .ambiguous(let reason):
                if last { throw OCPError(.timeout, call: call, message: "no answer after \(attempt) attempts: \(reason)") }
            }
            try await pause(before: attempt + 1, headers: nil, call: call)
            attempt += 1
        }
    }

    /// A call that starts or changes work. `reconcile` looks for its effect after an ambiguous
    /// failure: the value and a note when it took effect, nil when it did not.
    private func change<T: Codable & Sendable>(
        _ endpoint: OCPEndpoint, id: Int? = nil, subtaskId: Int? = nil, as type: T.Type,
        reconcile: (Date) async throws(OCPError) -> (T, String)?
    ) async throws(OCPError) -> T {
        let call = OCPCall(endpoint, id: id, subtaskId: subtaskId)
        var attempt = 1
        while true {
            let sentAt = clock()
            let result = try await send(call, attempt: attempt)
            let last = attempt >= connection.retry.maxAttempts
            let ambiguity: String
            switch result {
            case .answered(let status, let headers, let body):
                if status == 429, !last {
                    try await pause(before: attempt + 1, headers: headers, call: call)
                    attempt += 1
                    continue
                }
                guard [502, 503, 504].contains(status) else {
                    return try decode(T.self, status: status, body: body, call: call)
                }
                ambiguity = "HTTP \(status) from the server or a gateway"
            case .notSent(let reason):
                if last { throw OCPError(.unreachable, call: call, message: "\(connection.baseURL) cannot be reached: \(reason)") }
                try await pause(before: attempt + 1, headers: nil, call: call)
                attempt += 1
                continue
            case .ambiguous(let reason):
                ambiguity = reason
            }
            // The request may have taken effect: look before deciding, never re-send blindly.
            let found: (T, String)?
            do throws(OCPError) {
                found = try await reconcile(sentAt)
            } catch {
                note(call, attempt: attempt, "after \(ambiguity), looking for the call's effect failed: \(error.message)")
                throw OCPError(
                    .timeout, call: call,
                    message: "\(ambiguity); whether the call took effect is unknown (looking for it failed: \(error.message)); it was not re-sent")
            }
            if let (value, what) = found {
                note(call, attempt: attempt, "after \(ambiguity): \(what)")
                return value
            }
            note(call, attempt: attempt, "after \(ambiguity): no sign that the call took effect; not re-sent")
            throw OCPError(
                .timeout, call: call,
                message: "\(ambiguity); OCP shows no sign that the call took effect, and it was not re-sent (check OCP before running again)")
        }
    }

    private static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    private func note(_ call: OCPCall, attempt: Int, _ text: String) {
        OCPCallLog.current?.record(
            OCPCallRecord(method: call.method, path: call.path, status: nil, traceId: nil, durationMs: 0, attempt: attempt, note: text))
    }

    /// One attempt: sends the request and reads the whole answer, recording the call.
    private func send(_ call: OCPCall, attempt: Int) async throws(OCPError) -> Attempt {
        if Task.isCancelled { throw OCPError(.cancelled, call: call, message: "the run was interrupted") }
        var request = HTTPClientRequest(url: connection.baseURL.url(call.path))
        request.method = HTTPMethod(rawValue: call.method)
        let date = AKSKSigner.httpDate(clock())
        request.headers.add(name: "Host", value: connection.baseURL.hostHeader)
        request.headers.add(name: "Date", value: date)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "runbook/\(RunbookVersion.current)")
        switch connection.authentication {
        case .none: break
        case .basic(let user, let password):
            request.headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case .accessKey(let signer):
            let (path, query) = Self.split(connection.baseURL.pathPrefix + call.path)
            request.headers.add(
                name: "Authorization",
                value: signer.authorization(
                    for: AKSKSigner.Request(
                        method: call.method, path: path, query: query, date: date, host: connection.baseURL.hostHeader)))
        }
        if call.method == "POST" { request.headers.add(name: "Content-Length", value: "0") }
        let started = ContinuousClock.now
        func record(_ status: Int?, _ traceId: String?, _ code: String?, _ note: String?) {
            let elapsed = ContinuousClock.now - started
            OCPCallLog.current?.record(
                OCPCallRecord(
                    method: call.method, path: call.path, status: status, traceId: traceId, errorCode: code,
                    durationMs: elapsed.secondsDouble * 1000, attempt: attempt, note: note))
        }
        do {
            let deadline = NIODeadline.now()
                + .milliseconds((connection.connectTimeout + connection.readTimeout).milliseconds)
            let response = try await http.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
            let status = Int(response.status.code)
            let peek = Self.peekEnvelope(body)
            record(status, peek.traceId, peek.code, nil)
            return .answered(status: status, headers: response.headers, body: body)
        } catch {
            if Task.isCancelled || error is CancellationError {
                record(nil, nil, nil, "cancelled")
                throw OCPError(.cancelled, call: call, message: "the run was interrupted")
            }
            let (sent, reason) = Self.classify(error)
            record(nil, nil, nil, reason)
            return sent ? .ambiguous(reason) : .notSent(reason)
        }
    }

    /// Whether the request may have reached the server, and a short reason.
    static func classify(_ error: any Error) -> (maybeSent: Bool, reason: String) {
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return (false, "connect timeout")
            case .tlsHandshakeTimeout: return (false, "TLS handshake timeout")
            case .getConnectionFromPoolTimeout: return (false, "no connection available in time")
            case .readTimeout: return (true, "read timeout")
            case .deadlineExceeded: return (true, "no answer in time")
            case .remoteConnectionClosed: return (true, "the connection was closed before the answer was complete")
            default: return (true, e.description)
            }
        }
        if let e = error as? NIOConnectionError {
            return (false, "cannot connect to \(e.host):\(e.port)")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return (false, "TLS failure: \(error)")
        }
        if let e = error as? IOError, e.errnoCode == ECONNREFUSED {
            return (false, "connection refused")
        }
        if error is SocketAddressError { return (false, "cannot resolve the host: \(error)") }
        return (true, "\(error)")
    }

    private static func split(_ path: String) -> (String, [(String, String)]) {
        guard let q = path.firstIndex(of: "?") else { return (path, []) }
        let items = path[path.index(after: q)...].split(separator: "&").map { pair -> (String, String) in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
            let value = parts.count > 1 ? (String(parts[1]).removingPercentEncoding ?? String(parts[1])) : ""
            return (key, value)
        }
        return (String(path[..<q]), items)
    }

    /// Waits before the next attempt: the server's `Retry-After` or `RateLimit-Reset` when given,
    /// else exponential backoff with full jitter; never longer than the policy's cap.
    private func pause(before attempt: Int, headers: HTTPHeaders?, call: OCPCall) async throws(OCPError) {
        let delay = Self.delay(before: attempt, headers: headers, policy: connection.retry, now: clock())
        do {
            try await sleeper(delay)
        } catch {
            throw OCPError(.cancelled, call: call, message: "the run was interrupted")
        }
    }

    static func delay(before attempt: Int, headers: HTTPHeaders?, policy: OCPConnection.RetryPolicy, now: Date) -> Duration {
        if let headers {
            if let text = headers.first(name: "Retry-After") {
                if let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                    return min(.milliseconds(Int64(seconds * 1000)), policy.maxDelay)
                }
                if let date = AKSKSigner.parseHTTPDate(text) {
                    return min(.milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000)), policy.maxDelay)
                }
            }
            if let text = headers.first(name: "RateLimit-Reset"), let seconds = Double(text.trimmingCharacters(in: .whitespaces)),
                seconds >= 0
            {
                return min(.milliseconds(Int64(seconds * 1000)), policy.maxDelay)
            }
        }
        let exponent = min(attempt - 2, 20)
        let ceiling = min(policy.baseDelay * (1 << exponent), policy.maxDelay)
        // Full jitter: anywhere from half the ceiling to the ceiling.
        let millis = ceiling.milliseconds
        return .milliseconds(millis / 2 + Int64.random(in: 0...max(0, millis - millis / 2)))
    }

    // MARK: - Decoding

    private struct EnvelopePeek: Decodable {
        var traceId: String?
        var error: OCPErrorBody?
    }

    private static func peekEnvelope(_ body: ByteBuffer) -> (traceId: String?, code: String?) {
        guard let peek = try? JSONDecoder().decode(EnvelopePeek.self, from: Data(body.readableBytesView)) else {
            return (nil, nil)
        }
        return (peek.traceId, peek.error?.code)
    }

    private func decode<T: Codable & Sendable>(_ type: T.Type, status: Int, body: ByteBuffer, call: OCPCall)
        throws(OCPError) -> T
    {
        let data = Data(body.readableBytesView)
        let envelope: OCPEnvelope<T>
        do {
            envelope = try decoder.decode(OCPEnvelope<T>.self, from: data)
        } catch {
            if status == 401 || status == 403 {
                throw OCPError(.unauthorized, call: call, httpStatus: status, message: "the target refused the credentials")
            }
            let snippet = String(decoding: data.prefix(120), as: UTF8.self)
            throw OCPError(
                status >= 400 ? .api : .invalidResponse, call: call, httpStatus: status,
                message: "the answer is not an OCP envelope (\(Self.decodingProblem(error))): \(snippet.isEmpty ? "empty body" : snippet)")
        }
        if status == 401 || status == 403 {
            throw OCPError(
                .unauthorized, call: call, httpStatus: status, code: envelope.error?.code,
                message: envelope.error?.message ?? "the target refused the credentials", traceId: envelope.traceId)
        }
        guard envelope.successful, status < 400 else {
            throw OCPError(
                .api, call: call, httpStatus: status == 200 ? (envelope.status ?? status) : status,
                code: envelope.error?.code,
                message: envelope.error?.message ?? "OCP answered successful: false without a message",
                traceId: envelope.traceId)
        }
        if let data = envelope.data { return data }
        if let none = NoPayload() as? T { return none }
        throw OCPError(
            .invalidResponse, call: call, httpStatus: status, message: "the answer has no data", traceId: envelope.traceId)
    }

    private static func decodingProblem(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "\(error)" }
        switch e {
        case .dataCorrupted(let c): return "malformed JSON\(c.codingPath.isEmpty ? "" : " at \(path(c.codingPath))")"
        case .keyNotFound(let key, let c): return "missing \(path(c.codingPath + [key]))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "unexpected value at \(path(c.codingPath))"
        @unknown default: return "\(e)"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: CharacterSet(charactersIn: "."))
    }
}
