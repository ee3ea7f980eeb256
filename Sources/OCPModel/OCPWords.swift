import RunbookSupport

// OCP's status and type words. Each is an open set: a word this version does not know still
// decodes (a newer OCP may add one), and the known ones are named constants.

/// A word of OCP's vocabulary, coded as its text.
public protocol OCPWord: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible
where RawValue == String {
    /// The word spelled `rawValue`: every text is a word, known to this version or not.
    init(rawValue: String)
}

extension OCPWord {
    /// The word as OCP spells it: the raw value.
    public var description: String { rawValue }
}

/// A task's `status`: `RUNNING`, `FAILED`, `SUCCESSFUL`.
public struct TaskStatus: OCPWord {
    /// The word as OCP spells it (`RUNNING`).
    public var rawValue: String
    /// The status spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `RUNNING`: the task has subtasks that can still run (also while it retries or rolls back).
    public static let running = TaskStatus(rawValue: "RUNNING")
    /// `FAILED`: a subtask failed and nothing else runs; the task may be retried, or rolled back
    /// unless `prohibitRollback` is true.
    public static let failed = TaskStatus(rawValue: "FAILED")
    /// `SUCCESSFUL` (OCP's spelling): every subtask succeeded, or a rollback brought them all back.
    public static let successful = TaskStatus(rawValue: "SUCCESSFUL")
    /// The statuses OCP documents, in this order.
    public static let known: [TaskStatus] = [.running, .failed, .successful]
    /// Whether the task has ended.
    public var isTerminal: Bool { self == .failed || self == .successful }
}

/// A subtask's `status`: `PENDING`, `READY`, `RUNNING`, `CANCELING`, `FAILED`, `SUCCESSFUL`.
public struct SubtaskStatus: OCPWord {
    /// The word as OCP spells it (`PENDING`).
    public var rawValue: String
    /// The status spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `PENDING`: waiting for its upstream subtasks to succeed.
    public static let pending = SubtaskStatus(rawValue: "PENDING")
    /// `READY`: its upstreams succeeded, and it may run.
    public static let ready = SubtaskStatus(rawValue: "READY")
    /// `RUNNING`: running now.
    public static let running = SubtaskStatus(rawValue: "RUNNING")
    /// `CANCELING` (OCP's spelling): a running subtask being cancelled; it ends FAILED.
    public static let canceling = SubtaskStatus(rawValue: "CANCELING")
    /// `FAILED`: its run failed, timed out or was cancelled; it may be retried or skipped.
    public static let failed = SubtaskStatus(rawValue: "FAILED")
    /// `SUCCESSFUL`: its run succeeded, or it was skipped after failing.
    public static let successful = SubtaskStatus(rawValue: "SUCCESSFUL")
    /// The statuses OCP documents, in this order.
    public static let known: [SubtaskStatus] = [.pending, .ready, .running, .canceling, .failed, .successful]
    /// Whether the subtask has ended (FAILED or SUCCESSFUL).
    public var isTerminal: Bool { self == .failed || self == .successful }
}

/// A task's or subtask's `operation`: `EXECUTE`, `RETRY`, `ROLLBACK`, `SKIP`, `CANCEL`, `ROLLBACK_SKIP`.
public struct TaskOperation: OCPWord {
    /// The word as OCP spells it (`EXECUTE`).
    public var rawValue: String
    /// The operation spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `EXECUTE`: the first run, as started.
    public static let execute = TaskOperation(rawValue: "EXECUTE")
    /// `RETRY`: being run again after a failure (a task retry, or a subtask retry).
    public static let retry = TaskOperation(rawValue: "RETRY")
    /// `ROLLBACK`: being rolled back, its subtasks undone in reverse dependency order.
    public static let rollback = TaskOperation(rawValue: "ROLLBACK")
    /// `SKIP`: a failed subtask that was skipped, and counts as done.
    public static let skip = TaskOperation(rawValue: "SKIP")
    /// `CANCEL`: a subtask that was cancelled while it ran.
    public static let cancel = TaskOperation(rawValue: "CANCEL")
    /// `ROLLBACK_SKIP`: a subtask skipped during a rollback (its undo failed): it counts as undone.
    public static let rollbackSkip = TaskOperation(rawValue: "ROLLBACK_SKIP")
}

