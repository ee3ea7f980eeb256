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
    /// (1 min 44 s); a switchover 89 s plus 7 s (1 min 36 s). `docs/simulator.md` lists them.
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
    public var timings: SimulatorTimings

    public init(
        epoch: OCPTimestamp = SimulatorOptions.seedEpoch, firstTaskId: Int = 171_603, firstSubtaskId: Int = 202_620,
        seed: UInt64 = 0x5EED, executor: String = "127.0.0.1",
        userName: String = "admin", userId: Int = 1, timings: SimulatorTimings = SimulatorTimings()
    ) {
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
