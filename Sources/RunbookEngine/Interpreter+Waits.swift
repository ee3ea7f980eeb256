import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - Waits: poll until true, fail fast when it can no longer become true

extension Interpreter {
    /// What one look at OCP concluded.
    enum PollVerdict {
        case done
        case waiting
        /// The awaited state can no longer come.
        case impossible(StepFailure)
    }

    /// Polls `look` until it is done, the deadline passes or the awaited state can no longer come.
    ///
    /// Intervals follow the run's ``PollSchedule`` (never longer than the step's `every`). A poll
    /// that fails in a way that may pass (HTTP 5xx or 429, no answer, an unreadable answer) is
    /// tried again later, the interval doubled for each failure in a row, until the wait's own
    /// deadline. A target that cannot be reached is polled again for at most the schedule's
    /// ``PollSchedule/unreachableLimit``; one that refuses the credentials ends the run at once.
    /// Returns how many polls failed and were tried again.
    func poll(
        step: Step, scope: Scope, context: RunContext, look: () async throws(StepFailure) -> PollVerdict,
        timedOut: (Deadline<C>) async -> StepFailure
    ) async throws(StepFailure) -> Int {
        let deadline = try self.deadline(for: step, scope: scope, context: context, isAwait: true)
        let every = try step.options.every.map { value throws(StepFailure) in try duration(value, in: scope) }
        let schedule = configuration.polling
        let begin = clock.now
        var failures = PollFailures<C.Instant>()
        while true {
            if Task.isCancelled { throw StepFailure.interrupted }
            var unreachableUntil: C.Instant?
            do throws(StepFailure) {
                switch try await look() {
                case .done: return failures.total
                case .impossible(let failure): throw failure
                case .waiting: failures.reset()
                }
            } catch {
                guard !error.isInterruption else { throw error }
                if error.unreachable {
                    let since = failures.unreachableSince ?? clock.now
                    failures.unreachableSince = since
                    let limit = since.advanced(by: schedule.unreachableLimit)
                    guard clock.now < limit else {
                        var failure = error
                        failure.message =
                            "the target was unreachable for \(DurationText.format(schedule.unreachableLimit)) "
                            + "while waiting: \(error.message)"
                        throw failure
                    }
                    unreachableUntil = limit
                } else if error.isPassing {
                    failures.unreachableSince = nil
                } else {
                    throw error
                }
                failures.record(error)
            }
            let now = clock.now
            if let deadline, now >= deadline.instant {
                var failure = await timedOut(deadline)
                if let last = failures.last { failure.message += "; the last \(failures.describeRun): \(last.message)" }
                throw failure
            }
            var interval = schedule.interval(elapsed: begin.duration(to: now), every: every)
            if let every { interval = min(interval, every) }
            interval = schedule.backoff(after: failures.inARow, interval: interval)
            var wake = now.advanced(by: interval)
            if let deadline, deadline.instant < wake { wake = deadline.instant }
            if let unreachableUntil, unreachableUntil < wake { wake = unreachableUntil }
            try await sleep(until: wake)
        }
    }

    /// Polls the wait's subject until its one field has the awaited value.
    func wait(
        _ action: ActionStep, _ descriptor: PhraseDescriptor, step: Step, scope: Scope, trace: StepTrace,
        context: RunContext
    ) async throws(StepFailure) {
        guard let field = action.fields.first, case .word(let wanted) = field.value else {
            throw StepFailure("'\(step.phrase)' names nothing to await")
        }
        if descriptor.takesTask, let group = group(action.task, in: scope) {
            return try await awaitGroup(
                group, action, field: field.name, wanted: wanted.word, step: step, scope: scope, trace: trace,
                context: context)
        }
        switch descriptor.fields?.subject {
        case "cluster":
            let id = try subject(action, in: scope)
            let want = "\(field.name) \(wanted.word)"
            try await awaitCluster(id, want: want, step: step, scope: scope, trace: trace, context: context) { cluster in
                Subject.cluster(cluster).word(field.name) == wanted.word
            }
        case "tenant":
            try await awaitTenant(
                try subject(action, in: scope), field: field.name, wanted: wanted.word, step: step, scope: scope,
                trace: trace, context: context)
        case "subtask":
            try await awaitSubtask(
                try taskId(action.task, in: scope), name: try text(action.subtask, in: scope),
                status: SubtaskStatus(rawValue: wanted.word), step: step, scope: scope, trace: trace, context: context)
        default:
            try await awaitTask(
                try taskId(action.task, in: scope), status: TaskStatus(rawValue: wanted.word), step: step, scope: scope,
                trace: trace, context: context)
        }
    }

