import OCPModel
import RunbookSupport

/// One record of the step log: the durable account of a run.
///
/// A run writes `runStarted`, then for each step `stepStarted` and `stepFinished`, then
/// `runFinished`. The JSON Lines journal holds one record per line, each with a `"record"` field
/// naming its kind.
public enum StepLogRecord: Sendable, Hashable {
    /// The run began (`run-started`).
    case runStarted(RunStarted)
    /// A step began (`step-started`).
    case stepStarted(StepStarted)
    /// A step ended (`step-finished`).
    case stepFinished(StepFinished)
    /// A `watch` probe went down or came back up.
    case watchChanged(WatchChanged)
    /// `runbook resume` took up an interrupted run: the records after it are the run's next segment.
    case runResumed(RunResumed)
    /// The run ended (`run-finished`).
    case runFinished(RunFinished)
}

/// How a step ended.
public enum StepOutcome: String, Sendable, Hashable, Codable {
    /// It did what it says.
    case passed
    /// It failed, and the run fails.
    case failed
    /// It did not run (an earlier failure, an interruption, or a deadline).
    case skipped
    /// It failed, but `continue on failure` let the run go on.
    case continued
}

/// How a run ended; the exit status follows from it.
public enum RunOutcome: String, Sendable, Hashable, Codable {
    /// No step failed (one under `continue on failure` aside) and every objective was met (exit 0).
    case passed
    /// A step failed, or an objective was breached or unknown (exit 1).
    case failed
    /// The target could not be reached or refused the credentials (exit 3).
    case targetFailed = "target-failed"
    /// SIGINT, SIGTERM or SIGHUP (exit 130).
    case interrupted
    /// The step log could not be written durably (exit 4): what the run did is not fully on
    /// record, so it cannot pass, and it started no cluster action after that.
    case journalFailed = "journal-failed"

    /// The process exit status of a run that ended this way.
    public var exitStatus: Int32 {
        switch self {
        case .passed: 0
        case .failed: 1
        case .targetFailed: 3
        case .journalFailed: 4
        case .interrupted: 130
        }
    }
}

/// Where a step stands in the runbook: its block, its index path down through loop bodies, and
/// the loop items on the way. Its ``label`` (`steps[4]`, `steps[2]/standby=7[1]`, `finally[0]`)
/// is computed from them, never parsed back.
public struct StepPosition: Sendable, Hashable, CustomStringConvertible {
    /// The three blocks of a runbook.
    public enum Block: String, Sendable, Hashable, Codable, CaseIterable {
        /// The runbook's `steps`.
        case steps
        /// The `on failure` block, run when a step of `steps` failed.
        case onFailure = "on failure"
        /// The `finally` block, run at the end whatever happened.
        case finally
    }

    /// One loop level on the way to a step: the loop variable and the item's text.
    public struct Item: Sendable, Hashable, Codable {
        /// The loop variable's name (`standby`).
        public var variable: String
        /// The item as the label shows it (at most ``StepPosition/maxItemLength`` characters).
        public var value: String

        /// The item of loop variable `variable` whose text is `value`, shortened to
        /// ``StepPosition/maxItemLength`` characters.
        public init(variable: String, value: String) {
            self.variable = variable
            self.value = StepPosition.shortened(value)
        }
    }

    /// The block the step is in.
    public var block: Block
    /// 0-based indexes from the block down: the step, then for each loop level the item and the
    /// step in its body (`[2, 1, 0]`: the first step of the second item of the loop at step 2).
    public var path: [Int]
    /// The loop items on the way, one per loop level.
    public var items: [Item]

    /// The step at `path` in `block`, through the loop `items` on the way.
    public init(block: Block, path: [Int], items: [Item] = []) {
        self.block = block
        self.path = path
        self.items = items
    }

    /// The step at `index` of a block.
    public static func top(_ block: Block, _ index: Int) -> StepPosition {
        StepPosition(block: block, path: [index])
    }

    /// The step at `index` of the body of the loop at this position, for item `item`.
    public func inside(item: Int, _ loopItem: Item, step index: Int) -> StepPosition {
        StepPosition(block: block, path: path + [item, index], items: items + [loopItem])
    }

