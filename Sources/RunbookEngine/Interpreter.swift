import Foundation
import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import Synchronization

/// Executes a checked ``RunbookDocument`` through an ``OCPClient``, writing the step log as it goes.
///
/// Time (timeouts, sleeps, polling intervals, the run clock in the log) comes from `clock`: the
/// simulator's clock when the target is embedded, so a 25-minute failover rehearses in
/// milliseconds at `speed: instant`; a real clock against a real OCP.
///
/// Meaning of a run: `steps` run in order and the first failure stops them (unless the step
/// says `continue on failure`); then `on failure` runs if a step failed; then `finally` runs,
/// whatever happened. An interruption (``interrupt()``) stops the waiting step, starts no new
/// cluster action, skips `on failure` and still runs `finally`.
public final class Interpreter<C: RunClock>: Sendable {
    /// The checked runbook this interpreter runs.
    public let runbook: CheckedRunbook
    let client: any OCPClient
    let clock: C
    let log: StepLog
    let configuration: RunConfiguration
    let state = RunState()
    /// Markers and watches, for the run's evidence.
    let evidence = EvidenceState()
    private let cancelMain = Mutex<(@Sendable () -> Void)?>(nil)
    /// The environment as the step log may show it: every variable whose name says it holds a
    /// secret shows `***` (worked out once: labels of every step read it).
    let shownEnvironment: [String: String]

    /// An interpreter that runs `runbook` against `client`, on `clock`, writing its records to
    /// `log`. `configuration` says who runs it and how; when it resumes a run
    /// (``RunConfiguration/resume``), `client` is wrapped so that a call a killed step may have
    /// sent is looked for before it is sent again.
    public init(runbook: CheckedRunbook, client: any OCPClient, clock: C, log: StepLog, configuration: RunConfiguration) {
        self.runbook = runbook
        // A resumed run looks for the effect of a call a killed step may have sent, before sending it.
        self.client = configuration.resume == nil ? client : ResumingClient(base: client)
        self.clock = clock
        self.log = log
        self.configuration = configuration
        var shown = configuration.environment
        for name in shown.keys where Redaction.isSecretName(name) { shown[name] = Redaction.mark }
        shownEnvironment = shown
    }

    /// Stops the run as SIGINT/SIGTERM would: the waiting step ends as interrupted, no new cluster
    /// action starts, `on failure` is skipped and `finally` runs. Safe to call from any thread.
    public func interrupt() {
        state.markInterrupted()
        cancelMain.withLock { $0?() }
    }