    func awaitTask(
        _ id: Int, status wanted: TaskStatus, step: Step, scope: Scope, trace: StepTrace, context: RunContext
    ) async throws(StepFailure) {
        var last: TaskInstance?
        let started = clock.now
        let failed = try await poll(step: step, scope: scope, context: context) { () async throws(StepFailure) -> PollVerdict in
            let task = try await fetchTask(id, trace: trace, context: context)
            last = task
            await progress(task, trace: trace, since: started)
            if task.status == wanted { return .done }
            guard task.status.isTerminal else { return .waiting }
            return .impossible(await explainEnd(of: task, wanted: "task status \(wanted)"))
        } timedOut: { deadline in
            StepFailure(
                "\(deadline.description) while awaiting task \(id) status \(wanted); \(describeRunning(last))",
                expected: "task status \(wanted)", found: last.map { "task status \($0.status)" })
        }
        trace.message = "task \(id) is \(wanted)" + retriedPolls(failed)
    }

    func awaitSubtask(
        _ id: Int, name: String, status wanted: SubtaskStatus, step: Step, scope: Scope, trace: StepTrace,
        context: RunContext
    ) async throws(StepFailure) {
        var last: TaskInstance?
        let started = clock.now
        let failed = try await poll(step: step, scope: scope, context: context) { () async throws(StepFailure) -> PollVerdict in
            let task = try await fetchTask(id, trace: trace, context: context)
            last = task
            await progress(task, trace: trace, since: started)
            let subtask = try findSubtask(name, in: task)
            if subtask.status == wanted { return .done }
            // Nothing changes in an ended task but by retry or rollback, which no wait makes.
            guard task.status.isTerminal else { return .waiting }
            return .impossible(
                await explainEnd(
                    of: task, wanted: "subtask \"\(name)\" status \(wanted)",
                    found: "subtask \"\(name)\" status \(subtask.status)"))
        } timedOut: { deadline in
            let status = last?.subtask(named: name)?.status.rawValue ?? "unknown"
            return StepFailure(
                "\(deadline.description) while awaiting subtask \"\(name)\" status \(wanted); \(describeRunning(last))",
                expected: "subtask \"\(name)\" status \(wanted)", found: "subtask \"\(name)\" status \(status)")
        }
        trace.message = "subtask \"\(name)\" is \(wanted)" + retriedPolls(failed)
    }

    func awaitCluster(
        _ id: Int, want: String, step: Step, scope: Scope, trace: StepTrace, context: RunContext,
        _ satisfied: @escaping (Cluster) -> Bool
    ) async throws(StepFailure) {
        var last: Cluster?
        let started = clock.now
        let failed = try await poll(step: step, scope: scope, context: context) { () async throws(StepFailure) -> PollVerdict in
            let cluster = try await call { () async throws(OCPError) in try await self.client.cluster(id: id) }
            last = cluster
            trace.observe(cluster)
            if log.wantsProgress {
                await log.progress(
                StepProgress(
                    position: trace.position, phrase: trace.phrase, elapsedMs: started.duration(to: clock.now).milliseconds))
            }
            return satisfied(cluster) ? .done : .waiting
        } timedOut: { deadline in
            StepFailure(
                "\(deadline.description) while awaiting cluster \(id) \(want)", expected: "cluster \(id) \(want)",
                found: last.map { "type \($0.type), status \($0.status)" })
        }
        trace.message = "cluster \(id) has \(want)" + retriedPolls(failed)
    }

