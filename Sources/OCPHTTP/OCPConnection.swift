import Foundation
import OCPModel
import RunbookSupport

/// How to reach and authenticate to an OCP: base URL, credentials, TLS and timeouts.
public struct OCPConnection: Sendable {
    /// The parsed base URL: `https://ocp.example.com:8080` (a path prefix is kept).
    public struct BaseURL: Sendable, Hashable, CustomStringConvertible {
        /// `http` or `https`, in lower case.
        public var scheme: String
        /// The host: a name or an address, as written in the URL.
        public var host: String
        /// The port written in the URL; nil for the scheme's default.
        public var port: Int?
        /// The path before `/api/v2/...` (`/ocp` for `https://gw.example.com/ocp`), without a
        /// trailing `/`; empty for none.
        public var pathPrefix: String

        /// Parses `http(s)://host[:port][/prefix]`. User info in the URL is refused (credentials go
        /// in the environment or a credentials file, never in a URL that may be logged).
        public init(_ text: String) throws(OCPConnectionError) {
            guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
                scheme == "http" || scheme == "https"
            else {
                throw OCPConnectionError("the target '\(text)' is not an http:// or https:// URL")
            }
            guard let host = components.host, !host.isEmpty else {
                throw OCPConnectionError("the target '\(text)' has no host")
            }
            if components.user != nil || components.password != nil {
                throw OCPConnectionError(
                    "the target URL carries credentials; give them with OCP_USER/OCP_PASSWORD, OCP_ACCESS_KEY_ID/OCP_ACCESS_KEY_SECRET or --credentials FILE"
                )
            }
            // URLComponents drops a port it cannot hold and takes one past 65535: read it here.
            if let portText = URLPort.text(ofURL: text), !URLPort.isValid(portText) {
                throw OCPConnectionError(URLPort.problem(target: text, port: portText))
            }
            self.scheme = scheme
            self.host = host
            self.port = components.port
            var prefix = components.path
            while prefix.hasSuffix("/") { prefix.removeLast() }
            self.pathPrefix = prefix
        }

        /// The Host header: `host` or `host:port` when a port was given.
        public var hostHeader: String { port.map { "\(host):\($0)" } ?? host }

        /// The base URL as parsed: `https://ocp.example.com:8080/ocp`, with no credentials and no
        /// trailing `/`.
        public var description: String { "\(scheme)://\(hostHeader)\(pathPrefix)" }

        /// The full URL of `path` (which starts with `/`, query included).
        public func url(_ path: String) -> String { "\(description)\(path)" }
    }

    /// How requests are authenticated.
    public enum Authentication: Sendable {
        /// No `Authorization` header (OCP answers 401).
        case none
        /// HTTP Basic.
        case basic(user: String, password: String)
        /// OCP's AK/SK signature (recommended by OCP).
        case accessKey(AKSKSigner)

        /// A description without secrets: `Basic (user admin)`, `AK/SK (key cqam…)`.
        public var summary: String {
            switch self {
            case .none: "none"
            case .basic(let user, _): "Basic (user \(user))"
            case .accessKey(let signer): "AK/SK (key \(signer.accessKeyId))"
            }
        }
    }

    /// How often, and how long apart, calls are sent again.
    ///
    /// Reads and pre-checks are sent again after connection errors, timeouts and 502/503/504, up to
    /// `maxAttempts` in all. A 429 means OCP did not take the call, so any call, one that starts or
    /// changes work included, is sent again after it, up to `maxRateLimitedAttempts` answers of 429.
    public struct RetryPolicy: Sendable {
        /// Attempts in all, the first included (default 4).
        public var maxAttempts: Int = 4
        /// Delay before the first retry; doubles each time (default 500 ms).
        public var baseDelay: Duration = .milliseconds(500)
        /// Longest delay between attempts, also the cap on a server's `Retry-After` (default 30 s).
        public var maxDelay: Duration = .seconds(30)
        /// How many 429 answers one call may get before it fails (default 100): each waits as the
        /// server's `Retry-After` or `RateLimit-Reset` says (at most `maxDelay`), then the call is
        /// sent again.
        public var maxRateLimitedAttempts: Int = 100

