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
/// - Every attempt is bounded: connecting (TLS included) by the connect timeout, and the whole
///   answer, head and body, by the read timeout from the moment the request is sent, however
///   slowly it trickles in.
/// - Reads and pre-checks are retried on connection errors, timeouts and 502/503/504, with bounded
///   exponential backoff and jitter, honouring `Retry-After` and `RateLimit-Reset`.
/// - A 429 means OCP did not take the call: any call, one that changes state included, waits as
///   the server says (at most the policy's `maxDelay`) and is sent again, up to the policy's
///   `maxRateLimitedAttempts` answers of 429.
/// - Calls that start or change work reach a server at most once: only a call whose connection
///   could not be made (refused, connect timeout) is sent again. A definite answer (success, or a
///   refusal below 500 other than 429) is final. After an ambiguous outcome (a timeout or a lost
///   connection once the request was sent, a 5xx, an answer that cannot be read, the calling task
///   cancelled while the request was out) the client looks for the task the call would have
///   started or changed, again and again with backoff for the connection's reconciliation
///   window, shielded from cancellation; it returns what it found, or fails saying the call was
///   not re-sent. The call record's `note` says which, after how many looks.
/// - TLS failures are final and said in words (certificate not trusted, expired, for another
///   host; a target that does not speak TLS, or speaks only TLS).
/// - When an answer says the server's rate-limit window is spent (`RateLimit-Remaining: 0`), the
///   next call of any caller of this client waits for it to reset.
/// - Credentials never appear in errors, records or descriptions.
///
/// docs/ocp.md describes this behaviour for users.
public final class HTTPOCPClient: OCPClient {
    /// The target, credentials, TLS settings, timeouts, retry policy and reconciliation window the
    /// client was made with, already validated.
    public let connection: OCPConnection
    private let http: HTTPClient
    /// For calls that start or change work: each on a connection of its own, never one kept from
    /// an earlier answer that the server (or a proxy) may have closed meanwhile, where the request
    /// would be lost without a word.
    private let freshHTTP: HTTPClient
    let sleeper: @Sendable (Duration) async throws -> Void
    private let clock: @Sendable () -> Date
    private let decoder = JSONDecoder()
    /// When the server's rate-limit window reopens, once it said none are left: shared by every
    /// caller of this client.
    private let pacing = Mutex<Date?>(nil)

    /// The largest answer read (64 MiB).
    static let answerLimit = 64 * 1024 * 1024

