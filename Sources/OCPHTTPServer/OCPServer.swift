import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import OCPModel
import RunbookSupport
import Synchronization

/// Any ``OCPClient`` behind OCP's HTTP API, on Hummingbird: `runbook serve` puts the simulator
/// behind it.
///
/// Every request goes through, in order:
/// 1. authentication from the head alone (``ServerAuthenticator/checkHead(_:now:)``): missing,
///    malformed or unknown credentials, or a `Date` outside the window, are answered 401 before
///    any of the body is read, and the connection is closed when a body was on its way;
/// 2. the body, read up to 1 MiB (400 past that, refused from `Content-Length` when it says so,
///    and the connection closed);
/// 3. an AK/SK signature checked against the body it covers (401);
/// 4. the rate limit of the authenticated caller (`--rate-limit`, 429): each principal has its
///    own window, and refused requests spend none;
/// 5. the client: the request is parsed into an ``OCPRequest`` (404 for a path that is no
///    endpoint's, 400 for a body that is not JSON) and sent through
///    ``OCPEndpoint/serve(_:with:)``; its answer, or its ``OCPError``, becomes OCP's envelope with
///    its code and HTTP status.
///
/// Each call writes one ``ServedRequest`` to the request log. Credentials never appear in the log
/// or in answers. Connections are closed after ``ServeConfiguration/idleTimeout`` without a
/// complete request part, and heads over ``ServeConfiguration/headLimits`` are answered 400.
public struct OCPServer: Sendable {
    /// Where the server listens, whom it lets in, its rate limit, date window, idle timeout and
    /// head limits.
    public let configuration: ServeConfiguration
    let core: Core

    /// A request as an ``Interposer`` sees it.
    @_spi(Testing) public struct Head: Sendable, Hashable {
        public var method: String
        /// The path without the query.
        public var path: String
        /// The raw query, without `?` (nil when there is none).
        public var query: String?
    }

    /// Stands between authentication and the simulator: receives the request and a function that
    /// answers it normally, and returns the answer to send. Tests use it to misbehave on purpose
    /// (answer 502, drop the connection mid-answer, answer late); the request log still records
    /// every call.
    @_spi(Testing) public typealias Interposer =
        @Sendable (_ request: Head, _ forward: @Sendable () async -> Response) async throws -> Response

    /// Answers a `GET` outside OCP's API (`/api/...`): a simulated service's status and body, or
    /// nil when no service has that path (the request is then answered as OCP would, 404).
    public typealias ServiceResponder = @Sendable (_ path: String) async -> (status: Int, body: String)?

    /// - Parameters:
    ///   - client: what answers OCP requests (`runbook serve`: the simulator).
    ///   - timestamp: the time written into envelopes (the simulator's: simulated time).
    ///   - requestLog: receives one record per call, once it is answered.
    ///   - now: the wall clock signed requests' `Date` is compared with.
    ///   - services: answers `GET`s outside OCP's API (the simulated services); no credentials are
    ///     asked for them, as a real service asks none of runbook's.
    public init(
        configuration: ServeConfiguration, client: any OCPClient,
        timestamp: @escaping @Sendable () -> OCPTimestamp = { OCPTimestamp(date: Date()) },
        requestLog: @escaping @Sendable (ServedRequest) -> Void = { _ in },
        services: ServiceResponder? = nil,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.init(
            configuration: configuration, client: client, timestamp: timestamp, requestLog: requestLog,
            interposer: nil, rateLimiter: nil, services: services, now: now)
    }

    /// A server whose requests pass through `interposer` (tests misbehave on purpose with it) and
    /// whose rate limit is `rateLimiter` (tests pass one on a clock they move).
    @_spi(Testing) public init(
        configuration: ServeConfiguration, client: any OCPClient,
        timestamp: @escaping @Sendable () -> OCPTimestamp = { OCPTimestamp(date: Date()) },
        requestLog: @escaping @Sendable (ServedRequest) -> Void = { _ in }, interposer: Interposer?,
        rateLimiter: RateLimiter?, services: ServiceResponder? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.configuration = configuration
        core = Core(
            client: client, timestamp: timestamp,
            authenticator: ServerAuthenticator(
                credentials: configuration.credentials, dateWindow: configuration.dateWindow),
            limiter: rateLimiter ?? configuration.rateLimit.map { RateLimiter(limit: $0) },
            serverName: configuration.serverName,
            requestLog: requestLog, interposer: interposer, services: services, now: now)
    }

