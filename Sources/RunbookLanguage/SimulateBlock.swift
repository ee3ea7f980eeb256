import OCPModel
import RunbookSupport
import RunbookYAML

/// A runbook's `simulate:` block, or a `runbook serve --topology` file, as written and checked:
/// how the embedded simulator is to be set up. The `Runbook` module turns it into the simulator's
/// own setup; the language knows nothing of the simulator.
public struct SimulateBlock: Sendable, Hashable {
    /// `speed:` (default `instant`).
    public var speed: SimulationSpeed
    /// `clusters:`; nil when the block gives none (the simulator's default topology).
    public var clusters: [Cluster]?
    /// `faults:`, in the order written.
    public var faults: [Fault]

    public init(speed: SimulationSpeed = .instant, clusters: [Cluster]? = nil, faults: [Fault] = []) {
        self.speed = speed
        self.clusters = clusters
        self.faults = faults
    }

    /// One cluster of `clusters:`.
    public struct Cluster: Sendable, Hashable {
        public var id: Int
        public var name: String
        public var type: ClusterType
        public var status: ClusterStatus
        /// A standby's primary.
        public var primary: Int?
        /// Seconds behind the primary.
        public var delayTime: Int
        public var syncStatus: SyncStatus
        public var location: SourceLocation

        public init(
            id: Int, name: String, type: ClusterType, status: ClusterStatus = .running, primary: Int? = nil,
            delayTime: Int = 0, syncStatus: SyncStatus = .valid, location: SourceLocation
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

    /// One entry of `faults:`.
    public enum Fault: Sendable, Hashable {
        case subtask(SubtaskFault)
        case api(APIFault)
    }

    /// A fault of a subtask, by name: `fail`, `hang` or `takes`, optionally only on one cluster.
    public struct SubtaskFault: Sendable, Hashable {
        public var subtask: String
        public var cluster: Int?
        public var fail: Int
        public var message: String?
        public var hang: Bool
        public var takes: Duration?
        public var location: SourceLocation

        public init(
            subtask: String, cluster: Int? = nil, fail: Int = 0, message: String? = nil, hang: Bool = false,
            takes: Duration? = nil, location: SourceLocation
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

    /// A fault at the API: the next `times` calls of `endpoint` answer HTTP `status`.
    public struct APIFault: Sendable, Hashable {
        /// `METHOD /template`, in the spelling of ``OCPEndpoint/signature``.
        public var endpoint: String
        public var status: Int
        public var times: Int
        public var location: SourceLocation

        public init(endpoint: String, status: Int, times: Int = 1, location: SourceLocation) {
            self.endpoint = endpoint
            self.status = status
            self.times = times
            self.location = location
        }
    }
}
