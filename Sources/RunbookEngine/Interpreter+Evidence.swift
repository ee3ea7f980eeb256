import Foundation
import OCPModel
import Probes
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import Synchronization

// MARK: - Evidence: markers, probes, watches, objectives

/// What the run has measured for its evidence, shared by its steps and watches.
final class EvidenceState: Sendable {
    private struct Storage {
        var outage: Evidence.Marker?
        var recovered: Evidence.Marker?
        var watches: [WatchLog] = []
        var lastReturn: Return?
    }

    /// When the last `await probe` saw the service come back: between its last failed attempt
    /// and its first passing one.
    struct Return: Sendable {
        var failedAtMs: Int64
        var passedAtMs: Int64
        var position: StepPosition
    }

    /// Notes what an `await probe` saw.
    func sawReturn(_ r: Return) { storage.withLock { $0.lastReturn = r } }

    /// The last return seen, once.
    func takeReturn() -> Return? {
        storage.withLock { s in
            defer { s.lastReturn = nil }
            return s.lastReturn
        }
    }

    /// One watch probe's attempts and changes.
    struct WatchLog: Sendable {
        var kind: String
        var target: String
        var attempts = 0
        var up: Bool?
        var windows: [Evidence.Downtime.Window] = []
    }

    private let storage = Mutex(Storage())

    func mark(_ kind: MarkerKind, _ marker: Evidence.Marker) {
        storage.withLock { s in
            switch kind {
            case .outage: s.outage = marker
            case .recovered: s.recovered = marker
            }
        }
    }

    var outage: Evidence.Marker? { storage.withLock { $0.outage } }
    var recovered: Evidence.Marker? { storage.withLock { $0.recovered } }

    /// Registers a watch probe; its index for ``attempt(_:passed:atMs:)``.
    func addWatch(kind: String, target: String) -> Int {
        storage.withLock { s in
            s.watches.append(WatchLog(kind: kind, target: target))
            return s.watches.count - 1
        }
    }

    /// Records one attempt of watch `index`; whether it changed the watch's state (the first
    /// attempt always does).
    func attempt(_ index: Int, passed: Bool, atMs: Int64) -> Bool {
        storage.withLock { s in
            s.watches[index].attempts += 1
            let before = s.watches[index].up
            s.watches[index].up = passed
            if !passed, before != false { s.watches[index].windows.append(.init(fromMs: atMs, toMs: nil)) }
            if passed, before == false, let last = s.watches[index].windows.indices.last {
                s.watches[index].windows[last].toMs = atMs
            }
            return before != passed
        }
    }

    /// Each watch's downtime, windows still open closing at `endMs` for the total.
    func downtime(endMs: Int64) -> [Evidence.Downtime] {
        storage.withLock { s in
            s.watches.map { w in
                let total = w.windows.reduce(Int64(0)) { $0 + (($1.toMs ?? endMs) - $1.fromMs) }
                return Evidence.Downtime(
                    kind: w.kind, target: w.target, windows: w.windows, totalMs: total, attempts: w.attempts)
            }
        }
    }
}

extension Interpreter {
    /// `outage: TEXT` and `recovered: TEXT`: the moment, on the run's clock.
    func mark(_ kind: MarkerKind, _ text: Expr, scope: Scope, trace: StepTrace, context: RunContext) throws(StepFailure) {
        let words = try self.text(text, in: scope)
        let now = clock.now
        var marker = Evidence.Marker(text: words, position: trace.position, atMs: context.runTimeMs(now), at: timestamp())
        // The service came back when the last `await probe` saw it, not when this step ran.
        if kind == .recovered, let seen = evidence.takeReturn(), seen.failedAtMs >= evidence.outage.map(\.atMs) ?? 0 {
            marker.atMs = (seen.failedAtMs + seen.passedAtMs) / 2
            marker.uncertaintyMs = (seen.passedAtMs - seen.failedAtMs + 1) / 2
            marker.seenBy = seen.position
            marker.at = OCPTimestamp(date: clock.date(of: context.start.advanced(by: .milliseconds(marker.atMs))))
        }
        evidence.mark(kind, marker)
        if kind == .recovered, let outage = evidence.outage {
            let ms = marker.atMs - outage.atMs
            let plusMinus = marker.uncertaintyMs.map { " ± \(DurationText.formatRounded(.milliseconds($0)))" } ?? ""
            trace.message = "\(words): \(DurationText.formatRounded(.milliseconds(ms)))\(plusMinus) after the outage"
        } else {
            trace.message = words
        }
    }

