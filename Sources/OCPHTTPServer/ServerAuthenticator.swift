import Foundation
import OCPModel
import RunbookSupport

/// Checks the `Authorization` of a request the way OCP does (reference section 7): HTTP Basic, or an
/// AK/SK signature with a `Date` no more than ``ServeConfiguration/dateWindow`` away from the server's
/// clock. Requests are let in without credentials only when none are configured.
public struct ServerAuthenticator: Sendable {
    public var credentials: ServerCredentials
    public var dateWindow: Duration

    public init(credentials: ServerCredentials, dateWindow: Duration = .seconds(15 * 60)) {
        self.credentials = credentials
        self.dateWindow = dateWindow
    }

    /// The parts of a request that authentication looks at.
    public struct Request: Sendable {
        public var method: String
        /// The path without the query.
        public var path: String
        /// The decoded query items, in the order sent.
        public var query: [(String, String)]
        /// Header names and values as received (any case).
        public var headers: [(String, String)]
        /// The Host header (`host:port`).
        public var host: String?
        public var body: [UInt8]

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

    /// Checks `request` at `now`.
    public func verify(_ request: Request, now: Date = Date()) -> Verdict {
        if credentials.isOpen { return .open }
        guard let authorization = request.header("Authorization")?.trimmingCharacters(in: .whitespaces),
            !authorization.isEmpty
        else {
            return .refused("Authentication required: send HTTP Basic or an OCP-ACCESS-KEY-HMACSHA1 signature.")
        }
        if let encoded = Self.value(of: authorization, scheme: "Basic") {
            return verifyBasic(encoded)
        }
        if let signed = Self.value(of: authorization, scheme: "OCP-ACCESS-KEY-HMACSHA1") {
            return verifySignature(signed, request: request, now: now)
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

    private func verifySignature(_ value: String, request: Request, now: Date) -> Verdict {
        guard let colon = value.lastIndex(of: ":") else {
            return .refused("The signature is not written as ACCESS_KEY_ID:SIGNATURE.")
        }
        let keyId = String(value[..<colon])
        let signature = String(value[value.index(after: colon)...])
        guard let secret = credentials.accessKeys[keyId] else {
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
            return .refused(
                "The Date header is \(DurationText.format(.seconds(Int64(skew)))) off the server's clock; at most \(DurationText.format(dateWindow)) is allowed."
            )
        }
        let signer = AKSKSigner(accessKeyId: keyId, accessKeySecret: secret)
        let expected = signer.signature(
            for: AKSKSigner.Request(
                method: request.method, path: request.path, query: request.query,
                body: request.body.isEmpty ? nil : request.body, contentType: request.header("Content-Type"),
                date: dateText, host: request.host ?? request.header("Host") ?? "", headers: request.headers))
        guard Self.constantTimeEqual(Array(expected.utf8), Array(signature.utf8)) else {
            return .refused(
                "The signature does not match the request (check the access key secret, the Date and the Host).")
        }
        return .allowed("key \(keyId)")
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
