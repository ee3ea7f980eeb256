import Foundation
import OCPModel
import RunbookSupport

/// Checks the `Authorization` of a request the way OCP does (reference section 7): HTTP Basic, or an
/// AK/SK signature with a `Date` no more than ``ServeConfiguration/dateWindow`` away from the server's
/// clock. Requests are let in without credentials only when none are configured.
///
/// The server checks in two steps so that it never reads the body of a stranger:
/// ``checkHead(_:now:)`` settles everything the head can (a missing or malformed `Authorization`,
/// an unknown user, password or access key, a `Date` outside the window); only a signature still
/// waiting for the body it covers is then checked, by ``checkSignature(_:of:)``, once the body is
/// read.
public struct ServerAuthenticator: Sendable {
    /// The credentials accepted; with none configured, every request is let in.
    public var credentials: ServerCredentials
    /// How far a signed request's `Date` may be from the server's clock, either way.
    public var dateWindow: Duration

    /// An authenticator of `credentials`, accepting a signed request's `Date` within `dateWindow`
    /// of the server's clock (15 minutes by default, as OCP).
    public init(credentials: ServerCredentials, dateWindow: Duration = .seconds(15 * 60)) {
        self.credentials = credentials
        self.dateWindow = dateWindow
    }

    /// The parts of a request that authentication looks at.
    public struct Request: Sendable {
        /// The request's HTTP method (`GET`, `POST`).
        public var method: String
        /// The path without the query.
        public var path: String
        /// The decoded query items, in the order sent.
        public var query: [(String, String)]
        /// Header names and values as received (any case).
        public var headers: [(String, String)]
        /// The Host header (`host:port`).
        public var host: String?
        /// The request's body bytes: empty until it is read, and for a request without one.
        public var body: [UInt8]

        /// The parts of one request, as the properties above describe them.
        public init(
            method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [],
            host: String? = nil, body: [UInt8] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.headers = headers
            self.host = host
            self.body = body
        }

        func header(_ name: String) -> String? {
            headers.first { $0.0.caseInsensitiveCompare(name) == .orderedSame }?.1
        }
    }

    /// What the check concluded.
    public enum Verdict: Sendable, Hashable {
        /// No credentials are configured: everyone is let in.
        case open
        /// Authenticated as this principal (`user admin`, `key cqammmxB`), never a secret.
        case allowed(String)
        /// Refused, with the reason the 401 answer gives.
        case refused(String)
    }

    /// What a request's head alone says, before its body is read.
    public enum HeadVerdict: Sendable, Hashable {
        /// No credentials are configured: everyone is let in.
        case open
        /// Settled from the head (HTTP Basic): authenticated as this principal.
        case allowed(String)
        /// An AK/SK signature whose scheme, access key and `Date` are in order; it covers the
        /// body's MD5, so it is checked with ``checkSignature(_:of:)`` once the body is read.
        case signed(PendingSignature)
        /// Refused from the head, with the reason the 401 answer gives: the body need not be read.
        case refused(String)
    }

    /// An AK/SK signature waiting for the body it covers. Holds no secret.
    public struct PendingSignature: Sendable, Hashable {
        /// A configured access key id.
        public var accessKeyId: String
        /// The signature the request carries.
        var signature: String
        /// The request's `Date`, as sent (it is part of the signed message).
        var date: String

        /// `key AK`.
        public var principal: String { "key \(accessKeyId)" }
    }

    /// Checks `request` at `now`, body included.
    public func verify(_ request: Request, now: Date = Date()) -> Verdict {
        switch checkHead(request, now: now) {
        case .open: return .open
        case .allowed(let who): return .allowed(who)
        case .refused(let reason): return .refused(reason)
        case .signed(let pending): return checkSignature(pending, of: request)
        }
    }