    /// The step after this one in the same body.
    public func sibling(_ index: Int) -> StepPosition {
        StepPosition(block: block, path: Array(path.dropLast()) + [index], items: items)
    }

    /// How many loops the step is inside.
    public var depth: Int { items.count }

    /// `items` in the runbook's order of their positions: by block (`steps`, `on failure`,
    /// `finally`), then by index path (a loop before its items' steps), keeping the given order
    /// among equals (a step that ran more than once keeps its runs in order).
    public static func inRunbookOrder<T>(_ items: [T], by position: (T) -> StepPosition) -> [T] {
        let blocks = Block.allCases
        return items.enumerated().sorted { a, b in
            let (x, y) = (position(a.element), position(b.element))
            if x.block != y.block {
                return (blocks.firstIndex(of: x.block) ?? 0) < (blocks.firstIndex(of: y.block) ?? 0)
            }
            if x.path != y.path { return x.path.lexicographicallyPrecedes(y.path) }
            return a.offset < b.offset
        }.map(\.element)
    }

    /// `steps[2]/standby=7[1]`.
    public var label: String {
        guard let first = path.first else { return block.rawValue }
        var text = "\(block.rawValue)[\(first)]"
        var index = 1
        for item in items {
            let step = index + 1 < path.count ? path[index + 1] : 0
            text += "/\(item.variable)=\(item.value)[\(step)]"
            index += 2
        }
        return text
    }

    /// The ``label``.
    public var description: String { label }

    /// The longest item text a label shows; a longer one ends with `…`.
    public static let maxItemLength = 40

    static func shortened(_ text: String) -> String {
        guard text.count > maxItemLength else { return text }
        return String(text.prefix(maxItemLength - 1)) + "…"
    }
}

extension StepPosition: Codable {
    private enum Keys: String, CodingKey { case block, path, items, label }

    /// Reads `block`, `path` and `items` (absent: none); `label` is not read, it is computed.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            block: try c.decode(Block.self, forKey: .block), path: try c.decode([Int].self, forKey: .path),
            items: try c.decodeIfPresent([Item].self, forKey: .items) ?? [])
    }

    /// Writes `block`, `path`, `items` (when there are any) and the computed `label`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(block, forKey: .block)
        try c.encode(path, forKey: .path)
        if !items.isEmpty { try c.encode(items, forKey: .items) }
        try c.encode(label, forKey: .label)
    }
}

/// The run's start: what was run, from which file, against what, by whom.
public struct RunStarted: Sendable, Hashable, Codable {
    /// The run's identifier, also on every line of its journal.
    public var runId: String
    /// The runbook's title (its `runbook:`).
    public var title: String
    /// The runbook file's path, as given.
    public var file: String
    /// Hex SHA-256 of the runbook file's bytes.
    public var sha256: String
    /// `embedded` or the OCP base URL.
    public var target: String
    /// The operator's login name (`$USER`).
    public var user: String
    /// The OCP identity the run's credentials stand for, never a secret: `Basic (user admin)`,
    /// `AK/SK (key cqam…)`, `none`; nil for the embedded simulator (no credentials).
    public var identity: String?
    /// The version of runbook that ran it.
    public var toolVersion: String
    /// The variables after `--var` overrides, by name.
    public var variables: [String: JSONValue]
    /// The simulator's speed when the target is embedded.
    public var simulationSpeed: String?
    /// The date the run started (the wall clock's, embedded too: the run clock's dates start there).
    public var startedAt: OCPTimestamp
    /// Remarks such as "simulate: is ignored against a real OCP".
    public var notes: [String]

    /// The record of a run's start; see each property for its meaning.
    public init(
        runId: String, title: String, file: String, sha256: String, target: String, user: String, toolVersion: String,
        variables: [String: JSONValue], simulationSpeed: String?, startedAt: OCPTimestamp, notes: [String] = [],
        identity: String? = nil
    ) {
        self.identity = identity
        self.runId = runId
        self.title = title
        self.file = file
        self.sha256 = sha256
        self.target = target
        self.user = user
        self.toolVersion = toolVersion
        self.variables = variables
        self.simulationSpeed = simulationSpeed
        self.startedAt = startedAt
        self.notes = notes
    }
}

