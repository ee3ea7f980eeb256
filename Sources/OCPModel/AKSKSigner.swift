import Crypto
import Foundation
import RunbookSupport

/// OCP's AK/SK request signing (reference section 7):
/// `Authorization: OCP-ACCESS-KEY-HMACSHA1 {AK}:{Base64(HMAC-SHA1(SK, message))}`.
///
/// The message is, joined by `\n` (an empty part keeps its `\n`): the method; the upper-case hex
/// MD5 of the body (empty without a body); the Content-Type; the Date; the Host; the `x-ocp-*`
/// headers sorted by name as `name:value` one per line; the path followed by the query (keys
/// sorted, RFC 3986 encoded, repeated keys joined as `a=1,2,3`).
public struct AKSKSigner: Sendable {
    /// The access key id (AK), sent in the `Authorization` header; it is not a secret.
    public var accessKeyId: String
    private let secret: [UInt8]

    /// A signer for the key pair `accessKeyId` (AK) and `accessKeySecret` (SK). The secret only
    /// keys the HMAC: it is never part of a header or a message.
    public init(accessKeyId: String, accessKeySecret: String) {
        self.accessKeyId = accessKeyId
        self.secret = Array(accessKeySecret.utf8)
    }

    /// The parts of a request that the signature covers.
    public struct Request: Sendable {
        /// The HTTP method (`GET`, `POST`); signed in upper case.
        public var method: String
        /// The path without the query: `/api/v2/ob/clusters/6/failover`.
        public var path: String
        /// Query items in any order; repeated keys allowed.
        public var query: [(String, String)]
        /// The body's bytes; nil or empty signs an empty MD5 part.
        public var body: [UInt8]?
        /// The `Content-Type` header as sent; nil signs an empty part.
        public var contentType: String?
        /// RFC 1123: `Tue, 17 Jan 2023 09:13:57 GMT`.
        public var date: String
        /// `host` or `host:port` as sent in the Host header.
        public var host: String
        /// Headers named `x-ocp-*` (any case); others are ignored.
        public var headers: [(String, String)]

        /// The signed parts of one request, as the properties above describe them.
        public init(
            method: String, path: String, query: [(String, String)] = [], body: [UInt8]? = nil,
            contentType: String? = nil, date: String, host: String, headers: [(String, String)] = []
        ) {
            self.method = method
            self.path = path
            self.query = query
            self.body = body
            self.contentType = contentType
            self.date = date
            self.host = host
            self.headers = headers
        }
    }

    /// The text that is signed.
    public static func message(for request: Request) -> String {
        var md5 = ""
        if let body = request.body, !body.isEmpty {
            md5 = Insecure.MD5.hash(data: body).map { String(format: "%02X", $0) }.joined()
        }
        var ocpHeaders: [String: [String]] = [:]
        for (name, value) in request.headers where name.lowercased().hasPrefix("x-ocp-") {
            ocpHeaders[name.lowercased(), default: []].append(value)
        }
        let headerLines = ocpHeaders.keys.sorted().map { "\($0):\(ocpHeaders[$0, default: []].joined(separator: ","))" }
        return [
            request.method.uppercased(), md5, request.contentType ?? "", request.date, request.host,
            headerLines.joined(separator: "\n"), request.path + canonicalQuery(request.query),
        ].joined(separator: "\n")
    }

    /// `?a=1,2&b=x` with keys sorted and RFC 3986 encoding; empty without a query.
    static func canonicalQuery(_ items: [(String, String)]) -> String {
        guard !items.isEmpty else { return "" }
        var grouped: [String: [String]] = [:]
        for (k, v) in items { grouped[k, default: []].append(v) }
        let parts = grouped.keys.sorted().map { key in
            "\(PercentEncoding.encode(key))=\(grouped[key, default: []].map(PercentEncoding.encode).joined(separator: ","))"
        }
        return "?" + parts.joined(separator: "&")
    }

    /// Base64 of HMAC-SHA1 of the message.
    public func signature(for request: Request) -> String {
        let mac = HMAC<Insecure.SHA1>.authenticationCode(
            for: Data(Self.message(for: request).utf8), using: SymmetricKey(data: secret))
        return Data(mac).base64EncodedString()
    }

    /// The `Authorization` header value.
    public func authorization(for request: Request) -> String {
        "OCP-ACCESS-KEY-HMACSHA1 \(accessKeyId):\(signature(for: request))"
    }

    /// The RFC 1123 form of `date` for the `Date` header: `Tue, 17 Jan 2023 09:13:57 GMT`.
    public static func httpDate(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        return formatter.string(from: date)
    }

    /// Parses an RFC 1123 date; nil when it is not one.
    public static func parseHTTPDate(_ text: String) -> Date? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        return formatter.date(from: text)
    }
}
