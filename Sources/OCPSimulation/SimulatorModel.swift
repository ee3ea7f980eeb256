import OCPModel
import RunbookSupport

/// Why the simulator refuses a call: the HTTP status, OCP's code and a message.
struct SimulatorRefusal: Error, Sendable, Hashable {
    var status: Int
    var code: String
    var message: String

    static func taskNotFound(_ id: Int) -> SimulatorRefusal {
        SimulatorRefusal(status: 404, code: OCPErrorCode.taskNotFound, message: "The \(id) task does not exist.")
    }

    static func clusterNotFound(_ id: Int) -> SimulatorRefusal {
        SimulatorRefusal(status: 404, code: OCPErrorCode.clusterNotFound, message: "The cluster \(id) does not exist.")
    }
}

/// The simulated OCP: clusters, tasks and the task engine, as a function of simulated time.
///
/// A discrete-event engine evaluated lazily: ``advance(to:)`` processes, in time order, every event
/// due by then (subtask starts and completions, timeouts, cancellations, rollback steps) and their
/// cluster effects; the operations then read or change the state at that time. Work per call is
/// proportional to the events due and the tasks touched, never to all tasks.
struct SimulatorModel: Sendable {
    enum EventKind: Sendable, Hashable {
        /// A READY subtask starts RUNNING.
        case start
        /// A run ends.
        case finish(Outcome)
        /// A CANCELING subtask ends FAILED.
        case canceled
        /// A rollback step ends: the subtask is back to PENDING.
        case undone
    }

    enum Outcome: Sendable, Hashable {
        case success
        case failure(String)
        case timeout
    }

    struct Event: Sendable, Hashable {
        var taskId: Int
        var index: Int
        var generation: Int
        var kind: EventKind
    }

    /// An API fault and how many more calls it fails.
    struct APIFaultState: Sendable, Hashable {
        var fault: APIFault
        var endpoint: OCPEndpoint?
        var remaining: Int
    }

    let options: SimulatorOptions
    /// Simulated time since the start.
    private(set) var now: Duration = .zero
    private(set) var clusters: [Int: ClusterState] = [:]
    /// Cluster ids, ascending.
    private(set) var clusterIds: [Int] = []
    private(set) var tasks: [Int: TaskState] = [:]
    /// Task ids in creation order (ascending).
    private(set) var taskIds: [Int] = []
    /// Which task holds the lock of a cluster.
    private(set) var locks: [Int: Int] = [:]
    /// Which RUNNING task works on a cluster.
    private(set) var activeTasks: [Int: Int] = [:]
    /// OceanBase 4.x tenants, by OCP tenant id.
    var tenants: [Int: TenantState] = [:]
    /// Tenant ids by name, ascending: a service of a tenant name is served by one of them.
    private(set) var tenantsByName: [String: [Int]] = [:]
    /// The services probes may look at (`simulate: services`).
    let services: [ServiceSpec]
    /// Which tenant serves each name, and since when.
    var serving = ServingState()
    /// Tenant ids, ascending.
    private(set) var tenantIds: [Int] = []
    /// The tenants of each cluster, ascending.
    private(set) var clusterTenantIds: [Int: [Int]] = [:]
    /// Which tenant task holds a tenant: from its creation until it ends SUCCESSFUL (a FAILED task
    /// keeps its hold until retried to success or rolled back).
    private(set) var tenantHolds: [Int: Int] = [:]
    private var queue = EventQueue<Event>()
    private let subtaskFaults: [SubtaskFault]
    private(set) var apiFaults: [APIFaultState]
    private var nextTaskId: Int
    private var nextSubtaskId: Int
    private var random: SplitMix64

    init(setup: SimulationSetup, options: SimulatorOptions) {
        self.options = options
        nextTaskId = options.firstTaskId
        nextSubtaskId = options.firstSubtaskId
        random = SplitMix64(seed: options.seed)
        var subtaskFaults: [SubtaskFault] = []
        var apiFaults: [APIFaultState] = []
        for fault in setup.faults {
            switch fault {
            case .subtask(let f): subtaskFaults.append(f)
            case .api(let f):
                apiFaults.append(APIFaultState(fault: f, endpoint: OCPEndpoint(signature: f.endpoint), remaining: f.times))
            }
        }
        self.subtaskFaults = subtaskFaults
        self.apiFaults = apiFaults
        services = setup.services
        buildTopology(setup.clusters ?? SimulationSetup.defaultClusters)
        buildTenants(setup.effectiveTenants)
        for id in tenants.keys.sorted() { if let name = tenants[id]?.name { tenantsByName[name, default: []].append(id) } }
        startServing()
    }