    /// Live progress: which subtask of how many is running.
    func progress(_ task: TaskInstance, trace: StepTrace, since started: C.Instant) async {
        guard log.wantsProgress else { return }
        let order = task.subtasksInExecutionOrder
        let active = order.lastIndex { $0.status == .running || $0.status == .canceling }
            ?? order.lastIndex { $0.status != .pending && $0.status != .ready }
        await log.progress(
            StepProgress(
                position: trace.position, phrase: trace.phrase, elapsedMs: started.duration(to: clock.now).milliseconds,
                taskId: task.id, subtaskIndex: active.map { $0 + 1 }, subtaskCount: order.count,
                subtaskName: active.map { order[$0].name }))
    }

    /// Why an ended task cannot reach the awaited state: its failed subtask and the tail of that
    /// subtask's log, or that it ended otherwise.
    func explainEnd(of task: TaskInstance, wanted: String, found: String? = nil) async -> StepFailure {
        let found = found ?? "task status \(task.status)"
        guard task.status == .failed else {
            return StepFailure("task \(task.id) ended \(task.status); it will not reach \(wanted)", expected: wanted, found: found)
        }
        let failed = task.subtasksInExecutionOrder.filter { $0.status == .failed }
        guard let first = failed.first else {
            return StepFailure("task \(task.id) FAILED", expected: wanted, found: found)
        }
        var message = "task \(task.id) FAILED: subtask \"\(first.name)\" failed"
        if let runTime = first.runTime { message += " (run \(runTime))" }
        if failed.count > 1 { message += ", and \(failed.count - 1) other\(failed.count == 2 ? "" : "s")" }
        if let log = try? await client.subtaskLog(taskId: task.id, subtaskId: first.id) {
            let lines = log.split(whereSeparator: \.isNewline).filter { !$0.allSatisfy(\.isWhitespace) }
            if !lines.isEmpty {
                message += "; the end of its log:\n" + lines.suffix(5).map { "  | \($0)" }.joined(separator: "\n")
            }
        }
        return StepFailure(message, expected: wanted, found: found)
    }

    /// "" or " (2 failed polls tried again)", for a wait's message.
    func retriedPolls(_ count: Int) -> String {
        count == 0 ? "" : " (\(count) failed poll\(count == 1 ? "" : "s") tried again)"
    }

    /// "subtask "X" is still RUNNING (since ...)" for a timeout message.
    func describeRunning(_ task: TaskInstance?) -> String {
        guard let task else { return "the task could not be read" }
        let running = task.subtasksInExecutionOrder.filter { $0.status == .running || $0.status == .canceling }
        guard !running.isEmpty else { return "task \(task.id) is \(task.status) with no subtask running" }
        return running.map { s in
            "subtask \"\(s.name)\" is still \(s.status)" + (s.startTime.map { " (started \($0))" } ?? "")
        }.joined(separator: "; ")
    }
}

extension StepFailure {
    /// A read that may succeed if tried again: rate limited, a server error, no answer, an
    /// unreadable answer.
    var isPassing: Bool {
        guard !targetFailure, !isInterruption else { return false }
        return passingStatus
    }
}

/// The failed polls of a wait: how many in a row, since when the target is unreachable.
struct PollFailures<Instant> {
    var inARow = 0
    var total = 0
    var last: StepFailure?
    var unreachableSince: Instant?

    mutating func record(_ failure: StepFailure) {
        inARow += 1
        total += 1
        last = failure
    }

    /// A poll answered: the run of failures ends (the total stays, for the step's message).
    mutating func reset() {
        inARow = 0
        last = nil
        unreachableSince = nil
    }

    /// "poll failed" or "3 polls failed", for a timeout's message.
    var describeRun: String { inARow == 1 ? "poll failed" : "\(inARow) polls failed" }
}
