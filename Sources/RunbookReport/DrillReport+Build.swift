import OCPModel
import RunbookStepLog
import RunbookSupport

extension DrillReport {
    /// The report of a journal. A journal without `run-finished` makes an `incomplete` report of
    /// what it holds; one without `run-started` cannot be read at all (``JournalReader`` refuses it).
    public init(journal: Journal) {
        let started =
            journal.started
            ?? RunStarted(
                runId: "", title: "", file: "", sha256: "", target: "", user: "", toolVersion: "", variables: [:],
                simulationSpeed: nil, startedAt: OCPTimestamp(millisecondsSince1970: 0))
        let finished = journal.finished
        var steps: [ReportStep] = []
        var open: [String: [(StepStarted, Int)]] = [:]
        var watchChanges: [WatchChanged] = []
        var segments: [ReportSegment] = []
        var lastTime: OCPTimestamp = started.startedAt
        var lastRunTimeMs: Int64 = 0
        var order: [Int] = []
        var latest: [Int: (TaskSnapshot, String)] = [:]
        var transitions: [Int: (name: String, status: String?, changes: [SubtaskTransition], by: String)] = [:]

        let lastSegment = journal.segments.count - 1
        // Run times start again at 0 in each segment: a resumed one's are placed after the run's
        // start by its wall-clock time.
        var offset: Int64 = 0
        for (index, segment) in journal.segments.enumerated() {
            var gap: Int64?
            if let resumed = segment.resumed, let at = resumed.resumedAt {
                gap = Saturating.between(lastTime, at)
                offset = max(lastRunTimeMs, Saturating.between(started.startedAt, at))
            } else if segment.resumed != nil {
                offset = lastRunTimeMs
            }
            // A step still open when the run was resumed was interrupted there; the resumed run
            // ran it again.
            if segment.resumed != nil {
                steps += Self.unfinished(open, segment: index - 1, resumed: true)
                open = [:]
            }
            let resumed = segment.resumed?.record
            segments.append(
                ReportSegment(
                    line: segment.resumed?.line ?? segment.entries.first?.line ?? 1,
                    resumedAt: segment.resumed?.resumedAt,
                    gapMs: gap, records: segment.entries.count, resumedBy: resumed?.user,
                    sha256: index == 0 ? started.sha256 : resumed?.sha256, forced: resumed?.forced,
                    notes: resumed.map(\.notes)))
            for entry in segment.entries {
                switch entry.record {
                case .runStarted, .runFinished, .runResumed:
                    break
                case .stepStarted(var s):
                    s.runTimeMs = Saturating.add(offset, s.runTimeMs)
                    open[s.position.label, default: []].append((s, index))
                    lastTime = max(lastTime, s.startedAt)
                    lastRunTimeMs = max(lastRunTimeMs, s.runTimeMs)
                case .watchChanged(var w):
                    w.atMs = Saturating.add(offset, w.atMs)
                    watchChanges.append(w)
                    lastTime = max(lastTime, w.at)
                    lastRunTimeMs = max(lastRunTimeMs, w.atMs)
                case .stepFinished(let s):
                    var start: StepStarted?
                    if var list = open[s.position.label], !list.isEmpty {
                        start = list.removeFirst().0
                        open[s.position.label] = list.isEmpty ? nil : list
                    }
                    if let start {
                        lastTime = max(lastTime, Saturating.shifted(start.startedAt, s.durationMs))
                        lastRunTimeMs = max(lastRunTimeMs, Saturating.add(start.runTimeMs, s.durationMs))
                    }
                    // A resumed run's record of a step an earlier segment ended is not a new step
                    // (the earlier record is it); the tasks it read again are the latest seen.
                    if s.restored != true {
                        steps.append(
                            Self.step(s, start: start, segment: index, interrupted: s.interrupted == true && index < lastSegment))
                    } else if !s.calls.isEmpty {
                        // The calls the resumed run made to take the step up (reading its task
                        // again) are the step's too: every call OCP saw is in the report.
                        if let i = steps.lastIndex(where: { $0.position.label == s.position.label }) {
                            steps[i].calls += s.calls
                        } else {
                            steps.append(Self.step(s, start: start, segment: index, interrupted: false))
                        }
                    }
                    for snapshot in s.observed.tasks ?? [] {
                        if latest[snapshot.id] == nil, transitions[snapshot.id] == nil { order.append(snapshot.id) }
                        latest[snapshot.id] = (snapshot, s.position.label)
                    }
                    if s.observed.tasks == nil, let id = s.observed.taskId {
                        // A journal of an earlier version: only the changes seen between polls.
                        if latest[id] == nil, transitions[id] == nil { order.append(id) }
                        var known = transitions[id] ?? (s.observed.taskName ?? "task \(id)", nil, [], s.position.label)
                        known.status = s.observed.taskStatus ?? known.status
                        known.changes += s.observed.subtaskTransitions
                        known.by = s.position.label
                        transitions[id] = known
                    }
                }
            }
        }
        if finished == nil { steps += Self.unfinished(open, segment: max(0, journal.segments.count - 1)) }
        steps = Self.inRunbookOrder(Self.supersedingEarlierAttempts(steps))

        let tasks = order.compactMap { id -> ReportTask? in
            if let (snapshot, by) = latest[id] { return ReportTask(task: snapshot, lastSeenBy: by, timesFrom: "ocp") }
            guard let known = transitions[id] else { return nil }
            return ReportTask(
                task: Self.snapshot(
                    id: id, known.name, status: known.status, from: known.changes, origin: started.startedAt),
                lastSeenBy: known.by, timesFrom: "polls")
        }

        // Each step counts once, by its last attempt (a step interrupted and run again after a
        // resume counts by how it ended then).
        var counts = StepCounts()
        var last: [String: String] = [:]
        for step in steps.sorted(by: { $0.segment < $1.segment }) { last[step.position.label] = step.outcome }
        for outcome in last.values {
            if let outcome = StepOutcome(rawValue: outcome) { counts.add(outcome) }
        }

        let verdict = finished.map { ReportVerdict($0.outcome) } ?? .incomplete
        var reason = finished?.reason
        if finished == nil {
            reason =
                journal.cutShort != nil
                ? "the journal was cut short (its last line is incomplete) and has no run-finished record: the run was killed"
                : "the journal ends without a run-finished record: the run was killed, or is still running"
        }

        let rehearsal = started.target == "embedded"
        var warnings: [String] = []
        if rehearsal {
            warnings.append(
                "REHEARSAL: the target was the embedded OCP simulator; nothing real was failed over, and times are simulated"
                    + (started.simulationSpeed.map { " (speed \($0))" } ?? ""))
        }
        for note in started.notes where note.localizedCaseInsensitiveContains("TLS") {
            warnings.append(note)
        }
        let objectives = finished?.evidence?.objectives ?? []
        for objective in objectives where objective.verdict == .unknown {
            warnings.append(
                "objective \(objective.name) unknown: \(objective.unknownBecause ?? "nothing measured it"), so it is not met")
        }
        if let cut = journal.cutShort { warnings.append(cut.description) }
        if finished == nil { warnings.append("the run has no end in the journal: \(reason ?? "")") }
        let unfinished = steps.filter { $0.outcome == "unfinished" }
        if !unfinished.isEmpty {
            warnings.append(
                "\(unfinished.count) step\(unfinished.count == 1 ? "" : "s") started and did not finish: "
                    + unfinished.prefix(5).map(\.position.label).joined(separator: ", ")
                    + (unfinished.count > 5 ? " and \(unfinished.count - 5) more" : ""))
        }
        if journal.segments.count > 1 {
            warnings.append(
                "the run was resumed \(journal.segments.count - 1) time\(journal.segments.count == 2 ? "" : "s"): its journal has gaps"
            )
        }
        for (index, segment) in segments.enumerated() where index > 0 {
            guard let sha = segment.sha256, sha != started.sha256 else { continue }
            warnings.append(
                "segment \(index + 1) (resumed\(segment.resumedAt.map { " at \($0)" } ?? "")\(segment.resumedBy.map { " by \($0)" } ?? "")\(segment.forced == true ? " with --force" : "")) ran a different runbook file: sha256 \(sha), not the run's \(started.sha256)"
            )
        }
        for note in journal.notes { warnings.append(note.description) }

        var approvals: [ReportApproval] = []
        for step in steps where step.observed?.confirmation != nil || step.phrase.hasPrefix("confirm:") {
            approvals.append(
                ReportApproval(
                    step: step.position.label, location: step.location, outcome: step.outcome,
                    confirmation: step.observed?.confirmation, message: step.message))
        }

        self.init(
            journal: JournalFacts(
                path: journal.path, sha256: journal.sha256, lines: journal.lineCount,
                cutShort: journal.cutShort?.description,
                notes: journal.notes.map(\.description)),
            runId: started.runId, title: started.title, file: started.file, sha256: started.sha256,
            target: started.target,
            rehearsal: rehearsal, simulationSpeed: started.simulationSpeed, toolVersion: started.toolVersion,
            user: started.user, identity: started.identity, variables: started.variables, startedAt: started.startedAt,
            finishedAt: finished?.finishedAt,
            durationMs: finished.map { Saturating.add(offset, $0.durationMs) } ?? lastRunTimeMs,
            wallDurationMs: journal.segments.count > 1
                ? finished.map { Saturating.between(started.startedAt, $0.finishedAt) } : finished?.wallDurationMs, verdict: verdict, reason: reason, counts: counts,
            notes: started.notes,
            warnings: warnings, objectives: objectives, evidence: finished?.evidence.map { Self.shifted($0, by: offset) },
            recoveries: (finished?.recoveries ?? []).map { Self.shifted($0, by: offset) },
            steps: steps, tasks: tasks, watchChanges: watchChanges, approvals: approvals, segments: segments)
    }

