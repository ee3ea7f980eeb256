import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import OCPModel
import RunbookSupport
import Synchronization

/// The OCP API over HTTP(S), on AsyncHTTPClient.
///
/// - Reads and pre-checks are retried on connection errors, timeouts and 429/502/503/504, with
///   bounded exponential backoff and jitter, honouring `Retry-After` and `RateLimit-Reset`.
/// - Calls that start or change work reach a server at most once: only a call whose connection
///   could not be made (refused, connect timeout, TLS failure) is sent again. A definite answer
///   (success, or a refusal below 500, 429 included) is final. After an ambiguous outcome (a
///   timeout or a lost connection once the request was sent, a 5xx, an answer that cannot be
///   read) the client looks for the task the call would have started or changed, and returns
///   what it found, or fails saying the call was not re-sent. The call record's `note` says which.
/// - When an answer says the server's rate-limit window is spent (`RateLimit-Remaining: 0`), the
///   next call waits for it to reset.
/// - Credentials never appear in errors, records or descriptions.
///
/// docs/ocp.md describes this behaviour for users.
public final class HTTPOCPClient: OCPClient {
    public let connection: OCPConnection
    private let http: HTTPClient
    private let sleeper: @Sendable (Duration) async throws -> Void
    private let clock: @Sendable () -> Date
    private let decoder = JSONDecoder()
    /// When the server's rate-limit window reopens, once it said none are left.
    private let pacing = Mutex<Date?>(nil)

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
            tls.additionalTrustRoots = [.file(caFile)]
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .milliseconds(connection.connectTimeout.milliseconds),
            read: .milliseconds(connection.readTimeout.milliseconds))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        // A refused connection fails the attempt at once; the client's own retries decide what next.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    /// Closes the connections. Call once, when done.
    public func shutdown() async {
        try? await http.shutdown()
    }

    // MARK: - OCPClient

    public func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        let request = operation.request
        guard request.endpoint.changesState else { return try await read(request, as: Response.self) }
        return try await change(request, as: Response.self) { sentAt async throws(OCPError) -> (Response, String)? in
            guard let (value, note) = try await self.reconcile(request, sentAt: sentAt) else { return nil }
            guard let typed = value as? Response else { return nil }
            return (typed, note)
        }
    }

    /// Looks for the effect of a call that changes state, after an ambiguous outcome: the value the
    /// call would have answered and what was found, or nil when there is no sign of it.
    private func reconcile(_ request: OCPRequest, sentAt: Date) async throws(OCPError) -> (any Sendable, String)? {
        let id = request.pathValues.first ?? 0
        let subtaskId = request.pathValues.count > 1 ? request.pathValues[1] : 0
        switch request.endpoint.effect {
        case .none:
            return nil
        case .startsTask(let name):
            return try await findStartedTask(named: name, clusterId: id, since: sentAt)
        case .retriesTask, .rollsBackTask:
            let isRetry = request.endpoint.effect == .retriesTask
            let operation: TaskOperation = isRetry ? .retry : .rollback
            let task = try await self.task(id: id)
            guard task.operation == operation, task.status != .failed || Self.ranSince(sentAt, task.subtasks ?? []) else {
                return nil
            }
            return (task, "task \(id) is in \(operation) (\(task.status)): the \(isRetry ? "retry" : "rollback") took effect")
        case .retriesSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }), s.operation == .retry,
                s.status != .failed || Self.ranSince(sentAt, [s])
            else { return nil }
            return (s, "subtask \(subtaskId) is in RETRY (\(s.status)): the retry took effect")
        case .skipsSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }),
                s.operation == .skip || s.operation == .rollbackSkip || s.status == .successful
            else { return nil }
            return (NoPayload(), "subtask \(subtaskId) is \(s.status) (\(s.operation?.rawValue ?? "")): the skip took effect")
        case .cancelsSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }),
                s.status == .canceling || (s.status == .failed && s.operation == .cancel)
            else { return nil }
            return (NoPayload(), "subtask \(subtaskId) is \(s.status): the cancel took effect")
        }
    }

    // MARK: - Reconciling ambiguous starts

    /// Whether one of `subtasks` started after `sentAt` (allowing for clock skew): a retry or a
    /// rollback that ran and failed again still shows that it ran.
    static func ranSince(_ sentAt: Date, _ subtasks: [SubtaskInstance]) -> Bool {
        let earliest = sentAt.addingTimeInterval(-clockSkewAllowance)
        return subtasks.contains { $0.startTime.map { $0.date >= earliest } ?? false }
    }

    /// The task a failover or switchover call started, in full: the newest task of that name on
    /// that cluster that is RUNNING or was created since `since` (allowing for clock skew); nil
    /// when there is none.
    private func findStartedTask(named name: String, clusterId: Int, since: Date) async throws(OCPError)
        -> (TaskInstance, String)?
    {
        let page = try await tasks(TaskQuery(clusterId: clusterId, name: name, page: 1, size: 20, sort: "id,desc"))
        let earliest = since.addingTimeInterval(-Self.clockSkewAllowance)
        // A task of that name RUNNING on the cluster is the call's: while one runs, OCP refuses
        // another on the same cluster. One that already ended counts when it was created after the
        // call was sent (allowing for the two clocks' difference).
        let candidates = page.contents.filter { t in
            t.clusterId == clusterId && t.name == name
                && (t.status == .running || (t.createTime ?? t.startTime).map { $0.date >= earliest } == true)
        }
        guard let found = candidates.max(by: { $0.id < $1.id }) else { return nil }
        let detail = try await task(id: found.id)
        return (
            detail,
            "found task \(detail.id) '\(name)' (\(detail.status)) on cluster \(clusterId), started by the call: it took effect"
        )
    }

    /// How far the server's clock may be behind the client's when matching a task's create time.
    static let clockSkewAllowance: TimeInterval = 120

    // MARK: - Sending

    private enum Attempt {
        case answered(status: Int, headers: HTTPHeaders, body: ByteBuffer)
        /// The request never reached the server: safe to send again.
        case notSent(String)
        /// The request may have reached the server.
        case ambiguous(String)
    }

    /// A call that is safe to repeat: retried on connection errors, timeouts and 429/502/503/504.
    private func read<T: Codable & Sendable>(_ request: OCPRequest, as type: T.Type) async throws(OCPError) -> T {
        let call = request.call
        var attempt = 1
        while true {
            try await respectRateLimit(call)
            let result = try await self.attempt(request, call: call, number: attempt)
            let last = attempt >= connection.retry.maxAttempts
            switch result {
            case .answered(let status, let headers, let body):
                if !last, Self.retryableStatuses.contains(status) {
                    try await pause(before: attempt + 1, headers: headers, call: call)
                    attempt += 1
                    continue
                }
                return try decode(T.self, status: status, body: body, call: call).get()
            case .notSent(let reason):
                if last { throw unreachable(call, reason, attempts: attempt) }
            case .ambiguous(let reason):
                if last {
                    throw OCPError(
                        .timeout, call: call,
                        message: "no complete answer after \(attempt) attempt\(attempt == 1 ? "" : "s"): \(reason)")
                }
            }
            try await pause(before: attempt + 1, headers: nil, call: call)
            attempt += 1
        }
    }

    /// A call that starts or changes work: sent at most once to a server that may have received it.
    ///
    /// It is sent again only when the request cannot have left (the connection could not be
    /// made). A definite answer (success, or an OCP refusal below 500, 429 included) is returned
    /// as it is. After an ambiguous outcome (no answer in time, the connection lost once the
    /// request was sent, a 5xx, an answer that cannot be read), `reconcile` looks for the call's
    /// effect: the value and a note when it took effect, nil when it did not. What it found goes
    /// into the call records' `note`; the call is never re-sent.
    private func change<T: Codable & Sendable>(
        _ request: OCPRequest, as type: T.Type, reconcile: (Date) async throws(OCPError) -> (T, String)?
    ) async throws(OCPError) -> T {
        let call = request.call
        var attempt = 1
        while true {
            try await respectRateLimit(call)
            let sentAt = clock()
            let result = try await self.attempt(request, call: call, number: attempt)
            let ambiguity: String
            /// What to throw when the effect is not found: OCP's own error when it answered one.
            var answeredError: OCPError?
            switch result {
            case .answered(let status, let headers, let body):
                let decoded = decode(T.self, status: status, body: body, call: call)
                switch decoded {
                case .success(let value):
                    return value
                case .failure(let error) where status == 429:
                    let wait = Self.delay(before: 2, headers: headers, policy: connection.retry, now: clock())
                    throw OCPError(
                        .api, call: call, httpStatus: 429, code: error.code,
                        message:
                            "OCP is rate limiting (HTTP 429) and did not take the call; it was not sent again (the limit resets in \(DurationText.format(wait)))",
                        traceId: error.traceId)
                case .failure(let error) where status < 500 && error.kind != OCPError.Kind.invalidResponse:
                    throw error
                case .failure(let error):
                    answeredError = error
                    ambiguity = status >= 500 ? "HTTP \(status)" : "an answer that cannot be read (\(error.message))"
                }
            case .notSent(let reason):
                if attempt >= connection.retry.maxAttempts { throw unreachable(call, reason, attempts: attempt) }
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
                note(
                    call, attempt: attempt,
                    "after \(ambiguity), looking for the call's effect failed (\(error.message)); not re-sent")
                throw OCPError(
                    answeredError?.kind ?? .timeout, call: call, httpStatus: answeredError?.httpStatus,
                    code: answeredError?.code,
                    message:
                        "\(ambiguity); whether the call took effect is unknown (looking for it failed: \(error.message)); it was not re-sent (check OCP before running again)",
                    traceId: answeredError?.traceId)
            }
            if let (value, what) = found {
                note(call, attempt: attempt, "after \(ambiguity): \(what)")
                return value
            }
            note(call, attempt: attempt, "after \(ambiguity): no sign that the call took effect; not re-sent")
            throw OCPError(
                answeredError?.kind ?? .timeout, call: call, httpStatus: answeredError?.httpStatus,
                code: answeredError?.code,
                message:
                    "\(ambiguity)\(answeredError.map { " (\($0.message))" } ?? ""); OCP shows no sign that the call took effect, and it was not re-sent (check OCP before running again)",
                traceId: answeredError?.traceId)
        }
    }

    private func unreachable(_ call: OCPCall, _ reason: String, attempts: Int) -> OCPError {
        OCPError(
            .unreachable, call: call,
            message:
                "the target \(connection.baseURL) cannot be reached: \(reason) (\(attempts) attempt\(attempts == 1 ? "" : "s"))"
        )
    }

    /// Waits while the server has said that no request is left in its rate-limit window
    /// (`RateLimit-Remaining: 0` with `RateLimit-Reset`, or a 429's `Retry-After`), so that calls,
    /// and above all calls that are never re-sent, are not refused.
    private func respectRateLimit(_ call: OCPCall) async throws(OCPError) {
        guard let until = pacing.withLock({ $0 }) else { return }
        let wait = until.timeIntervalSince(clock())
        guard wait > 0 else {
            pacing.withLock { if $0 == until { $0 = nil } }
            return
        }
        let delay = min(Duration.milliseconds(Int64(wait * 1000)), connection.retry.maxDelay)
        do {
            try await sleeper(delay)
        } catch {
            throw OCPError(.cancelled, call: call, message: "the run was interrupted")
        }
        pacing.withLock { if $0 == until { $0 = nil } }
    }

    /// Remembers when the rate-limit window reopens, from an answer's headers.
    private func notePacing(status: Int, headers: HTTPHeaders) {
        let exhausted =
            status == 429
            || headers.first(name: "RateLimit-Remaining").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) } == 0
        guard exhausted, headers.contains(name: "RateLimit-Reset") || headers.contains(name: "Retry-After") else {
            return
        }
        let delay = Self.delay(before: 2, headers: headers, policy: connection.retry, now: clock())
        let until = clock().addingTimeInterval(delay.secondsDouble)
        pacing.withLock { current in
            if current.map({ $0 < until }) ?? true { current = until }
        }
    }

    private static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    private func note(_ call: OCPCall, attempt: Int, _ text: String) {
        OCPCallLog.current?.record(
            OCPCallRecord(
                method: call.method, path: call.path, status: nil, traceId: nil, durationMs: 0, attempt: attempt,
                note: text))
    }

    /// One attempt: sends the request and reads the whole answer, recording the call.
    private func attempt(_ ocp: OCPRequest, call: OCPCall, number attempt: Int) async throws(OCPError) -> Attempt {
        if Task.isCancelled { throw OCPError(.cancelled, call: call, message: "the run was interrupted") }
        var request = HTTPClientRequest(url: connection.baseURL.url(call.path))
        request.method = HTTPMethod(rawValue: call.method)
        let body: [UInt8]? = ocp.body.map { Self.encodeBody($0) }
        let contentType: String? = body == nil ? nil : "application/json"
        let date = AKSKSigner.httpDate(clock())
        request.headers.add(name: "Host", value: connection.baseURL.hostHeader)
        request.headers.add(name: "Date", value: date)
        request.headers.add(name: "Accept", value: "application/json")
        request.headers.add(name: "User-Agent", value: "runbook/\(RunbookVersion.current)")
        switch connection.authentication {
        case .none: break
        case .basic(let user, let password):
            request.headers.add(
                name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case .accessKey(let signer):
            let (path, query) = Self.split(connection.baseURL.pathPrefix + call.path)
            request.headers.add(
                name: "Authorization",
                value: signer.authorization(
                    for: AKSKSigner.Request(
                        method: call.method, path: path, query: query, body: body, contentType: contentType, date: date,
                        host: connection.baseURL.hostHeader))
            )
        }
        if let body, let contentType {
            request.headers.add(name: "Content-Type", value: contentType)
            request.headers.add(name: "Content-Length", value: String(body.count))
            request.body = .bytes(ByteBuffer(bytes: body))
        } else if call.method == "POST" {
            request.headers.add(name: "Content-Length", value: "0")
        }
        let started = ContinuousClock.now
        func record(_ status: Int?, _ traceId: String?, _ code: String?, _ note: String?) {
            let elapsed = ContinuousClock.now - started
            OCPCallLog.current?.record(
                OCPCallRecord(
                    method: call.method, path: call.path, status: status, traceId: traceId, errorCode: code,
                    durationMs: elapsed.secondsDouble * 1000, attempt: attempt, note: note))
        }
        do {
            let deadline =
                NIODeadline.now()
                + .milliseconds((connection.connectTimeout + connection.readTimeout).milliseconds)
            let response = try await http.execute(request, deadline: deadline)
            let body = try await response.body.collect(upTo: 64 * 1024 * 1024)
            let status = Int(response.status.code)
            let peek = Self.peekEnvelope(body)
            record(status, peek.traceId, peek.code, nil)
            notePacing(status: status, headers: response.headers)
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
        if error is HTTPParserError {
            return (true, "the answer was cut off or garbled (\(error))")
        }
        if let e = error as? NIOConnectionError {
            return (false, "cannot connect to \(e.host):\(e.port)")
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            let text = "\(error)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return (
                    false,
                    "the target's TLS certificate could not be verified (trust its CA with --ca-file FILE, or skip verification with --insecure)"
                )
            }
            if text.contains("failedToValidateHostname") {
                return (false, "the target's TLS certificate does not name its host")
            }
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
        let start = clock()
        let delay = Self.delay(before: attempt, headers: headers, policy: connection.retry, now: start)
        do {
            try await sleeper(delay)
        } catch {
            throw OCPError(.cancelled, call: call, message: "the run was interrupted")
        }
        // This pause already waited for the window the server announced.
        let waitedUntil = start.addingTimeInterval(delay.secondsDouble + 0.05)
        pacing.withLock { until in
            if let u = until, u <= waitedUntil { until = nil }
        }
    }

    static func delay(before attempt: Int, headers: HTTPHeaders?, policy: OCPConnection.RetryPolicy, now: Date)
        -> Duration
    {
        if let headers {
            if let text = headers.first(name: "Retry-After") {
                if let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                    return min(.milliseconds(Int64(seconds * 1000)), policy.maxDelay)
                }
                if let date = AKSKSigner.parseHTTPDate(text) {
                    return min(.milliseconds(Int64(max(0, date.timeIntervalSince(now)) * 1000)), policy.maxDelay)
                }
            }
            if let text = headers.first(name: "RateLimit-Reset"),
                let seconds = Double(text.trimmingCharacters(in: .whitespaces)),
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

    /// A request body as sent: compact JSON, keys sorted.
    static func encodeBody(_ body: JSONValue) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(body)).map { Array($0) } ?? Array("null".utf8)
    }

    private static func peekEnvelope(_ body: ByteBuffer) -> (traceId: String?, code: String?) {
        guard let peek = try? JSONDecoder().decode(OCPEnvelopeHead.self, from: Data(body.readableBytesView)) else {
            return (nil, nil)
        }
        return (peek.traceId, peek.error?.code)
    }

    /// The answer's data, or the error it stands for: `unauthorized` for 401/403, `api` for an
    /// error envelope or an error status, `invalidResponse` for a success that cannot be read.
    private func decode<T: Codable & Sendable>(_ type: T.Type, status: Int, body: ByteBuffer, call: OCPCall)
        -> Result<T, OCPError>
    {
        do throws(OCPError) {
            return .success(try decodeOrThrow(T.self, status: status, body: body, call: call))
        } catch {
            return .failure(error)
        }
    }

    private func decodeOrThrow<T: Codable & Sendable>(_ type: T.Type, status: Int, body: ByteBuffer, call: OCPCall)
        throws(OCPError) -> T
    {
        let data = Data(body.readableBytesView)
        let envelope: OCPEnvelope<T>
        do {
            envelope = try decoder.decode(OCPEnvelope<T>.self, from: data)
        } catch {
            if status == 401 || status == 403 {
                throw OCPError(
                    .unauthorized, call: call, httpStatus: status,
                    message: "the target refused the credentials (\(connection.authentication.summary))")
            }
            let snippet = String(decoding: data.prefix(120), as: UTF8.self)
            throw OCPError(
                status >= 400 ? .api : .invalidResponse, call: call, httpStatus: status,
                message:
                    "the answer is not an OCP envelope (\(Self.decodingProblem(error))): \(snippet.isEmpty ? "empty body" : snippet)"
            )
        }
        if status == 401 || status == 403 {
            let said = envelope.error?.message.map { ": \($0)" } ?? ""
            throw OCPError(
                .unauthorized, call: call, httpStatus: status, code: envelope.error?.code,
                message: "the target refused the credentials (\(connection.authentication.summary))\(said)",
                traceId: envelope.traceId)
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
            .invalidResponse, call: call, httpStatus: status, message: "the answer has no data",
            traceId: envelope.traceId)
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
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }
}