    /// Adds the tenants whose cluster exists (ids not already taken), then links each standby to
    /// its primary (the primary lists its standbys in the order written).
    private mutating func buildTenants(_ specs: [TenantSpec]) {
        let created = Duration.seconds(-30 * 86_400)
        var obTenantId = options.firstObTenantId
        for spec in specs where tenants[spec.id] == nil && clusters[spec.cluster] != nil {
            let role = TenantRole(rawValue: spec.role.uppercased())
            tenants[spec.id] = TenantState(
                id: spec.id, name: spec.name, obTenantId: obTenantId, clusterId: spec.cluster,
                roles: TenantRoles(
                    role: role, sqlRole: role, primaryId: nil, standbyIds: [], restoreSourceId: nil,
                    lag: role == .standby ? spec.lag : .zero, serviceName: spec.serviceName),
                baseStatus: .normal, syncStatus: TenantSyncStatus(rawValue: spec.syncStatus.uppercased()), mark: nil,
                reachable: spec.reachable, mode: "MYSQL", createTime: created)
            obTenantId += 2
            tenantIds.append(spec.id)
            clusterTenantIds[spec.cluster, default: []].append(spec.id)
        }
        tenantIds.sort()
        for key in clusterTenantIds.keys { clusterTenantIds[key]?.sort() }
        for spec in specs {
            guard let primary = spec.primary, primary != spec.id, tenants[primary] != nil,
                tenants[spec.id]?.roles.primaryId == nil, tenants[spec.id]?.roles.role == .standby
            else { continue }
            tenants[spec.id]?.roles.primaryId = primary
            tenants[spec.id]?.roles.restoreSourceId = primary
            tenants[primary]?.roles.standbyIds.append(spec.id)
        }
    }

    private mutating func buildTopology(_ specs: [ClusterSpec]) {
        let created = Duration.seconds(-90 * 86_400)
        for spec in specs where clusters[spec.id] == nil {
            let type = ClusterType(rawValue: spec.type.uppercased())
            clusters[spec.id] = ClusterState(
                id: spec.id, name: spec.name, obClusterId: 100_000 + spec.id, obVersion: spec.obVersion ?? "4.2.1.0",
                obproxy: spec.obproxy,
                roles: ClusterRoles(
                    type: type, primaryId: nil, standbyIds: [], syncStatus: SyncStatus(rawValue: spec.syncStatus.uppercased()),
                    delayTime: spec.delayTime),
                baseStatus: ClusterStatus(rawValue: spec.status.uppercased()), mark: nil, createTime: created,
                updateTime: created)
            clusterIds.append(spec.id)
        }
        clusterIds.sort()
        // Links: a standby names its primary; the primary lists its standbys in the order written.
        for spec in specs {
            guard let primary = spec.primary, primary != spec.id, clusters[primary] != nil,
                clusters[spec.id]?.roles.primaryId == nil
            else { continue }
            clusters[spec.id]?.roles.primaryId = primary
            clusters[primary]?.roles.standbyIds.append(spec.id)
        }
    }

    // MARK: - Time

    /// Processes every event due at or before `time`, in time order, and moves `now` there.
    mutating func advance(to time: Duration) {
        while let (at, event) = queue.pop(notAfter: time) {
            if at > now { now = at }
            process(event)
        }
        if time > now { now = time }
    }

    /// The number of events waiting.
    var pendingEvents: Int { queue.count }

    /// When the next event is due.
    /// When the next scheduled event is due, or a service's reroute delay ends.
    var nextEventTime: Duration? {
        let services = nextServiceChange
        guard let tasks = queue.nextTime else { return services }
        return services.map { min($0, tasks) } ?? tasks
    }

    func timestamp(_ offset: Duration) -> OCPTimestamp {
        options.epoch.adding(offset)
    }

    mutating func nextTraceId() -> String {
        random.traceId()
    }

    private mutating func schedule(_ kind: EventKind, task taskId: Int, index: Int, after delay: Duration) {
        guard let generation = tasks[taskId]?.subtasks[index].generation else { return }
        tasks[taskId]?.subtasks[index].generation = generation + 1
        queue.push(Event(taskId: taskId, index: index, generation: generation + 1, kind: kind), at: now + delay)
    }

