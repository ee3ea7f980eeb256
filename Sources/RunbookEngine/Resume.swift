import Foundation
import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import Synchronization

/// Where an interrupted run stands, read from its journal: what `runbook resume` trusts.
///
/// Trusted from the journal: which steps passed (they are not run again), the tasks each started
/// (their ids, made current again, and `as` names), the markers' moments, and that a step which
/// starts or changes work had started (its call may have left). Read again from OCP: every task's
/// state, and for a step killed while its call was out, whether the call took effect.
public struct ResumePoint: Sendable {
    /// The run's first record.
    public var started: RunStarted
    /// How each step ended, by its position's label (the last segment that finished it).
    public var finished: [String: StepFinished]
    /// The steps that started and never finished, by label, with when they started.
    public var unfinished: [String: StepStarted]
    /// Every step's latest `step-started`, by label.
    var startedRecords: [String: StepStarted]
    /// How many records the journal holds.
    public var records: Int
    /// The run's end, when the last segment reached one.
    public var runFinished: RunFinished?

    /// Whether the run ended and is not to be taken up: it finished any way but interrupted.
    public var isOver: Bool { runFinished.map { $0.outcome != .interrupted } ?? false }

    /// Why a journal cannot be resumed.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        /// What is wrong with the journal, in words.
        public var description: String
    }

    /// Reads the records of a journal (every segment, in order).
    public init(records: [StepLogRecord]) throws(Problem) {
        guard case .runStarted(let first)? = records.first else {
            throw Problem(description: "the journal does not start with the run's run-started record")
        }
        started = first
        finished = [:]
        unfinished = [:]
        startedRecords = [:]
        self.records = records.count
        runFinished = nil
        for record in records {
            switch record {
            case .stepStarted(let s):
                unfinished[s.position.label] = s
                startedRecords[s.position.label] = s
            case .stepFinished(let s):
                unfinished[s.position.label] = nil
                finished[s.position.label] = s
            case .runResumed:
                runFinished = nil
            case .runFinished(let r):
                runFinished = r
                // An interrupted run ran its `finally` on the way out: a resumed one runs it again,
                // at its own end.
                if r.outcome == .interrupted {
                    for (label, step) in finished where step.position.block == .finally { finished[label] = nil }
                }
            case .runStarted, .watchChanged:
                break
            }
        }
    }

    /// How the step at `label` ended in an earlier segment, when it is done: passed, continued or
    /// failed for itself (not skipped, not interrupted). A done step is not run again: a failed one
    /// stops its block again, so `on failure` runs, and no call it made is sent twice.
    func done(_ label: String) -> StepFinished? {
        guard let prior = finished[label], prior.outcome != .skipped, prior.interrupted != true else { return nil }
        return prior
    }

    /// When the step at `label` began in an earlier segment, if it never ended there or was
    /// interrupted: a call it made may have left.
    func resumingSince(_ label: String) -> Date? {
        if let started = unfinished[label] { return started.startedAt.date }
        if finished[label]?.interrupted == true { return startedRecords[label]?.startedAt.date }
        return nil
    }

    /// The message of a step passed in an earlier segment and not run again.
    public static let passedBefore = "resumed: passed before"

    /// `resumed: passed before`, `resumed: failed before`, `resumed: continued on failure before`.
    static func note(for outcome: StepOutcome) -> String {
        switch outcome {
        case .passed, .skipped: passedBefore
        case .failed: "resumed: failed before"
        case .continued: "resumed: continued on failure before"
        }
    }
}

/// The OCP client of a resumed run: a call that starts or changes work, made by a step that an
/// earlier segment started and never finished, first looks for its effect (the call may have
/// left before the run was killed); found, the call is not sent again.
struct ResumingClient: OCPClient {
    let base: any OCPClient

    /// When the current step's earlier run started (the task-local of a step being resumed).
    @TaskLocal static var resumingSince: Date?