/// A task's `type`: `MANUAL`, `SCHEDULED`, `SYS_SCHEDULED`.
public struct TaskType: OCPWord {
    /// The word as OCP spells it (`MANUAL`).
    public var rawValue: String
    /// The type spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `MANUAL`: started by a user's call, as every failover and switchover is.
    public static let manual = TaskType(rawValue: "MANUAL")
    /// `SCHEDULED`: a task OCP runs on a schedule.
    public static let scheduled = TaskType(rawValue: "SCHEDULED")
    /// `SYS_SCHEDULED`: a system task OCP runs on a schedule.
    public static let sysScheduled = TaskType(rawValue: "SYS_SCHEDULED")
}

/// A cluster's `type`, its role: `PRIMARY` or `STANDBY`.
public struct ClusterType: OCPWord {
    /// The word as OCP spells it (`PRIMARY`).
    public var rawValue: String
    /// The type spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `PRIMARY`: the cluster serves writes (and, on OceanBase 4.x, every cluster shows it: roles
    /// are the tenants').
    public static let primary = ClusterType(rawValue: "PRIMARY")
    /// `STANDBY`: the cluster replicates a primary, named in its `primaryCluster`.
    public static let standby = ClusterType(rawValue: "STANDBY")
    /// The types OCP documents: PRIMARY, STANDBY.
    public static let known: [ClusterType] = [.primary, .standby]
}

/// A cluster's `status`: `RUNNING`, `CREATING`, `STOPPED`, `SWITCHOVER`, `FAILOVER`, `OPERATING`, ...
public struct ClusterStatus: OCPWord {
    /// The word as OCP spells it (`RUNNING`).
    public var rawValue: String
    /// The status spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `RUNNING`: up, with no operation in progress.
    public static let running = ClusterStatus(rawValue: "RUNNING")
    /// `CREATING`: being created.
    public static let creating = ClusterStatus(rawValue: "CREATING")
    /// `STOPPED`: not serving (the lost primary of the simulator's default topology).
    public static let stopped = ClusterStatus(rawValue: "STOPPED")
    /// `SWITCHOVER`: its role is being swapped with its pair's by a switchover task.
    public static let switchover = ClusterStatus(rawValue: "SWITCHOVER")
    /// `FAILOVER`: a standby being promoted by a failover task.
    public static let failover = ClusterStatus(rawValue: "FAILOVER")
    /// `OPERATING`: another operation is in progress on it.
    public static let operating = ClusterStatus(rawValue: "OPERATING")
    /// The statuses this version names, in this order; OCP has more.
    public static let known: [ClusterStatus] = [.running, .creating, .stopped, .switchover, .failover, .operating]
}

/// A standby's `syncStatus`: `VALID`, `DISABLED`, `SYNCHRONIZING`.
public struct SyncStatus: OCPWord {
    /// The word as OCP spells it (`VALID`).
    public var rawValue: String
    /// The status spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `VALID`: the standby is replicating from its primary.
    public static let valid = SyncStatus(rawValue: "VALID")
    /// `DISABLED`: replication from the primary is off; a switchover needs it on.
    public static let disabled = SyncStatus(rawValue: "DISABLED")
    /// `SYNCHRONIZING`: the standby is catching up with its primary.
    public static let synchronizing = SyncStatus(rawValue: "SYNCHRONIZING")
    /// The statuses OCP documents, in this order.
    public static let known: [SyncStatus] = [.valid, .disabled, .synchronizing]
}

/// A tenant's `role` (OceanBase 4.x): `PRIMARY`, `STANDBY`, `CLONE`, `RESTORE`, `UNKNOWN`.
public struct TenantRole: OCPWord {
    /// The word as OCP spells it (`STANDBY`).
    public var rawValue: String
    /// The role spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `PRIMARY`: the tenant serves reads and writes.
    public static let primary = TenantRole(rawValue: "PRIMARY")
    /// `STANDBY`: the tenant replays the logs of its primary, named in `basicPrimaryTenant`.
    public static let standby = TenantRole(rawValue: "STANDBY")
    /// `CLONE`: a clone of another tenant.
    public static let clone = TenantRole(rawValue: "CLONE")
    /// Being restored; becomes `STANDBY` when done.
    public static let restore = TenantRole(rawValue: "RESTORE")
    /// `UNKNOWN`: OCP cannot tell the tenant's role.
    public static let unknown = TenantRole(rawValue: "UNKNOWN")
    /// The roles OCP documents, in this order.
    public static let known: [TenantRole] = [.primary, .standby, .clone, .restore, .unknown]
}

