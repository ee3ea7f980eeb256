import OCPModel
import RunbookSupport

/// The kinds of task the simulator runs, with how each is laid out in OCP's answers.
enum SimulatedTaskKind: Sendable, Hashable {
    /// OB 3.x cluster tasks.
    case failover, switchover
    /// OceanBase 4.x tenant tasks.
    case tenantFailover, tenantSwitchover

    var definition: TaskDefinition {
        switch self {
        case .failover: .failover
        case .switchover: .switchover
        case .tenantFailover: .tenantFailover
        case .tenantSwitchover: .tenantSwitchover
        }
    }

    /// Whether the task works on tenants (it holds tenants, not clusters).
    var isTenantTask: Bool { self == .tenantFailover || self == .tenantSwitchover }

    /// The status the task's clusters show while it runs.
    var clusterMark: ClusterStatus {
        switch self {
        case .failover, .tenantFailover: .failover
        case .switchover, .tenantSwitchover: .switchover
        }
    }

    /// The status the tenants a tenant task holds show while it holds them.
    var tenantMark: TenantStatus {
        switch self {
        case .failover, .tenantFailover: .failover
        case .switchover, .tenantSwitchover: .switchover
        }
    }

    /// For each subtask (in execution order), its id minus the task's first subtask id. The failover's
    /// are the seed's (lock 202623, check 202626, ... for a first id of 202620): ids are not in
    /// execution order.
    var idOffsets: [Int] {
        switch self {
        case .failover: Self.failoverLayout.offsets
        case .switchover: Self.switchoverLayout.offsets
        case .tenantFailover: Self.tenantFailoverLayout.offsets
        case .tenantSwitchover: Self.tenantSwitchoverLayout.offsets
        }
    }

    /// The execution indexes in the order the answer lists the subtasks: the failover's is the seed's
    /// (Wait node, Remove standby cluster, Sync all cluster info, ...), never the execution order.
    var answerOrder: [Int] {
        switch self {
        case .failover: Self.failoverLayout.order
        case .switchover: Self.switchoverLayout.order
        case .tenantFailover: Self.tenantFailoverLayout.order
        case .tenantSwitchover: Self.tenantSwitchoverLayout.order
        }
    }

    private static let failoverLayout = layout(
        TaskDefinition.failover, offsets: [3, 6, 8, 1, 5, 7, 0, 2, 4], order: [4, 7, 6, 2, 0, 3, 1, 5, 8])
    private static let switchoverLayout = layout(
        TaskDefinition.switchover, offsets: [2, 5, 0, 6, 3, 1, 4], order: [3, 0, 5, 1, 6, 2, 4])
    /// OCP's samples list the tenant chains' subtasks out of order, with ids that are not the run
    /// order either.
    private static let tenantFailoverLayout = layout(
        TaskDefinition.tenantFailover, offsets: [1, 3, 0, 4, 2], order: [3, 1, 4, 0, 2])
    private static let tenantSwitchoverLayout = layout(
        TaskDefinition.tenantSwitchover, offsets: [4, 0, 7, 2, 9, 1, 5, 8, 3, 6], order: [2, 5, 0, 9, 3, 7, 1, 8, 4, 6])

    /// The layout, or a plain one if the definition no longer has as many subtasks.
    private static func layout(_ d: TaskDefinition, offsets: [Int], order: [Int]) -> (offsets: [Int], order: [Int]) {
        let all = Set(0..<d.subtasks.count)
        return (
            Set(offsets) == all && offsets.count == all.count ? offsets : Array(0..<all.count),
            Set(order) == all && order.count == all.count ? order : Array((0..<all.count).reversed())
        )
    }