    /// Runs the runbook to its end and returns the last record of the step log.
    public func run() async -> RunFinished {
        let wallStart = ContinuousClock.now
        let start = clock.now

        var scope = Scope()
        let declared = Bindings.declaring(runbook.vars, environment: configuration.environment)
        scope.values = declared.bindings.values
        let setupFailure = declared.problem.map { decl, why in
            "variable '\(decl.name)' (\(decl.location)): cannot evaluate '\(decl.value.sourceText)' (\(decl.value.location)): \(why)"
        }
        var variables: [String: JSONValue] = [:]
        for (name, value) in scope.values { variables[name] = value.json }
        if let resume = configuration.resume {
            // The same run, taken up: its journal goes on after a record that says so.
            await log.write(
                .runResumed(
                    RunResumed(
                        runId: resume.started.runId, resumedAt: timestamp(), user: configuration.user,
                        toolVersion: RunbookVersion.current, target: configuration.target, afterRecords: resume.records,
                        sha256: configuration.fileSHA256, forced: configuration.fileSHA256 != resume.started.sha256,
                        notes: configuration.notes, identity: configuration.identity)))
        } else {
            await log.write(
                .runStarted(
                    RunStarted(
                        runId: configuration.runId, title: runbook.title, file: runbook.file, sha256: configuration.fileSHA256,
                        target: configuration.target, user: configuration.user, toolVersion: RunbookVersion.current,
                        variables: variables, simulationSpeed: configuration.simulationSpeed,
                        startedAt: timestamp(), notes: configuration.notes, identity: configuration.identity)))
        }

        let runDeadline = runbook.timeout.flatMap { value -> C.Instant? in
            guard let d = try? duration(value, in: scope) else { return nil }
            return start.advanced(by: d)
        }
        let context = RunContext(start: start, runDeadline: runDeadline)
        // The run itself holds the clock while it works between its blocks (skipping steps,
        // writing records), and gives it up while it waits for one: on an instant clock a `watch`
        // must not see time race ahead in between.
        clock.enterBranch()
        // `watch` probes run from the first step to the last, `finally` included.
        let watches = startWatches(scope: scope, context: context)

        var failedStep: String?
        if let setupFailure {
            failedStep = setupFailure
            await skip(runbook.steps, in: .top(.steps), scope: scope, context: context)
        } else {
            // The main steps run in their own task so an interruption can cancel their waits.
            let steps = block { [scope] in
                await self.runBlock(self.runbook.steps, in: .top(.steps), scope: scope, context: context)
            }
            cancelMain.withLock { $0 = { steps.cancel() } }
            if state.isInterrupted { steps.cancel() }
            let outcome = await waiting(for: steps)
            scope = outcome.scope
            failedStep = outcome.failure
        }

        if failedStep != nil, !state.isInterrupted, !runbook.onFailure.isEmpty {
            // Like `steps`, `on failure` runs in a task of its own so an interruption stops its waits.
            let recovery = block { [scope] in
                _ = await self.runBlock(self.runbook.onFailure, in: .top(.onFailure), scope: scope, context: context)
            }
            cancelMain.withLock { $0 = { recovery.cancel() } }
            if state.isInterrupted { recovery.cancel() }
            await waiting(for: recovery)
        } else if !runbook.onFailure.isEmpty {
            await skip(runbook.onFailure, in: .top(.onFailure), scope: scope, context: context)
        }
        var finallyFailure: String?
        if !runbook.finally.isEmpty {
            // `finally` runs even after an interruption, in a task of its own that is not cancelled.
            let finallyScope = scope
            let last = block {
                await self.runBlock(self.runbook.finally, in: .top(.finally), scope: finallyScope, context: context).failure
            }
            // Not cancelled by an interruption: `finally` always runs to its end.
            finallyFailure = await waiting(for: last, cancellable: false)
        }

        // Stopped while the run holds the clock: a cancelled watch needs no time to pass.
        await stopWatches(watches, context: context)
        let endMs = context.runTimeMs(clock.now)
        let recoveries = Self.inRunbookOrder(state.recoveries)
        let measured = measuredEvidence(recoveries: recoveries, endMs: endMs)
        let unmet = measured?.objectives.filter { $0.verdict != .met } ?? []

        let interrupted = state.isInterrupted
        let outcome: RunOutcome
        var reason: String?
        if let lost = log.writeFailure {
            // Whatever the steps did, the run's evidence is incomplete: it cannot pass.
            outcome = .journalFailed
            reason = "the step log could not be written (\(lost)); no cluster action was started after that"
        } else if let target = state.targetFailure {
            outcome = .targetFailed
            reason = target
        } else if interrupted {
            outcome = .interrupted
            reason = "interrupted; `finally` ran, and no cluster action was started after the interruption"
            // OCP carries on with what the run started: say which, and how to take the run up again.
            let running = recoveries.filter { $0.outcome == .unfinished }
            if !running.isEmpty {
                let tasks = running.map { "task \($0.taskId) (\($0.action) of \($0.tenantId.map { "tenant \($0)" } ?? "cluster \($0.clusterId)"))" }
                let which = tasks.joined(separator: ", ")
                let how =
                    configuration.resumeCommand.map { "to continue the run, with no call sent twice: \($0)" }
                    ?? (configuration.target == "embedded"
                        ? "an embedded run cannot be resumed (its simulator ended with it): rehearse interruptions against `runbook serve`"
                        : "run with a step log (not --no-log) to be able to resume")
                reason = (reason ?? "") + "; \(which) \(running.count == 1 ? "is" : "are") still running on OCP: \(how)"
            }
        } else if let failedStep {
            outcome = .failed
            reason = failedStep
        } else if let finallyFailure {
            // A failure inside a step that continued on failure (a loop's item) is not one of these.
            outcome = .failed
            reason = "in `finally`, \(finallyFailure)"
        } else if !unmet.isEmpty {
            // Every step passed, and the drill did not prove what it must.
            outcome = .failed
            reason = unmet.map(\.sentence).joined(separator: "; ")
        } else {
            outcome = .passed
        }
        let finished = RunFinished(
            outcome: outcome, reason: reason, counts: state.counts,
            durationMs: start.duration(to: clock.now).milliseconds,
            wallDurationMs: wallStart.duration(to: .now).milliseconds, finishedAt: timestamp(),
            recoveries: recoveries, evidence: measured)
        await log.write(.runFinished(finished))
        clock.leaveBranch()
        return finished
    }

