import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import Synchronization

/// The variables, task names and current task visible at a point of a run.
///
/// A loop body starts with a copy of the enclosing scope; what it binds stays inside it, as the
/// checker's scoping rules say.
struct Scope: Sendable {
    /// Variables and loop variables.
    var values: [String: ExprValue] = [:]
    /// `as` names and the ids of the tasks they name (a group's first task, for `${NAME.field}`).
    var taskNames: [String: Int] = [:]
    /// The current task's id (a group's first task).
    var current: Int?
    /// `as` names of the task groups batch tenant phrases started.
    var groupNames: [String: TaskGroup] = [:]
    /// The current group, when the most recent task-starting step started one.
    var currentGroup: TaskGroup?

    /// Makes a single task current.
    mutating func makeCurrent(_ taskId: Int, named name: String?) {
        current = taskId
        currentGroup = nil
        if let name {
            taskNames[name] = taskId
            groupNames[name] = nil
        }
    }

    /// Makes a group current.
    mutating func makeCurrent(_ group: TaskGroup, named name: String?) {
        current = group.members.first?.taskId
        currentGroup = group
        if let name {
            taskNames[name] = current
            groupNames[name] = group
        }
    }
}

/// The tasks one batch tenant phrase started, one per tenant: waits and assertions on it apply to
/// every task, and name the tenant of a task that fails.
struct TaskGroup: Sendable, Hashable {
    struct Member: Sendable, Hashable {
        var taskId: Int
        /// The standby the task promotes.
        var tenantId: Int?
    }

    var members: [Member]

    /// `task 171604 (tenant 2000032)`.
    static func label(_ member: Member) -> String {
        "task \(member.taskId)" + (member.tenantId.map { " (tenant \($0))" } ?? "")
    }
}

/// Where the run has seen each tenant: a tenant never moves to another cluster, so a tenant phrase
/// finds its tenant's cluster once per run. The first phrase that needs an unknown tenant lists
/// OCP's tenants; phrases that need one while that listing is out wait for it instead of listing
/// again (a thousand parallel items make one listing).
final class TenantDirectory: Sendable {
    private struct State {
        var clusters: [Int: Int] = [:]
        var loading: Task<OCPError?, Never>?
    }

    private let state = Mutex(State())

    /// The cluster where the run saw tenant `id`.
    func cluster(of id: Int) -> Int? { state.withLock { $0.clusters[id] } }

    /// Remembers where these tenants are.
    func learn(_ tenants: [Tenant]) {
        state.withLock { s in for t in tenants { s.clusters[t.id] = t.clusterId } }
    }

    /// Remembers one tenant's cluster.
    func learn(_ id: Int, cluster: Int) { state.withLock { $0.clusters[id] = cluster } }

    /// The cluster of tenant `id`: known, or found by `load` (the listing; one at a time). Nil when
    /// the listing does not have it.
    func locate(_ id: Int, load: @escaping @Sendable () async throws(OCPError) -> [Tenant]) async throws(OCPError) -> Int? {
        if let known = cluster(of: id) { return known }
        let task: Task<OCPError?, Never> = state.withLock { s in
            if let running = s.loading { return running }
            let started = Task { [self] () async -> OCPError? in
                do throws(OCPError) {
                    learn(try await load())
                    return nil
                } catch {
                    return error
                }
            }
            s.loading = started
            return started
        }
        let error = await task.value
        state.withLock { s in if s.loading == task { s.loading = nil } }
        if let error { throw error }
        return cluster(of: id)
    }
}

/// What a whole run shares across steps and parallel items: counts, the measured recoveries,
/// the latest state seen of each task, and whether the run was interrupted.
final class RunState: Sendable {
    private struct Storage {
        var counts = StepCounts()
        var recoveries: [Recovery] = []
        var recoveryIndex: [Int: Int] = [:]
        var tasks: [Int: TaskInstance] = [:]
        var interrupted = false
        var targetFailure: String?
    }

    private let storage = Mutex(Storage())
    /// Where the run has seen each tenant.
    let tenants = TenantDirectory()

    var counts: StepCounts { storage.withLock { $0.counts } }
    var recoveries: [Recovery] { storage.withLock { $0.recoveries } }
    var isInterrupted: Bool { storage.withLock { $0.interrupted } }
    var targetFailure: String? { storage.withLock { $0.targetFailure } }

    func count(_ outcome: StepOutcome) { storage.withLock { $0.counts.add(outcome) } }

    func markInterrupted() { storage.withLock { $0.interrupted = true } }

    func recordTargetFailure(_ message: String) {
        storage.withLock { if $0.targetFailure == nil { $0.targetFailure = message } }
    }

    /// The latest state seen of task `id`.
    func task(_ id: Int) -> TaskInstance? { storage.withLock { $0.tasks[id] } }

    /// A cluster action started task `taskId`: its recovery is measured from now.
    func registerRecovery(_ recovery: Recovery) {
        storage.withLock { s in
            s.recoveryIndex[recovery.taskId] = s.recoveries.count
            s.recoveries.append(recovery)
        }
    }

