import OCPModel
import RunbookSupport

/// How `runbook serve` listens, whom it lets in and how fast it answers.
public struct ServeConfiguration: Sendable {
    /// The address to bind (default `127.0.0.1`: loopback only).
    public var host: String
    /// The port to listen on (default 8080; 0 picks a free one).
    public var port: Int
    /// Who may call; open only when no credentials are configured.
    public var credentials: ServerCredentials
    /// Requests per second each authenticated caller may make before it is answered 429 (nil: no
    /// limit). Every principal (a user, an access key, or `open` when no credentials are configured)
    /// has a window of its own; refused credentials spend nobody's.
    public var rateLimit: Int?
    /// How far a signed request's `Date` may be from the server's clock (default 15 minutes).
    public var dateWindow: Duration
    /// The `server` of envelopes the server writes itself (401, 429).
    public var serverName: String

    /// The largest request body read (1 MiB); a larger one is answered 400 and its connection closed.
    public static let maximumBodySize = 1 << 20

    public init(
        host: String = "127.0.0.1", port: Int = 8080, credentials: ServerCredentials = ServerCredentials(),
        rateLimit: Int? = nil, dateWindow: Duration = .seconds(15 * 60), serverName: String = "127.0.0.1"
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.rateLimit = rateLimit
        self.dateWindow = dateWindow
        self.serverName = serverName
    }
}

/// The credentials `runbook serve` accepts: a Basic user and password, AK/SK key pairs, or both.
public struct ServerCredentials: Sendable {
    /// The one Basic user, with its password.
    public var basic: BasicUser?
    /// Access key id to access key secret.
    public var accessKeys: [String: String]

    /// A user of HTTP Basic authentication.
    public struct BasicUser: Sendable, Hashable {
        public var user: String
        public var password: String

        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    public init(basic: BasicUser? = nil, accessKeys: [String: String] = [:]) {
        self.basic = basic
        self.accessKeys = accessKeys
    }

    /// No credentials: every request is let in.
    public var isOpen: Bool { basic == nil && accessKeys.isEmpty }

    /// `open`, `Basic (user admin)`, `AK/SK (1 key)`, or both; never a secret.
    public var summary: String {
        var parts: [String] = []
        if let basic { parts.append("Basic (user \(basic.user))") }
        if !accessKeys.isEmpty { parts.append("AK/SK (\(accessKeys.count) key\(accessKeys.count == 1 ? "" : "s"))") }
        return parts.isEmpty ? "open (no credentials configured)" : parts.joined(separator: " or ")
    }
}

/// Error codes `runbook serve` answers itself, before a request reaches the simulator. The
/// reference names no codes for these.
public enum ServerErrorCode {
    /// The request carries no credentials, or wrong ones (HTTP 401).
    public static let unauthorized = "UNAUTHORIZED"
    /// More requests from one caller than `--rate-limit` allows in this second (HTTP 429).
    public static let rateLimited = "TOO_MANY_REQUESTS"
    /// The request is malformed (a body over 1 MiB) (HTTP 400).
    public static let badRequest = "ILLEGAL_ARGUMENT"
}