    /// Starts one of the run's blocks (`steps`, `on failure`, `finally`) in a task of its own that
    /// holds the clock until it ends and then hands its place to the run (``waiting(for:cancellable:)``):
    /// the run's own place on the clock is never empty between the two, so an instant clock cannot
    /// move on while the run goes from one block to the next.
    private func block<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> Task<T, Never> {
        clock.enterBranch()
        return Task { await body() }
    }

    /// Gives up the run's place on the clock, waits for `task` (started by ``block(_:)``), and
    /// takes the task's place back; an interruption of the run cancels the task.
    private func waiting<T: Sendable>(for task: Task<T, Never>, cancellable: Bool = true) async -> T {
        clock.leaveBranch()
        guard cancellable else { return await task.value }
        return await withTaskCancellationHandler {
            await task.value
        } onCancel: {
            task.cancel()
        }
    }

    /// Recoveries in the runbook's order (block, then position in it), whatever order parallel
    /// items started their tasks in; a step that ran more than once keeps its runs in order.
    static func inRunbookOrder(_ recoveries: [Recovery]) -> [Recovery] {
        StepPosition.inRunbookOrder(recoveries, by: \.position)
    }

    // MARK: - Time

    /// Starts a branch of the run (`steps`, `on failure`, `finally`) in a task of its own.
    ///
    /// The branch counts on the clock (``RunClock/enterBranch()``) from before it is spawned until
    /// it ends: on the simulator's instant clock a running branch holds simulated time still and
    /// lets it move only while it sleeps on the clock (``sleep(until:)``), so time advances when
    /// every branch of the run, parallel items included, is waiting, as it would on a real clock,
    /// and never while a branch is between two calls.
    func branch<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> Task<T, Never> {
        clock.enterBranch()
        return Task {
            defer { clock.leaveBranch() }
            return await body()
        }
    }

    /// The run clock's present as a timestamp, for the step log.
    func timestamp() -> OCPTimestamp {
        OCPTimestamp(date: clock.date(of: clock.now))
    }

    /// Sleeps on the run clock until `wake`; an interruption ends the sleep as the step's failure.
    /// On the simulator's instant clock the branch gives up its place while it sleeps (the clock
    /// does that itself, atomically), so time moves once every branch is asleep (see ``branch(_:)``).
    func sleep(until wake: C.Instant) async throws(StepFailure) {
        do {
            try await clock.sleep(until: wake, tolerance: nil)
        } catch {
            throw StepFailure.interrupted
        }
    }

    /// What is shared by every step of one run.
    struct RunContext: Sendable {
        /// The run's start on the run clock.
        var start: C.Instant
        /// The whole run's `timeout`, if any.
        var runDeadline: C.Instant?

        func runTimeMs(_ now: C.Instant) -> Int64 { start.duration(to: now).milliseconds }

        /// The run time of a wall-clock moment (before the run began, for an earlier segment's).
        func runTimeMs(forWallTime date: Date, clock: C) -> Int64 {
            // A journal's date may be anything: clamped, never trapped on.
            let ms = (date.timeIntervalSince(clock.date(of: start)) * 1000).rounded()
            return ms.isFinite ? Int64(max(-1e15, min(1e15, ms))) : 0
        }

        /// Whether the whole run's `timeout` has passed at `now`.
        func runTimedOut(_ now: C.Instant) -> Bool { runDeadline.map { now >= $0 } ?? false }
    }

    // MARK: - Blocks

    struct BlockOutcome: Sendable {
        var scope: Scope
        /// A one-line account of the step that failed the block, nil when none did.
        var failure: String?
    }