    /// What the subtask called `name` does to the clusters.
    func effect(of name: String) -> SubtaskEffect {
        switch (self, name) {
        case (_, "Mc lock ob clusters"): .lock
        case (_, "Mc unlock ob clusters"): .unlock
        case (.failover, "Failover to Primary Check"): .failoverCheck
        case (.failover, "Failover to Primary"): .promoteStandby
        case (.failover, "Remove standby cluster"): .removeStandby
        case (.switchover, "Prepare switchover"): .prepareSwitchover
        case (.switchover, "Switchover to standby"): .demotePrimary
        case (.switchover, "Switchover to primary check"): .switchoverCheck
        case (.switchover, "Switchover to primary"): .promoteStandby
        case (.switchover, "Switchover Update Role Task"): .swapLinks
        case (.tenantSwitchover, "Wait all relation tenants accessible"): .tenantsAccessible
        case (.tenantSwitchover, "Switch primary tenant to standby"): .demotePrimaryTenant
        case (.tenantSwitchover, "Switchover standby tenant to primary"): .promoteStandbyTenant
        case (.tenantSwitchover, "Reset log restore source"): .resetRestoreSource
        case (.tenantSwitchover, "Update log restore source"): .updateRestoreSource
        case (.tenantSwitchover, "Update tenant role in meta"): .swapTenantRoles
        case (.tenantFailover, "Reset log restore source"): .resetRestoreSource
        case (.tenantFailover, "Failover to primary tenant"): .activateStandbyTenant
        case (.tenantFailover, "Create tenant service name"): .createServiceName
        case (.tenantFailover, "Update primary tenant info task"): .recordFailover
        default: .none
        }
    }
}

/// What a subtask does to the simulated clusters when a run succeeds.
enum SubtaskEffect: Sendable, Hashable {
    /// Locks the task's clusters (fails with MCE34026 when another task holds one).
    case lock
    /// Releases the locks.
    case unlock
    /// Fails while the standby's primary is RUNNING.
    case failoverCheck
    /// The standby's type becomes PRIMARY.
    case promoteStandby
    /// The link between the standby and its old primary is removed.
    case removeStandby
    /// Fails when the primary is not RUNNING or the standby's sync is DISABLED.
    case prepareSwitchover
    /// The primary's type becomes STANDBY.
    case demotePrimary
    /// Fails unless the old primary is now a STANDBY.
    case switchoverCheck
    /// The links turn around: the new primary lists the old one (and its other standbys) as standbys.
    case swapLinks
    /// Tenant switchover: fails while a tenant of the pair cannot be connected.
    case tenantsAccessible
    /// Tenant switchover: the primary's SQL role becomes STANDBY.
    case demotePrimaryTenant
    /// Tenant switchover: the standby's SQL role becomes PRIMARY (fails unless the primary is
    /// already a STANDBY in SQL).
    case promoteStandbyTenant
    /// The new primary no longer reads logs from anyone.
    case resetRestoreSource
    /// Tenant switchover: the old primary and the old primary's other standbys read from the new primary.
    case updateRestoreSource
    /// Tenant switchover: OCP's roles swap and the relationship turns around.
    case swapTenantRoles
    /// Tenant failover: the standby's SQL role becomes PRIMARY (`ACTIVATE STANDBY`).
    case activateStandbyTenant
    /// Tenant failover: the service name of the call, if any, is created on the new primary.
    case createServiceName
    /// Tenant failover: OCP records the new primary and drops the relationship.
    case recordFailover
    case none
}

/// The roles and links of a cluster, saved before a subtask changes them so a rollback can restore them.
struct ClusterRoles: Sendable, Hashable {
    var type: ClusterType
    var primaryId: Int?
    var standbyIds: [Int]
    var syncStatus: SyncStatus
    var delayTime: Int
}

/// The status a running task shows on one of its clusters.
struct ClusterMark: Sendable, Hashable {
    var status: ClusterStatus
    var taskId: Int
}

/// A simulated cluster.
struct ClusterState: Sendable, Hashable {
    var id: Int
    var name: String
    var obClusterId: Int
    var obVersion: String
    /// The OBProxy cluster it is attached to, if any.
    var obproxy: String?
    var roles: ClusterRoles
    /// The status the cluster has of itself (RUNNING, STOPPED, ...).
    var baseStatus: ClusterStatus
    /// FAILOVER or SWITCHOVER while a task runs on it, and that task's id.
    var mark: ClusterMark?
    var createTime: Duration
    var updateTime: Duration

    /// The status OCP shows: the running task's mark, else the base status.
    var status: ClusterStatus { mark?.status ?? baseStatus }
}

/// One subtask of a simulated task.
struct SubtaskState: Sendable, Hashable {
    var id: Int
    var definition: TaskDefinition.Subtask
    var effect: SubtaskEffect
    /// Execution indexes.
    var upstreams: [Int]
    var downstreams: [Int]
    var status: SubtaskStatus
    var operation: TaskOperation
    var runTime: Int
    var startTime: Duration?
    var finishTime: Duration?
    var log: [String] = []
    /// Bumped whenever an event is scheduled for this subtask; older events are stale.
    var generation = 0
    /// The clusters' roles before this subtask's effect, while the effect stands.
    var undo: [Int: ClusterRoles]?
    /// The tenants' roles before this subtask's effect, while the effect stands.
    var tenantUndo: [Int: TenantRoles]?

