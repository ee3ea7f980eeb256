import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - Task groups: the tasks of a batch tenant phrase, acted on, awaited and checked together

extension Interpreter {
    /// The group a task reference stands for: the current group, or a group's `as` name; nil for
    /// a single task.
    func group(_ ref: TaskRef, in scope: Scope) -> TaskGroup? {
        switch ref {
        case .current: scope.currentGroup
        case .named(let name): scope.groupNames[name.text]
        case .id: nil
        }
    }

    /// A wait on a group: every task reaches the state; the wait fails at once when one can no
    /// longer, naming its tenant. Tasks already there are not read again.
    func awaitGroup(
        _ group: TaskGroup, _ action: ActionStep, field: String, wanted: String, step: Step, scope: Scope,
        trace: StepTrace, context: RunContext
    ) async throws(StepFailure) {
        let subtaskName = try action.subtask.map { e throws(StepFailure) in try text(e, in: scope) }
        let what = subtaskName.map { "subtask \"\($0)\" status \(wanted)" } ?? "task \(field) \(wanted)"
        var pending = group.members
        var last: [Int: TaskInstance] = [:]
        let started = clock.now
        let failed = try await poll(step: step, scope: scope, context: context) { () async throws(StepFailure) -> PollVerdict in
            var still: [TaskGroup.Member] = []
            for member in pending {
                let task = try await fetchTask(member.taskId, trace: trace, context: context)
                last[member.taskId] = task
                let status: String
                if let subtaskName {
                    status = try findSubtask(subtaskName, in: task).status.rawValue
                } else {
                    status = task.status.rawValue
                }
                if status == wanted { continue }
                if task.status.isTerminal {
                    let found = subtaskName.map { "subtask \"\($0)\" status \(status)" }
                    var failure = await explainEnd(of: task, wanted: what, found: found)
                    failure.message = (member.tenantId.map { "tenant \($0): " } ?? "") + failure.message
                    return .impossible(failure)
                }
                still.append(member)
            }
            pending = still
            if log.wantsProgress {
                await log.progress(
                    StepProgress(
                        position: trace.position, phrase: trace.phrase,
                        elapsedMs: started.duration(to: clock.now).milliseconds,
                        subtaskIndex: group.members.count - pending.count, subtaskCount: group.members.count,
                        subtaskName: "tasks done"))
            }
            return pending.isEmpty ? .done : .waiting
        } timedOut: { deadline in
            let waiting = pending.prefix(5).map { member in
                TaskGroup.label(member) + ": " + describeRunning(last[member.taskId])
            }.joined(separator: "; ")
            return StepFailure(
                "\(deadline.description) while awaiting \(what) for every task of the group; \(Self.count(pending.count, "task")) "
                    + "not there yet: \(waiting)\(pending.count > 5 ? "; ..." : "")",
                expected: "\(what) for \(Self.count(group.members.count, "task"))",
                found: "\(group.members.count - pending.count) of \(group.members.count)")
        }
        trace.observed.taskId = nil
        trace.observed.taskName = nil
        trace.observed.taskStatus = nil
        trace.message = "the group's \(Self.count(group.members.count, "task")): \(what)" + retriedPolls(failed)
    }

    /// An assertion on a group: each task (or its subtask) is read once; every mismatch is reported,
    /// with the task and tenant it belongs to.
    func checkGroup(_ group: TaskGroup, _ action: ActionStep, scope: Scope, trace: StepTrace, context: RunContext)
        async throws(StepFailure)
    {
        let subtaskName = try action.subtask.map { e throws(StepFailure) in try text(e, in: scope) }
        var expected: [String] = []
        var found: [String] = []
        var failing: [String] = []
        for member in group.members {
            let task = try await fetchTask(member.taskId, trace: trace, context: context)
            let subject: Subject =
                if let subtaskName { .subtask(try findSubtask(subtaskName, in: task), of: task) } else { .task(task) }
            let mismatches = try mismatches(subject, action.fields, scope: scope)
            guard !mismatches.isEmpty else { continue }
            failing.append(TaskGroup.label(member))
            if expected.isEmpty { expected = mismatches.map(\.expected) }
            found.append("\(TaskGroup.label(member)): " + mismatches.map(\.found).joined(separator: ", "))
        }
        trace.observed.taskId = nil
        trace.observed.taskName = nil
        trace.observed.taskStatus = nil
        guard failing.isEmpty else {
            throw StepFailure(
                "\(Self.count(failing.count, "task")) of the group's \(group.members.count) \(failing.count == 1 ? "is" : "are") not as expected: "
                    + failing.prefix(5).joined(separator: ", ") + (failing.count > 5 ? ", ..." : ""),
                expected: expected.joined(separator: ", "), found: found.joined(separator: "; "))
        }
        trace.message = "the group's \(Self.count(group.members.count, "task")): as expected"
    }

    /// `retry task` / `rollback task` on a group: every task last seen FAILED.
    func operateOnGroup(_ endpoint: OCPEndpoint, _ group: TaskGroup?, trace: StepTrace, context: RunContext)
        async throws(StepFailure)
    {
        guard let group else { return }
        let failed = group.members.filter { state.task($0.taskId)?.status == .failed }
        let verb = endpoint == .retryTask ? "retry" : "roll back"
        guard !failed.isEmpty else {
            throw StepFailure(
                "no task of the group was last seen FAILED: there is none to \(verb) (await the group first)")
        }
        for member in failed {
            let task = try await call { () async throws(OCPError) in
                try await self.client.send(OCPOperation<TaskInstance>(endpoint, [member.taskId]))
            }
            see(task, trace: trace, context: context)
        }
        trace.message =
            "\(verb == "retry" ? "retried" : "rolled back") \(failed.map(TaskGroup.label).joined(separator: ", "))"
    }

    /// `retry`/`skip`/`cancel subtask "NAME"` on a group: on every task whose subtask can take it
    /// (FAILED for retry and skip, RUNNING for cancel).
    func operateOnGroupSubtask(
        _ endpoint: OCPEndpoint, _ group: TaskGroup?, name: String, trace: StepTrace, context: RunContext
    ) async throws(StepFailure) {
        guard let group else { return }
        var acted: [String] = []
        for member in group.members {
            let task = try await fetchTask(member.taskId, trace: trace, context: context)
            let subtask = try findSubtask(name, in: task)
            let applies = endpoint == .cancelSubtask ? subtask.status == .running : subtask.status == .failed
            guard applies else { continue }
            try await call { () async throws(OCPError) in
                if endpoint == .retrySubtask {
                    _ = try await self.client.retrySubtask(taskId: member.taskId, subtaskId: subtask.id)
                } else {
                    _ = try await self.client.send(OCPOperation<NoPayload>(endpoint, [member.taskId, subtask.id]))
                }
            }
            _ = try? await fetchTask(member.taskId, trace: trace, context: context)
            acted.append(TaskGroup.label(member))
        }
        guard !acted.isEmpty else {
            throw StepFailure(
                "no task of the group has subtask \"\(name)\" \(endpoint == .cancelSubtask ? "RUNNING" : "FAILED")")
        }
        let verb = endpoint == .retrySubtask ? "retried" : endpoint == .skipSubtask ? "skipped" : "cancelled"
        trace.message = "subtask \"\(name)\" \(verb) in \(acted.joined(separator: ", "))"
    }
}