    /// Runs `steps` in order; the first failure (not continued) stops the block and the rest are
    /// recorded as skipped.
    func runBlock(_ steps: [Step], in body: StepBody, scope initial: Scope, context: RunContext) async -> BlockOutcome {
        var scope = initial
        for (index, step) in steps.enumerated() {
            let position = body.position(index)
            let outcome = await runStep(step, position: position, scope: &scope, context: context)
            if outcome == .failed {
                await skip(Array(steps.dropFirst(index + 1)), in: body, scope: scope, context: context, offset: index + 1)
                return BlockOutcome(
                    scope: scope, failure: "step \(position.label) '\(phrase(of: step, scope: scope))' failed (\(step.location))")
            }
        }
        return BlockOutcome(scope: scope, failure: nil)
    }

    /// Records steps that did not run, named as they would have been in `scope`.
    func skip(_ steps: [Step], in body: StepBody, scope: Scope, context: RunContext, offset: Int = 0) async {
        for (i, step) in steps.enumerated() {
            state.count(.skipped)
            await log.write(
                .stepFinished(
                    StepFinished(
                        position: body.position(offset + i), location: step.location, phrase: phrase(of: step, scope: scope),
                        outcome: .skipped, durationMs: 0, wallDurationMs: 0)))
        }
    }

    // MARK: - One step

    /// Runs one step and writes its records; returns its outcome.
    func runStep(_ step: Step, position: StepPosition, scope: inout Scope, context: RunContext) async -> StepOutcome {
        let label = phrase(of: step, scope: scope)
        // Resumed: a step that passed before is not run again (a loop is: its items are each
        // decided); one that started and never finished runs again, a call it may have sent first
        // looked for.
        if let resume = configuration.resume, step.descriptor.family != .loop, let prior = resume.done(position.label) {
            return await passedBefore(prior, step, position: position, label: label, scope: &scope, context: context)
        }
        let resumingSince = configuration.resume?.resumingSince(position.label)
        if let since = resumingSince, step.descriptor.startedTask != nil,
            let outcome = await startedBefore(step, since: since, position: position, label: label, scope: &scope, context: context)
        {
            return outcome
        }
        if resumingSince != nil, step.descriptor.family != .loop {
            return await ResumingClient.$resumingSince.withValue(resumingSince) {
                var inner = scope
                let outcome = await runStepNow(step, position: position, label: label, scope: &inner, context: context)
                scope = inner
                return outcome
            }
        }
        return await runStepNow(step, position: position, label: label, scope: &scope, context: context)
    }

    /// Records a step passed in an earlier segment (``restore(_:_:scope:trace:context:)``).
    private func passedBefore(
        _ prior: StepFinished, _ step: Step, position: StepPosition, label: String, scope: inout Scope,
        context: RunContext
    ) async -> StepOutcome {
        let trace = StepTrace(position: position, phrase: label)
        let calls = OCPCallLog()
        var restored = scope
        let outcome = await OCPCallLog.$current.withValue(calls) {
            await self.restore(prior, step, scope: &restored, trace: trace, context: context)
        }
        scope = restored
        state.count(outcome)
        var observed = prior.observed
        if !trace.observed.isEmpty { observed = trace.observed }
        var record = StepFinished(
            position: position, location: step.location, phrase: label, outcome: outcome,
            message: ResumePoint.note(for: prior.outcome), durationMs: 0, wallDurationMs: 0, observed: observed,
            calls: calls.calls)
        record.restored = true
        await log.write(.stepFinished(record))
        return outcome
    }