    /// The report of the journal at `path`. Given the formats it is for, it reads no more than
    /// they show: JUnit and Markdown draw no timeline, so the subtasks of tasks are left out.
    public static func read(path: String, for formats: [ReportFormat] = ReportFormat.allCases) throws(JournalReadError)
        -> DrillReport
    {
        DrillReport(journal: try JournalReader.read(path: path, subtasks: formats.contains { $0.showsSubtasks }))
    }

    // MARK: - Segments

    /// A recovery of the last segment, its run times placed on the whole run's clock (a resumed
    /// run's start at `offset`).
    private static func shifted(_ r: Recovery, by offset: Int64) -> Recovery {
        guard offset != 0 else { return r }
        var r = r
        r.calledAtMs = Saturating.add(r.calledAtMs, offset)
        r.endedAtMs = r.endedAtMs.map { Saturating.add($0, offset) }
        return r
    }

    /// The last segment's evidence, its run times placed on the whole run's clock.
    private static func shifted(_ e: Evidence, by offset: Int64) -> Evidence {
        guard offset != 0 else { return e }
        var e = e
        if let at = e.outage?.atMs { e.outage?.atMs = Saturating.add(at, offset) }
        if let at = e.recovered?.atMs { e.recovered?.atMs = Saturating.add(at, offset) }
        e.downtime = e.downtime.map { d in
            var d = d
            d.windows = d.windows.map { w in
                Evidence.Downtime.Window(
                    fromMs: Saturating.add(w.fromMs, offset), toMs: w.toMs.map { Saturating.add($0, offset) })
            }
            return d
        }
        return e
    }