    /// Makes pending events of a subtask stale.
    private mutating func invalidateEvents(task taskId: Int, index: Int) {
        tasks[taskId]?.subtasks[index].generation += 1
    }

    private mutating func process(_ event: Event) {
        guard let task = tasks[event.taskId], event.index < task.subtasks.count,
            task.subtasks[event.index].generation == event.generation
        else { return }
        switch event.kind {
        case .start: startRun(task: event.taskId, index: event.index)
        case .finish(let outcome): finishRun(task: event.taskId, index: event.index, outcome: outcome)
        case .canceled: endCancel(task: event.taskId, index: event.index)
        case .undone: endUndo(task: event.taskId, index: event.index)
        }
    }

    // MARK: - Subtask lifecycle

    private mutating func log(_ taskId: Int, _ index: Int, _ level: String, _ text: String) {
        let line = "\(timestamp(now)) \(level) \(text)"
        tasks[taskId]?.subtasks[index].log.append(line)
    }

    /// The faults that apply to a subtask of a task: by name, and the task's cluster (a tenant task's
    /// clusters are its tenants') and tenant.
    private func faults(for task: TaskState, subtask name: String) -> [SubtaskFault] {
        subtaskFaults.filter { fault in
            guard fault.subtask == name else { return false }
            let held = task.heldTenants
            if let tenant = fault.tenant, !held.contains(tenant) { return false }
            guard let cluster = fault.cluster else { return true }
            return cluster == task.clusterId || held.contains { tenants[$0]?.clusterId == cluster }
        }
    }

    /// READY -> RUNNING; decides how this run ends and when.
    private mutating func startRun(task taskId: Int, index: Int) {
        guard let task = tasks[taskId], task.subtasks[index].status == .ready else { return }
        let subtask = task.subtasks[index]
        tasks[taskId]?.subtasks[index].status = .running
        tasks[taskId]?.subtasks[index].startTime = now
        tasks[taskId]?.subtasks[index].finishTime = nil
        let run = subtask.runTime
        log(taskId, index, "INFO", "\(subtask.name): run \(run) started on \(options.executor)")

        let faults = faults(for: task, subtask: subtask.name)
        var duration = options.timings.duration(of: subtask.name)
        if let takes = faults.last(where: { $0.takes != nil })?.takes { duration = takes }
        var outcome = Outcome.success
        if faults.contains(where: { $0.hang && run <= max($0.fail, 1) }) {
            outcome = .timeout
        } else if let failing = faults.first(where: { !$0.hang && run <= $0.fail }) {
            outcome = .failure(failing.message ?? "injected failure of run \(run) (the first \(failing.fail) fail)")
        }
        let timeout = Duration.seconds(subtask.definition.timeout)
        if outcome == .timeout || duration >= timeout {
            schedule(.finish(.timeout), task: taskId, index: index, after: timeout)
        } else {
            schedule(.finish(outcome), task: taskId, index: index, after: duration)
        }
    }

    /// RUNNING -> SUCCESSFUL or FAILED.
    private mutating func finishRun(task taskId: Int, index: Int, outcome: Outcome) {
        guard let task = tasks[taskId], task.subtasks[index].status == .running else { return }
        let subtask = task.subtasks[index]
        switch outcome {
        case .success:
            if let reason = blockingReason(task: task, effect: subtask.effect) {
                fail(task: taskId, index: index, reason)
            } else {
                applyEffect(task: taskId, index: index)
                tasks[taskId]?.subtasks[index].status = .successful
                tasks[taskId]?.subtasks[index].finishTime = now
                log(taskId, index, "INFO", "\(subtask.name): run \(subtask.runTime) SUCCESSFUL")
                readyDownstreams(task: taskId, of: index)
            }
        case .failure(let message):
            fail(task: taskId, index: index, message)
        case .timeout:
            fail(
                task: taskId, index: index,
                "\(OCPErrorCode.subtaskTimeout): subtask \(subtask.name) exceeded its timeout of "
                    + "\(subtask.definition.timeout) s and was stopped")
        }
        updateTaskStatus(taskId)
    }

    private mutating func fail(task taskId: Int, index: Int, _ message: String) {
        guard let subtask = tasks[taskId]?.subtasks[index] else { return }
        tasks[taskId]?.subtasks[index].status = .failed
        tasks[taskId]?.subtasks[index].finishTime = now
        log(taskId, index, "ERROR", message)
        log(taskId, index, "INFO", "\(subtask.name): run \(subtask.runTime) FAILED")
    }

