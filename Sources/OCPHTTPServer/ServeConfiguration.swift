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
    /// How long a connection may go without a complete request part (a head, a piece of body)
    /// before it is closed (default 60 s; nil: never). Only whole parts count, so this also bounds
    /// the time to send a request head: a client that connects and sends nothing, trickles a head
    /// byte by byte, stalls in a body, or keeps an idle connection open between requests is
    /// disconnected. A request being answered is never cut off.
    public var idleTimeout: Duration?
    /// The largest request head accepted; a larger one is answered 400 and its connection closed.
    public var headLimits: HeadLimits

    /// The most a request head may hold (defaults: 16 KiB a field, 32 KiB in all, 100 fields).
    public struct HeadLimits: Sendable, Hashable {
        /// Bytes of one header field (name and value).
        public var fieldSize: Int
        /// Bytes of all header fields together.
        public var totalSize: Int
        /// Number of header fields.
        public var fieldCount: Int

        /// Limits of `fieldSize` bytes a field, `totalSize` bytes in all and `fieldCount` fields.
        public init(fieldSize: Int = 16 << 10, totalSize: Int = 32 << 10, fieldCount: Int = 100) {
            self.fieldSize = fieldSize
            self.totalSize = totalSize
            self.fieldCount = fieldCount
        }
    }

    /// The largest request body read (1 MiB); a larger one is answered 400 and its connection closed.
    public static let maximumBodySize = 1 << 20

    /// The default ``idleTimeout``.
    public static let defaultIdleTimeout: Duration = .seconds(60)

    /// A configuration with these settings (see each property). The defaults: loopback on port
    /// 8080, open, no rate limit, a 15-minute date window, `server` `127.0.0.1`, a 60 s idle
    /// timeout and the default head limits.
    public init(
        host: String = "127.0.0.1", port: Int = 8080, credentials: ServerCredentials = ServerCredentials(),
        rateLimit: Int? = nil, dateWindow: Duration = .seconds(15 * 60), serverName: String = "127.0.0.1",
        idleTimeout: Duration? = ServeConfiguration.defaultIdleTimeout, headLimits: HeadLimits = HeadLimits()
    ) {
        self.host = host
        self.port = port
        self.credentials = credentials
        self.rateLimit = rateLimit
        self.dateWindow = dateWindow
        self.serverName = serverName
        self.idleTimeout = idleTimeout
        self.headLimits = headLimits
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
        /// The user name. Basic splits `user:password` at the first `:`, so a name containing one
        /// would never match (`runbook serve` refuses it).
        public var user: String
        /// The user's password.
        public var password: String

        /// The Basic user `user` with `password`.
        public init(user: String, password: String) {
            self.user = user
            self.password = password
        }
    }

    /// Credentials of at most one Basic user and any number of access keys; with neither, the
    /// server is open.
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