    private func runStepNow(
        _ step: Step, position: StepPosition, label: String, scope: inout Scope, context: RunContext
    ) async -> StepOutcome {
        let startedAt = clock.now
        let wallStart = ContinuousClock.now
        await log.write(
            .stepStarted(
                StepStarted(
                    position: position, location: step.location, phrase: label, startedAt: timestamp(),
                    runTimeMs: context.runTimeMs(startedAt))))
        // A step that starts or changes work is on disk as started before its call can leave.
        if step.descriptor.isAction { await log.sync() }
        let trace = StepTrace(position: position, phrase: label)
        // With a sink that shows calls as they happen (--verbose), each call goes to it in order
        // through a stream, and the step's end waits until all have been shown.
        var live: AsyncStream<OCPCallRecord>.Continuation?
        var shown: Task<Void, Never>?
        var observer: (@Sendable (OCPCallRecord) -> Void)?
        if log.wantsCalls {
            let (stream, continuation) = AsyncStream<OCPCallRecord>.makeStream()
            live = continuation
            observer = { call in continuation.yield(call) }
            let log = self.log
            shown = Task {
                for await call in stream { await log.call(call, at: position) }
            }
        }
        let calls = OCPCallLog(observer: observer)
        var outcome: StepOutcome
        var failure: StepFailure?
        let result: Result<Scope, StepFailure> = await OCPCallLog.$current.withValue(calls) {
            await self.runWithinDeadline(step, scope: scope, trace: trace, context: context)
        }
        live?.finish()
        await shown?.value
        if case .success(let after) = result { scope = after }
        switch result {
        case .success:
            outcome = .passed
        case .failure(var error):
            if error.isInterruption, !state.isInterrupted {
                // Cancelled with no interruption of the run: the deadline of a step around this
                // one (a loop's `timeout`) passed. That step says which; this one was stopped.
                error.message = "stopped: the timeout of the step around it passed"
            }
            failure = error
            // A failure once the runbook's own timeout has passed ends `steps`, as an interruption does.
            outcome = step.options.continueOnFailure && !error.isInterruption && !context.runTimedOut(clock.now)
                ? .continued : .failed
            if error.targetFailure { state.recordTargetFailure(error.message) }
        }
        state.count(outcome)
        var finishedRecord = StepFinished(
            position: position, location: step.location, phrase: label, outcome: outcome,
                    message: (failure?.message ?? trace.message).map { bounded($0, to: Self.maxMessageLength) },
                    expected: failure?.expected.map { bounded($0, to: Self.maxMessageLength) },
                    found: failure?.found.map { bounded($0, to: Self.maxMessageLength) },
                    durationMs: startedAt.duration(to: clock.now).milliseconds,
                    wallDurationMs: wallStart.duration(to: .now).milliseconds, observed: trace.observed,
                    calls: calls.calls, probes: trace.probes)
        if failure?.isInterruption == true, state.isInterrupted, outcome == .failed { finishedRecord.interrupted = true }
        await log.write(.stepFinished(finishedRecord))
        return outcome
    }

    /// The most characters of a step's phrase in the step log (its variables filled in).
    static var maxPhraseLength: Int { 1000 }
    /// The most characters of a step's message (a `note` of a long list), expected or found.
    static var maxMessageLength: Int { 64_000 }

    /// `text`, or its first `limit` characters and how many more there were.
    func bounded(_ text: String, to limit: Int) -> String {
        Self.bounded(log.redaction.apply(text), to: limit)
    }