    /// PENDING downstreams whose upstreams are all SUCCESSFUL become READY and are dispatched.
    private mutating func readyDownstreams(task taskId: Int, of index: Int) {
        guard let task = tasks[taskId] else { return }
        for d in task.subtasks[index].downstreams where task.subtasks[d].status == .pending {
            let ready = task.subtasks[d].upstreams.allSatisfy { tasks[taskId]?.subtasks[$0].status == .successful }
            if ready { makeReady(task: taskId, index: d) }
        }
    }

    private mutating func makeReady(task taskId: Int, index: Int) {
        tasks[taskId]?.subtasks[index].status = .ready
        schedule(.start, task: taskId, index: index, after: options.timings.dispatchDelay)
    }

    /// CANCELING -> FAILED.
    private mutating func endCancel(task taskId: Int, index: Int) {
        guard let subtask = tasks[taskId]?.subtasks[index], subtask.status == .canceling else { return }
        if tasks[taskId]?.operation == .rollback { tasks[taskId]?.rollbackInterrupted = true }
        fail(task: taskId, index: index, "\(OCPErrorCode.subtaskCanceled): subtask \(subtask.name) was canceled")
        updateTaskStatus(taskId)
    }

    /// A rollback step ends: effects undone, the subtask back to PENDING.
    private mutating func endUndo(task taskId: Int, index: Int) {
        guard let subtask = tasks[taskId]?.subtasks[index], subtask.status == .running,
            subtask.operation == .rollback
        else { return }
        undoEffect(task: taskId, index: index)
        tasks[taskId]?.subtasks[index].status = .pending
        tasks[taskId]?.subtasks[index].finishTime = now
        log(taskId, index, "INFO", "\(subtask.name): rolled back")
        updateTaskStatus(taskId)
    }

    /// Starts undoing `index` (rollback).
    private mutating func startUndo(task taskId: Int, index: Int) {
        guard let subtask = tasks[taskId]?.subtasks[index] else { return }
        tasks[taskId]?.subtasks[index].status = .running
        tasks[taskId]?.subtasks[index].operation = .rollback
        tasks[taskId]?.subtasks[index].startTime = now
        tasks[taskId]?.subtasks[index].finishTime = nil
        log(taskId, index, "INFO", "\(subtask.name): rolling back")
        schedule(.undone, task: taskId, index: index, after: options.timings.undoDuration)
    }

    /// The next subtask a rollback undoes: one that ran, none of whose downstreams still needs undoing
    /// (reverse dependency order), the latest first.
    private func nextUndo(_ task: TaskState) -> Int? {
        task.subtasks.indices.reversed().first { i in
            task.subtasks[i].status != .pending
                && task.subtasks[i].downstreams.allSatisfy { task.subtasks[$0].status == .pending }
        }
    }

    // MARK: - Task status

    /// Applies the task status rules after a subtask changed (reference section 4).
    mutating func updateTaskStatus(_ taskId: Int) {
        guard let task = tasks[taskId], task.status == .running else { return }
        let busy = task.subtasks.contains { $0.status == .running || $0.status == .ready || $0.status == .canceling }
        if busy { return }
        let anyFailed = task.subtasks.contains { $0.status == .failed }
        if task.operation == .rollback {
            if task.rollbackInterrupted {
                end(taskId, .failed)
            } else if let next = nextUndo(task) {
                startUndo(task: taskId, index: next)
            } else {
                end(taskId, .successful)
            }
        } else if anyFailed {
            end(taskId, .failed)
        } else if task.subtasks.allSatisfy({ $0.status == .successful }) {
            end(taskId, .successful)
        }
    }

    /// The task ends: its locks are released and its clusters show their own status again.
    private mutating func end(_ taskId: Int, _ status: TaskStatus) {
        guard let task = tasks[taskId] else { return }
        tasks[taskId]?.status = status
        tasks[taskId]?.finishTime = now
        for c in task.involved {
            if locks[c] == taskId { locks[c] = nil }
            if activeTasks[c] == taskId { activeTasks[c] = nil }
            if clusters[c]?.mark?.taskId == taskId {
                clusters[c]?.mark = nil
                clusters[c]?.updateTime = now
            }
        }
        // A tenant task lets go of its tenants only when it has done its work or undone it: a
        // FAILED one keeps them (reference choice 3).
        if status == .successful {
            for t in task.heldTenants {
                if tenantHolds[t] == taskId { tenantHolds[t] = nil }
                if tenants[t]?.mark?.taskId == taskId { tenants[t]?.mark = nil }
            }
        }
    }

