import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - Executing one step's action

extension Interpreter {
    func execute(_ step: Step, scope: inout Scope, trace: StepTrace, context: RunContext) async throws(StepFailure) {
        let descriptor = step.descriptor
        if Task.isCancelled || (state.isInterrupted && descriptor.isAction) {
            if descriptor.isAction {
                var failure = StepFailure("not started: the run was interrupted, and no cluster action starts after that")
                failure.isInterruption = true
                throw failure
            }
            if Task.isCancelled { throw StepFailure.interrupted }
        }
        // Without its evidence the run stops: no step of `steps` or `on failure` starts, and
        // `finally` runs all but its cluster actions.
        if let lost = log.writeFailure, descriptor.isAction || trace.position.block != .finally {
            throw StepFailure(
                descriptor.isAction
                    ? "not started: the step log cannot be written (\(lost)), and no cluster action starts without it"
                    : "not started: the step log cannot be written (\(lost)); the run stops")
        }
        if trace.position.block == .steps, context.runTimedOut(clock.now), let timeout = runbook.timeout {
            let limit = (try? duration(timeout, in: scope)).map { " (\(DurationText.format($0)))" } ?? ""
            throw StepFailure("not started: the runbook's timeout\(limit) has passed")
        }
        switch step.action {
        case .action(let action):
            try await run(action, descriptor, step: step, scope: &scope, trace: trace, context: context)

        case .sleep(let value):
            let d = try duration(value, in: scope)
            let deadline = try self.deadline(for: step, scope: scope, context: context, isAwait: false)
            var wake = clock.now.advanced(by: d)
            let cut = deadline.map { $0.instant < wake } ?? false
            if cut, let deadline { wake = deadline.instant }
            try await sleep(until: wake)
            if cut, let deadline { throw StepFailure(deadline.description + " during the sleep") }
            trace.message = "slept \(DurationText.format(d))"

        case .note(let expr):
            trace.message = try shownText(expr, in: scope)

        case .confirm(let expr):
            // The question is shown to a person: no secret in it either.
            let question = try shownText(expr, in: scope)
            if configuration.assumeYes {
                approve(question, answer: "yes", how: "--yes", trace: trace)
                trace.message = "\(question): yes (--yes)"
                return
            }
            // A person's time: the step's `timeout` is wall time, and the run's clock moves one
            // second for each second the person takes, whatever the simulator's speed.
            let wait = try step.options.timeout.map { value throws(StepFailure) in try duration(value, in: scope) }
            let confirm = configuration.confirm
            let reply: ConfirmReply = await clock.personAnswers {
                await withTaskGroup(of: ConfirmReply.self, returning: ConfirmReply.self) { group in
                    group.addTask { ConfirmReply(await confirm(question)) }
                    if let wait {
                        group.addTask {
                            do {
                                try await Task.sleep(for: wait)
                                return .timedOut
                            } catch {
                                return .cancelled
                            }
                        }
                    }
                    // The first reply stands: the question asked, or the time it was allowed.
                    var reply: ConfirmReply?
                    for await r in group where r != .cancelled && reply == nil {
                        reply = r
                        group.cancelAll()
                    }
                    return reply ?? .cancelled
                }
            }
            approve(question, reply, trace: trace)
            if Task.isCancelled { throw StepFailure.interrupted }
            switch reply {
            case .noTerminal:
                throw StepFailure("\(question): no terminal to ask on; run with --yes to confirm without asking")
            case .timedOut:
                let limit = wait.map(DurationText.format) ?? ""
                throw StepFailure("\(question): no answer within the step's timeout (\(limit))")
            case .cancelled: throw StepFailure.interrupted
            case .no: throw StepFailure("\(question): declined")
            case .yes: trace.message = "\(question): yes"
            }

        case .forEach(let block):
            try await runLoop(block, step: step, scope: scope, trace: trace, context: context)

        case .marker(let kind, let text):
            try mark(kind, text, scope: scope, trace: trace, context: context)

        case .probe(let probe):
            try await runProbe(probe, step: step, scope: scope, trace: trace, context: context)
        }
    }