    static func bounded(_ text: String, to limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(limit)) + "… (\(text.count - limit) more characters)"
    }

    /// Runs a step's action, cancelled when its deadline passes: its `timeout`, or the run's.
    ///
    /// Waits and sleeps keep their own deadline (their message says what was still running), a
    /// `confirm` its own in wall time (a person's time); for
    /// every other step a watch on the run clock cancels the step at its deadline (a call in flight
    /// included: the HTTP client then looks for the call's effect) and the step fails saying which
    /// deadline passed. The watch takes its own place on the clock, so an instant clock's time
    /// moves only when the step itself waits on it.
    func runWithinDeadline(_ step: Step, scope: Scope, trace: StepTrace, context: RunContext) async -> Result<
        Scope, StepFailure
    > {
        let family = step.descriptor.family
        // Sleeps and confirms keep their own deadline. Waits check theirs between polls, and the
        // watch stops one in flight (a poll that does not answer) just after it: a wait that is
        // between polls at its deadline says itself what was still running.
        var waits = family == .wait
        if case .probe(_, true) = family { waits = true }
        let ownDeadline = family == .sleep || family == .confirm
        var deadline: Deadline<C>?
        do throws(StepFailure) {
            deadline = ownDeadline ? nil : try self.deadline(for: step, scope: scope, context: context, isAwait: waits)
        } catch {
            return .failure(error)
        }
        // `finally` runs whatever happened, a passed run deadline included: only its steps' own
        // timeouts bound it.
        if trace.position.block == .finally, deadline?.isRunDeadline == true { deadline = nil }
        guard let deadline, deadline.instant > clock.now else {
            return await executing(step, scope: scope, trace: trace, context: context)
        }
        // A wait inside a loop whose own deadline falls at the same instant may report first:
        // its message then says which wait was still running.
        let wake = waits ? deadline.instant.advanced(by: .milliseconds(1)) : deadline.instant
        let (result, timedOut) = await withTaskGroup(of: Finish.self, returning: (Result<Scope, StepFailure>, Bool).self) {
            group in
            group.addTask { .done(await self.executing(step, scope: scope, trace: trace, context: context)) }
            // The watch's place on the clock is given up here, once its news is acted on: were the
            // watch to give it up itself, an instant clock could move on to the step's own next
            // wake-up before the step is stopped.
            clock.enterBranch()
            group.addTask {
                do {
                    try await self.clock.sleep(until: wake, tolerance: nil)
                    return .deadline
                } catch {
                    return .watchStopped
                }
            }
            var outcome: Result<Scope, StepFailure> = .failure(StepFailure.interrupted)
            var timedOut = false
            for await finish in group {
                switch finish {
                case .done(let r):
                    outcome = r
                    group.cancelAll()
                case .deadline:
                    timedOut = true
                    group.cancelAll()
                    clock.leaveBranch()
                case .watchStopped:
                    clock.leaveBranch()
                }
            }
            return (outcome, timedOut)
        }
        if timedOut, case .failure(let failure) = result, failure.isInterruption || failure.passingStatus {
            let what = waits ? " while a poll was still out" : ""
            var timeout = StepFailure("\(deadline.description)\(what); the step was stopped")
            timeout.expected = failure.expected
            timeout.found = failure.found
            return .failure(timeout)
        }
        return result
    }

    /// How the race of a step against its deadline ended: the step finished, or the watch woke.
    enum Finish: Sendable {
        case done(Result<Scope, StepFailure>)
        /// The deadline passed.
        case deadline
        /// The step ended first and the watch was called off.
        case watchStopped
    }

    private func executing(_ step: Step, scope: Scope, trace: StepTrace, context: RunContext) async -> Result<
        Scope, StepFailure
    > {
        var stepScope = scope
        do throws(StepFailure) {
            try await execute(step, scope: &stepScope, trace: trace, context: context)
            return .success(stepScope)
        } catch {
            return .failure(error)
        }
    }

    /// The deadline of a step: its `timeout` (awaits default to one hour), bounded by the run's.
    func deadline(for step: Step, scope: Scope, context: RunContext, isAwait: Bool) throws(StepFailure) -> Deadline<C>? {
        var result: Deadline<C>?
        if let value = step.options.timeout {
            let d = try duration(value, in: scope)
            result = Deadline(instant: clock.now.advanced(by: d), duration: d, isRunDeadline: false)
        } else if isAwait {
            let d = StepOptions.defaultAwaitTimeout
            result = Deadline(instant: clock.now.advanced(by: d), duration: d, isRunDeadline: false)
        }
        if let run = context.runDeadline, result.map({ run < $0.instant }) ?? true, let timeout = runbook.timeout {
            let d = (try? duration(timeout, in: scope)) ?? .zero
            result = Deadline(instant: run, duration: d, isRunDeadline: true)
        }
        return result
    }
}

/// A step's deadline on the run clock.
struct Deadline<C: Clock>: Sendable where C.Duration == Duration {
    var instant: C.Instant
    var duration: Duration
    /// True when it is the whole run's `timeout`, not the step's own.
    var isRunDeadline: Bool

    var description: String {
        isRunDeadline
            ? "the runbook's timeout (\(DurationText.format(duration))) passed"
            : "the step's timeout (\(DurationText.format(duration))) passed"
    }
}

/// Where a list of steps stands: a block, or the body of a loop for one item.
struct StepBody: Sendable {
    var block: StepPosition.Block
    var prefix: [Int]
    var items: [StepPosition.Item]

    static func top(_ block: StepPosition.Block) -> StepBody { StepBody(block: block, prefix: [], items: []) }

    /// The position of the body's step `index`.
    func position(_ index: Int) -> StepPosition {
        StepPosition(block: block, path: prefix + [index], items: items)
    }

    /// The body of the loop at `loop`, for its item `index`.
    static func loop(at loop: StepPosition, item index: Int, _ item: StepPosition.Item) -> StepBody {
        StepBody(block: loop.block, prefix: loop.path + [index], items: loop.items + [item])
    }
}