/// `runbook resume` took up an interrupted run, in the same journal.
public struct RunResumed: Sendable, Hashable, Codable {
    /// The run's identifier, as in its `run-started`.
    public var runId: String
    /// Wall-clock time the resume began.
    public var resumedAt: OCPTimestamp
    /// Who resumed it.
    public var user: String
    /// The OCP identity the resume's credentials stand for, as in `run-started`.
    public var identity: String?
    /// The version of runbook that resumed it.
    public var toolVersion: String
    /// `embedded` or the OCP base URL: the run's own.
    public var target: String
    /// How many records the journal held before this one.
    public var afterRecords: Int
    /// The runbook file's SHA-256 now; it differs from the run's only with `--force`.
    public var sha256: String
    /// `--force`: resumed although the file changed.
    public var forced: Bool
    /// Remarks: the file's change, the tasks re-attached, what was found of a call that was out.
    public var notes: [String]

    /// The record of a resume; see each property for its meaning.
    public init(
        runId: String, resumedAt: OCPTimestamp, user: String, toolVersion: String, target: String, afterRecords: Int,
        sha256: String, forced: Bool, notes: [String] = [], identity: String? = nil
    ) {
        self.identity = identity
        self.runId = runId
        self.resumedAt = resumedAt
        self.user = user
        self.toolVersion = toolVersion
        self.target = target
        self.afterRecords = afterRecords
        self.sha256 = sha256
        self.forced = forced
        self.notes = notes
    }
}

/// A step began.
public struct StepStarted: Sendable, Hashable, Codable {
    /// Where the step stands in the runbook (`steps[2]/standby=7[1]`).
    public var position: StepPosition
    /// The step's place in the runbook file.
    public var location: SourceLocation
    /// The phrase as written (`await task status: SUCCESS`), or the step's `name`.
    public var phrase: String
    /// When the step started, as a date on the run's clock (the simulator's when embedded).
    public var startedAt: OCPTimestamp
    /// Run time on the runbook's clock (simulated when embedded), in milliseconds.
    public var runTimeMs: Int64

    /// The record of a step's start; see each property for its meaning.
    public init(position: StepPosition, location: SourceLocation, phrase: String, startedAt: OCPTimestamp, runTimeMs: Int64) {
        self.position = position
        self.location = location
        self.phrase = phrase
        self.startedAt = startedAt
        self.runTimeMs = runTimeMs
    }
}

/// A step ended: how, how long it took, what it saw and which OCP calls it made.
public struct StepFinished: Sendable, Hashable, Codable {
    /// Where the step stands in the runbook, as in its `step-started`.
    public var position: StepPosition
    /// The step's place in the runbook file.
    public var location: SourceLocation
    /// The phrase as written, or the step's `name`, as in its `step-started`.
    public var phrase: String
    /// How the step ended.
    public var outcome: StepOutcome
    /// Why it failed, or what it noted.
    public var message: String?
    /// For a failed assertion: what was expected and what was found.
    public var expected: String?
    /// What the step found instead of ``expected`` (assertions and waits).
    public var found: String?
    /// Duration on the runbook's clock (simulated when embedded), in milliseconds.
    public var durationMs: Int64
    /// Wall-clock duration, in milliseconds.
    public var wallDurationMs: Int64
    /// What the step saw of OCP: its task, the clusters and tenants it read, a `confirm`'s answer.
    public var observed: Observation
    /// Every OCP call the step made, each attempt, in order.
    public var calls: [OCPCallRecord]
    /// A probe step's attempts (nil for other steps).
    public var probes: [ProbeAttempt]?
    /// The run was interrupted while this step ran (it failed for that, not for itself): a resumed
    /// run runs it again. Nil otherwise.
    public var interrupted: Bool?
    /// A resumed run's record of a step that ended in an earlier segment and was not run again
    /// (`resumed: passed before`): the earlier record is the step's; this one restores it. Nil
    /// otherwise.
    public var restored: Bool?

    /// The record of a step's end; see each property for its meaning (``interrupted`` and
    /// ``restored`` start nil).
    public init(
        position: StepPosition, location: SourceLocation, phrase: String, outcome: StepOutcome, message: String? = nil,
        expected: String? = nil, found: String? = nil, durationMs: Int64, wallDurationMs: Int64,
        observed: Observation = Observation(), calls: [OCPCallRecord] = [], probes: [ProbeAttempt]? = nil
    ) {
        self.probes = probes
        self.position = position
        self.location = location
        self.phrase = phrase
        self.outcome = outcome
        self.message = message
        self.expected = expected
        self.found = found
        self.durationMs = durationMs
        self.wallDurationMs = wallDurationMs
        self.observed = observed
        self.calls = calls
    }
}