    // MARK: - Steps

    private static func step(_ s: StepFinished, start: StepStarted?, segment: Int, interrupted: Bool) -> ReportStep {
        var kind: String?
        if !interrupted, s.outcome == .failed || s.outcome == .continued {
            kind = s.expected != nil || s.found != nil ? "failure" : "error"
        }
        return ReportStep(
            position: s.position, location: s.location, phrase: s.phrase,
            outcome: interrupted ? "interrupted" : s.outcome.rawValue,
            failureKind: kind,
            message: s.message, expected: s.expected, found: s.found, startMs: start?.runTimeMs,
            startedAt: start?.startedAt, durationMs: s.durationMs, wallDurationMs: s.wallDurationMs,
            observed: s.observed.isEmpty ? nil : s.observed, calls: s.calls, probes: s.probes, segment: segment)
    }

    /// A step a resumed run ran again (one skipped, failed or run in `finally` on the way out of
    /// the interrupted run) counts by its last attempt: an earlier segment's attempt of it is
    /// `interrupted`, saying how it ended then, and neither fails nor passes the report.
    /// A step skipped in both (an `on failure` that neither run needed) is listed once.
    static func supersedingEarlierAttempts(_ steps: [ReportStep]) -> [ReportStep] {
        var last: [String: ReportStep] = [:]
        for step in steps where step.segment >= (last[step.position.label]?.segment ?? 0) {
            last[step.position.label] = step
        }
        return steps.compactMap { step in
            guard step.outcome != "interrupted", let later = last[step.position.label], step.segment < later.segment else {
                return step
            }
            if step.outcome == "skipped", later.outcome == "skipped" { return nil }
            var earlier = step
            earlier.outcome = "interrupted"
            earlier.failureKind = nil
            let then = step.message.map { "\(step.outcome): \($0)" } ?? step.outcome
            let after = later.outcome == "skipped" ? "skipped it" : "ran it again"
            earlier.message = "in the interrupted run (\(then)); the resumed run \(after)"
            return earlier
        }
    }