    /// Why another tenant task's hold on one of `held` refuses this one (409 OBE11020), if it does.
    func tenantConflict(over held: [Int], except taskId: Int?) -> SimulatorRefusal? {
        for t in held {
            if let holder = tenantHolds[t], holder != taskId {
                let status = tasks[holder]?.status ?? .running
                return SimulatorRefusal(
                    status: 409, code: OCPErrorCode.clusterTaskInProgress,
                    message: "The tenant \(tenantLabel(t)) is held by task \(holder) (\(tasks[holder]?.name ?? "?"), "
                        + "\(status)): \(status == .failed ? "retry it or roll it back first" : "wait for it to end").")
            }
        }
        return nil
    }

    /// `2000025 (orders)`.
    func tenantLabel(_ id: Int) -> String {
        tenants[id].map { "\($0.id) (\($0.name))" } ?? String(id)
    }

    /// Why another task's use of `involved` refuses this one (409), if it does.
    func conflict(over involved: [Int], except taskId: Int?) -> SimulatorRefusal? {
        for c in involved {
            if let holder = locks[c], holder != taskId {
                return SimulatorRefusal(
                    status: 409, code: OCPErrorCode.clusterLocked,
                    message: "The cluster \(clusterLabel(c)) is locked by task \(holder) (\(tasks[holder]?.name ?? "?")).")
            }
        }
        for c in involved {
            if let other = activeTasks[c], other != taskId {
                return SimulatorRefusal(
                    status: 409, code: OCPErrorCode.clusterTaskInProgress,
                    message: "The last operation task of cluster \(clusterLabel(c)), task \(other) "
                        + "(\(tasks[other]?.name ?? "?")), is still in progress.")
            }
        }
        return nil
    }

    /// `6 (obcluster-sh)`.
    func clusterLabel(_ id: Int) -> String {
        clusters[id].map { "\($0.id) (\($0.name))" } ?? String(id)
    }

    /// The task runs (again): it takes its clusters, and its locks if its lock subtask holds them.
    mutating func resume(_ taskId: Int) throws(SimulatorRefusal) {
        guard let task = tasks[taskId] else { throw .taskNotFound(taskId) }
        if let refusal = conflict(over: task.involved, except: taskId) { throw refusal }
        if let refusal = tenantConflict(over: task.heldTenants, except: taskId) { throw refusal }
        tasks[taskId]?.status = .running
        tasks[taskId]?.finishTime = nil
        occupy(taskId)
    }

    /// Marks the task's clusters as worked on by it (and locked, if its lock subtask holds them).
    private mutating func occupy(_ taskId: Int) {
        guard let task = tasks[taskId] else { return }
        for t in task.heldTenants where tenants[t] != nil {
            tenantHolds[t] = taskId
            tenants[t]?.mark = TenantMark(status: task.kind.tenantMark, taskId: taskId)
        }
        let marked = task.kind == .failover ? [task.clusterId] : task.involved
        for c in task.involved where clusters[c] != nil {
            activeTasks[c] = taskId
            if task.locksClusters { locks[c] = taskId }
            if marked.contains(c) {
                clusters[c]?.mark = ClusterMark(status: task.kind.clusterMark, taskId: taskId)
                clusters[c]?.updateTime = now
            }
        }
    }

    // MARK: - Effects

    /// Why a subtask's successful run must fail instead, from the state of the clusters and tenants.
    private func blockingReason(task: TaskState, effect: SubtaskEffect) -> String? {
        if task.kind.isTenantTask { return tenantBlockingReason(task: task, effect: effect) }
        let standby = clusters[task.clusterId]
        let primary = task.peerId.flatMap { clusters[$0] }
        switch effect {
        case .lock:
            if let refusal = conflict(over: task.involved, except: task.id) {
                return "\(refusal.code): \(refusal.message)"
            }
        case .failoverCheck:
            if let primary, primary.baseStatus == .running {
                return "primary cluster \(clusterLabel(primary.id)) is still RUNNING: a failover needs the primary "
                    + "down (switch over while it is up)"
            }
        case .prepareSwitchover:
            guard let primary else {
                return "standby cluster \(clusterLabel(task.clusterId)) has no primary cluster to switch over with"
            }
            if primary.baseStatus != .running {
                return "primary cluster \(clusterLabel(primary.id)) is \(primary.baseStatus), not RUNNING: a switchover "
                    + "needs the primary up (fail over when it is down)"
            }
            if let standby, standby.roles.syncStatus == .disabled {
                return "log sync of standby cluster \(clusterLabel(standby.id)) is DISABLED"
            }
        case .switchoverCheck:
            if let primary, primary.roles.type != .standby {
                return "cluster \(clusterLabel(primary.id)) is still \(primary.roles.type), not STANDBY"
            }
        default:
            break
        }
        return nil
    }

