import RunbookSupport

/// What a probe looks at: a URL, an address, or a program.
public enum ProbeTarget: Sendable, Hashable, Codable, CustomStringConvertible {
    /// An HTTP(S) URL, requested with ``ProbeSpec/method``.
    case http(url: String)
    /// A TCP address: the probe opens a connection.
    case tcp(host: String, port: Int)
    /// A program and its arguments, run without a shell (a command written as one string is
    /// `["/bin/sh", "-c", text]`).
    case command(argv: [String])

    /// `http`, `tcp` or `command`.
    public var kind: String {
        switch self {
        case .http: "http"
        case .tcp: "tcp"
        case .command: "command"
        }
    }

    /// The target as written: the URL, `host:port`, or the argv joined by spaces.
    public var description: String {
        switch self {
        case .http(let url): url
        case .tcp(let host, let port): host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .command(let argv): argv.joined(separator: " ")
        }
    }

    /// Whether a probe of `other` looks at the same service: the same URL (a trailing `/` aside),
    /// the same address (the host in any case), the same program and arguments.
    public func sameService(as other: ProbeTarget) -> Bool {
        func trimmed(_ url: String) -> String { url.hasSuffix("/") ? String(url.dropLast()) : url }
        switch (self, other) {
        case (.http(let a), .http(let b)): return trimmed(a) == trimmed(b)
        case (.tcp(let h1, let p1), .tcp(let h2, let p2)): return p1 == p2 && h1.lowercased() == h2.lowercased()
        case (.command(let a), .command(let b)): return a == b
        default: return false
        }
    }

    /// `host:port` split, or nil when it is not one (`[::1]:2883` for IPv6).
    public static func address(_ text: String) -> (host: String, port: Int)? {
        var rest = Substring(text)
        let host: Substring
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            host = rest[rest.index(after: rest.startIndex)..<close]
            rest = rest[rest.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            rest = rest.dropFirst()
        } else {
            guard let colon = rest.lastIndex(of: ":") else { return nil }
            host = rest[..<colon]
            rest = rest[rest.index(after: colon)...]
            guard !host.contains(":") else { return nil }
        }
        guard !host.isEmpty, !rest.isEmpty, rest.allSatisfy(\.isASCII), rest.allSatisfy(\.isNumber),
            let port = Int(rest), (1...65535).contains(port)
        else { return nil }
        return (String(host), port)
    }
}

/// One probe as a step or a `watch` asks for it: what to look at and what counts as passing.
public struct ProbeSpec: Sendable, Hashable {
    /// What the probe looks at: a URL, a TCP address or a program.
    public var target: ProbeTarget
    /// The HTTP method (`GET` unless the step says `method`).
    public var method: String
    /// HTTP headers to send, in order.
    public var headers: [Header]
    /// The HTTP statuses that pass; empty: any 2xx.
    public var expectStatus: [Int]
    /// Text the HTTP body or the program's output must contain.
    public var expectText: String?
    /// The exit status a program must end with (default 0).
    public var expectExit: Int32
    /// How long one attempt may take (default 5 s): past it the attempt fails, and a program's
    /// whole process group is killed.
    public var timeout: Duration

    /// One HTTP header.
    public struct Header: Sendable, Hashable, Codable {
        /// The header's name (`Authorization`).
        public var name: String
        /// The header's value, sent as written.
        public var value: String

        /// The header `name: value`.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The default time one attempt may take.
    public static let defaultTimeout: Duration = .seconds(5)

    /// A probe of `target`: by default a `GET` with no headers that passes on any 2xx, or a program
    /// that passes on exit 0, each attempt given 5 s.
    public init(
        target: ProbeTarget, method: String = "GET", headers: [Header] = [], expectStatus: [Int] = [],
        expectText: String? = nil, expectExit: Int32 = 0, timeout: Duration = ProbeSpec.defaultTimeout
    ) {
        self.target = target
        self.method = method
        self.headers = headers
        self.expectStatus = expectStatus
        self.expectText = expectText
        self.expectExit = expectExit
        self.timeout = timeout
    }

    /// Whether `observation` passes this probe, and if not, why, in words.
    public func verdict(of observation: ProbeObservation) -> (passed: Bool, reason: String?) {
        switch observation.outcome {
        case .failed(let why):
            return (false, why)
        case .timedOut:
            let limit = DurationText.format(timeout)
            switch target {
            case .http: return (false, "no whole answer within \(limit)")
            case .tcp: return (false, "no connection within \(limit)")
            case .command: return (false, "it did not end within \(limit), and was killed with what it started")
            }
        case .connected:
            return (true, nil)
        case .answered(let status, let body):
            if expectStatus.isEmpty ? !(200...299).contains(status) : !expectStatus.contains(status) {
                let wanted = expectStatus.isEmpty ? "2xx" : expectStatus.map(String.init).joined(separator: " or ")
                return (false, "HTTP \(status), not \(wanted)")
            }
            if let expectText, !body.contains(expectText) {
                return (false, "HTTP \(status), but the body does not contain \"\(expectText)\"")
            }
            return (true, nil)
        case .exited(let code, let output):
            if code != expectExit { return (false, "exit status \(code), not \(expectExit)") }
            if let expectText, !output.contains(expectText) {
                return (false, "exit status \(code), but the output does not contain \"\(expectText)\"")
            }
            return (true, nil)
        case .signalled(let signal):
            return (false, "killed by signal \(signal)")
        }
    }
}

/// What one attempt of a probe saw.
public struct ProbeObservation: Sendable, Hashable {
    /// What happened in one attempt: an answer, a connection, a program's end, or no result at all.
    /// Whether that passes is ``ProbeSpec/verdict(of:)``'s to say.
    public enum Outcome: Sendable, Hashable {
        /// An HTTP answer: its status and (the start of) its body.
        case answered(status: Int, body: String)
        /// A TCP connection opened.
        case connected
        /// The program ended with this status, and (the start of) its output.
        case exited(code: Int32, output: String)
        /// The program was ended by a signal (not by the probe's timeout).
        case signalled(Int32)
        /// No answer within the attempt's timeout (a program was killed with its process group).
        case timedOut
        /// It could not be done: a refused connection, an unknown host, a TLS failure, a program
        /// that does not exist. The reason is in words.
        case failed(String)
    }

    /// What the attempt saw.
    public var outcome: Outcome
    /// From the start of the attempt to its end.
    public var latency: Duration

    /// What one attempt saw: its `outcome`, after `latency` from its start.
    public init(_ outcome: Outcome, latency: Duration) {
        self.outcome = outcome
        self.latency = latency
    }

    /// The most bytes of a body or an output a probe keeps (the rest is read and dropped).
    public static let capturedBytes = 64 * 1024
}

/// Carries out probes: for real (over the network, running programs) or, in an embedded run,
/// from the simulator's state.
public protocol ProbeClient: Sendable {
    /// Makes one attempt of `spec`. Never throws: what went wrong is the observation.
    func probe(_ spec: ProbeSpec) async -> ProbeObservation
}