    func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        guard let since = Self.resumingSince, operation.request.endpoint.changesState else {
            return try await base.send(operation)
        }
        let call = operation.request.call
        if let (value, what) = try await base.effect(of: operation.request, sentSince: since), let typed = value as? Response {
            OCPCallLog.current?.record(
                OCPCallRecord(
                    method: call.method, path: call.path, status: nil, traceId: nil, durationMs: 0,
                    note: "resumed: the interrupted run's call was out; \(what); not sent again"))
            return typed
        }
        OCPCallLog.current?.record(
            OCPCallRecord(
                method: call.method, path: call.path, status: nil, traceId: nil, durationMs: 0,
                note: "resumed: OCP shows no sign that the interrupted run's call took effect; sending it now"))
        return try await base.send(operation)
    }
}

extension Interpreter {
    /// A step an earlier segment passed: not run again. Restores what later steps rely on (the
    /// task it started, current and named again; its recovery, read again from OCP; a marker's
    /// moment) and records it as passed before.
    func restore(_ prior: StepFinished, _ step: Step, scope: inout Scope, trace: StepTrace, context: RunContext)
        async -> StepOutcome
    {
        let descriptor = step.descriptor
        let name = step.options.taskName?.text
        let started = configuration.resume?.unfinishedOrStarted(prior.position.label)
        let calledAt = started.map { context.runTimeMs(forWallTime: $0.startedAt.date, clock: clock) } ?? 0
        if let actions = prior.observed.tenantActions, !actions.isEmpty, descriptor.startedTask != nil {
            let members = actions.map { TaskGroup.Member(taskId: $0.taskId, tenantId: $0.standby.tenantId) }
            if descriptor.startsGroup {
                scope.makeCurrent(TaskGroup(members: members), named: name)
            } else if let first = members.first {
                scope.makeCurrent(first.taskId, named: name)
            }
            for a in actions {
                state.registerRecovery(
                    Recovery(
                        position: trace.position, action: a.action, clusterId: a.standby.clusterId ?? 0, taskId: a.taskId,
                        taskStatus: nil, calledAtMs: calledAt, endedAtMs: nil, recoveryMs: nil, tenantId: a.standby.tenantId,
                        primaryTenantId: a.primary?.tenantId, primaryClusterId: a.primary?.clusterId, lagMs: a.lagMs))
            }
        } else if let definition = descriptor.startedTask, let taskId = prior.observed.taskId {
            scope.makeCurrent(taskId, named: name)
            if case .action(let action) = step.action, let id = try? subject(action, in: scope) {
                state.registerRecovery(
                    Recovery(
                        position: trace.position, action: definition.shortName, clusterId: id, taskId: taskId, taskStatus: nil,
                        calledAtMs: calledAt, endedAtMs: nil, recoveryMs: nil))
            }
        }
        // The tasks it started, as OCP shows them now: their recoveries go on from there.
        let taskIds = (prior.observed.tenantActions?.map(\.taskId) ?? []) + (prior.observed.taskId.map { [$0] } ?? [])
        if descriptor.startedTask != nil {
            for id in Set(taskIds).sorted() { _ = try? await fetchTask(id, trace: trace, context: context) }
        }
        if case .marker(let kind, _) = step.action, let started {
            let at = context.runTimeMs(forWallTime: started.startedAt.date, clock: clock)
            evidence.mark(
                kind, Evidence.Marker(text: prior.message ?? "", position: trace.position, atMs: at, at: started.startedAt))
        }
        trace.message = ResumePoint.passedBefore
        return prior.outcome
    }
}

extension ResumePoint {
    /// The step-started record of a step, finished or not (the latest segment's).
    func unfinishedOrStarted(_ label: String) -> StepStarted? { unfinished[label] ?? startedRecords[label] }
}

