import Foundation
import OCPModel
import RunbookSupport

/// How long the simulated OCP task engine takes for each step. All values are simulated time.
public struct SimulatorTimings: Sendable, Hashable {
    /// How long each subtask runs, by name. A name not listed takes ``defaultDuration``.
    public var durations: [String: Duration]
    /// The duration of a subtask not in ``durations``.
    public var defaultDuration: Duration
    /// How long a READY subtask waits before it starts RUNNING (OCP's scheduler picking it up).
    public var dispatchDelay: Duration
    /// How long a cancelled subtask stays CANCELING before it ends FAILED.
    public var cancelDelay: Duration
    /// How long undoing one subtask takes during a rollback.
    public var undoDuration: Duration

    /// Timings with these values, all simulated time. By default: each subtask's duration from
    /// ``defaultDurations`` (5 s for a name not listed), 1 s of dispatch delay before a READY
    /// subtask runs, 1 s for a cancel to take effect, 2 s to undo one subtask in a rollback.
    public init(
        durations: [String: Duration] = SimulatorTimings.defaultDurations, defaultDuration: Duration = .seconds(5),
        dispatchDelay: Duration = .seconds(1), cancelDelay: Duration = .seconds(1), undoDuration: Duration = .seconds(2)
    ) {
        self.durations = durations
        self.defaultDuration = defaultDuration
        self.dispatchDelay = dispatchDelay
        self.cancelDelay = cancelDelay
        self.undoDuration = undoDuration
    }

    /// The default subtask durations. A failover runs 95 s of subtasks plus 9 s of dispatch delay
    /// (1 min 44 s); a switchover 89 s plus 7 s (1 min 36 s). A tenant's role switch takes a few
    /// seconds and its other subtasks well under one: a tenant switchover runs 9.8 s of subtasks
    /// plus 10 s of dispatch delay, a tenant failover 4.7 s plus 5 s. `docs/simulator.md` lists them.
    public static let defaultDurations: [String: Duration] = [
        // Both tasks.
        "Mc lock ob clusters": .seconds(2),
        "Mc unlock ob clusters": .seconds(2),
        // Failover.
        "Failover to Primary Check": .seconds(10),
        "Failover to Primary": .seconds(45),
        "Update OB cluster status": .seconds(3),
        "Wait node": .seconds(5),
        "Mc ob failover update mc ob cluster": .seconds(3),
        "Sync all cluster info": .seconds(10),
        "Remove standby cluster": .seconds(15),
        // Switchover.
        "Prepare switchover": .seconds(10),
        "Switchover to standby": .seconds(30),
        "Switchover to primary check": .seconds(10),
        "Switchover to primary": .seconds(30),
        "Switchover Update Role Task": .seconds(5),
        // Tenant switchover (OceanBase 4.x).
        "Prepare switchover tenant": .milliseconds(300),
        "Create standby tenant read only user": .milliseconds(500),
        "Wait all relation tenants accessible": .milliseconds(500),
        "Switch primary tenant to standby": .seconds(3),
        "Switchover standby tenant to primary": .seconds(4),
        "Reset log restore source": .milliseconds(300),
        "Update log restore source": .milliseconds(500),
        "Restart tenant service name if started": .milliseconds(300),
        "Update tenant role in meta": .milliseconds(200),
        "Reset switchover tenant info": .milliseconds(200),
        // Tenant failover ("Reset log restore source" as above).
        "Failover to primary tenant": .seconds(3),
        "Upgrade tenant data version": .milliseconds(800),
        "Create tenant service name": .milliseconds(400),
        "Update primary tenant info task": .milliseconds(200),
    ]

    /// How long the subtask called `name` runs when no fault overrides it.
    public func duration(of name: String) -> Duration {
        durations[name] ?? defaultDuration
    }
}

/// Everything about the simulator that is not the runbook's `simulate:` setup: ids, times, names.
public struct SimulatorOptions: Sendable, Hashable {
    /// The wall-clock-like time of the simulation's start: simulated instants are shown as this plus
    /// their offset, with this timestamp's UTC offset. Default: the seed's `2022-09-05T13:39:18.441+08:00`.
    public var epoch: OCPTimestamp
    /// The id of the first task; later tasks count up from it.
    public var firstTaskId: Int
    /// The first subtask id; each task takes the next block of ids.
    public var firstSubtaskId: Int
    /// Seeds the generator of trace ids.
    public var seed: UInt64
    /// The `executor` of tasks and subtasks.
    public var executor: String
    /// The user named as a task's `creator`.
    public var userName: String
    /// The id of that user (in the task-detail `creator` object).
    public var userId: Int
    /// How long subtasks, dispatch, cancels and undos take, in simulated time.
    public var timings: SimulatorTimings
    /// OCP's `ocp.standby.tenant.delay.threshold`: a tenant switchover pre-check blocks (OBE26009)
    /// when the standby's lag exceeds it. Default 5,000 ms, OCP's documented default.
    public var tenantDelayThreshold: Duration
    /// The first OceanBase `obTenantId` given to a tenant (1001 is a tenant's meta tenant in
    /// OceanBase; user tenants take even ids from 1002).
    public var firstObTenantId: Int

    /// Options with these values; the defaults reproduce the seed: epoch
    /// `2022-09-05T13:39:18.441+08:00`, task ids from 171603, subtask ids from 202620, executor
    /// `127.0.0.1`, user `admin` (id 1), the default timings, a tenant delay threshold of 5,000 ms
    /// and `obTenantId`s from 1002.
    public init(
        epoch: OCPTimestamp = SimulatorOptions.seedEpoch, firstTaskId: Int = 171_603, firstSubtaskId: Int = 202_620,
        seed: UInt64 = 0x5EED, executor: String = "127.0.0.1",
        userName: String = "admin", userId: Int = 1, timings: SimulatorTimings = SimulatorTimings(),
        tenantDelayThreshold: Duration = .milliseconds(5000), firstObTenantId: Int = 1002
    ) {
        self.tenantDelayThreshold = tenantDelayThreshold
        self.firstObTenantId = firstObTenantId
        self.epoch = epoch
        self.firstTaskId = firstTaskId
        self.firstSubtaskId = firstSubtaskId
        self.seed = seed
        self.executor = executor
        self.userName = userName
        self.userId = userId
        self.timings = timings
    }

    /// `2022-09-05T13:39:18.441+08:00`, the start time of the seed's failover task.
    public static let seedEpoch = OCPTimestamp(millisecondsSince1970: 1_662_356_358_441, utcOffsetSeconds: 8 * 3600)

    /// Options whose epoch is the current wall-clock time, shown with `utcOffsetSeconds` (default +08:00).
    public static func startingNow(utcOffsetSeconds: Int = 8 * 3600) -> SimulatorOptions {
        starting(at: Date(), utcOffsetSeconds: utcOffsetSeconds)
    }

    /// Options whose simulated time zero is `date`, shown at `utcOffsetSeconds` (OCP's default zone, UTC+8).
    public static func starting(at date: Date, utcOffsetSeconds: Int = 8 * 3600) -> SimulatorOptions {
        SimulatorOptions(epoch: OCPTimestamp(date: date, utcOffsetSeconds: utcOffsetSeconds))
    }
}