    /// Keeps the latest state of a task, and closes its recovery when it has ended (a retry that
    /// sets it running again reopens it).
    func observe(_ task: TaskInstance, runTimeMs: Int64) {
        storage.withLock { s in
            var merged = task
            if merged.subtasks == nil { merged.subtasks = s.tasks[task.id]?.subtasks }
            s.tasks[task.id] = merged
            guard let index = s.recoveryIndex[task.id] else { return }
            if let operation = task.operation { s.recoveries[index].operation = operation.rawValue }
            if task.status.isTerminal {
                if s.recoveries[index].taskStatus != task.status.rawValue || s.recoveries[index].endedAtMs == nil {
                    s.recoveries[index].taskStatus = task.status.rawValue
                    s.recoveries[index].endedAtMs = runTimeMs
                }
                let rolledBack = s.recoveries[index].isRolledBack
                s.recoveries[index].outcome =
                    task.status == .failed ? .failed : rolledBack ? .rolledBack : .completed
                // Only a completed action has a recovery time.
                if s.recoveries[index].outcome != .completed {
                    s.recoveries[index].recoveryMs = nil
                } else if let start = task.startTime, let finish = task.finishTime {
                    s.recoveries[index].recoveryMs = start.duration(to: finish).milliseconds
                } else {
                    s.recoveries[index].recoveryMs = runTimeMs - s.recoveries[index].calledAtMs
                }
            } else {
                s.recoveries[index].taskStatus = task.status.rawValue
                s.recoveries[index].endedAtMs = nil
                s.recoveries[index].recoveryMs = nil
                s.recoveries[index].outcome = .unfinished
            }
        }
    }
}

/// What one step saw while it ran. The step's task (and the tasks it spawns: its deadline's
/// watch, a loop's items) write to it, so it is guarded by a lock.
final class StepTrace: Sendable {
    let position: StepPosition
    let phrase: String

    private struct State {
        var observed = Observation()
        var message: String?
        var lastStatus: [Int: String] = [:]
        var probes: [ProbeAttempt]?
    }

    private let state = Mutex(State())

    init(position: StepPosition, phrase: String) {
        self.position = position
        self.phrase = phrase
    }

    /// What the step observed of OCP.
    var observed: Observation {
        get { state.withLock { $0.observed } }
        set { state.withLock { $0.observed = newValue } }
    }

    /// A probe step's attempts (nil for other steps).
    var probes: [ProbeAttempt]? { state.withLock { $0.probes } }

    func addProbe(_ attempt: ProbeAttempt) {
        state.withLock { $0.probes = ($0.probes ?? []) + [attempt] }
    }

    /// A message for a step that passed (a note's text, what a wait saw).
    var message: String? {
        get { state.withLock { $0.message } }
        set { state.withLock { $0.message = newValue } }
    }

    /// Records the task's status and the subtask changes since the last look.
    func observe(_ task: TaskInstance, runTimeMs: Int64) {
        state.withLock { s in
            s.observed.taskId = task.id
            s.observed.taskName = task.name
            s.observed.taskStatus = task.status.rawValue
            // The task as last seen, with OCP's times and links, for reports.
            var tasks = s.observed.tasks ?? []
            if let i = tasks.firstIndex(where: { $0.id == task.id }) {
                tasks[i] = TaskSnapshot(task, previous: tasks[i])
            } else {
                tasks.append(TaskSnapshot(task))
            }
            s.observed.tasks = tasks
            for subtask in task.subtasksInExecutionOrder {
                let status = subtask.status.rawValue
                let before = s.lastStatus[subtask.id]
                if before != status {
                    // The first look is a baseline: it records only subtasks that have left PENDING.
                    if before != nil || subtask.status != .pending {
                        s.observed.subtaskTransitions.append(
                            SubtaskTransition(subtask: subtask.name, from: before, to: status, seenAtMs: runTimeMs))
                    }
                    s.lastStatus[subtask.id] = status
                }
            }
        }
    }

    /// Records how a `confirm` was answered.
    func record(_ confirmation: Confirmation) {
        state.withLock { $0.observed.confirmation = confirmation }
    }

    /// Records a tenant the step read (the latest read of each).
    func observe(_ tenant: Tenant) {
        let observed = ObservedTenant(tenant)
        state.withLock { s in
            var list = s.observed.tenants ?? []
            if let i = list.firstIndex(where: { $0.id == tenant.id }) { list[i] = observed } else { list.append(observed) }
            s.observed.tenants = list
        }
    }

    /// Records the evidence of a tenant task the step started.
    func record(_ action: TenantActionRecord) {
        state.withLock { s in s.observed.tenantActions = (s.observed.tenantActions ?? []) + [action] }
    }

    func observe(_ cluster: Cluster) {
        let observedCluster = ObservedCluster(cluster)
        state.withLock { s in
            if let i = s.observed.clusters.firstIndex(where: { $0.id == cluster.id }) {
                s.observed.clusters[i] = observedCluster
            } else {
                s.observed.clusters.append(observedCluster)
            }
        }
    }
}

/// Why a step failed: words for a person, and for assertions what was expected and found.
struct StepFailure: Error {
    var message: String
    var expected: String?
    var found: String?
    /// The target could not be reached or refused the credentials (the run ends with exit 3).
    var targetFailure = false
    /// The run was interrupted while this step ran.
    var isInterruption = false
    /// The OCP call failed in a way that may pass (rate limit, server error, no answer, an
    /// unreadable answer).
    var passingStatus = false
    /// The target could not be reached (refused connection, DNS, TLS): a poll tries again, for
    /// at most the run's ``PollSchedule/unreachableLimit``.
    var unreachable = false

    init(_ message: String, expected: String? = nil, found: String? = nil) {
        self.message = message
        self.expected = expected
        self.found = found
    }

    init(_ error: OCPError) {
        self.init(error.description)
        targetFailure = error.isTargetFailure
        isInterruption = error.kind == .cancelled
        unreachable = error.kind == .unreachable
        passingStatus =
            error.kind == .timeout || error.kind == .invalidResponse || error.httpStatus == 429
            || (500...599).contains(error.httpStatus ?? 0)
        if isInterruption { message = "interrupted" }
    }

    static let interrupted: StepFailure = {
        var f = StepFailure("interrupted")
        f.isInterruption = true
        return f
    }()
}