    /// Checks what the head of `request` can settle at `now`, without looking at its body: the
    /// scheme, the Basic user and password, or the access key and the `Date` of a signature.
    public func checkHead(_ request: Request, now: Date = Date()) -> HeadVerdict {
        if credentials.isOpen { return .open }
        guard let authorization = request.header("Authorization")?.trimmingCharacters(in: .whitespaces),
            !authorization.isEmpty
        else {
            return .refused("Authentication required: send HTTP Basic or an OCP-ACCESS-KEY-HMACSHA1 signature.")
        }
        if let encoded = Self.value(of: authorization, scheme: "Basic") {
            switch verifyBasic(encoded) {
            case .allowed(let who): return .allowed(who)
            case .refused(let reason): return .refused(reason)
            case .open: return .open
            }
        }
        if let signed = Self.value(of: authorization, scheme: "OCP-ACCESS-KEY-HMACSHA1") {
            return checkSignatureHead(signed, request: request, now: now)
        }
        return .refused("Unsupported authorization scheme: use Basic or OCP-ACCESS-KEY-HMACSHA1.")
    }

    /// The rest of `header` after `scheme` and a space, or nil when it uses another scheme.
    static func value(of header: String, scheme: String) -> String? {
        guard header.count > scheme.count,
            header.prefix(scheme.count).caseInsensitiveCompare(scheme) == .orderedSame,
            header.dropFirst(scheme.count).first == " "
        else { return nil }
        return header.dropFirst(scheme.count + 1).trimmingCharacters(in: .whitespaces)
    }

    private func verifyBasic(_ encoded: String) -> Verdict {
        guard let basic = credentials.basic else {
            return .refused("Basic authentication is not enabled on this server; sign with AK/SK.")
        }
        guard let data = Data(base64Encoded: encoded), let text = String(data: data, encoding: .utf8),
            let colon = text.firstIndex(of: ":")
        else {
            return .refused("The Basic credentials are not base64 of user:password.")
        }
        let user = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        // Both compared in full, in constant time, so neither the user nor the password leaks through timing.
        let userMatches = Self.constantTimeEqual(Array(user.utf8), Array(basic.user.utf8))
        let passwordMatches = Self.constantTimeEqual(Array(password.utf8), Array(basic.password.utf8))
        guard userMatches, passwordMatches else { return .refused("Wrong user or password.") }
        return .allowed("user \(user)")
    }

    private func checkSignatureHead(_ value: String, request: Request, now: Date) -> HeadVerdict {
        guard let colon = value.lastIndex(of: ":") else {
            return .refused("The signature is not written as ACCESS_KEY_ID:SIGNATURE.")
        }
        let keyId = String(value[..<colon])
        let signature = String(value[value.index(after: colon)...])
        guard credentials.accessKeys[keyId] != nil else {
            return .refused("Unknown access key \(keyId).")
        }
        guard let dateText = request.header("Date") else {
            return .refused("A signed request needs a Date header (RFC 1123).")
        }
        guard let date = AKSKSigner.parseHTTPDate(dateText) else {
            return .refused("The Date header '\(dateText)' is not an RFC 1123 date.")
        }
        let skew = abs(date.timeIntervalSince(now))
        if skew > dateWindow.secondsDouble {
            // Whole seconds, clamped: a parsed date is at most a few thousand years away.
            let shown = Duration.seconds(min(skew, 1e12).rounded(.down))
            return .refused(
                "The Date header is \(DurationText.format(shown)) off the server's clock; at most \(DurationText.format(dateWindow)) is allowed."
            )
        }
        return .signed(PendingSignature(accessKeyId: keyId, signature: signature, date: dateText))
    }

    /// Checks the signature `pending` against the whole of `request`, its body included.
    public func checkSignature(_ pending: PendingSignature, of request: Request) -> Verdict {
        guard let secret = credentials.accessKeys[pending.accessKeyId] else {
            return .refused("Unknown access key \(pending.accessKeyId).")
        }
        let signer = AKSKSigner(accessKeyId: pending.accessKeyId, accessKeySecret: secret)
        let expected = signer.signature(
            for: AKSKSigner.Request(
                method: request.method, path: request.path, query: request.query,
                body: request.body.isEmpty ? nil : request.body, contentType: request.header("Content-Type"),
                date: pending.date, host: request.host ?? request.header("Host") ?? "", headers: request.headers))
        guard Self.constantTimeEqual(Array(expected.utf8), Array(pending.signature.utf8)) else {
            return .refused(
                "The signature does not match the request (check the access key secret, the Date and the Host).")
        }
        return .allowed(pending.principal)
    }

    /// Compares without stopping at the first difference.
    static func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        var difference = a.count ^ b.count
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            difference |= Int(x ^ y)
        }
        return difference == 0
    }
}