/// What a step observed of OCP.
public struct Observation: Sendable, Hashable, Codable {
    /// The id of the task the step last read; nil when it read none, or a group of them (see
    /// ``tasks`` and ``tenantActions``).
    public var taskId: Int?
    /// That task's name.
    public var taskName: String?
    /// That task's status when the step last read it (`RUNNING`, `SUCCESSFUL`, `FAILED`).
    public var taskStatus: String?
    /// Subtask status changes seen while the step polled, in the order seen.
    public var subtaskTransitions: [SubtaskTransition]
    /// Cluster states read by the step.
    public var clusters: [ObservedCluster]
    /// A pre-check's messages.
    public var precheckMessages: [String]?
    /// OceanBase 4.x tenants read by the step (nil when it read none).
    public var tenants: [ObservedTenant]?
    /// For a tenant action: each task it started, with its pair, the lag OCP reported right before
    /// and the tenants' role and status read right after (nil for other steps).
    public var tenantActions: [TenantActionRecord]?
    /// Each task the step read, as last seen by it: OCP's own times of the task and of each
    /// subtask, and the subtasks' links (nil when the step read no task).
    public var tasks: [TaskSnapshot]?
    /// A `confirm` step's answer: how, by whom, when (nil for other steps).
    public var confirmation: Confirmation?

    /// An observation with these fields; by default, nothing observed.
    public init(
        taskId: Int? = nil, taskName: String? = nil, taskStatus: String? = nil,
        subtaskTransitions: [SubtaskTransition] = [], clusters: [ObservedCluster] = [], precheckMessages: [String]? = nil,
        tenants: [ObservedTenant]? = nil, tenantActions: [TenantActionRecord]? = nil, tasks: [TaskSnapshot]? = nil,
        confirmation: Confirmation? = nil
    ) {
        self.tasks = tasks
        self.confirmation = confirmation
        self.taskId = taskId
        self.taskName = taskName
        self.taskStatus = taskStatus
        self.subtaskTransitions = subtaskTransitions
        self.clusters = clusters
        self.precheckMessages = precheckMessages
        self.tenants = tenants
        self.tenantActions = tenantActions
    }

    /// True when the step observed nothing at all.
    public var isEmpty: Bool {
        taskId == nil && subtaskTransitions.isEmpty && clusters.isEmpty && precheckMessages == nil && tenants == nil
            && tenantActions == nil && tasks == nil && confirmation == nil
    }
}

/// An OceanBase 4.x tenant as a step read it.
public struct ObservedTenant: Sendable, Hashable, Codable {
    /// The tenant's OCP id.
    public var id: Int
    /// The tenant's name.
    public var name: String
    /// The OCP id of the cluster that hosts it.
    public var clusterId: Int
    /// Its role as OCP gave it: `PRIMARY`, `STANDBY`, ... (`UNKNOWN` when OCP left it out).
    public var role: String
    /// Its status: `NORMAL`, `SWITCHOVER`, `FAILOVER`, ... (`UNKNOWN` when OCP left it out).
    public var status: String
    /// Its replication status (`VALID`, `DISABLED`, ...); nil when OCP left it out.
    public var syncStatus: String?
    /// The tenant it follows (nil for a primary).
    public var primaryTenantId: Int?

    /// A tenant with these fields; see each property for its meaning.
    public init(
        id: Int, name: String, clusterId: Int, role: String, status: String, syncStatus: String? = nil,
        primaryTenantId: Int? = nil
    ) {
        self.id = id
        self.name = name
        self.clusterId = clusterId
        self.role = role
        self.status = status
        self.syncStatus = syncStatus
        self.primaryTenantId = primaryTenantId
    }