    /// The steps that started and have no end: `unfinished` where the journal ends, `interrupted`
    /// where the run was resumed after them (`resumed`).
    private static func unfinished(_ open: [String: [(StepStarted, Int)]], segment: Int, resumed: Bool = false)
        -> [ReportStep]
    {
        open.values.flatMap { $0 }.sorted { $0.0.runTimeMs < $1.0.runTimeMs }.map { start, _ in
            ReportStep(
                position: start.position, location: start.location, phrase: start.phrase,
                outcome: resumed ? "interrupted" : "unfinished",
                failureKind: resumed ? nil : "error",
                message: resumed
                    ? "interrupted: the run stopped during this step and was resumed; the resumed run took it up"
                    : "started and did not finish: the journal has no step-finished record for it",
                expected: nil, found: nil, startMs: start.runTimeMs, startedAt: start.startedAt, durationMs: 0,
                wallDurationMs: 0, durationUnknown: true, observed: nil, calls: [], probes: nil, segment: segment)
        }
    }

    /// Steps by block, then by their index path (a loop before its items' steps), keeping the
    /// journal's order among equals.
    static func inRunbookOrder(_ steps: [ReportStep]) -> [ReportStep] {
        StepPosition.inRunbookOrder(steps, by: \.position)
    }

    /// A task of an earlier journal, from the subtask changes seen between polls: a subtask
    /// starts when it was first seen RUNNING and finishes when it was first seen ended.
    private static func snapshot(
        id: Int, _ name: String, status: String?, from changes: [SubtaskTransition], origin: OCPTimestamp
    ) -> TaskSnapshot {
        var subtasks: [SubtaskSnapshot] = []
        var index: [String: Int] = [:]
        for change in changes {
            let at = Saturating.shifted(origin, change.seenAtMs)
            let i: Int
            if let known = index[change.subtask] {
                i = known
            } else {
                i = subtasks.count
                index[change.subtask] = i
                subtasks.append(SubtaskSnapshot(id: i + 1, name: change.subtask, status: change.to))
            }
            subtasks[i].status = change.to
            if change.to == "RUNNING", subtasks[i].startTime == nil { subtasks[i].startTime = at }
            if ["SUCCESSFUL", "FAILED", "CANCELED", "SKIPPED"].contains(change.to) {
                if subtasks[i].startTime == nil { subtasks[i].startTime = at }
                subtasks[i].finishTime = at
            }
        }
        return TaskSnapshot(id: id, name: name, status: status ?? "UNKNOWN", subtasks: subtasks)
    }
}