    /// Applies the effect of a successful run, saving what a rollback must restore.
    private mutating func applyEffect(task taskId: Int, index: Int) {
        guard let task = tasks[taskId] else { return }
        if task.kind.isTenantTask {
            applyTenantEffect(task: taskId, index: index)
            return
        }
        let s = task.clusterId
        let p = task.peerId
        var touched: [Int] = []
        switch task.subtasks[index].effect {
        case .lock:
            tasks[taskId]?.locksClusters = true
            for c in task.involved where clusters[c] != nil { locks[c] = taskId }
            log(taskId, index, "INFO", "locked clusters \(task.involved.map(clusterLabel).joined(separator: ", "))")
            return
        case .unlock:
            tasks[taskId]?.locksClusters = false
            for c in task.involved where locks[c] == taskId { locks[c] = nil }
            log(taskId, index, "INFO", "unlocked clusters \(task.involved.map(clusterLabel).joined(separator: ", "))")
            return
        case .promoteStandby:
            touched = [s]
        case .demotePrimary:
            touched = p.map { [$0] } ?? []
        case .removeStandby:
            touched = [s] + (p.map { [$0] } ?? [])
        case .swapLinks:
            touched = [s] + (p.map { [$0] } ?? []) + (p.flatMap { clusters[$0]?.roles.standbyIds } ?? [])
        default:
            return
        }
        var saved: [Int: ClusterRoles] = [:]
        for c in touched { if let roles = clusters[c]?.roles { saved[c] = roles } }
        tasks[taskId]?.subtasks[index].undo = saved

        switch task.subtasks[index].effect {
        case .promoteStandby:
            clusters[s]?.roles.type = .primary
            log(taskId, index, "INFO", "cluster \(clusterLabel(s)) is now PRIMARY")
        case .demotePrimary:
            if let p {
                clusters[p]?.roles.type = .standby
                log(taskId, index, "INFO", "cluster \(clusterLabel(p)) is now STANDBY")
            }
        case .removeStandby:
            if let p, clusters[s]?.roles.primaryId == p {
                clusters[s]?.roles.primaryId = nil
                clusters[p]?.roles.standbyIds.removeAll { $0 == s }
                log(taskId, index, "INFO", "standby cluster \(clusterLabel(s)) detached from \(clusterLabel(p))")
            }
        case .swapLinks:
            if let p, clusters[s]?.roles.primaryId == p {
                let others = (clusters[p]?.roles.standbyIds ?? []).filter { $0 != s }
                clusters[s]?.roles.primaryId = nil
                clusters[s]?.roles.standbyIds = [p] + others
                clusters[p]?.roles.primaryId = s
                clusters[p]?.roles.standbyIds = []
                clusters[p]?.roles.syncStatus = .valid
                clusters[p]?.roles.delayTime = 0
                for o in others { clusters[o]?.roles.primaryId = s }
                log(taskId, index, "INFO", "cluster \(clusterLabel(s)) is the primary of \(clusterLabel(p))")
            }
        default:
            break
        }
        for c in touched { clusters[c]?.updateTime = now }
    }

    /// Undoes the effect of a subtask (rollback).
    private mutating func undoEffect(task taskId: Int, index: Int) {
        guard let task = tasks[taskId] else { return }
        if task.subtasks[index].effect == .lock {
            tasks[taskId]?.locksClusters = false
            for c in task.involved where locks[c] == taskId { locks[c] = nil }
        }
        if let saved = task.subtasks[index].undo {
            for (c, roles) in saved {
                clusters[c]?.roles = roles
                clusters[c]?.updateTime = now
            }
            tasks[taskId]?.subtasks[index].undo = nil
        }
        if let saved = task.subtasks[index].tenantUndo {
            for (t, roles) in saved { tenants[t]?.roles = roles }
            tasks[taskId]?.subtasks[index].tenantUndo = nil
            noteServing(changed: Array(saved.keys))
        }
    }