    /// The tenant as OCP answered it.
    public init(_ tenant: Tenant) {
        self.init(
            id: tenant.id, name: tenant.name, clusterId: tenant.clusterId, role: tenant.currentRole.rawValue,
            status: tenant.status?.rawValue ?? "UNKNOWN", syncStatus: tenant.syncStatus?.rawValue,
            primaryTenantId: tenant.basicPrimaryTenant?.tenantId)
    }
}

/// One tenant and its cluster, as a tenant action names them.
public struct TenantPlace: Sendable, Hashable, Codable {
    /// The tenant's OCP id.
    public var tenantId: Int
    /// The OCP id of its cluster; nil when OCP did not say.
    public var clusterId: Int?
    /// The tenant's name, when known.
    public var name: String?

    /// The tenant `tenantId` on cluster `clusterId`, with its `name` if known.
    public init(tenantId: Int, clusterId: Int?, name: String? = nil) {
        self.tenantId = tenantId
        self.clusterId = clusterId
        self.name = name
    }
}

/// The evidence of one tenant task a step started: which pair, how far behind OCP said the
/// standby was right before the call, and the tenants as read right after it.
public struct TenantActionRecord: Sendable, Hashable, Codable {
    /// `tenant failover` or `tenant switchover`.
    public var action: String
    /// The OCP task the action started.
    public var taskId: Int
    /// The standby the action promotes.
    public var standby: TenantPlace
    /// Its primary when the action was called (nil when OCP named none).
    public var primary: TenantPlace?
    /// The lag the pre-check right before the call reported, in milliseconds (nil: OCP reported none).
    public var lagMs: Int64?
    /// Where the lag figure comes from: `OBE26009` (the finding's text), `syncScn` (an SCN against
    /// the task's start) or `syncScn as milliseconds`.
    public var lagSource: String?
    /// The pre-check's `syncScn`, as OCP reported it.
    public var syncScn: Int?
    /// The pre-check's warnings (`OBE26107: ...`).
    public var warnings: [String]?
    /// The standby (and, for a switchover, the primary) as read right after the call.
    public var after: [ObservedTenant]

    /// The evidence of one tenant task; see each property for its meaning.
    public init(
        action: String, taskId: Int, standby: TenantPlace, primary: TenantPlace?, lagMs: Int64?, lagSource: String?,
        syncScn: Int?, warnings: [String]?, after: [ObservedTenant]
    ) {
        self.action = action
        self.taskId = taskId
        self.standby = standby
        self.primary = primary
        self.lagMs = lagMs
        self.lagSource = lagSource
        self.syncScn = syncScn
        self.warnings = warnings
        self.after = after
    }
}

/// A subtask's status change, as a poller saw it.
public struct SubtaskTransition: Sendable, Hashable, Codable {
    /// The subtask's name.
    public var subtask: String
    /// Its status before; nil the first time the poller saw it (already past `PENDING`).
    public var from: String?
    /// The status it was seen in.
    public var to: String
    /// Run time (runbook clock) when it was seen, in milliseconds.
    public var seenAtMs: Int64

    /// The change of `subtask` from `from` to `to`, seen at run time `seenAtMs`.
    public init(subtask: String, from: String?, to: String, seenAtMs: Int64) {
        self.subtask = subtask
        self.from = from
        self.to = to
        self.seenAtMs = seenAtMs
    }
}

/// A cluster as a step read it.
public struct ObservedCluster: Sendable, Hashable, Codable {
    /// The cluster's OCP id.
    public var id: Int
    /// The cluster's name.
    public var name: String
    /// Its role: `PRIMARY` or `STANDBY`.
    public var type: String
    /// Its status: `RUNNING`, `FAILOVER`, `SWITCHOVER`, ...
    public var status: String
    /// A standby's replication status (`VALID`, `DISABLED`, `SYNCHRONIZING`); nil when OCP left it out.
    public var syncStatus: String?

    /// A cluster with these fields; see each property for its meaning.
    public init(id: Int, name: String, type: String, status: String, syncStatus: String?) {
        self.id = id
        self.name = name
        self.type = type
        self.status = status
        self.syncStatus = syncStatus
    }

    /// The cluster as OCP answered it.
    public init(_ cluster: Cluster) {
        self.init(
            id: cluster.id, name: cluster.name, type: cluster.type.rawValue, status: cluster.status.rawValue,
            syncStatus: cluster.syncStatus?.rawValue)
    }
}

