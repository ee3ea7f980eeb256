import OCPModel
import OCPSimulation
import RunbookLanguage

extension SimulationSetup {
    /// The simulator's setup for a runbook's checked `simulate:` block (or a topology file).
    package init(_ block: SimulateBlock) {
        self.init(
            speed: block.speed,
            clusters: block.clusters?.map { c in
                ClusterSpec(
                    id: c.id, name: c.name, type: c.type.rawValue, status: c.status.rawValue, primary: c.primary,
                    delayTime: c.delayTime, syncStatus: c.syncStatus.rawValue, obVersion: c.obVersion, obproxy: c.obproxy,
                    location: c.location)
            },
            tenants: block.tenants?.map { t in
                TenantSpec(
                    id: t.id, name: t.name, cluster: t.cluster, role: t.role.rawValue, primary: t.primary, lag: t.lag,
                    reachable: t.reachable, syncStatus: t.syncStatus.rawValue, serviceName: t.serviceName,
                    location: t.location)
            },
            faults: block.faults.map { fault in
                switch fault {
                case .subtask(let f):
                    .subtask(
                        SubtaskFault(
                            subtask: f.subtask, cluster: f.cluster, tenant: f.tenant, fail: f.fail, message: f.message,
                            hang: f.hang,
                            takes: f.takes, location: f.location))
                case .api(let f):
                    .api(APIFault(endpoint: f.endpoint, status: f.status, times: f.times, location: f.location))
                }
            },
            services: block.services.map { s in
                ServiceSpec(
                    probe: s.probe, server: s.tenant.map { .tenant(name: $0) } ?? .cluster(id: s.cluster ?? 0),
                    reroute: s.reroute ?? ServiceSpec.defaultReroute, answer: s.answer, location: s.location)
            })
    }
}