    /// Saves the roles of `ids` in the subtask, for a rollback to restore.
    mutating func saveTenantRoles(_ ids: [Int], task taskId: Int, index: Int) {
        var saved: [Int: TenantRoles] = [:]
        for t in ids { if let roles = tenants[t]?.roles { saved[t] = roles } }
        tasks[taskId]?.subtasks[index].tenantUndo = saved
    }

    /// Writes a line to a subtask's log.
    mutating func taskLog(_ taskId: Int, _ index: Int, _ text: String) {
        log(taskId, index, "INFO", text)
    }

    // MARK: - Creating tasks

    /// Creates a task on `clusterId` (its primary `peerId`; for a tenant task its tenant, the other
    /// tenant of the pair and the failover's service name), answering at once: RUNNING, first
    /// subtask READY.
    mutating func createTask(
        _ kind: SimulatedTaskKind, clusterId: Int, peerId: Int?, tenantId: Int? = nil, peerTenantId: Int? = nil,
        serviceName: String? = nil
    ) -> Int {
        let taskId = nextTaskId
        nextTaskId += 1
        let definition = kind.definition
        let base = nextSubtaskId
        nextSubtaskId += definition.subtasks.count
        let offsets = kind.idOffsets
        var downstreams = Array(repeating: [Int](), count: definition.subtasks.count)
        for (i, s) in definition.subtasks.enumerated() {
            for u in s.upstreams where u >= 0 && u < definition.subtasks.count { downstreams[u].append(i) }
        }
        let subtasks = definition.subtasks.enumerated().map { i, s in
            SubtaskState(
                id: base + offsets[i], definition: s, effect: kind.effect(of: s.name),
                upstreams: s.upstreams.filter { $0 >= 0 && $0 < definition.subtasks.count }, downstreams: downstreams[i],
                status: .pending, operation: .execute, runTime: 1)
        }
        tasks[taskId] = TaskState(
            id: taskId, kind: kind, clusterId: clusterId, peerId: peerId, tenantId: tenantId, peerTenantId: peerTenantId,
            serviceName: serviceName, status: .running, operation: .execute, createTime: now, startTime: now,
            subtasks: subtasks)
        taskIds.append(taskId)
        occupy(taskId)
        for (i, s) in subtasks.enumerated() where s.upstreams.isEmpty { makeReady(task: taskId, index: i) }
        return taskId
    }

    // MARK: - Operations on tasks

    private func lookup(_ taskId: Int, _ subtaskId: Int) throws(SimulatorRefusal) -> (TaskState, Int) {
        guard let task = tasks[taskId] else { throw .taskNotFound(taskId) }
        guard let index = task.index(ofSubtask: subtaskId) else {
            throw SimulatorRefusal(
                status: 404, code: OCPErrorCode.taskNotFound,
                message: "The subtask \(subtaskId) does not exist in task \(taskId).")
        }
        return (task, index)
    }

