import RunbookSupport

/// A failed OCP call: what was called, what answered, and OCP's code and words.
public struct OCPError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is. Open for new kinds.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case api, unreachable, unauthorized, timeout, invalidResponse, cancelled
        }
        private let base: Base

        /// OCP answered with an error envelope (or an HTTP error status).
        public static let api = Kind(base: .api)
        /// The target could not be reached (DNS, refused connection, TLS failure).
        public static let unreachable = Kind(base: .unreachable)
        /// The target refused the credentials (HTTP 401 or 403).
        public static let unauthorized = Kind(base: .unauthorized)
        /// No answer in time; whether the request took effect is unknown.
        public static let timeout = Kind(base: .timeout)
        /// The answer could not be understood (malformed JSON, missing fields).
        public static let invalidResponse = Kind(base: .invalidResponse)
        /// The call was cancelled (the run was interrupted).
        public static let cancelled = Kind(base: .cancelled)

        /// The kind's name: `api`, `unreachable`, `unauthorized`, `timeout`, `invalidResponse` or
        /// `cancelled`.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is, which decides what the caller does (a target failure ends the
    /// run, see ``isTargetFailure``).
    public var kind: Kind
    /// The call: method and path (with query).
    public var call: OCPCall
    /// The HTTP status, when an answer came.
    public var httpStatus: Int?
    /// OCP's error code (`TSK10001`, `OBE11020`, ...).
    public var code: String?
    /// What went wrong, in words: OCP's `message` when it answered with one, else the client's own
    /// description.
    public var message: String
    /// OCP's `traceId` of the answer, when one came with it.
    public var traceId: String?

    /// A failure of `call` of the given `kind`: `httpStatus` is the status of the answer (nil when
    /// none came), `code` OCP's error code, `message` the words, `traceId` the answer's trace id.
    public init(
        _ kind: Kind, call: OCPCall, httpStatus: Int? = nil, code: String? = nil, message: String,
        traceId: String? = nil
    ) {
        self.kind = kind
        self.call = call
        self.httpStatus = httpStatus
        self.code = code
        self.message = message
        self.traceId = traceId
    }

    /// `POST /api/v2/ob/clusters/6/failover: HTTP 409 OBE11020: message (traceId ...)`.
    public var description: String {
        var parts = "\(call)"
        if let httpStatus { parts += ": HTTP \(httpStatus)" } else { parts += ":" }
        if let code { parts += " \(code)" }
        parts += (httpStatus == nil && code == nil ? " " : ": ") + message
        if let traceId { parts += " (traceId \(traceId))" }
        return parts
    }

    /// Whether the run should end with exit 3: the target could not be reached or refused the credentials.
    public var isTargetFailure: Bool { kind == .unreachable || kind == .unauthorized }
}

/// A call to OCP: method and path (with its query, if any).
public struct OCPCall: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The HTTP method (`GET`, `POST`).
    public var method: String
    /// The path with its query, if any: `/api/v2/ob/clusters?page=1&size=2000`.
    public var path: String

    /// The call `method` `path`; `path` includes the query.
    public init(method: String, path: String) {
        self.method = method
        self.path = path
    }


    /// `METHOD path`: `POST /api/v2/ob/clusters/6/failover`.
    public var description: String { "\(method) \(path)" }
}