/// The measured recovery of one cluster action, or of one tenant task of a tenant action: from the
/// call to its task's end.
public struct Recovery: Sendable, Hashable, Codable {
    /// The step that called the action.
    public var position: StepPosition
    /// `failover` or `switchover` (clusters), `tenant failover` or `tenant switchover`.
    public var action: String
    /// The cluster acted on: the standby cluster, or the cluster of the standby tenant.
    public var clusterId: Int
    /// For a tenant task: the standby tenant it promotes.
    public var tenantId: Int?
    /// For a tenant task: the standby's primary when it was called, and that primary's cluster.
    public var primaryTenantId: Int?
    /// The OCP id of that primary's cluster (tenant tasks only).
    public var primaryClusterId: Int?
    /// For a tenant task: the standby's lag OCP reported right before the call, in milliseconds.
    public var lagMs: Int64?
    /// The OCP task that carries the action out.
    public var taskId: Int
    /// The task's final status, or nil when the run never saw it end.
    public var taskStatus: String?
    /// Run time (runbook clock) of the call, in milliseconds.
    public var calledAtMs: Int64
    /// Run time when the task was seen to end (nil: not seen).
    public var endedAtMs: Int64?
    /// The task's own duration from OCP's start and finish times, in milliseconds: the measured
    /// recovery time of an action that completed; nil otherwise (rolled back, failed, not seen to end).
    public var recoveryMs: Int64?
    /// The task's operation when last seen (`EXECUTE`, `RETRY`, `ROLLBACK`): a task that ends
    /// SUCCESSFUL in a `ROLLBACK` undid the action instead of completing it.
    public var operation: String?
    /// How the action ended.
    public var outcome: RecoveryOutcome

    /// A recovery with these fields; see each property for its meaning.
    public init(
        position: StepPosition, action: String, clusterId: Int, taskId: Int, taskStatus: String?, calledAtMs: Int64,
        endedAtMs: Int64?, recoveryMs: Int64?, operation: String? = nil, outcome: RecoveryOutcome = .unfinished,
        tenantId: Int? = nil, primaryTenantId: Int? = nil, primaryClusterId: Int? = nil, lagMs: Int64? = nil
    ) {
        self.position = position
        self.action = action
        self.clusterId = clusterId
        self.tenantId = tenantId
        self.primaryTenantId = primaryTenantId
        self.primaryClusterId = primaryClusterId
        self.lagMs = lagMs
        self.taskId = taskId
        self.taskStatus = taskStatus
        self.calledAtMs = calledAtMs
        self.endedAtMs = endedAtMs
        self.recoveryMs = recoveryMs
        self.operation = operation
        self.outcome = outcome
    }

    /// True when the task was last seen rolling the action back (or done rolling it back).
    public var isRolledBack: Bool { operation == "ROLLBACK" }
}

/// How a cluster or tenant action ended, as the run last saw its task.
public enum RecoveryOutcome: String, Sendable, Hashable, Codable {
    /// The task ended SUCCESSFUL doing the action: the recovery happened, and was measured.
    case completed
    /// The task was rolled back: the action was undone, there is no recovery.
    case rolledBack = "rolled-back"
    /// The task ended FAILED.
    case failed
    /// The run never saw the task end.
    case unfinished
}

/// Step counts by outcome.
public struct StepCounts: Sendable, Hashable, Codable {
    /// Steps that passed.
    public var passed = 0
    /// Steps that failed.
    public var failed = 0
    /// Steps that did not run.
    public var skipped = 0
    /// Steps that failed under `continue on failure`.
    public var continued = 0

    /// Counts with these numbers; zero by default.
    public init(passed: Int = 0, failed: Int = 0, skipped: Int = 0, continued: Int = 0) {
        self.passed = passed
        self.failed = failed
        self.skipped = skipped
        self.continued = continued
    }

    /// Counts one more step that ended with `outcome`.
    public mutating func add(_ outcome: StepOutcome) {
        switch outcome {
        case .passed: passed += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        case .continued: continued += 1
        }
    }

    /// Every step counted, whatever its outcome.
    public var total: Int { passed + failed + skipped + continued }
}

