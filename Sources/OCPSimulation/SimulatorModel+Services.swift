import OCPModel
import Probes
import RunbookSupport

/// When what serves each service became able to serve, for the reroute delay.
struct ServingState: Sendable {
    /// The tenant now serving a tenant name (nil: none can), and since when.
    var tenants: [String: (id: Int?, since: Duration)] = [:]
}

extension SimulatorModel {
    /// The tenant of `name` that can serve now: PRIMARY in OceanBase and reachable.
    func servingTenant(named name: String) -> Int? {
        (tenantsByName[name] ?? []).first { id in
            guard let t = tenants[id] else { return false }
            return t.roles.sqlRole == .primary && isReachable(t)
        }
    }

    /// Notes, after a change to the tenants `ids`, which tenant serves each of their names now;
    /// a name whose server changed starts its reroute delay now.
    mutating func noteServing(changed ids: [Int]) {
        let names = Set(ids.compactMap { tenants[$0]?.name })
        for name in names {
            let now = servingTenant(named: name)
            if serving.tenants[name]?.id != now { serving.tenants[name] = (now, self.now) }
        }
    }

    /// Starts the record of who serves which name: the simulation's first state is settled.
    mutating func startServing() {
        for name in tenantsByName.keys {
            serving.tenants[name] = (servingTenant(named: name), .seconds(-90 * 86_400))
        }
    }

    /// When a service whose server can serve finishes its reroute delay, if one is still running.
    var nextServiceChange: Duration? {
        services.compactMap { service -> Duration? in
            let since: Duration?
            switch service.server {
            case .tenant(let name): since = serving.tenants[name].flatMap { $0.id == nil ? nil : $0.since }
            case .cluster(let id): since = clusters[id].flatMap { $0.status == .running ? $0.updateTime : nil }
            }
            guard let since, since + service.reroute > now else { return nil }
            return since + service.reroute
        }.min()
    }

    /// The HTTP service whose URL has this path (and query), as `runbook serve` answers it: its
    /// status and body now, or nil when no service has that path.
    func serviceAnswer(path: String) -> (status: Int, body: String)? {
        func pathOf(_ url: String) -> String {
            guard let scheme = url.range(of: "://") else { return url }
            let rest = url[scheme.upperBound...]
            let path = rest.firstIndex(of: "/").map { String(rest[$0...]) } ?? "/"
            return path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        }
        let wanted = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let service = services.first(where: { if case .http(let url) = $0.probe { pathOf(url) == wanted } else { false } }),
            case .answered(let status, let body) = answerProbe(ProbeSpec(target: service.probe), services: [service]).outcome
        else { return nil }
        return (status, body)
    }

    /// Whether `service` answers now, and if not, why (for a down answer's text).
    func serviceState(_ service: ServiceSpec) -> (up: Bool, why: String?) {
        switch service.server {
        case .tenant(let name):
            guard let state = serving.tenants[name], let id = state.id else {
                return (false, "no tenant named \(name) is a reachable PRIMARY")
            }
            if now < state.since + service.reroute {
                return (false, "the proxies are still rerouting to tenant \(id) (\(DurationText.format(service.reroute)) after its role change)")
            }
            return (true, nil)
        case .cluster(let id):
            guard let cluster = clusters[id] else { return (false, "there is no cluster \(id)") }
            guard cluster.status == .running else { return (false, "cluster \(id) is \(cluster.status.rawValue)") }
            if now < cluster.updateTime + service.reroute {
                return (false, "the proxies are still rerouting to cluster \(id)")
            }
            return (true, nil)
        }
    }

    /// Answers one probe attempt from the model's state: a service in `services` that is up
    /// answers (HTTP 200, a connection, exit 0); one that is down does not (HTTP 503, a refused
    /// connection, exit 1, saying why); a probe of no service in `services` fails.
    func answerProbe(_ spec: ProbeSpec, services: [ServiceSpec]) -> ProbeObservation {
        guard let service = services.first(where: { $0.matches(spec.target) }) else {
            return ProbeObservation(.failed("simulate: services describes no \(spec.target.kind) probe of \(spec.target)"), latency: .zero)
        }
        let (up, why) = serviceState(service)
        let down = "simulated: \(why ?? "down")"
        switch spec.target {
        case .http:
            return ProbeObservation(
                up ? .answered(status: 200, body: service.answer ?? "OK") : .answered(status: 503, body: down),
                latency: .milliseconds(2))
        case .tcp:
            return ProbeObservation(up ? .connected : .failed("connection refused (\(down))"), latency: .milliseconds(1))
        case .command:
            return ProbeObservation(
                up ? .exited(code: 0, output: service.answer ?? "") : .exited(code: 1, output: down + "\n"),
                latency: .milliseconds(5))
        }
    }
}
