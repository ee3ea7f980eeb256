import Probes
import RunbookSupport

/// A service a probe looks at, as the simulator models it (`simulate: services`): what the probe
/// is (a URL, an address, a program), what serves it, and how long the proxies take to send
/// traffic to a new server.
///
/// A service is up while what serves it can serve (a tenant: one of that name is PRIMARY in
/// OceanBase and reachable; a cluster: it is RUNNING), and has been for the reroute delay: after
/// a role change the proxies take ``reroute`` to find the new primary. A state the simulation
/// starts in has been settled for long.
public struct ServiceSpec: Sendable, Hashable {
    /// What serves the service.
    public enum Server: Sendable, Hashable {
        /// Whichever tenant of this name is the PRIMARY.
        case tenant(name: String)
        /// This cluster, while RUNNING.
        case cluster(id: Int)
    }

    /// The probe target that stands for the service: a URL, an address or a command; probes that
    /// look at the same service (``matches(_:)``) are answered by it.
    public var probe: ProbeTarget
    /// What serves the service: a tenant by name, or a cluster by id.
    public var server: Server
    /// How long after its server can serve again the service answers (default 30 s).
    public var reroute: Duration
    /// The body an HTTP probe gets while the service is up (default `OK`), and the output a
    /// command gets.
    public var answer: String?
    /// Where the service was written, for diagnostics (nil when built in code).
    public var location: SourceLocation?

    /// The proxies' default reroute delay.
    public static let defaultReroute: Duration = .seconds(30)

    /// A service for `probe`, served by `server`, answering `reroute` after its server can serve
    /// again, with `answer` as its body or output while up (nil: `OK`).
    public init(
        probe: ProbeTarget, server: Server, reroute: Duration = ServiceSpec.defaultReroute, answer: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.probe = probe
        self.server = server
        self.reroute = reroute
        self.answer = answer
        self.location = location
    }

    /// Whether a probe of `target` looks at this service (``ProbeTarget/sameService(as:)``).
    public func matches(_ target: ProbeTarget) -> Bool { probe.sameService(as: target) }
}
