import RunbookSupport

/// OCP error codes runbook knows by name (reference section 2), plus the codes the embedded simulator
/// uses where the reference names none.
public enum OCPErrorCode {
    /// The task does not exist (HTTP 404).
    public static let taskNotFound = "TSK10001"
    /// The operation is not supported for the task in its current state (HTTP 400).
    public static let operationNotSupported = "TSK10007"
    /// The task can not roll back (HTTP 400).
    public static let cannotRollback = "TSK10009"
    /// The subtask can not be skipped (HTTP 400).
    public static let cannotSkip = "TSK10010"
    /// The subtask ran past its timeout (in a subtask's log).
    public static let subtaskTimeout = "TSK10012"
    /// The subtask was cancelled (in a subtask's log).
    public static let subtaskCanceled = "TSK10014"
    /// The cluster's last operation task is still in progress (HTTP 409).
    public static let clusterTaskInProgress = "OBE11020"
    /// The cluster is locked (HTTP 409).
    public static let clusterLocked = "MCE34026"
    /// A tenant pre-check finding: the standby's log sync latency exceeds the limit (blocking).
    public static let tenantSyncLatency = "OBE26009"
    /// A tenant pre-check finding with two documented meanings: in a switchover pre-check, the
    /// pair's clusters share no OBProxy cluster (a warning); in a failover pre-check, the primary
    /// tenant can still be connected (blocking).
    public static let tenantProxyOrPrimaryReachable = "OBE26107"

    // MARK: - Simulator codes (the reference gives no code for these)

    /// No cluster with that id (HTTP 404).
    public static let clusterNotFound = "CLUSTER_NOT_FOUND"
    /// The cluster's role or state does not allow the operation (HTTP 400), e.g. failing over a PRIMARY.
    public static let clusterStateInvalid = "CLUSTER_STATE_INVALID"
    /// No tenant with that id, or none in that cluster (HTTP 404).
    public static let tenantNotFound = "TENANT_NOT_FOUND"
    /// The tenant's role, relationship or state does not allow the operation (HTTP 400, or a
    /// blocking pre-check finding), e.g. switching over a standby with another tenant named as its primary.
    public static let tenantStateInvalid = "TENANT_STATE_INVALID"
    /// A tenant that must be connected cannot be (a switchover's primary is down): blocking.
    public static let tenantUnreachable = "TENANT_UNREACHABLE"
    /// A request argument is malformed or out of range (HTTP 400).
    public static let illegalArgument = "ILLEGAL_ARGUMENT"
    /// No such endpoint (HTTP 404).
    public static let notFound = "NOT_FOUND"
    /// The server failed without saying why (HTTP 500).
    public static let internalError = "INTERNAL_ERROR"
    /// An API fault injected by the simulator's setup (`simulate.faults`).
    public static let injected = "SIM_INJECTED"
}
