import RunbookSupport

/// OCP's status and type words. Each is an open set: a word this version does not know still
/// decodes (a newer OCP may add one), and the known ones are named constants.

/// A word of OCP's vocabulary, coded as its text.
public protocol OCPWord: RawRepresentable, Sendable, Hashable, Codable, CustomStringConvertible
where RawValue == String {
    init(rawValue: String)
}

extension OCPWord {
    public var description: String { rawValue }
}

/// A task's `status`: `RUNNING`, `FAILED`, `SUCCESSFUL`.
public struct TaskStatus: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let running = TaskStatus(rawValue: "RUNNING")
    public static let failed = TaskStatus(rawValue: "FAILED")
    public static let successful = TaskStatus(rawValue: "SUCCESSFUL")
    public static let known: [TaskStatus] = [.running, .failed, .successful]
    /// Whether the task has ended.
    public var isTerminal: Bool { self == .failed || self == .successful }
}

/// A subtask's `status`: `PENDING`, `READY`, `RUNNING`, `CANCELING`, `FAILED`, `SUCCESSFUL`.
public struct SubtaskStatus: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let pending = SubtaskStatus(rawValue: "PENDING")
    public static let ready = SubtaskStatus(rawValue: "READY")
    public static let running = SubtaskStatus(rawValue: "RUNNING")
    public static let canceling = SubtaskStatus(rawValue: "CANCELING")
    public static let failed = SubtaskStatus(rawValue: "FAILED")
    public static let successful = SubtaskStatus(rawValue: "SUCCESSFUL")
    public static let known: [SubtaskStatus] = [.pending, .ready, .running, .canceling, .failed, .successful]
    /// Whether the subtask has ended (FAILED or SUCCESSFUL).
    public var isTerminal: Bool { self == .failed || self == .successful }
}

/// A task's or subtask's `operation`: `EXECUTE`, `RETRY`, `ROLLBACK`, `SKIP`, `CANCEL`, `ROLLBACK_SKIP`.
public struct TaskOperation: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let execute = TaskOperation(rawValue: "EXECUTE")
    public static let retry = TaskOperation(rawValue: "RETRY")
    public static let rollback = TaskOperation(rawValue: "ROLLBACK")
    public static let skip = TaskOperation(rawValue: "SKIP")
    public static let cancel = TaskOperation(rawValue: "CANCEL")
    public static let rollbackSkip = TaskOperation(rawValue: "ROLLBACK_SKIP")
}

/// A task's `type`: `MANUAL`, `SCHEDULED`, `SYS_SCHEDULED`.
public struct TaskType: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let manual = TaskType(rawValue: "MANUAL")
    public static let scheduled = TaskType(rawValue: "SCHEDULED")
    public static let sysScheduled = TaskType(rawValue: "SYS_SCHEDULED")
}

/// A cluster's `type`, its role: `PRIMARY` or `STANDBY`.
public struct ClusterType: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let primary = ClusterType(rawValue: "PRIMARY")
    public static let standby = ClusterType(rawValue: "STANDBY")
    public static let known: [ClusterType] = [.primary, .standby]
}

/// A cluster's `status`: `RUNNING`, `CREATING`, `STOPPED`, `SWITCHOVER`, `FAILOVER`, `OPERATING`, ...
public struct ClusterStatus: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let running = ClusterStatus(rawValue: "RUNNING")
    public static let creating = ClusterStatus(rawValue: "CREATING")
    public static let stopped = ClusterStatus(rawValue: "STOPPED")
    public static let switchover = ClusterStatus(rawValue: "SWITCHOVER")
    public static let failover = ClusterStatus(rawValue: "FAILOVER")
    public static let operating = ClusterStatus(rawValue: "OPERATING")
    public static let known: [ClusterStatus] = [.running, .creating, .stopped, .switchover, .failover, .operating]
}

/// A standby's `syncStatus`: `VALID`, `DISABLED`, `SYNCHRONIZING`.
public struct SyncStatus: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let valid = SyncStatus(rawValue: "VALID")
    public static let disabled = SyncStatus(rawValue: "DISABLED")
    public static let synchronizing = SyncStatus(rawValue: "SYNCHRONIZING")
    public static let known: [SyncStatus] = [.valid, .disabled, .synchronizing]
}

/// A tenant's `role` (OceanBase 4.x): `PRIMARY`, `STANDBY`, `CLONE`, `RESTORE`, `UNKNOWN`.
public struct TenantRole: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let primary = TenantRole(rawValue: "PRIMARY")
    public static let standby = TenantRole(rawValue: "STANDBY")
    public static let clone = TenantRole(rawValue: "CLONE")
    /// Being restored; becomes `STANDBY` when done.
    public static let restore = TenantRole(rawValue: "RESTORE")
    public static let unknown = TenantRole(rawValue: "UNKNOWN")
    public static let known: [TenantRole] = [.primary, .standby, .clone, .restore, .unknown]
}

/// A tenant's `status`: `NORMAL`, `SWITCHOVER` (being switched over), `FAILOVER` (being failed
/// over), `CREATING`, ... (reference "Tenant status words").
public struct TenantStatus: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let normal = TenantStatus(rawValue: "NORMAL")
    public static let creating = TenantStatus(rawValue: "CREATING")
    public static let modifying = TenantStatus(rawValue: "MODIFYING")
    public static let deleting = TenantStatus(rawValue: "DELETING")
    public static let unavailable = TenantStatus(rawValue: "UNAVAILABLE")
    public static let operating = TenantStatus(rawValue: "OPERATING")
    public static let cloning = TenantStatus(rawValue: "CLONING")
    public static let restoring = TenantStatus(rawValue: "RESTORING")
    public static let disconnecting = TenantStatus(rawValue: "DISCONNECTING")
    public static let failover = TenantStatus(rawValue: "FAILOVER")
    public static let switchover = TenantStatus(rawValue: "SWITCHOVER")
    public static let movedOut = TenantStatus(rawValue: "MOVED_OUT")
    public static let tdeEnabling = TenantStatus(rawValue: "TDE_ENABLING")
    public static let known: [TenantStatus] = [
        .normal, .creating, .modifying, .deleting, .unavailable, .operating, .cloning, .restoring, .disconnecting,
        .failover, .switchover, .movedOut, .tdeEnabling,
    ]
}

/// A tenant's `syncStatus`: `VALID`, `DISABLED`, `DISABLED_WITH_READ_ONLY`, `SYNCHRONIZING`, `UNKNOWN`.
public struct TenantSyncStatus: OCPWord {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }

    public static let valid = TenantSyncStatus(rawValue: "VALID")
    public static let disabled = TenantSyncStatus(rawValue: "DISABLED")
    public static let disabledWithReadOnly = TenantSyncStatus(rawValue: "DISABLED_WITH_READ_ONLY")
    public static let synchronizing = TenantSyncStatus(rawValue: "SYNCHRONIZING")
    public static let unknown = TenantSyncStatus(rawValue: "UNKNOWN")
    public static let known: [TenantSyncStatus] = [.valid, .disabled, .disabledWithReadOnly, .synchronizing, .unknown]
}