    /// Serves until the surrounding task is cancelled. `onListening` receives the bound port (useful
    /// with port 0).
    public func run(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        // Cancellation is the way to stop here: Hummingbird's report of it is not an error.
        try await application(quiet: true, onListening: onListening).run()
    }

    /// Serves until SIGINT or SIGTERM, then stops accepting connections, lets the requests in flight
    /// finish, and returns.
    public func runUntilSignalled(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        try await application(quiet: false, onListening: onListening).runService()
    }

    /// Answers one request without a network (the HTTP layer's work: limits, authentication,
    /// envelope, log). `remote` names the caller in the log.
    public func respond(to request: Request, remote: String? = nil) async -> Response {
        await core.handle(request, remote: remote).response
    }

    private func application(quiet: Bool, onListening: @escaping @Sendable (Int) async -> Void)
        -> some ApplicationProtocol
    {
        var logger = Logger(label: "runbook.serve")
        logger.logLevel = quiet ? .critical : .error
        let limits = configuration.headLimits
        return Application(
            responder: Responder(core: core),
            server: .http1(
                configuration: .init(
                    idleTimeout: configuration.idleTimeout.map { TimeAmount($0) },
                    httpDecoderConfiguration: .init(
                        maxHeaderFieldSize: limits.fieldSize, maxHeaderListSize: limits.totalSize,
                        maxHeaderFieldCount: limits.fieldCount))),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? 0) },
            logger: logger)
    }

    // MARK: - Hummingbird glue

    struct Context: RequestContext {
        var coreContext: CoreRequestContextStorage
        /// `ip:port` of the caller.
        let remote: String?
        /// The connection the request came on.
        let channel: any Channel

        init(source: ApplicationRequestContextSource) {
            coreContext = CoreRequestContextStorage(source: source)
            channel = source.channel
            remote = source.channel.remoteAddress.flatMap { address in
                address.ipAddress.map { ip in address.port.map { "\(ip):\($0)" } ?? ip }
            }
        }
    }

    struct Responder: HTTPResponder {
        let core: Core

        func respond(to request: Request, context: Context) async throws -> Response {
            let outcome = await core.handle(request, remote: context.remote)
            if outcome.closesConnection {
                // The body was left unread (a 401 from the head, a body over 1 MiB): Hummingbird
                // would otherwise read it to its end before the next request. Its connection
                // handler closes a connection asked to quiesce once the answer in progress is
                // written: the one being returned here.
                context.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            }
            return outcome.response
        }
    }

    // MARK: - Handling one request

    final class Core: Sendable {
        let client: any OCPClient
        let timestamp: @Sendable () -> OCPTimestamp
        let authenticator: ServerAuthenticator
        let limiter: RateLimiter?
        let serverName: String
        let requestLog: @Sendable (ServedRequest) -> Void
        let interposer: Interposer?
        let services: ServiceResponder?
        let now: @Sendable () -> Date
        private let traceIds = Mutex(SplitMix64(seed: UInt64.random(in: 0...UInt64.max)))

        init(
            client: any OCPClient, timestamp: @escaping @Sendable () -> OCPTimestamp, authenticator: ServerAuthenticator,
            limiter: RateLimiter?, serverName: String, requestLog: @escaping @Sendable (ServedRequest) -> Void, interposer: Interposer?,
            services: ServiceResponder?, now: @escaping @Sendable () -> Date
        ) {
            self.services = services
            self.client = client
            self.timestamp = timestamp
            self.authenticator = authenticator
            self.limiter = limiter
            self.serverName = serverName
            self.requestLog = requestLog
            self.interposer = interposer
            self.now = now
        }

        /// What one call produced, for the log.
        struct Outcome {
            var response: Response
            var traceId: String?
            var code: String?
            var principal: String?
            /// The request's body was left unread: the connection is closed after the answer.
            var closesConnection = false
        }

        func handle(_ request: Request, remote: String?) async -> Outcome {
            let started = ContinuousClock.now
            let receivedAt = now()
            let method = request.method.rawValue
            let path = request.uri.path
            let rawQuery = request.uri.query.flatMap { $0.isEmpty ? nil : $0 }
            let outcome = await answer(request, method: method, path: path, rawQuery: rawQuery)
            let elapsed = started.duration(to: .now)
            requestLog(
                ServedRequest(
                    time: receivedAt, client: remote, method: method, path: rawQuery.map { "\(path)?\($0)" } ?? path,
                    status: Int(outcome.response.status.code), errorCode: outcome.code, traceId: outcome.traceId,
                    durationMs: (elapsed.secondsDouble * 1_000_000).rounded() / 1000, principal: outcome.principal))
            return outcome
        }

        private func answer(_ request: Request, method: String, path: String, rawQuery: String?) async -> Outcome {
            // 0. A simulated service, outside OCP's API: answered as the service would, with no credentials.
            if let services, method == "GET" || method == "HEAD", !path.hasPrefix("/api/"),
                let service = await services(rawQuery.map { "\(path)?\($0)" } ?? path)
            {
                let body = method == "HEAD" ? [] : Array(service.body.utf8)
                return Outcome(
                    response: Self.response(
                        status: service.status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: body),
                    principal: "service")
            }
            let query = Self.queryItems(rawQuery)
            var credentials = ServerAuthenticator.Request(
                method: method, path: path, query: query, headers: request.headers.map { ($0.name.rawName, $0.value) },
                host: request.head.authority)
            // A request without Content-Length or Transfer-Encoding has no body (RFC 9112 6.3).
            let declaredLength = request.headers[.contentLength].flatMap { Int($0) }
            let mayHaveBody = (declaredLength ?? 0) > 0 || request.headers[.transferEncoding] != nil

            // 1. Authentication from the head: a stranger's body is never read.
            let pending: ServerAuthenticator.PendingSignature?
            let principal: String?
            switch authenticator.checkHead(credentials, now: now()) {
            case .open:
                principal = nil
                pending = nil
            case .allowed(let who):
                principal = who
                pending = nil
            case .signed(let signature):
                principal = signature.principal
                pending = signature
            case .refused(let reason):
                return unauthorized(reason, closesConnection: mayHaveBody)
            }

            // 2. The body, bounded. A signature not yet checked is logged as such.
            let claimed = pending.map { "\($0.principal) unverified" } ?? principal
            if let declaredLength, declaredLength > ServeConfiguration.maximumBodySize {
                return badBody(Self.bodyTooLarge, principal: claimed)
            }
            var mutable = request
            let body: ByteBuffer
            do {
                body = try await mutable.collectBody(upTo: ServeConfiguration.maximumBodySize)
            } catch is NIOTooManyBytesError {
                return badBody(Self.bodyTooLarge, principal: claimed)
            } catch {
                return badBody("The request body could not be read.", principal: claimed)
            }

            // 3. A signature covers the body's MD5: checked now that the body is here.
            if let pending {
                credentials.body = Array(body.readableBytesView)
                if case .refused(let reason) = authenticator.checkSignature(pending, of: credentials) {
                    return unauthorized(reason, closesConnection: false)
                }
            }

            // 4. The rate limit of this caller.
            var rateHeaders: [(String, String)] = []
            if let limiter {
                let decision = limiter.admit(principal ?? RateLimiter.openCaller)
                rateHeaders = decision.headers(limit: limiter.limit)
                if !decision.allowed {
                    var outcome = refusal(
                        status: 429, code: ServerErrorCode.rateLimited,
                        message:
                            "More than \(limiter.limit) requests in one second; retry in \(decision.resetSeconds) s.",
                        headers: rateHeaders)
                    outcome.principal = principal
                    return outcome
                }
            }

            let captured = Captured()
            let forward: @Sendable () async -> Response = { [self, rateHeaders] in
                let answer = await self.forward(method: method, path: path, query: query, body: body)
                captured.set(traceId: answer.traceId, code: answer.code)
                return Self.response(status: answer.status, headers: answer.headers + rateHeaders, body: answer.body)
            }
            let response: Response
            if let interposer {
                do {
                    response = try await interposer(Head(method: method, path: path, query: rawQuery), forward)
                } catch {
                    response = Response(status: .internalServerError)
                }
            } else {
                response = await forward()
            }
            let (traceId, code) = captured.get()
            return Outcome(response: response, traceId: traceId, code: code, principal: principal)
        }

        /// 401, with a challenge; `closesConnection` when the body is left unread.
        private func unauthorized(_ reason: String, closesConnection: Bool) -> Outcome {
            var headers = [("WWW-Authenticate", #"Basic realm="OCP""#)]
            if closesConnection { headers.append(("Connection", "close")) }
            var outcome = refusal(status: 401, code: ServerErrorCode.unauthorized, message: reason, headers: headers)
            outcome.principal = "refused"
            outcome.closesConnection = closesConnection
            return outcome
        }

        static let bodyTooLarge = "The request body is over 1 MiB."

        /// 400 for a body that is too large or cannot be read; the rest of it is not read.
        private func badBody(_ message: String, principal: String?) -> Outcome {
            var outcome = refusal(
                status: 400, code: ServerErrorCode.badRequest, message: message, headers: [("Connection", "close")])
            outcome.principal = principal
            outcome.closesConnection = true
            return outcome
        }

        /// An error envelope the server writes itself.
        private func refusal(status: Int, code: String, message: String, headers: [(String, String)]) -> Outcome {
            let answer = failure(status: status, code: code, message: message, traceId: nil)
            return Outcome(
                response: Self.response(status: status, headers: answer.headers + headers, body: answer.body),
                traceId: answer.traceId, code: code)
        }

        /// A trace id for an answer no client call produced.
        func nextTraceId() -> String { traceIds.withLock { $0.traceId() } }

        static func response(status: Int, headers: [(String, String)], body: [UInt8]) -> Response {
            var fields = HTTPFields()
            for (name, value) in headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            return Response(
                status: HTTPResponse.Status(code: status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }

        /// `a=1&b=x%20y` -> `[("a", "1"), ("b", "x y")]`; `+` is a space, as in a form.
        static func queryItems(_ raw: String?) -> [(String, String)] {
            guard let raw, !raw.isEmpty else { return [] }
            return raw.split(separator: "&", omittingEmptySubsequences: true).map { pair in
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                func decode(_ s: Substring) -> String {
                    let spaced = s.replacingOccurrences(of: "+", with: " ")
                    return spaced.removingPercentEncoding ?? spaced
                }
                return (decode(parts[0]), parts.count > 1 ? decode(parts[1]) : "")
            }
        }
    }

    /// The trace id and error code of the client's answer, set from inside `forward`.
    final class Captured: Sendable {
        private let state = Mutex<(String?, String?)>((nil, nil))
        func set(traceId: String?, code: String?) { state.withLock { $0 = (traceId, code) } }
        func get() -> (String?, String?) { state.withLock { $0 } }
    }
}

/// One line of `runbook serve`'s request log: who called what, and what it answered.
public struct ServedRequest: Sendable, Hashable {
    /// When the request arrived (wall clock).
    public var time: Date
    /// `ip:port` of the caller.
    public var client: String?
    /// The request's HTTP method (`GET`, `POST`).
    public var method: String
    /// The path with its query, as received.
    public var path: String
    /// The HTTP status answered.
    public var status: Int
    /// The error code of an error answer.
    public var errorCode: String?
    /// The answer's `traceId`.
    public var traceId: String?
    /// Milliseconds from arrival to the answer's head.
    public var durationMs: Double
    /// Who was authenticated (`user admin`, `key AK`, `refused`; `key AK unverified` for a signed
    /// request refused for its body before its signature could be checked); nil when auth is open.
    /// Never a secret.
    public var principal: String?

    /// A log line's fields: see each property.
    public init(
        time: Date, client: String?, method: String, path: String, status: Int, errorCode: String? = nil,
        traceId: String? = nil, durationMs: Double, principal: String? = nil
    ) {
        self.time = time
        self.client = client
        self.method = method
        self.path = path
        self.status = status
        self.errorCode = errorCode
        self.traceId = traceId
        self.durationMs = durationMs
        self.principal = principal
    }

    /// `2026-01-02T03:04:05.678Z 127.0.0.1:51234 POST /api/v2/ob/clusters/6/failover 200 trace 1a2b3c4d5e6f7a8b 0.412ms user admin`.
    public var line: String {
        var parts = [OCPTimestamp(date: time).description, client ?? "-", method, path, String(status)]
        if let errorCode { parts.append(errorCode) }
        if let traceId { parts.append("trace \(traceId)") }
        parts.append(String(format: "%.3fms", durationMs))
        if let principal { parts.append(principal) }
        return parts.joined(separator: " ")
    }
}