    /// A probe step's spec, its values resolved.
    func probeSpec(_ probe: ProbeStep, timeout: Duration?, scope: Scope) throws(StepFailure) -> ProbeSpec {
        let target: ProbeTarget
        switch (probe.kind, probe.target) {
        case (.http, .text(let e)):
            let url = try text(e, in: scope)
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw StepFailure("'\(url)' is not an http:// or https:// URL (\(e.location))")
            }
            target = .http(url: url)
        case (.tcp, .text(let e)):
            let address = try text(e, in: scope)
            guard let (host, port) = ProbeTarget.address(address) else {
                throw StepFailure("'\(address)' is not HOST:PORT (\(e.location))")
            }
            target = .tcp(host: host, port: port)
        case (.command, .text(let e)):
            target = .command(argv: ["/bin/sh", "-c", try text(e, in: scope)])
        case (_, .argv(let items)):
            var argv: [String] = []
            for item in items { argv.append(try text(item, in: scope)) }
            target = .command(argv: argv)
        }
        var spec = ProbeSpec(target: target)
        if let m = probe.method { spec.method = try text(m, in: scope).uppercased() }
        for h in probe.headers { spec.headers.append(.init(name: h.name, value: try text(h.value, in: scope))) }
        spec.expectStatus = probe.expectStatus
        spec.expectText = try probe.expectText.map { e throws(StepFailure) in try text(e, in: scope) }
        spec.expectExit = Int32(probe.expectExit ?? 0)
        if let timeout { spec.timeout = timeout }
        return spec
    }

    /// One attempt, recorded.
    func attempt(_ spec: ProbeSpec, context: RunContext) async throws(StepFailure) -> (ProbeAttempt, ProbeObservation) {
        guard let probes = configuration.probes else {
            throw StepFailure("no probe can be made in this run (the runbook runs with no probe client)")
        }
        let at = context.runTimeMs(clock.now)
        let observation = await probes.probe(spec)
        // Cut short by the run's interruption (a program killed, a request dropped): the attempt
        // saw nothing of the service, and the step is interrupted, not failed.
        if Task.isCancelled { throw StepFailure.interrupted }
        let verdict = spec.verdict(of: observation)
        var status: Int?
        var exit: Int32?
        switch observation.outcome {
        case .answered(let code, _): status = code
        case .exited(let code, _): exit = code
        default: break
        }
        let record = ProbeAttempt(
            kind: spec.target.kind, target: spec.target.description, passed: verdict.passed, atMs: at,
            latencyMs: (observation.latency.secondsDouble * 1_000_000).rounded() / 1000, reason: verdict.reason,
            status: status, exitCode: exit)
        return (record, observation)
    }

    /// `probe ...` (once) and `await probe ...` (until it passes).
    func runProbe(_ probe: ProbeStep, step: Step, scope: Scope, trace: StepTrace, context: RunContext) async throws(StepFailure) {
        let stepTimeout = try step.options.timeout.map { value throws(StepFailure) in try duration(value, in: scope) }
        guard probe.waits else {
            let spec = try probeSpec(probe, timeout: stepTimeout, scope: scope)
            let (record, _) = try await attempt(spec, context: context)
            trace.addProbe(record)
            guard record.passed else {
                throw StepFailure("\(spec.target.kind) probe of \(spec.target) failed: \(record.reason ?? "no reason given")")
            }
            trace.message = "\(spec.target) answered in \(DurationText.format(.milliseconds(Int64(record.latencyMs.rounded()))))"
            return
        }
        // An await: each attempt has the probe's own time (5 s), within the await's deadline.
        let spec = try probeSpec(probe, timeout: nil, scope: scope)
        let deadline = try self.deadline(for: step, scope: scope, context: context, isAwait: true)
        let every = try step.options.every.map { value throws(StepFailure) in try duration(value, in: scope) }
        let begin = clock.now
        // Intervals grow with the time since the outage (or since the await began): 4% of it, at
        // least 2 s. The service came back between the last failed attempt and the first passing
        // one; `recovered` takes the middle, so the recovery time is within max(1 s, 2%).
        let since = evidence.outage.map { context.start.advanced(by: .milliseconds($0.atMs)) } ?? begin
        var attempts = 0
        var last: ProbeAttempt?
        while true {
            if Task.isCancelled { throw StepFailure.interrupted }
            var once = spec
            if let deadline {
                let left = clock.now.duration(to: deadline.instant)
                if left < once.timeout { once.timeout = max(left, .milliseconds(1)) }
            }
            let (record, _) = try await attempt(once, context: context)
            attempts += 1
            if record.passed, let failed = last {
                evidence.sawReturn(.init(failedAtMs: failed.atMs, passedAtMs: record.atMs, position: trace.position))
            }
            last = record
            trace.addProbe(record)
            if record.passed {
                let waited = begin.duration(to: clock.now)
                trace.message =
                    "\(spec.target) passed after \(DurationText.formatRounded(waited)) (\(attempts) attempt\(attempts == 1 ? "" : "s"))"
                return
            }
            let now = clock.now
            if let deadline, now >= deadline.instant {
                throw StepFailure(
                    "\(deadline.description) while awaiting the \(spec.target.kind) probe of \(spec.target); the last of \(attempts) attempts failed: \(last?.reason ?? "no reason")",
                    expected: "the probe passes", found: last?.reason)
            }
            var interval = Duration.milliseconds(Int64(Double(since.duration(to: now).milliseconds) * 0.04))
            interval = max(interval, .seconds(2))
            interval = min(interval, every ?? configuration.polling.maximum)
            var wake = now.advanced(by: interval)
            if let deadline, deadline.instant < wake { wake = deadline.instant }
            try await sleep(until: wake)
        }
    }

    // MARK: - Watches

    /// A `watch` probe running.
    struct RunningWatch: Sendable {
        var spec: ProbeSpec
        var index: Int
        var task: Task<Void, Never>
    }

    /// Starts every `watch` probe in a branch of its own (``stopWatches(_:context:)`` ends them).
    func startWatches(scope: Scope, context: RunContext) -> [RunningWatch] {
        runbook.watch.compactMap { watch -> RunningWatch? in
            guard
                let spec = try? probeSpec(
                    watch.probe, timeout: watch.timeout.flatMap { try? duration($0, in: scope) }, scope: scope)
            else { return nil }
            let every = watch.every.flatMap { try? duration($0, in: scope) } ?? WatchProbe.defaultEvery
            let index = evidence.addWatch(kind: spec.target.kind, target: spec.target.description)
            let task = branch {
                var next = context.start
                while !Task.isCancelled {
                    await self.watchAttempt(spec, index: index, context: context)
                    next = next.advanced(by: every)
                    if next < self.clock.now { next = self.clock.now }
                    do {
                        try await self.clock.sleep(until: next, tolerance: nil)
                    } catch {
                        return
                    }
                }
            }
            return RunningWatch(spec: spec, index: index, task: task)
        }
    }

    /// One attempt of a watch probe; a change is written to the step log.
    func watchAttempt(_ spec: ProbeSpec, index: Int, context: RunContext) async {
        guard let (record, _) = try? await attempt(spec, context: context) else { return }
        if evidence.attempt(index, passed: record.passed, atMs: record.atMs) {
            await log.write(
                .watchChanged(
                    WatchChanged(
                        kind: record.kind, target: record.target, up: record.passed, atMs: record.atMs, at: timestamp(),
                        reason: record.reason)))
        }
    }

    /// Stops the watches, then probes each once more: the run's end closes a window only if the
    /// service is up by then. An interrupted run does not probe again on its way out (a window
    /// still open stays open to the run's end).
    func stopWatches(_ watches: [RunningWatch], context: RunContext) async {
        for watch in watches { watch.task.cancel() }
        for watch in watches { await watch.task.value }
        guard !state.isInterrupted else { return }
        for watch in watches { await watchAttempt(watch.spec, index: watch.index, context: context) }
    }

    // MARK: - The figures and the verdicts

    /// What the run measured, or nil when it asks for no evidence (no objectives, markers,
    /// watches or probes).
    func measuredEvidence(recoveries: [Recovery], endMs: Int64) -> Evidence? {
        let outage = evidence.outage
        let recovered = evidence.recovered
        let downtime = evidence.downtime(endMs: endMs)
        let objectives = runbook.objectives
        let hasProbes = !runbook.probes.isEmpty
        guard objectives != nil || outage != nil || recovered != nil || !downtime.isEmpty || hasProbes else { return nil }
        var result = Evidence(outage: outage, recovered: recovered, downtime: downtime)
        if let outage, let recovered, recovered.atMs >= outage.atMs {
            result.recoveryTimeMs = recovered.atMs - outage.atMs
            result.recoveryTimeSource = "markers"
        } else if outage == nil, recovered == nil, !recoveries.isEmpty {
            // Without the markers: the actions' own times, all of which must have completed.
            let completed = recoveries.allSatisfy { $0.outcome == .completed && $0.recoveryMs != nil }
            result.recoveryTimeMs = completed ? recoveries.compactMap(\.recoveryMs).max() : nil
            result.recoveryTimeSource = "actions"
        }
        for r in recoveries {
            let switchover = r.action.hasSuffix("switchover")
            let source =
                switchover ? "switchover" : r.lagMs == nil ? "not reported" : r.tenantId == nil ? "cluster delayTime" : "tenant precheck"
            result.dataLoss.append(
                Evidence.DataLoss(
                    action: r.action, taskId: r.taskId, tenantId: r.tenantId, clusterId: r.clusterId,
                    lagMs: switchover ? 0 : r.lagMs, source: source))
        }
        let losses = result.dataLoss.map(\.lagMs)
        result.dataLossMs = losses.isEmpty || losses.contains(nil) ? nil : losses.compactMap { $0 }.max()
        var scope = Scope()
        scope.values = Bindings.declaring(runbook.vars, environment: configuration.environment).bindings.values
        if let goal = objectives?.recoveryTime, let target = try? duration(goal, in: scope) {
            var why: String?
            let marks = runbook.markers
            if outage != nil, recovered == nil {
                why = marks.contains(.recovered) ? "the run never reached its 'recovered' step" : "the runbook has no 'recovered' step"
            } else if outage == nil, recovered != nil {
                why = marks.contains(.outage) ? "the run never reached its 'outage' step" : "the runbook has no 'outage' step"
            } else if outage == nil, let open = recoveries.first(where: { $0.outcome != .completed || $0.recoveryMs == nil }) {
                let subject = "\(open.action) of \(open.tenantId.map { "tenant \($0)" } ?? "cluster \(open.clusterId)") (task \(open.taskId))"
                why = open.outcome == .completed ? "OCP gave no start or finish time for the \(subject)" : "the \(subject) did not complete"
            }
            result.objectives.append(
                ObjectiveVerdict(
                    name: "recovery time", targetMs: target.milliseconds, measuredMs: result.recoveryTimeMs,
                    unknownBecause: why))
        }
        if let goal = objectives?.dataLoss, let target = try? duration(goal, in: scope) {
            let unreported = result.dataLoss.first { $0.lagMs == nil }
            let why = unreported.map { loss in
                "OCP reported no lag for the \(loss.action) of \(loss.tenantId.map { "tenant \($0)" } ?? "cluster \(loss.clusterId)") (task \(loss.taskId))"
            }
            result.objectives.append(
                ObjectiveVerdict(
                    name: "data loss", targetMs: target.milliseconds, measuredMs: result.dataLossMs, unknownBecause: why))
        }
        return result
    }
}

