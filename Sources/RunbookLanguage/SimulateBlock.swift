import OCPModel
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
    /// The cluster ids of the simulator's default topology (checked against it by a test).
    package static let defaultClusterIds = [5, 6]
    /// `faults:`, in the order written.
    package var faults: [Fault]

    package init(speed: SimulationSpeed = .instant, clusters: [Cluster]? = nil, faults: [Fault] = []) {
        self.speed = speed
        self.clusters = clusters
        self.faults = faults
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
        package var location: SourceLocation

        package init(
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
    package enum Fault: Sendable, Hashable {
        case subtask(SubtaskFault)
        case api(APIFault)
    }

    /// A fault of a subtask, by name: `fail`, `hang` or `takes`, optionally only on one cluster.
    package struct SubtaskFault: Sendable, Hashable {
        package var subtask: String
        package var cluster: Int?
        package var fail: Int
        package var message: String?
        package var hang: Bool
        package var takes: Duration?
        package var location: SourceLocation

        package init(
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
