import OCPModel
import Probes
import RunbookSupport
import RunbookYAML

/// A runbook's `simulate:` block, or a `runbook serve --topology` file, as written and checked:
/// how the embedded simulator is to be set up. The `Runbook` module turns it into the simulator's
/// own setup; the language knows nothing of the simulator.
package struct SimulateBlock: Sendable, Hashable {
    /// `speed:` (default `instant`).
    package var speed: SimulationSpeed
    /// `clusters:`; nil when the block gives none (the simulator's default topology).
    package var clusters: [Cluster]?
    /// `tenants:` (OceanBase 4.x); nil when the block gives none (the default topology's tenants
    /// when it gives no clusters either, else none).
    package var tenants: [Tenant]?
    /// `faults:`, in the order written.
    package var faults: [Fault]
    /// `services:` what the probes stand for, answered from the simulated state.
    package var services: [Service]

    package init(
        speed: SimulationSpeed = .instant, clusters: [Cluster]? = nil, tenants: [Tenant]? = nil, faults: [Fault] = [],
        services: [Service] = []
    ) {
        self.speed = speed
        self.clusters = clusters
        self.tenants = tenants
        self.faults = faults
        self.services = services
    }

    /// The largest id a simulated cluster or tenant may have (a trillion, less one): OCP's ids are
    /// far below it, and the simulator computes other ids from them.
    package static let maxId = 999_999_999_999

    /// The tenant names of the simulator's default topology (kept equal to it by a test).
    package static let defaultTenantNames = ["orders"]

    /// One service of `services:`: a probe's target and what serves it.
    package struct Service: Sendable, Hashable {
        package var probe: ProbeTarget
        /// Whichever tenant of this name is the PRIMARY serves it ...
        package var tenant: String?
        /// ... or this cluster, while RUNNING.
        package var cluster: Int?
        /// How long after its server can serve again it answers (nil: the simulator's 30 s).
        package var reroute: Duration?
        /// What an HTTP probe's body or a command's output is while it is up.
        package var answer: String?
        package var location: SourceLocation

        package init(
            probe: ProbeTarget, tenant: String? = nil, cluster: Int? = nil, reroute: Duration? = nil, answer: String? = nil,
            location: SourceLocation
        ) {
            self.probe = probe
            self.tenant = tenant
            self.cluster = cluster
            self.reroute = reroute
            self.answer = answer
            self.location = location
        }
    }

    /// The cluster ids of the simulator's default topology (clusters 5 and 6 for OB 3.x, 3000009
    /// and 3000010 for 4.x), which tenants may name when the block gives no clusters. A test keeps
    /// it equal to the simulator's.
    package static let defaultClusterIds = [5, 6, 3_000_009, 3_000_010]

    /// One tenant of `tenants:`.
    package struct Tenant: Sendable, Hashable {
        package var id: Int
        package var name: String
        package var cluster: Int
        package var role: TenantRole
        /// A standby's primary tenant.
        package var primary: Int?
        /// How far a standby's log sync is behind its primary.
        package var lag: Duration
        /// `false`: it cannot be connected (the disaster).
        package var reachable: Bool
        package var syncStatus: TenantSyncStatus
        package var serviceName: String?
        package var location: SourceLocation

        package init(
            id: Int, name: String, cluster: Int, role: TenantRole, primary: Int? = nil, lag: Duration = .zero,
            reachable: Bool = true, syncStatus: TenantSyncStatus = .valid, serviceName: String? = nil,
            location: SourceLocation
        ) {
            self.id = id
            self.name = name
            self.cluster = cluster
            self.role = role
            self.primary = primary
            self.lag = lag
            self.reachable = reachable
            self.syncStatus = syncStatus
            self.serviceName = serviceName
            self.location = location
        }
    }

    /// One cluster of `clusters:`.
    package struct Cluster: Sendable, Hashable {
        package var id: Int
        package var name: String
        package var type: ClusterType
        package var status: ClusterStatus
        /// A standby's primary.
        package var primary: Int?
        /// Seconds behind the primary.
        package var delayTime: Int
        package var syncStatus: SyncStatus
        /// Its OceanBase version (a tenant switchover needs one version on both clusters).
        package var obVersion: String?
        /// The OBProxy cluster it is attached to.
        package var obproxy: String?
        package var location: SourceLocation

        package init(
            id: Int, name: String, type: ClusterType = .primary, status: ClusterStatus = .running, primary: Int? = nil,
            delayTime: Int = 0, syncStatus: SyncStatus = .valid, obVersion: String? = nil, obproxy: String? = nil,
            location: SourceLocation
        ) {
            self.obVersion = obVersion
            self.obproxy = obproxy
            self.id = id
            self.name = name
            self.type = type
            self.status = status
            self.primary = primary
            self.delayTime = delayTime
            self.syncStatus = syncStatus
            self.location = location
        }
    }

    /// One entry of `faults:`.
    package enum Fault: Sendable, Hashable {
        case subtask(SubtaskFault)
        case api(APIFault)
    }

    /// A fault of a subtask, by name: `fail`, `hang` or `takes`, optionally only on one cluster or
    /// for one tenant.
    package struct SubtaskFault: Sendable, Hashable {
        package var subtask: String
        package var cluster: Int?
        package var tenant: Int?
        package var fail: Int
        package var message: String?
        package var hang: Bool
        package var takes: Duration?
        package var location: SourceLocation

        package init(
            subtask: String, cluster: Int? = nil, tenant: Int? = nil, fail: Int = 0, message: String? = nil,
            hang: Bool = false, takes: Duration? = nil, location: SourceLocation
        ) {
            self.subtask = subtask
            self.cluster = cluster
            self.tenant = tenant
            self.fail = fail
            self.message = message
            self.hang = hang
            self.takes = takes
            self.location = location
        }
    }

    /// A fault at the API: the next `times` calls of `endpoint` answer HTTP `status`.
    package struct APIFault: Sendable, Hashable {
        /// `METHOD /template`, in the spelling of ``OCPEndpoint/signature``.
        package var endpoint: String
        package var status: Int
        package var times: Int
        package var location: SourceLocation

        package init(endpoint: String, status: Int, times: Int = 1, location: SourceLocation) {
            self.endpoint = endpoint
            self.status = status
            self.times = times
            self.location = location
        }
    }
}