extension Interpreter {
    /// For a task-starting step that an earlier segment started and never finished: the tasks OCP
    /// shows it started (its call left before the run was killed), newest first; empty when OCP
    /// shows none, and the step then runs as it would have.
    ///
    /// Looked for as the HTTP client looks after an uncertain answer: tasks of the step's kind,
    /// for its cluster or tenant, RUNNING or created since the step began (allowing for the two
    /// clocks' difference).
    func tasksStartedBefore(_ step: Step, since: Date, scope: Scope, trace: StepTrace, context: RunContext) async throws(StepFailure)
        -> [TaskInstance]
    {
        guard let definition = step.descriptor.startedTask, case .action(let action) = step.action else { return [] }
        let id = try subject(action, in: scope)
        var tenants: Set<Int> = [id]
        if step.descriptor.kind == .switchoverTenant {
            // A tenant switchover's task is the primary's: the standby's primary, and the tenants
            // that follow the standby (once the roles are inverted).
            if let clusterId = try? await locate(tenant: id), let standby = try? await readTenant(id, in: clusterId, trace: trace) {
                if let p = standby.basicPrimaryTenant?.tenantId { tenants.insert(p) }
                for s in standby.basicStandbyTenantList ?? [] { tenants.insert(s.tenantId) }
            }
        }
        let page = try await call { () async throws(OCPError) in
            try await self.client.tasks(TaskQuery(name: definition.name, page: 1, size: 100, sort: "id,desc"))
        }
        let earliest = since.addingTimeInterval(-OCPEffectSearch.clockSkewAllowance)
        let candidates = page.contents.filter { t in
            guard t.name == definition.name,
                t.status == .running || (t.createTime ?? t.startTime).map({ $0.date >= earliest }) == true
            else { return false }
            switch step.descriptor.kind {
            case .failoverTenant, .switchoverTenant: return t.tenantId.map(tenants.contains) ?? false
            case .switchoverTenantsOfCluster: return true
            default: return t.clusterId == id
            }
        }
        let chosen = step.descriptor.startsGroup ? candidates : Array(candidates.prefix(1))
        var found: [TaskInstance] = []
        for t in chosen { found.append(try await fetchTask(t.id, trace: trace, context: context)) }
        return found
    }
}

extension Interpreter {
    /// A task-starting step an earlier segment left unfinished, whose call OCP shows took effect:
    /// recorded as passed with the tasks found, made current as the step would have; nil when OCP
    /// shows no task of it (the step then runs).
    func startedBefore(
        _ step: Step, since: Date, position: StepPosition, label: String, scope: inout Scope, context: RunContext
    ) async -> StepOutcome? {
        guard let definition = step.descriptor.startedTask else { return nil }
        let trace = StepTrace(position: position, phrase: label)
        let calls = OCPCallLog()
        let current = scope
        let found: [TaskInstance]? = await OCPCallLog.$current.withValue(calls) {
            try? await self.tasksStartedBefore(step, since: since, scope: current, trace: trace, context: context)
        }
        guard let found, !found.isEmpty else { return nil }
        let name = step.options.taskName?.text
        let startedAt = context.runTimeMs(forWallTime: since, clock: clock)
        for task in found {
            state.registerRecovery(
                Recovery(
                    position: position, action: definition.shortName, clusterId: task.clusterId ?? 0, taskId: task.id,
                    taskStatus: task.status.rawValue, calledAtMs: startedAt, endedAtMs: nil, recoveryMs: nil,
                    operation: task.operation?.rawValue, tenantId: task.tenantId))
            state.observe(task, runTimeMs: context.runTimeMs(clock.now))
        }
        if step.descriptor.startsGroup {
            scope.makeCurrent(TaskGroup(members: found.map { .init(taskId: $0.id, tenantId: $0.tenantId) }), named: name)
        } else if let task = found.first {
            scope.makeCurrent(task.id, named: name)
        }
        let ids = found.map { String($0.id) }.joined(separator: ", ")
        state.count(.passed)
        await log.write(
            .stepFinished(
                StepFinished(
                    position: position, location: step.location, phrase: label, outcome: .passed,
                    message:
                        "resumed: the interrupted run's call took effect: found task\(found.count == 1 ? "" : "s") \(ids) '\(definition.name)'; not sent again",
                    durationMs: 0, wallDurationMs: 0, observed: trace.observed, calls: calls.calls)))
        return .passed
    }
}