    var name: String { definition.name }
}

/// A simulated task instance.
struct TaskState: Sendable, Hashable {
    var id: Int
    var kind: SimulatedTaskKind
    /// The standby the task was started on (`{id}` of the POST).
    var clusterId: Int
    /// Its primary when the task was created.
    var peerId: Int?
    /// A tenant task's tenant: a switchover's primary, a failover's standby (`{tenantId}` of the POST).
    var tenantId: Int?
    /// A tenant switchover's standby (to become primary); a failover's primary when it was created.
    var peerTenantId: Int?
    /// A tenant failover's `serviceName`.
    var serviceName: String?
    var status: TaskStatus
    var operation: TaskOperation
    var createTime: Duration
    var startTime: Duration
    var finishTime: Duration?
    /// In execution order.
    var subtasks: [SubtaskState]
    /// Whether the task's lock subtask has locked the clusters (and unlock has not released them):
    /// the task holds the locks whenever it runs.
    var locksClusters = false
    /// Whether an undo step of the current rollback was cancelled (the rollback then ends FAILED).
    var rollbackInterrupted = false

    var name: String { kind.definition.name }

    /// The clusters the task works on and locks: the standby and its primary (none for a tenant task).
    var involved: [Int] {
        kind.isTenantTask ? [] : peerId.map { [clusterId, $0] } ?? [clusterId]
    }

    /// The tenants a tenant task holds: both of a switchover's pair, a failover's standby.
    var heldTenants: [Int] {
        guard let tenantId else { return [] }
        if kind == .tenantSwitchover, let peerTenantId { return [tenantId, peerTenantId] }
        return [tenantId]
    }

    /// For a tenant switchover: the primary and the standby; for a failover: the standby and its
    /// primary (nil once there is none).
    var tenantPair: (primary: Int?, standby: Int?) {
        kind == .tenantSwitchover ? (tenantId, peerTenantId) : (peerTenantId, tenantId)
    }

    /// True once a subtask with `prohibitRollback` has left PENDING/READY (reference section 4).
    var prohibitRollback: Bool {
        subtasks.contains { $0.definition.prohibitRollback && $0.status != .pending && $0.status != .ready }
    }

    /// The subtask whose `id` is `subtaskId`, by execution index.
    func index(ofSubtask subtaskId: Int) -> Int? {
        subtasks.firstIndex { $0.id == subtaskId }
    }
}

/// The roles and links of a tenant, saved before a subtask changes them so a rollback can restore them.
struct TenantRoles: Sendable, Hashable {
    /// The role OCP's metadata records (`role` in answers).
    var role: TenantRole
    /// The role in OceanBase itself (`DBA_OB_TENANTS.TENANT_ROLE`): it changes first, at the role switch.
    var sqlRole: TenantRole
    /// The tenant it follows, in OCP's metadata.
    var primaryId: Int?
    /// Its direct standbys, in OCP's metadata, in the order they were linked.
    var standbyIds: [Int]
    /// The tenant it reads logs from (`LOG_RESTORE_SOURCE`), nil when none.
    var restoreSourceId: Int?
    /// How far its log sync is behind its primary.
    var lag: Duration
    var serviceName: String?
}

/// The status a task holding a tenant shows on it.
struct TenantMark: Sendable, Hashable {
    var status: TenantStatus
    var taskId: Int
}

/// A simulated OceanBase 4.x tenant.
struct TenantState: Sendable, Hashable {
    var id: Int
    var name: String
    var obTenantId: Int
    var clusterId: Int
    var roles: TenantRoles
    /// The status it has of itself (NORMAL, ...).
    var baseStatus: TenantStatus
    var syncStatus: TenantSyncStatus
    /// SWITCHOVER or FAILOVER while a task holds it, and that task's id.
    var mark: TenantMark?
    /// Whether it can be connected (its cluster must also be RUNNING).
    var reachable: Bool
    var mode: String
    var createTime: Duration

    /// The status OCP shows: the holding task's mark, else its own.
    var status: TenantStatus { mark?.status ?? baseStatus }
}
