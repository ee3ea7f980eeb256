import OCPModel
import RunbookSupport

/// How the embedded simulator is set up: its clusters, its speed and the faults it injects.
///
/// This is what a runbook's `simulate:` block and a `runbook serve --topology` file describe.
public struct SimulationSetup: Sendable, Hashable {
    /// How fast simulated time runs against the wall clock.
    public var speed: SimulationSpeed
    /// The clusters; nil means the default topology (cluster 5 `obcluster-hz`, PRIMARY and STOPPED,
    /// and its standby cluster 6 `obcluster-sh`, RUNNING, syncStatus VALID).
    public var clusters: [ClusterSpec]?
    /// Faults to inject, in the order written.
    public var faults: [FaultSpec]

    public init(speed: SimulationSpeed = .instant, clusters: [ClusterSpec]? = nil, faults: [FaultSpec] = []) {
        self.speed = speed
        self.clusters = clusters
        self.faults = faults
    }
}

/// One cluster of a simulated topology.
public struct ClusterSpec: Sendable, Hashable {
    public var id: Int
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
    /// Where the spec was written, for diagnostics (nil when built in code).
    public var location: SourceLocation?

    public init(
        id: Int, name: String, type: String, status: String = "RUNNING", primary: Int? = nil, delayTime: Int = 0,
        syncStatus: String = "VALID", location: SourceLocation? = nil
    ) {
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

/// A fault the simulator injects.
public enum FaultSpec: Sendable, Hashable {
    case subtask(SubtaskFault)
    case api(APIFault)
}

/// A fault in one subtask, by name, optionally only in tasks on one cluster.
public struct SubtaskFault: Sendable, Hashable {
    /// The subtask's name as OCP reports it (`Failover to Primary Check`).
    public var subtask: String
    /// Only in tasks on this cluster (nil: every task).
    public var cluster: Int?
    /// Its first `fail` runs end FAILED (0: none).
    public var fail: Int
    /// The log line of a failed run.
    public var message: String?
    /// It runs past its timeout, then fails with TSK10012.
    public var hang: Bool
    /// Overrides its duration.
    public var takes: Duration?
    public var location: SourceLocation?

    public init(
        subtask: String, cluster: Int? = nil, fail: Int = 0, message: String? = nil, hang: Bool = false,
        takes: Duration? = nil, location: SourceLocation? = nil
    ) {
        self.subtask = subtask
        self.cluster = cluster
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
    public var location: SourceLocation?

    public init(endpoint: String, status: Int, times: Int = 1, location: SourceLocation? = nil) {
        self.endpoint = endpoint
        self.status = status
        self.times = times
        self.location = location
    }
}