/// The run's end.
public struct RunFinished: Sendable, Hashable, Codable {
    /// How the run ended; the exit status follows from it.
    public var outcome: RunOutcome
    /// Why the run did not pass, in one sentence.
    public var reason: String?
    /// The steps, counted by outcome.
    public var counts: StepCounts
    /// Total on the runbook's clock (simulated when embedded), in milliseconds.
    public var durationMs: Int64
    /// Wall-clock duration of the run, in milliseconds.
    public var wallDurationMs: Int64
    /// When the run ended, as a date on the run's clock (the simulator's when embedded).
    public var finishedAt: OCPTimestamp
    /// Each cluster action's, and each tenant task's, measured recovery.
    public var recoveries: [Recovery]
    /// The measured recovery time and data loss, downtime, and each objective's verdict (nil when
    /// the run had neither objectives, markers, watches nor actions to measure).
    public var evidence: Evidence?

    /// The record of the run's end; see each property for its meaning.
    public init(
        outcome: RunOutcome, reason: String?, counts: StepCounts, durationMs: Int64, wallDurationMs: Int64,
        finishedAt: OCPTimestamp, recoveries: [Recovery], evidence: Evidence? = nil
    ) {
        self.evidence = evidence
        self.outcome = outcome
        self.reason = reason
        self.counts = counts
        self.durationMs = durationMs
        self.wallDurationMs = wallDurationMs
        self.finishedAt = finishedAt
        self.recoveries = recoveries
    }
}

// MARK: - Coding

extension StepLogRecord: Codable {
    private enum Kind: String, Codable {
        case runStarted = "run-started"
        case stepStarted = "step-started"
        case stepFinished = "step-finished"
        case watchChanged = "watch-changed"
        case runResumed = "run-resumed"
        case runFinished = "run-finished"
    }

    private enum Keys: String, CodingKey { case record }

    /// The `record` name of this record's kind: `run-started`, `step-finished`, ...
    public var kindName: String {
        switch self {
        case .runStarted: Kind.runStarted.rawValue
        case .stepStarted: Kind.stepStarted.rawValue
        case .stepFinished: Kind.stepFinished.rawValue
        case .watchChanged: Kind.watchChanged.rawValue
        case .runResumed: Kind.runResumed.rawValue
        case .runFinished: Kind.runFinished.rawValue
        }
    }

    /// Reads the record of the kind its `record` field names; throws a `DecodingError` for a kind
    /// this version does not know, or a field missing or of the wrong type.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        switch try c.decode(Kind.self, forKey: .record) {
        case .runStarted: self = .runStarted(try RunStarted(from: decoder))
        case .stepStarted: self = .stepStarted(try StepStarted(from: decoder))
        case .stepFinished: self = .stepFinished(try StepFinished(from: decoder))
        case .watchChanged: self = .watchChanged(try WatchChanged(from: decoder))
        case .runResumed: self = .runResumed(try RunResumed(from: decoder))
        case .runFinished: self = .runFinished(try RunFinished(from: decoder))
        }
    }

    /// Writes the record's fields, with `record` naming its kind.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        switch self {
        case .runStarted(let r):
            try c.encode(Kind.runStarted, forKey: .record)
            try r.encode(to: encoder)
        case .stepStarted(let r):
            try c.encode(Kind.stepStarted, forKey: .record)
            try r.encode(to: encoder)
        case .stepFinished(let r):
            try c.encode(Kind.stepFinished, forKey: .record)
            try r.encode(to: encoder)
        case .watchChanged(let r):
            try c.encode(Kind.watchChanged, forKey: .record)
            try r.encode(to: encoder)
        case .runResumed(let r):
            try c.encode(Kind.runResumed, forKey: .record)
            try r.encode(to: encoder)
        case .runFinished(let r):
            try c.encode(Kind.runFinished, forKey: .record)
            try r.encode(to: encoder)
        }
    }
}

extension SourceLocation: Codable {
    private enum Keys: String, CodingKey { case file, line, column }

    /// Reads `{file, line, column}`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(
            file: try c.decode(String.self, forKey: .file), line: try c.decode(Int.self, forKey: .line),
            column: try c.decode(Int.self, forKey: .column))
    }

    /// Writes `{file, line, column}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(file, forKey: .file)
        try c.encode(line, forKey: .line)
        try c.encode(column, forKey: .column)
    }
}