    /// Runs a phrase that talks to OCP, by its family; the calls it makes are its descriptor's.
    func run(
        _ action: ActionStep, _ descriptor: PhraseDescriptor, step: Step, scope: inout Scope, trace: StepTrace,
        context: RunContext
    ) async throws(StepFailure) {
        switch descriptor.family {
        case .startsTask(let endpoint, let definition) where descriptor.isTenantPhrase:
            try await startTenantTasks(
                action, descriptor, endpoint, definition, step: step, scope: &scope, trace: trace, context: context)

        case .precheck(_, let definition) where descriptor.isTenantPhrase:
            try await precheckTenant(action, descriptor, definition, scope: scope, trace: trace)

        case .startsTask(let endpoint, let definition):
            let id = try subject(action, in: scope)
            // With a `data loss` objective, a failover's standby is read right before the call: its
            // delayTime is the data the failover may lose.
            var lagMs: Int64?
            if descriptor.calls.contains(where: { $0.repetition == .forDataLoss }), runbook.objectives?.dataLoss != nil {
                let standby = try await call { () async throws(OCPError) in try await self.client.cluster(id: id) }
                trace.observe(standby)
                lagMs = standby.delayTime.flatMap { seconds in
                    let (ms, overflow) = Int64(seconds).multipliedReportingOverflow(by: 1000)
                    return overflow || seconds < 0 ? nil : ms
                }
            }
            let calledAt = context.runTimeMs(clock.now)
            let task = try await call { () async throws(OCPError) in
                try await self.client.send(OCPOperation<TaskInstance>(endpoint, [id]))
            }
            state.registerRecovery(
                Recovery(
                    position: trace.position, action: definition.shortName, clusterId: id, taskId: task.id,
                    taskStatus: task.status.rawValue, calledAtMs: calledAt, endedAtMs: nil, recoveryMs: nil,
                    operation: task.operation?.rawValue, lagMs: lagMs))
            see(task, trace: trace, context: context)
            scope.current = task.id
            if let name = step.options.taskName { scope.taskNames[name.text] = task.id }
            trace.message = "started task \(task.id) '\(task.name)' on cluster \(id)"

        case .precheck(let endpoint, let definition):
            let id = try subject(action, in: scope)
            let result = try await call { () async throws(OCPError) in
                try await self.client.send(OCPOperation<PreCheckData>(endpoint, [id])).result
            }
            trace.observed.precheckMessages = result.messages
            guard result.valid else {
                let list = result.messages.isEmpty ? "(no message)" : result.messages.map { "- \($0)" }.joined(separator: "\n")
                throw StepFailure(
                    "the \(definition.shortName) pre-check of cluster \(id) failed:\n\(list)", expected: "valid",
                    found: "not valid")
            }
            trace.message = "cluster \(id) may \(definition.verb)"

        case .taskOperation(let endpoint) where group(action.task, in: scope) != nil:
            try await operateOnGroup(endpoint, group(action.task, in: scope), trace: trace, context: context)

        case .subtaskOperation(let endpoint) where group(action.task, in: scope) != nil:
            try await operateOnGroupSubtask(
                endpoint, group(action.task, in: scope), name: try text(action.subtask, in: scope), trace: trace,
                context: context)

        case .taskOperation(let endpoint):
            let id = try taskId(action.task, in: scope)
            let task = try await call { () async throws(OCPError) in
                try await self.client.send(OCPOperation<TaskInstance>(endpoint, [id]))
            }
            see(task, trace: trace, context: context)
            let fallback = endpoint == .retryTask ? "RETRY" : "ROLLBACK"
            trace.message = "task \(id) is \(task.status) (\(task.operation?.rawValue ?? fallback))"

        case .subtaskOperation(let endpoint):
            let id = try taskId(action.task, in: scope)
            let subtaskName = try text(action.subtask, in: scope)
            let task = try await fetchTask(id, trace: trace, context: context)
            let subtask = try findSubtask(subtaskName, in: task)
            switch endpoint {
            case .retrySubtask:
                let s = try await call { () async throws(OCPError) in
                    try await self.client.retrySubtask(taskId: id, subtaskId: subtask.id)
                }
                trace.message = "subtask \"\(subtaskName)\" is \(s.status) (run \(s.runTime ?? 0))"
            default:
                try await call { () async throws(OCPError) in
                    _ = try await self.client.send(OCPOperation<NoPayload>(endpoint, [id, subtask.id]))
                }
                trace.message = "subtask \"\(subtaskName)\" \(endpoint == .skipSubtask ? "skipped" : "cancelled")"
            }
            _ = try? await fetchTask(id, trace: trace, context: context)

        case .wait:
            try await wait(action, descriptor, step: step, scope: scope, trace: trace, context: context)

        case .assertion:
            try await check(action, descriptor, scope: scope, trace: trace, context: context)

        case .sleep, .note, .confirm, .loop, .marker, .probe:
            throw StepFailure("'\(step.phrase)' is not an OCP action")
        }
    }

    /// The subject's id: a cluster id or a tenant id.
    func subject(_ action: ActionStep, in scope: Scope) throws(StepFailure) -> Int {
        let kind = action.descriptor.subject ?? .cluster
        return try integer(action.subject, in: scope, what: kind.noun)
    }

    // MARK: - Calls

    /// Runs an OCP call, turning its error into the step's failure.
    func call<T>(_ body: () async throws(OCPError) -> T) async throws(StepFailure) -> T {
        do {
            return try await body()
        } catch {
            throw StepFailure(error)
        }
    }

    /// Reads a task, records what the step saw, and reports progress.
    func fetchTask(_ id: Int, trace: StepTrace, context: RunContext) async throws(StepFailure) -> TaskInstance {
        let task = try await call { () async throws(OCPError) in try await self.client.task(id: id) }
        see(task, trace: trace, context: context)
        return task
    }

    func see(_ task: TaskInstance, trace: StepTrace, context: RunContext) {
        let now = context.runTimeMs(clock.now)
        trace.observe(task, runTimeMs: now)
        state.observe(task, runTimeMs: now)
    }

