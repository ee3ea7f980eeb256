import Foundation
import OCPModel
import RunbookSupport

/// How to reach and authenticate to an OCP: base URL, credentials, TLS and timeouts.
public struct OCPConnection: Sendable {
    /// The parsed base URL: `https://ocp.example.com:8080` (a path prefix is kept).
    public struct BaseURL: Sendable, Hashable, CustomStringConvertible {
        public var scheme: String
        public var host: String
        public var port: Int?
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
            self.scheme = scheme
            self.host = host
            self.port = components.port
            var prefix = components.path
            while prefix.hasSuffix("/") { prefix.removeLast() }
            self.pathPrefix = prefix
        }

        /// The Host header: `host` or `host:port` when a port was given.
        public var hostHeader: String { port.map { "\(host):\($0)" } ?? host }

        public var description: String { "\(scheme)://\(hostHeader)\(pathPrefix)" }

        /// The full URL of `path` (which starts with `/`, query included).
        public func url(_ path: String) -> String { "\(description)\(path)" }
    }

    /// How requests are authenticated.
    public enum Authentication: Sendable {
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

    /// Retry policy for calls that are safe to repeat (reads and pre-checks).
    public struct RetryPolicy: Sendable {
        /// Attempts in all, the first included (default 4).
        public var maxAttempts: Int = 4
        /// Delay before the first retry; doubles each time (default 500 ms).
        public var baseDelay: Duration = .milliseconds(500)
        /// Longest delay between attempts, also the cap on a server's `Retry-After` (default 30 s).
        public var maxDelay: Duration = .seconds(30)

        public init(maxAttempts: Int = 4, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30)) {
            self.maxAttempts = maxAttempts
            self.baseDelay = baseDelay
            self.maxDelay = maxDelay
        }
    }

    public var baseURL: BaseURL
    public var authentication: Authentication
    /// Skip TLS certificate verification (`--insecure`).
    public var insecure: Bool
    /// A PEM file of CA certificates to trust (`--ca-file`).
    public var caFile: String?
    /// Time to establish a connection (default 10 s).
    public var connectTimeout: Duration
    /// Time to wait for an answer once the request is sent (default 30 s).
    public var readTimeout: Duration
    public var retry: RetryPolicy

    public init(
        baseURL: BaseURL, authentication: Authentication = .none, insecure: Bool = false, caFile: String? = nil,
        connectTimeout: Duration = .seconds(10), readTimeout: Duration = .seconds(30),
        retry: RetryPolicy = RetryPolicy()
    ) {
        self.baseURL = baseURL
        self.authentication = authentication
        self.insecure = insecure
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.readTimeout = readTimeout
        self.retry = retry
    }
}

/// A connection setting that cannot be used.
public struct OCPConnectionError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