/// A tenant's `status`: `NORMAL`, `SWITCHOVER` (being switched over), `FAILOVER` (being failed
/// over), `CREATING`, ... (reference "Tenant status words").
public struct TenantStatus: OCPWord {
    /// The word as OCP spells it (`NORMAL`).
    public var rawValue: String
    /// The status spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `NORMAL`: in service, with no operation in progress.
    public static let normal = TenantStatus(rawValue: "NORMAL")
    /// `CREATING`: being created (a new standby shows it until its task updates the tenant's
    /// status).
    public static let creating = TenantStatus(rawValue: "CREATING")
    /// `MODIFYING`: its settings or resources are being changed.
    public static let modifying = TenantStatus(rawValue: "MODIFYING")
    /// `DELETING`: being deleted.
    public static let deleting = TenantStatus(rawValue: "DELETING")
    /// `UNAVAILABLE`: OCP cannot reach it.
    public static let unavailable = TenantStatus(rawValue: "UNAVAILABLE")
    /// `OPERATING`: another operation is in progress on it.
    public static let operating = TenantStatus(rawValue: "OPERATING")
    /// `CLONING`: being cloned.
    public static let cloning = TenantStatus(rawValue: "CLONING")
    /// `RESTORING`: being restored from a backup.
    public static let restoring = TenantStatus(rawValue: "RESTORING")
    /// `DISCONNECTING`: a standby being decoupled from its primary.
    public static let disconnecting = TenantStatus(rawValue: "DISCONNECTING")
    /// `FAILOVER`: a standby being failed over (promoted) by a task.
    public static let failover = TenantStatus(rawValue: "FAILOVER")
    /// `SWITCHOVER`: one of a pair being switched over by a task (both tenants show it).
    public static let switchover = TenantStatus(rawValue: "SWITCHOVER")
    /// `MOVED_OUT`: moved out of OCP's management.
    public static let movedOut = TenantStatus(rawValue: "MOVED_OUT")
    /// `TDE_ENABLING`: transparent data encryption being turned on.
    public static let tdeEnabling = TenantStatus(rawValue: "TDE_ENABLING")
    /// The statuses OCP documents, in this order.
    public static let known: [TenantStatus] = [
        .normal, .creating, .modifying, .deleting, .unavailable, .operating, .cloning, .restoring, .disconnecting,
        .failover, .switchover, .movedOut, .tdeEnabling,
    ]
}

/// A tenant's `syncStatus`: `VALID`, `DISABLED`, `DISABLED_WITH_READ_ONLY`, `SYNCHRONIZING`, `UNKNOWN`.
public struct TenantSyncStatus: OCPWord {
    /// The word as OCP spells it (`VALID`).
    public var rawValue: String
    /// The status spelled `rawValue`; any text is accepted, known to this version or not.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// `VALID`: replication is working (a primary shows it too).
    public static let valid = TenantSyncStatus(rawValue: "VALID")
    /// `DISABLED`: replication is off.
    public static let disabled = TenantSyncStatus(rawValue: "DISABLED")
    /// `DISABLED_WITH_READ_ONLY`: replication is off and the tenant is read-only.
    public static let disabledWithReadOnly = TenantSyncStatus(rawValue: "DISABLED_WITH_READ_ONLY")
    /// `SYNCHRONIZING`: catching up (documented, though OceanBase itself never reports it).
    public static let synchronizing = TenantSyncStatus(rawValue: "SYNCHRONIZING")
    /// `UNKNOWN`: OCP cannot tell.
    public static let unknown = TenantSyncStatus(rawValue: "UNKNOWN")
    /// The statuses OCP documents, in this order.
    public static let known: [TenantSyncStatus] = [.valid, .disabled, .disabledWithReadOnly, .synchronizing, .unknown]
}