    func findSubtask(_ name: String, in task: TaskInstance) throws(StepFailure) -> SubtaskInstance {
        if let s = task.subtask(named: name) { return s }
        let names = task.subtasksInExecutionOrder.map { "\"\($0.name)\"" }.joined(separator: ", ")
        var message = "task \(task.id) has no subtask \"\(name)\""
        if let close = Suggestion.closest(to: name, among: task.subtasksInExecutionOrder.map(\.name)) {
            message += "; did you mean \"\(close)\"?"
        }
        throw StepFailure(message + (names.isEmpty ? "" : (message.hasSuffix("?") ? " " : ". ") + "Its subtasks: \(names)."))
    }

    // MARK: - Loops

    func runLoop(_ block: ForEachBlock, step: Step, scope: Scope, trace: StepTrace, context: RunContext) async throws(StepFailure) {
        let listValue = try evaluate(block.list, in: scope)
        guard case .list(let items) = listValue else {
            throw StepFailure("'\(block.list.sourceText)' is \(listValue.kindDescription), not a list (\(block.list.location))")
        }
        let variable = block.variable.text
        let loop = trace.position
        @Sendable func itemScope(_ item: ExprValue) -> Scope {
            var s = scope
            s.values[variable] = item
            return s
        }
        @Sendable func body(_ index: Int) -> StepBody {
            .loop(
                at: loop, item: index,
                StepPosition.Item(variable: variable, value: redacted(items[index]).itemLabel(index: index)))
        }
        /// Records the steps of items that will not run.
        func skipItems(_ indices: some Sequence<Int>) async {
            for j in indices {
                await skip(block.body, in: body(j), scope: itemScope(items[j]), context: context)
            }
        }
        if !block.parallel {
            for (i, item) in items.enumerated() {
                let outcome = await runBlock(block.body, in: body(i), scope: itemScope(item), context: context)
                if outcome.failure != nil {
                    await skipItems(items.indices.dropFirst(i + 1))
                    if Task.isCancelled || state.isInterrupted { throw StepFailure.interrupted }
                    throw StepFailure("item \(i + 1) of \(items.count) (\(variable)=\(item.text)) failed; the loop stopped there")
                }
            }
            trace.message = "\(items.count) item\(items.count == 1 ? "" : "s") passed"
            return
        }
        var limit = ForEachBlock.defaultMaxConcurrency
        if let maxConcurrency = step.options.maxConcurrency {
            switch maxConcurrency.kind {
            case .fixed(let n): limit = n
            case .expression(let e): limit = try integer(e, in: scope, what: "max concurrency")
            }
            guard limit >= 1 else { throw StepFailure("max concurrency is \(limit); it must be at least 1 (\(maxConcurrency.location))") }
        }
        guard !items.isEmpty else {
            trace.message = "no items to run"
            return
        }
        // Each item is a branch that holds time still while it runs (see `branch`): it enters the
        // clock before it is launched, so every item starts at the simulated instant it is
        // launched, and the loop leaves once it has launched the item that takes its place, so no
        // time passes between the two. The loop itself only waits.
        let (failures, launched) = await withTaskGroup(of: (Int, Bool).self, returning: ([Int], Int).self) { group in
            var next = 0
            var running = 0
            var failed: [Int] = []
            func launch() {
                let i = next
                let item = items[i]
                next += 1
                running += 1
                clock.enterBranch()
                group.addTask {
                    let outcome = await self.runBlock(block.body, in: body(i), scope: itemScope(item), context: context)
                    return (i, outcome.failure != nil)
                }
            }
            while next < items.count, next < limit { launch() }
            clock.leaveBranch()
            for await (i, itemFailed) in group {
                running -= 1
                if itemFailed { failed.append(i) }
                if next < items.count, !Task.isCancelled, !state.isInterrupted { launch() }
                if running == 0 { clock.enterBranch() }
                clock.leaveBranch()
            }
            return (failed.sorted(), next)
        }
        // Items an interruption kept from starting.
        await skipItems(launched..<items.count)
        if Task.isCancelled || state.isInterrupted { throw StepFailure.interrupted }
        if !failures.isEmpty {
            let shown = failures.prefix(5).map { "\(variable)=\(items[$0].text)" }.joined(separator: ", ")
            let more = failures.count > 5 ? " and \(failures.count - 5) more" : ""
            throw StepFailure("\(failures.count) of \(items.count) items failed: \(shown)\(more)")
        }
        let byDefault = step.options.maxConcurrency == nil && items.count > limit ? " (the default)" : ""
        trace.message = "\(items.count) item\(items.count == 1 ? "" : "s") passed, at most \(min(limit, items.count)) at once\(byDefault)"
    }
}

/// How a person answered a `confirm`.
enum ConfirmReply: Sendable, Hashable {
    case yes, no, noTerminal, timedOut, cancelled

    init(_ answer: Bool?) {
        switch answer {
        case true?: self = .yes
        case false?: self = .no
        case nil: self = .noTerminal
        }
    }
}