    /// - Parameters:
    ///   - sleep: how to wait between attempts and looks (tests pass one that does not sleep).
    ///   - now: the wall clock, for `Date` headers and for matching tasks after an ambiguous failure.
    /// - Throws: when a setting cannot be used (``OCPConnection/validate()``), or the CA file is not
    ///   a readable PEM file with at least one certificate.
    public init(
        connection: OCPConnection,
        sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) },
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws(OCPConnectionError) {
        try connection.validate()
        self.connection = connection
        self.sleeper = sleep
        self.clock = now
        var tls = TLSConfiguration.makeClientConfiguration()
        if connection.insecure { tls.certificateVerification = .none }
        if let caFile = connection.caFile {
            tls.additionalTrustRoots = [.certificates(try Self.certificates(inCAFile: caFile))]
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls, redirectConfiguration: .disallow)
        configuration.timeout = HTTPClient.Configuration.Timeout(
            connect: .milliseconds(connection.connectTimeout.milliseconds),
            read: .milliseconds(connection.readTimeout.milliseconds))
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        // A refused connection fails the attempt at once; the client's own retries decide what next.
        configuration.connectionPool.retryConnectionEstablishment = false
        http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var fresh = configuration
        fresh.maximumUsesPerConnection = 1
        freshHTTP = HTTPClient(eventLoopGroupProvider: .singleton, configuration: fresh)
    }

    /// The certificates of a `--ca-file`, or why it cannot be used.
    package static func certificates(inCAFile path: String) throws(OCPConnectionError) -> [NIOSSLCertificate] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw OCPConnectionError("the CA file \(path) does not exist")
        }
        guard !isDirectory.boolValue else {
            throw OCPConnectionError("the CA file \(path) is a directory, not a PEM file of certificates")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw OCPConnectionError("the CA file \(path) cannot be read (permission denied)")
        }
        let certificates: [NIOSSLCertificate]
        do {
            certificates = try NIOSSLCertificate.fromPEMFile(path)
        } catch {
            let text = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } ?? ""
            if text.contains("-----BEGIN CERTIFICATE-----") {
                throw OCPConnectionError("the CA file \(path) holds a certificate that cannot be read (damaged PEM)")
            }
            if text.contains("-----BEGIN ") {
                throw OCPConnectionError(
                    "the CA file \(path) holds no certificate (its PEM blocks are not -----BEGIN CERTIFICATE-----)")
            }
            throw OCPConnectionError(
                "the CA file \(path) is not a PEM file of certificates (expected -----BEGIN CERTIFICATE----- blocks)")
        }
        guard !certificates.isEmpty else {
            throw OCPConnectionError(
                "the CA file \(path) holds no certificate (expected -----BEGIN CERTIFICATE----- blocks)")
        }
        return certificates
    }

    /// Closes the connections. Call once, when done.
    public func shutdown() async {
        try? await http.shutdown()
        try? await freshHTTP.shutdown()
    }

    // MARK: - OCPClient

    /// Sends one request and returns its answer's `data`: a read or a pre-check with the retries
    /// above, a call that starts or changes work at most once (looking for its effect after an
    /// ambiguous outcome). Throws an ``OCPError`` that names the call: `.unreachable` (no
    /// connection, a TLS failure), `.unauthorized` (HTTP 401 or 403), `.api` (OCP's refusal, a
    /// redirect, 429s past the limit), `.timeout` (no complete answer, or a change whose effect was
    /// not found), `.invalidResponse` (an answer that cannot be read) or `.cancelled`.
    public func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        let request = operation.request
        guard request.endpoint.changesState else { return try await read(request, as: Response.self) }
        return try await change(request, as: Response.self)
    }

    // MARK: - Sending

    private enum Attempt {
        case answered(status: Int, headers: HTTPHeaders, body: ByteBuffer)
        /// The request never reached the server: safe to send again.
        case notSent(String)
        /// The request never reached the server, and sending it again cannot help.
        case refused(String)
        /// The request may have reached the server.
        case ambiguous(String)
        /// The calling task was cancelled; `maybeSent` when the request may have left.
        case cancelled(maybeSent: Bool)
    }

    private static func cancelled(_ call: OCPCall) -> OCPError {
        OCPError(.cancelled, call: call, message: "stopped (the step's deadline passed, or the run was interrupted)")
    }

    /// A call that is safe to repeat: retried on connection errors, timeouts and 429/502/503/504.
    private func read<T: Codable & Sendable>(_ request: OCPRequest, as type: T.Type) async throws(OCPError) -> T {
        let call = request.call
        var attempt = 1
        var failures = 0
        var rateLimited = 0
        while true {
            try await respectRateLimit(call)
            let result = await self.attempt(request, call: call, number: attempt)
            switch result {
            case .answered(let status, let headers, let body):
                if (300...399).contains(status) { throw Self.redirect(call, status: status, headers: headers) }
                if status == 429 {
                    rateLimited += 1
                    if rateLimited < connection.retry.maxRateLimitedAttempts {
                        try await wait(Self.spread(Self.delay(before: rateLimited + 1, headers: headers, policy: connection.retry, now: clock())), call: call)
                        attempt += 1
                        continue
                    }
                } else if Self.retryableStatuses.contains(status) {
                    failures += 1
                    if failures < connection.retry.maxAttempts {
                        try await pause(before: failures + 1, headers: headers, call: call)
                        attempt += 1
                        continue
                    }
                }
                let decoded = decode(T.self, status: status, body: body, call: call)
                // An answer that came but cannot be read: its record says so, not just its status.
                if case .failure(let error) = decoded, error.kind == .invalidResponse {
                    note(call, attempt: attempt, "HTTP \(status), but the answer cannot be read: \(error.message)")
                }
                return try decoded.get()
            case .notSent(let reason):
                failures += 1
                if failures >= connection.retry.maxAttempts { throw unreachable(call, reason, attempts: attempt) }
            case .refused(let reason):
                throw unreachable(call, reason, attempts: attempt)
            case .ambiguous(let reason):
                failures += 1
                if failures >= connection.retry.maxAttempts {
                    throw OCPError(
                        .timeout, call: call,
                        message: "no complete answer after \(Self.count(attempt, "attempt")): \(reason)")
                }
            case .cancelled:
                throw Self.cancelled(call)
            }
            try await pause(before: failures + 1, headers: nil, call: call)
            attempt += 1
        }
    }

    /// A call that starts or changes work: sent at most once to a server that may have received it.
    ///
    /// It is sent again only when the request cannot have left (the connection could not be
    /// made) or OCP refused it with 429 (it did not take it). Any other definite answer (success,
    /// or an OCP refusal below 500) is returned as it is. After an ambiguous outcome (no answer in
    /// time, the connection lost once the request was sent, a 5xx, an answer that cannot be read,
    /// the calling task cancelled while the request was out), the client looks for the call's
    /// effect for the reconciliation window, shielded from cancellation. What it found goes into
    /// the call records' `note`; the call is never re-sent.
    private func change<T: Codable & Sendable>(_ request: OCPRequest, as type: T.Type) async throws(OCPError) -> T {
        let call = request.call
        var attempt = 1
        var failures = 0
        var rateLimited = 0
        while true {
            try await respectRateLimit(call)
            let sentAt = clock()
            let result = await self.attempt(request, call: call, number: attempt)
            let ambiguity: String
            var interrupted = false
            /// What to throw when the effect is not found: OCP's own error when it answered one.
            var answeredError: OCPError?
            switch result {
            case .answered(let status, let headers, let body):
                // A redirect is an answer: the server did not do the work here.
                if (300...399).contains(status) { throw Self.redirect(call, status: status, headers: headers) }
                let decoded = decode(T.self, status: status, body: body, call: call)
                switch decoded {
                case .success(let value):
                    return value
                case .failure(let error) where status == 429:
                    rateLimited += 1
                    guard rateLimited < connection.retry.maxRateLimitedAttempts else {
                        throw OCPError(
                            .api, call: call, httpStatus: 429, code: error.code,
                            message:
                                "OCP is rate limiting and did not take the call, \(Self.count(rateLimited, "time")) in a row; it was not sent again (\(error.message))",
                            traceId: error.traceId)
                    }
                    let wait = Self.spread(Self.delay(before: rateLimited + 1, headers: headers, policy: connection.retry, now: clock()))
                    note(
                        call, attempt: attempt,
                        "HTTP 429: OCP did not take the call; sending it again in \(DurationText.format(wait))")
                    try await self.wait(wait, call: call)
                    attempt += 1
                    continue
                case .failure(let error) where status < 500 && error.kind != OCPError.Kind.invalidResponse:
                    throw error
                case .failure(let error):
                    answeredError = error
                    ambiguity = status >= 500 ? "HTTP \(status)" : "an answer that cannot be read"
                }
            case .notSent(let reason):
                failures += 1
                if failures >= connection.retry.maxAttempts { throw unreachable(call, reason, attempts: attempt) }
                try await pause(before: failures + 1, headers: nil, call: call)
                attempt += 1
                continue
            case .refused(let reason):
                throw unreachable(call, reason, attempts: attempt)
            case .ambiguous(let reason):
                ambiguity = reason
            case .cancelled(let maybeSent):
                guard maybeSent else { throw Self.cancelled(call) }
                ambiguity = "the call was stopped while it was out (a deadline, or an interruption)"
                interrupted = true
            }
            // The request may have taken effect: look before deciding, never re-send blindly. The
            // looking runs in a task of its own, so that cancelling the caller does not stop it;
            // the reconciliation window bounds it.
            let lookup = await Task { await self.lookForEffect(request, as: T.self, sentAt: sentAt) }.value
            let looked = lookup.summary(window: connection.reconciliationWindow)
            if let (value, what) = lookup.found {
                note(call, attempt: attempt, "after \(ambiguity): \(what) (\(looked))")
                return value
            }
            let unknown = lookup.lastError.map { "looking for it failed: \($0.message)" }
            let finding =
                unknown.map { "whether the call took effect is unknown (\($0))" }
                ?? "OCP shows no sign that the call took effect"
            note(call, attempt: attempt, "after \(ambiguity): \(finding) (\(looked)); not re-sent")
            let told = answeredError.map { "\($0.message); " } ?? (interrupted ? "" : "\(ambiguity); ")
            throw OCPError(
                interrupted ? .cancelled : (answeredError?.kind ?? .timeout), call: call,
                httpStatus: answeredError?.httpStatus, code: answeredError?.code,
                message:
                    "\(interrupted ? "the call was stopped while it was out; " : "")\(told)\(finding) (\(looked)), and it was not re-sent (check OCP before running again)",
                traceId: answeredError?.traceId)
        }
    }

    private func unreachable(_ call: OCPCall, _ reason: String, attempts: Int) -> OCPError {
        OCPError(
            .unreachable, call: call,
            message: "the target \(connection.baseURL) cannot be reached: \(reason) (\(Self.count(attempts, "attempt")))"
        )
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

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
        let delay = Self.duration(seconds: wait, cap: connection.retry.maxDelay)
        do {
            try await sleeper(delay)
        } catch {
            throw Self.cancelled(call)
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

    /// Puts `text` on the record of the call's attempt `attempt` (the conclusion the client drew).
    func note(_ call: OCPCall, attempt: Int, _ text: String) {
        OCPCallLog.current?.annotate(method: call.method, path: call.path, attempt: attempt, note: text)
    }

    /// One attempt: sends the request and reads the whole answer within the read timeout,
    /// recording the call. Cancelling the calling task stops it at once.
    private func attempt(_ ocp: OCPRequest, call: OCPCall, number attempt: Int) async -> Attempt {
        if Task.isCancelled { return .cancelled(maybeSent: false) }
        let body: [UInt8]? = ocp.body.map { Self.encodeBody($0) }
        let contentType: String? = body == nil ? nil : "application/json"
        let date = AKSKSigner.httpDate(clock())
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: connection.baseURL.hostHeader)
        headers.add(name: "Date", value: date)
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "runbook/\(RunbookVersion.current)")
        switch connection.authentication {
        case .none: break
        case .basic(let user, let password):
            headers.add(name: "Authorization", value: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString())
        case .accessKey(let signer):
            let (path, query) = Self.split(connection.baseURL.pathPrefix + call.path)
            headers.add(
                name: "Authorization",
                value: signer.authorization(
                    for: AKSKSigner.Request(
                        method: call.method, path: path, query: query, body: body, contentType: contentType, date: date,
                        host: connection.baseURL.hostHeader))
            )
        }
        if let contentType { headers.add(name: "Content-Type", value: contentType) }
        let started = ContinuousClock.now
        func record(_ status: Int?, _ traceId: String?, _ code: String?, _ note: String?) {
            let elapsed = ContinuousClock.now - started
            OCPCallLog.current?.record(
                OCPCallRecord(
                    method: call.method, path: call.path, status: status, traceId: traceId, errorCode: code,
                    durationMs: elapsed.secondsDouble * 1000, attempt: attempt, note: note))
        }
        let request: HTTPClient.Request
        do {
            request = try HTTPClient.Request(
                url: connection.baseURL.url(call.path), method: HTTPMethod(rawValue: call.method), headers: headers,
                body: body.map { .bytes($0) })
        } catch {
            record(nil, nil, nil, "the target URL cannot be used")
            return .refused("the URL \(connection.baseURL.url(call.path)) cannot be used")
        }
        let collector = AnswerCollector(
            readTimeout: .milliseconds(connection.readTimeout.milliseconds), limit: Self.answerLimit)
        // AsyncHTTPClient's deadline is a backstop: the collector's read deadline is the real bound.
        let backstop =
            NIODeadline.now() + .milliseconds((connection.connectTimeout + connection.readTimeout).milliseconds)
            + .seconds(1)
        let client = ocp.endpoint.changesState ? freshHTTP : http
        let task = client.execute(request: request, delegate: collector, deadline: backstop)
        do {
            let answer = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            let peek = Self.peekEnvelope(answer.body)
            record(answer.status, peek.traceId, peek.code, nil)
            notePacing(status: answer.status, headers: answer.headers)
            return .answered(status: answer.status, headers: answer.headers, body: answer.body)
        } catch {
            if Task.isCancelled {
                record(nil, nil, nil, "stopped while out (the step's deadline passed, or the run was interrupted)")
                // Whether the request left cannot be told from here: assume it may have.
                return .cancelled(maybeSent: true)
            }
            var failure = TransportFailure.classify(
                error, host: connection.baseURL.host, readTimeout: connection.readTimeout,
                answerStarted: collector.answerStarted)
            failure = await diagnose(failure, error: error, answerStarted: collector.answerStarted)
            record(nil, nil, nil, failure.reason)
            switch failure {
            case .notSent(let reason): return .notSent(reason)
            case .refused(let reason): return .refused(reason)
            case .maybeSent(let reason): return .ambiguous(reason)
            case .certificateNotVerified: return .refused(failure.reason)
            }
        }
    }

    /// Makes a failure more precise by looking at the target: why a certificate did not verify
    /// (expired, not yet valid), and whether a plain-HTTP target that closed the connection or
    /// answered something that is not HTTP in fact speaks TLS (a request it cannot have read).
    private func diagnose(_ failure: TransportFailure, error: any Error, answerStarted: Bool) async
        -> TransportFailure
    {
        let base = connection.baseURL
        let port = base.port ?? (base.scheme == "https" ? 443 : 80)
        switch failure {
        case .certificateNotVerified:
            guard
                let leaf = await CertificateProbe.leaf(host: base.host, port: port, timeout: connection.connectTimeout),
                let problem = CertificateProbe.datesProblem(leaf, now: clock())
            else { return .refused(TransportFailure.untrusted) }
            return .refused(problem)
        case .maybeSent:
            let suspicious =
                error is HTTPParserError || (error as? HTTPClientError) == .remoteConnectionClosed
                || (error as? IOError)?.errnoCode == ECONNRESET
            guard base.scheme == "http", !answerStarted, suspicious else { return failure }
            guard await CertificateProbe.leaf(host: base.host, port: port, timeout: connection.connectTimeout) != nil
            else { return failure }
            return .refused(
                "the target speaks TLS at this address, not plain HTTP: use https://\(base.hostHeader)\(base.pathPrefix)")
        default:
            return failure
        }
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
        try await wait(Self.delay(before: attempt, headers: headers, policy: connection.retry, now: clock()), call: call)
    }

    /// Waits `delay` through the injected `sleep:`; fails with `.cancelled` when it is interrupted.
    private func wait(_ delay: Duration, call: OCPCall) async throws(OCPError) {
        let start = clock()
        do {
            try await sleeper(delay)
        } catch {
            throw Self.cancelled(call)
        }
        // This pause already waited for the window the server announced.
        let waitedUntil = start.addingTimeInterval(delay.secondsDouble + 0.05)
        pacing.withLock { until in
            if let u = until, u <= waitedUntil { until = nil }
        }
    }

    /// An answer that redirects (3xx): runbook follows none (credentials would go where it points),
    /// and the call was not done.
    static func redirect(_ call: OCPCall, status: Int, headers: HTTPHeaders) -> OCPError {
        let to = headers.first(name: "Location").map { " to \($0)" } ?? ""
        return OCPError(
            .api, call: call, httpStatus: status,
            message:
                "the target redirects\(to); runbook follows no redirect: give the URL it points to as the target (the call was not done)")
    }

    /// A wait after a 429 with up to one more second (or as much again, if shorter) of jitter:
    /// the parallel callers a rate limit turned away do not all come back at the window's start,
    /// where most of them would be turned away again.
    static func spread(_ delay: Duration) -> Duration {
        let extra = min(delay, .seconds(1))
        guard extra > .zero else { return .milliseconds(Int64.random(in: 0...100)) }
        return delay + .milliseconds(Int64.random(in: 0...extra.milliseconds))
    }

    static func delay(before attempt: Int, headers: HTTPHeaders?, policy: OCPConnection.RetryPolicy, now: Date)
        -> Duration
    {
        if let headers {
            if let text = headers.first(name: "Retry-After") {
                if let seconds = Double(text.trimmingCharacters(in: .whitespaces)), seconds >= 0 {
                    return duration(seconds: seconds, cap: policy.maxDelay)
                }
                if let date = AKSKSigner.parseHTTPDate(text) {
                    return duration(seconds: date.timeIntervalSince(now), cap: policy.maxDelay)
                }
            }
            if let text = headers.first(name: "RateLimit-Reset"),
                let seconds = Double(text.trimmingCharacters(in: .whitespaces)),
                seconds >= 0
            {
                return duration(seconds: seconds, cap: policy.maxDelay)
            }
        }
        return backoff(before: attempt, policy: policy)
    }

    /// Exponential backoff with full jitter before attempt `attempt` (2 for the first retry):
    /// anywhere from half the ceiling to the ceiling, which doubles from the base delay up to the cap.
    static func backoff(before attempt: Int, policy: OCPConnection.RetryPolicy) -> Duration {
        policy.backoff(before: attempt)
    }

    /// `seconds` (a server's word, so anything) as a duration from zero to `cap`.
    static func duration(seconds: Double, cap: Duration) -> Duration {
        guard seconds.isFinite, seconds > 0 else { return .zero }
        guard seconds < cap.secondsDouble else { return cap }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
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
            // The HTTP status is the one that came back; an envelope of a success status that says
            // `successful: false` is told as such, with the status it gives.
            var message = envelope.error?.message ?? "OCP answered successful: false without a message"
            if status < 400 {
                message += " (the answer says successful: false\(envelope.status.map { ", status \($0)" } ?? ""))"
            }
            throw OCPError(
                .api, call: call, httpStatus: status, code: envelope.error?.code, message: message,
                traceId: envelope.traceId)
        }
        if let data = envelope.data { return data }
        if let none = NoPayload() as? T { return none }
        throw OCPError(
            .invalidResponse, call: call, httpStatus: status, message: "the answer has no data",
            traceId: envelope.traceId)
    }

    private static func decodingProblem(_ error: any Error) -> String {
        guard let e = error as? DecodingError else { return "not JSON" }
        switch e {
        case .dataCorrupted(let c): return "malformed JSON\(c.codingPath.isEmpty ? "" : " at \(path(c.codingPath))")"
        case .keyNotFound(let key, let c): return "missing \(path(c.codingPath + [key]))"
        case .typeMismatch(_, let c), .valueNotFound(_, let c): return "unexpected value at \(path(c.codingPath))"
        @unknown default: return "not the expected JSON"
        }
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(
            in: CharacterSet(charactersIn: "."))
    }
}
