import RunbookSupport

/// OCP's answer envelope (reference section 2), success and error alike.
public struct OCPEnvelope<Payload: Sendable>: Sendable {
    /// The answer's `data`: nil in an error envelope and in the answers of skip and cancel.
    public var data: Payload?
    /// OCP's `successful`: false in an error envelope. An answer of HTTP 200 with
    /// `successful: false` is an error too.
    public var successful: Bool
    /// When the server answered, on OCP's clock: ISO 8601 with milliseconds and a UTC offset.
    public var timestamp: OCPTimestamp?
    /// Milliseconds spent in the server.
    public var duration: Int?
    /// Mirrors the HTTP status.
    public var status: Int?
    /// 16 hex characters.
    public var traceId: String?
    /// The OCP node that answered (`10.0.0.1`).
    public var server: String?
    /// The `error` of an error envelope (code and message); nil on success.
    public var error: OCPErrorBody?

    /// An envelope with these fields, each as OCP writes it;
    /// ``success(_:timestamp:duration:status:traceId:server:)`` and
    /// ``failure(_:timestamp:duration:server:)`` build the two usual shapes.
    public init(
        data: Payload?, successful: Bool, timestamp: OCPTimestamp? = nil, duration: Int? = nil, status: Int? = nil,
        traceId: String? = nil, server: String? = nil, error: OCPErrorBody? = nil
    ) {
        self.data = data
        self.successful = successful
        self.timestamp = timestamp
        self.duration = duration
        self.status = status
        self.traceId = traceId
        self.server = server
        self.error = error
    }
}

extension OCPEnvelope: Encodable where Payload: Encodable {}
extension OCPEnvelope: Decodable where Payload: Decodable {}

/// The parts of an envelope that do not depend on its `data`: read from any answer, even one whose
/// `data` cannot be decoded.
package struct OCPEnvelopeHead: Sendable, Decodable {
    package var successful: Bool?
    package var traceId: String?
    package var error: OCPErrorBody?
}

extension OCPEnvelope {
    /// A success envelope: `successful: true`, `status` 200 unless given.
    public static func success(
        _ data: Payload?, timestamp: OCPTimestamp, duration: Int = 0, status: Int = 200, traceId: String,
        server: String
    ) -> OCPEnvelope {
        OCPEnvelope(
            data: data, successful: true, timestamp: timestamp, duration: duration, status: status, traceId: traceId,
            server: server)
    }

    /// The error envelope OCP answers for `error`: its HTTP status (500 when it has none), code and message.
    public static func failure(
        _ error: OCPError, timestamp: OCPTimestamp, duration: Int = 0, server: String
    ) -> OCPEnvelope {
        OCPEnvelope(
            data: nil, successful: false, timestamp: timestamp, duration: duration, status: error.httpStatus ?? 500,
            traceId: error.traceId, server: server, error: OCPErrorBody(code: error.code, message: error.message))
    }
}

/// A payload for answers without `data` (skip, cancel).
public struct NoPayload: Sendable, Hashable, Codable {
    /// The empty payload.
    public init() {}
}

/// The `error` of an error envelope. `code` may be a string (`TSK10001`) or a number.
public struct OCPErrorBody: Sendable, Hashable, Codable {
    /// OCP's error code (`TSK10001`, `OBE11020`); a numeric code is kept as its digits.
    public var code: String?
    /// OCP's words for the error (`The 171603 task does not exist.`).
    public var message: String?
    /// Further detail OCP may add for debugging.
    public var debugMessage: String?
    /// What the error is about, when OCP names it.
    public var target: String?
    /// Further errors, in whatever shape OCP gives them.
    public var subErrors: [JSONValue]?

    /// An error body with OCP's `code` and `message`, and the optional extra fields.
    public init(code: String?, message: String?, debugMessage: String? = nil, target: String? = nil, subErrors: [JSONValue]? = nil) {
        self.code = code
        self.message = message
        self.debugMessage = debugMessage
        self.target = target
        self.subErrors = subErrors
    }

    private enum Keys: String, CodingKey { case code, message, debugMessage, target, subErrors }

    /// Reads an `error` object: a numeric `code` becomes its digits, and a member of an unexpected
    /// type is read as absent rather than failing the answer.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let s = try? c.decodeIfPresent(String.self, forKey: .code) {
            code = s
        } else if let n = try? c.decodeIfPresent(Int.self, forKey: .code) {
            code = String(n)
        } else {
            code = nil
        }
        message = try? c.decodeIfPresent(String.self, forKey: .message)
        debugMessage = try? c.decodeIfPresent(String.self, forKey: .debugMessage)
        target = try? c.decodeIfPresent(String.self, forKey: .target)
        subErrors = try? c.decodeIfPresent([JSONValue].self, forKey: .subErrors)
    }
}
