import OCPModel
import RunbookSupport

/// How the embedded simulator is set up: its clusters, its speed and the faults it injects.
///
/// This is what a runbook's `simulate:` block and a `runbook serve --topology` file describe.
public struct SimulationSetup: Sendable, Hashable {
    /// How fast simulated time runs against the wall clock.
    public var speed: SimulationSpeed
    /// The clusters; nil means the default topology (``SimulationSetup/defaultClusters``: cluster 5
    /// `obcluster-hz`, PRIMARY and STOPPED, its standby cluster 6 `obcluster-sh`, and the OceanBase
    /// 4.x clusters 3000009 `ob-hz` and 3000010 `ob-sh`).
    public var clusters: [ClusterSpec]?
    /// The OceanBase 4.x tenants; nil means the default tenants (``SimulationSetup/defaultTenants``)
    /// when ``clusters`` is nil too, and none when clusters are given.
    public var tenants: [TenantSpec]?
    /// Faults to inject, in the order written.
    public var faults: [FaultSpec]
    /// What the probes of the service stand for: the simulator answers them from its state.
    public var services: [ServiceSpec]

    /// A setup at `speed` with these clusters, tenants, faults and services; nil clusters or
    /// tenants mean the defaults (see ``clusters`` and ``tenants``).
    public init(
        speed: SimulationSpeed = .instant, clusters: [ClusterSpec]? = nil, tenants: [TenantSpec]? = nil,
        faults: [FaultSpec] = [], services: [ServiceSpec] = []
    ) {
        self.speed = speed
        self.clusters = clusters
        self.tenants = tenants
        self.faults = faults
        self.services = services
    }

    /// The tenants the simulator holds: the given ones, else the default ones when the clusters
    /// are the default ones too.
    public var effectiveTenants: [TenantSpec] {
        tenants ?? (clusters == nil ? Self.defaultTenants : [])
    }
}

/// One OceanBase 4.x tenant of a simulated topology.
public struct TenantSpec: Sendable, Hashable {
    /// The OCP tenant id (such as 2000022; tenant ids are a range apart from cluster ids).
    public var id: Int
    /// The tenant's name (`orders`); a primary and its standbys usually share it, and services name
    /// their tenant by it.
    public var name: String
    /// The OCP cluster that hosts it.
    public var cluster: Int
    /// `PRIMARY` or `STANDBY`.
    public var role: String
    /// For a standby: the OCP id of the tenant it follows.
    public var primary: Int?
    /// For a standby: how far its log sync is behind its primary.
    public var lag: Duration
    /// Whether it can be connected; `false` is the disaster (its cluster must also be RUNNING).
    public var reachable: Bool
    /// `VALID`, `DISABLED`, ... (default `VALID`).
    public var syncStatus: String
    /// Its service name, if any.
    public var serviceName: String?
    /// Where the tenant was written, for diagnostics (nil when built in code).
    public var location: SourceLocation?

    /// A tenant `id` called `name` on cluster `cluster` with `role`; a standby names its `primary`
    /// and its `lag`. Reachable, sync `VALID` and without a service name unless given.
    public init(
        id: Int, name: String, cluster: Int, role: String, primary: Int? = nil, lag: Duration = .zero,
        reachable: Bool = true, syncStatus: String = "VALID", serviceName: String? = nil,
        location: SourceLocation? = nil
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

/// One cluster of a simulated topology.
public struct ClusterSpec: Sendable, Hashable {
    /// The OCP cluster id (`6`, `3000009`).
    public var id: Int
    /// The cluster's name (`obcluster-sh`).
    public var name: String
    /// `PRIMARY` or `STANDBY`.
    public var type: String
    /// `RUNNING`, `STOPPED`, ... (default `RUNNING`).
    public var status: String
    /// For a standby: the id of its primary.
    public var primary: Int?
    /// Seconds behind the primary (standbys; default 0).
    public var delayTime: Int
    /// `VALID`, `DISABLED` or `SYNCHRONIZING` (default `VALID`).
    public var syncStatus: String
    /// The OceanBase version (default `4.2.1.0`); a tenant switchover needs both clusters on one.
    public var obVersion: String?
    /// The OBProxy cluster it is attached to; a tenant switchover whose two clusters share none
    /// gets a warning (OBE26107).
    public var obproxy: String?
    /// Where the spec was written, for diagnostics (nil when built in code).
    public var location: SourceLocation?

    /// A cluster `id` called `name`: a RUNNING PRIMARY with sync `VALID` and no delay unless given;
    /// a standby names its `primary`.
    public init(
        id: Int, name: String, type: String = "PRIMARY", status: String = "RUNNING", primary: Int? = nil,
        delayTime: Int = 0, syncStatus: String = "VALID", obVersion: String? = nil, obproxy: String? = nil,
        location: SourceLocation? = nil
    ) {
        self.id = id
        self.name = name
        self.type = type
        self.status = status
        self.primary = primary
        self.delayTime = delayTime
        self.syncStatus = syncStatus
        self.obVersion = obVersion
        self.obproxy = obproxy
        self.location = location
    }
}

/// A fault the simulator injects.
public enum FaultSpec: Sendable, Hashable {
    /// A subtask that fails, hangs or takes longer (`subtask:` in `simulate: faults`).
    case subtask(SubtaskFault)
    /// An endpoint whose next calls answer an HTTP error (`endpoint:` in `simulate: faults`).
    case api(APIFault)
}

/// A fault in one subtask, by name, optionally only in tasks on one cluster or for one tenant.
public struct SubtaskFault: Sendable, Hashable {
    /// The subtask's name as OCP reports it (`Failover to Primary Check`).
    public var subtask: String
    /// Only in tasks on this cluster (nil: every task). A tenant task is on the clusters of its tenants.
    public var cluster: Int?
    /// Only in tenant tasks for this tenant (a switchover's primary or standby, a failover's standby).
    public var tenant: Int?
    /// Its first `fail` runs end FAILED (0: none).
    public var fail: Int
    /// The log line of a failed run.
    public var message: String?
    /// It runs past its timeout, then fails with TSK10012.
    public var hang: Bool
    /// Overrides its duration.
    public var takes: Duration?
    /// Where the fault was written, for diagnostics (nil when built in code).
    public var location: SourceLocation?

    /// A fault of the subtask called `subtask`, in every task unless `cluster` or `tenant` narrows
    /// it: its first `fail` runs fail with `message`, it hangs until its timeout when `hang`, and
    /// each run takes `takes` when given.
    public init(
        subtask: String, cluster: Int? = nil, tenant: Int? = nil, fail: Int = 0, message: String? = nil,
        hang: Bool = false, takes: Duration? = nil, location: SourceLocation? = nil
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

/// A fault at the API: the next `times` calls of an endpoint answer an HTTP error.
public struct APIFault: Sendable, Hashable {
    /// `METHOD /path/template`, as in the reference's endpoint table:
    /// `GET /api/v2/tasks/instances/{taskId}`, `POST /api/v2/ob/clusters/{id}/failover`.
    public var endpoint: String
    /// The HTTP status to answer (500, 503, 429, ...).
    public var status: Int
    /// How many calls fail (default 1).
    public var times: Int
    /// Where the fault was written, for diagnostics (nil when built in code).
    public var location: SourceLocation?

    /// A fault making the next `times` calls of `endpoint` (`METHOD /path/template`) answer HTTP
    /// `status`, with code `SIM_INJECTED`.
    public init(endpoint: String, status: Int, times: Int = 1, location: SourceLocation? = nil) {
        self.endpoint = endpoint
        self.status = status
        self.times = times
        self.location = location
    }
}