        /// Exponential backoff with full jitter before attempt `attempt` (2 for the first retry):
        /// anywhere from half the ceiling to the ceiling, which doubles from ``baseDelay`` up to
        /// ``maxDelay``.
        public func backoff(before attempt: Int) -> Duration {
            let exponent = min(max(attempt - 2, 0), 20)
            let ceiling = min(baseDelay * (1 << exponent), maxDelay)
            let millis = max(0, ceiling.milliseconds)
            return .milliseconds(millis / 2 + Int64.random(in: 0...(millis - millis / 2)))
        }

        /// A policy with these limits; ``OCPConnection/validate()`` refuses attempt counts outside
        /// 1 to 1000 and delays outside 0 to one day.
        public init(
            maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
            maxRateLimitedAttempts: Int = 100
        ) {
            self.maxAttempts = maxAttempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
            self.maxRateLimitedAttempts = maxRateLimitedAttempts
        }
    }

    /// Where OCP is: every path is sent under it.
    public var baseURL: BaseURL
    /// How requests are authenticated: none, HTTP Basic, or an AK/SK signature.
    public var authentication: Authentication
    /// Skip TLS certificate verification (`--insecure`).
    public var insecure: Bool
    /// A PEM file of CA certificates to trust (`--ca-file`).
    public var caFile: String?
    /// Time to establish a connection, TLS included (default 10 s).
    public var connectTimeout: Duration
    /// Time for the whole answer, head and body, once the request is sent (default 30 s).
    public var readTimeout: Duration
    /// How often, and how far apart, calls are sent again.
    public var retry: RetryPolicy
    /// How long the client keeps looking for the effect of a call that starts or changes work
    /// after an ambiguous outcome (no answer in time, a lost connection, a 5xx, an interruption),
    /// counted from that outcome. Default: the read timeout plus ``reconciliationMargin``
    /// (40 s with the default read timeout). Zero looks once.
    public var reconciliationWindow: Duration {
        get { reconciliationWindowSetting ?? readTimeout + Self.reconciliationMargin }
        set { reconciliationWindowSetting = newValue }
    }
    private var reconciliationWindowSetting: Duration?

    /// What the default reconciliation window adds to the read timeout: time for a request that
    /// OCP took late (queued behind a slow gateway) to show its effect.
    public static let reconciliationMargin: Duration = .seconds(10)

    /// The longest timeout or window accepted (one day).
    public static let longestSetting: Duration = .seconds(86_400)

    /// A connection to `baseURL` with these settings (see each property); a nil
    /// `reconciliationWindow` is the read timeout plus ``reconciliationMargin``. Nothing is checked
    /// here: ``validate()`` does, as ``HTTPOCPClient/init(connection:sleep:now:)`` does first.
    public init(
        baseURL: BaseURL, authentication: Authentication = .none, insecure: Bool = false, caFile: String? = nil,
        connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(30),
        retry: RetryPolicy = RetryPolicy(), reconciliationWindow: Duration? = nil
    ) {
        self.baseURL = baseURL
        self.authentication = authentication
        self.insecure = insecure
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
        self.reconciliationWindowSetting = reconciliationWindow
    }

    /// Fails, naming the setting, when a timeout, the window or the retry policy cannot be used.
    public func validate() throws(OCPConnectionError) {
        func check(_ name: String, _ value: Duration, allowZero: Bool) throws(OCPConnectionError) {
            guard value <= Self.longestSetting, allowZero ? value >= .zero : value > .zero else {
                throw OCPConnectionError(
                    "the \(name) must be \(allowZero ? "at least 0" : "above 0") and at most 1 day, not \(DurationText.format(value))"
                )
            }
        }
        try check("connect timeout", connectTimeout, allowZero: false)
        try check("read timeout", readTimeout, allowZero: false)
        try check("reconciliation window", reconciliationWindow, allowZero: true)
        try check("retry base delay", retry.baseDelay, allowZero: true)
        try check("retry maximum delay", retry.maxDelay, allowZero: true)
        for (name, value) in [
            ("attempts", retry.maxAttempts), ("rate-limited attempts", retry.maxRateLimitedAttempts),
        ] {
            guard value >= 1, value <= 1000 else {
                throw OCPConnectionError("the retry policy's \(name) must be from 1 to 1000, not \(value)")
            }
        }
    }
}

/// A connection setting that cannot be used.
public struct OCPConnectionError: Error, Sendable, CustomStringConvertible {
    /// What is wrong, in words, naming the setting or file (never a secret).
    public var description: String
    /// An error whose message is `description`.
    public init(_ description: String) { self.description = description }
}