    /// Retry task: only a FAILED task not in ROLLBACK; each FAILED subtask runs again.
    mutating func retryTask(_ taskId: Int) throws(SimulatorRefusal) {
        guard let task = tasks[taskId] else { throw .taskNotFound(taskId) }
        guard task.status == .failed, task.operation != .rollback else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.operationNotSupported,
                message: task.status == .failed
                    ? "The task \(taskId) failed during a rollback: roll it back again instead of retrying it."
                    : "The task \(taskId) is \(task.status): only a FAILED task can be retried.")
        }
        try resume(taskId)
        tasks[taskId]?.operation = .retry
        for (i, s) in task.subtasks.enumerated() where s.status == .failed { rerun(task: taskId, index: i) }
    }

    /// A FAILED subtask goes back to READY for another run.
    private mutating func rerun(task taskId: Int, index: Int) {
        guard let subtask = tasks[taskId]?.subtasks[index] else { return }
        tasks[taskId]?.subtasks[index].operation = .retry
        tasks[taskId]?.subtasks[index].runTime = subtask.runTime + 1
        tasks[taskId]?.subtasks[index].startTime = nil
        tasks[taskId]?.subtasks[index].finishTime = nil
        log(taskId, index, "INFO", "\(subtask.name): retry requested (run \(subtask.runTime + 1))")
        makeReady(task: taskId, index: index)
    }

    /// Rollback task: only a FAILED task whose `prohibitRollback` is false.
    mutating func rollbackTask(_ taskId: Int) throws(SimulatorRefusal) {
        guard let task = tasks[taskId] else { throw .taskNotFound(taskId) }
        guard task.status == .failed else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.cannotRollback,
                message: "The task \(taskId) is \(task.status): only a FAILED task can roll back.")
        }
        if task.prohibitRollback {
            let names = task.subtasks.filter {
                $0.definition.prohibitRollback && $0.status != .pending && $0.status != .ready
            }.map { "'\($0.name)'" }
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.cannotRollback,
                message: "The task \(taskId) can not roll back: \(names.joined(separator: ", ")) prohibit rollback "
                    + "and have run.")
        }
        try resume(taskId)
        tasks[taskId]?.operation = .rollback
        tasks[taskId]?.rollbackInterrupted = false
        for (i, s) in task.subtasks.enumerated() where s.status == .ready {
            tasks[taskId]?.subtasks[i].status = .pending
            invalidateEvents(task: taskId, index: i)
        }
        updateTaskStatus(taskId)
    }

    /// Retry subtask: only a FAILED subtask, not during a rollback.
    mutating func retrySubtask(_ taskId: Int, _ subtaskId: Int) throws(SimulatorRefusal) -> Int {
        let (task, index) = try lookup(taskId, subtaskId)
        let subtask = task.subtasks[index]
        guard subtask.status == .failed, task.operation != .rollback else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.operationNotSupported,
                message: subtask.status == .failed
                    ? "The subtask \(subtaskId) of task \(taskId) can not be retried during a rollback."
                    : "The subtask \(subtaskId) is \(subtask.status): only a FAILED subtask can be retried.")
        }
        if task.status != .running { try resume(taskId) }
        tasks[taskId]?.operation = .retry
        rerun(task: taskId, index: index)
        return index
    }

    /// Skip subtask: only a FAILED subtask; it then counts as done (during a rollback: as undone).
    mutating func skipSubtask(_ taskId: Int, _ subtaskId: Int) throws(SimulatorRefusal) {
        let (task, index) = try lookup(taskId, subtaskId)
        let subtask = task.subtasks[index]
        guard subtask.status == .failed else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.cannotSkip,
                message: "The subtask \(subtaskId) is \(subtask.status): only a FAILED subtask can be skipped.")
        }
        if task.status != .running { try resume(taskId) }
        tasks[taskId]?.subtasks[index].finishTime = now
        if task.operation == .rollback {
            tasks[taskId]?.rollbackInterrupted = false
            tasks[taskId]?.subtasks[index].status = .pending
            tasks[taskId]?.subtasks[index].operation = .rollbackSkip
            log(taskId, index, "INFO", "\(subtask.name): rollback skipped")
        } else {
            tasks[taskId]?.subtasks[index].status = .successful
            tasks[taskId]?.subtasks[index].operation = .skip
            log(taskId, index, "INFO", "\(subtask.name): skipped, treated as successful")
            readyDownstreams(task: taskId, of: index)
        }
        updateTaskStatus(taskId)
    }

    /// Cancel subtask: only a RUNNING subtask; it is CANCELING, then FAILED.
    mutating func cancelSubtask(_ taskId: Int, _ subtaskId: Int) throws(SimulatorRefusal) {
        let (task, index) = try lookup(taskId, subtaskId)
        let subtask = task.subtasks[index]
        guard subtask.status == .running else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.operationNotSupported,
                message: "The subtask \(subtaskId) is \(subtask.status): only a RUNNING subtask can be canceled.")
        }
        tasks[taskId]?.subtasks[index].status = .canceling
        tasks[taskId]?.subtasks[index].operation = .cancel
        log(taskId, index, "INFO", "\(subtask.name): cancel requested")
        schedule(.canceled, task: taskId, index: index, after: options.timings.cancelDelay)
    }

    // MARK: - API faults

    /// Takes one call from the first API fault for `endpoint` that has calls left.
    mutating func takeAPIFault(_ endpoint: OCPEndpoint, call: OCPCall) -> SimulatorRefusal? {
        guard let i = apiFaults.firstIndex(where: { $0.endpoint == endpoint && $0.remaining > 0 }) else { return nil }
        apiFaults[i].remaining -= 1
        let fault = apiFaults[i].fault
        let n = fault.times - apiFaults[i].remaining
        return SimulatorRefusal(
            status: fault.status, code: OCPErrorCode.injected,
            message: "Injected fault: HTTP \(fault.status) for \(call) (\(n) of \(fault.times)).")
    }
}
