import OCPModel
import RunbookStepLog
import RunbookSupport

/// What a drill's journal says, arranged for the people and tools that read reports: the verdict,
/// who ran what against which target, the objectives and what was measured, every step with what
/// it saw and every OCP call, the tasks with their subtasks on OCP's own times, the approvals, and
/// what the reader of the journal had to say (a cut-off last line, skipped records).
///
/// Built from a ``Journal`` by ``init(journal:)``; every renderer (HTML, JUnit, Markdown, JSON)
/// works from it and from nothing else. Its JSON form is the `--format json` report.
public struct DrillReport: Sendable, Hashable, Codable {
    /// The shape of this model's JSON, raised when a field changes meaning or goes away.
    public var reportVersion = 1

    /// The journal the report was made from.
    public var journal: JournalFacts
    /// The run's identifier, from `run-started`.
    public var runId: String
    /// The runbook's title (its `runbook:`).
    public var title: String
    /// The runbook file as the run was given it, and the hex SHA-256 of its bytes.
    public var file: String
    /// Hex SHA-256 of the runbook file's bytes.
    public var sha256: String
    /// `embedded` or the OCP base URL.
    public var target: String
    /// True when the run was against the embedded simulator: a rehearsal, nothing real changed.
    public var rehearsal: Bool
    /// The simulator's speed (`instant`, `60x`, ...) for a rehearsal; nil otherwise.
    public var simulationSpeed: String?
    /// The version of runbook that ran the drill.
    public var toolVersion: String
    /// The operator's login name, and the OCP identity the credentials stand for.
    public var user: String
    /// The OCP identity, never a secret (`AK/SK (key cqam…)`); nil for the embedded simulator.
    public var identity: String?
    /// The variables after `--var` overrides, by name.
    public var variables: [String: JSONValue]
    /// When the run started, from `run-started`.
    public var startedAt: OCPTimestamp
    /// From `run-finished`; nil when the journal has none.
    public var finishedAt: OCPTimestamp?
    /// The run's duration on the runbook's clock (simulated when embedded) and on the wall clock;
    /// without `run-finished`, as far as the journal goes.
    public var durationMs: Int64
    /// The wall-clock duration, in milliseconds (for a resumed run, from its start to its end, gaps
    /// included); nil when the journal has no `run-finished`.
    public var wallDurationMs: Int64?
    /// The run's outcome, or `incomplete` when the journal has no end.
    public var verdict: ReportVerdict
    /// Why the run did not pass, in one sentence.
    public var reason: String?
    /// The steps by outcome, each counted once, by how it last ended.
    public var counts: StepCounts
    /// The run's own remarks (`run-started`'s notes).
    public var notes: [String]
    /// What a reader must not miss: a simulated target, TLS verification off, an objective nothing
    /// measured, a journal cut short.
    public var warnings: [String]
    /// Each objective, the figure measured and its verdict (empty when the runbook states none, or
    /// the journal has no `run-finished`).
    public var objectives: [ObjectiveVerdict]
    /// What the run measured (``RunFinished/evidence``), its run times on the whole run's clock; nil
    /// when there is none or the journal has no `run-finished`.
    public var evidence: Evidence?
    /// Each cluster action's and tenant task's recovery, its run times on the whole run's clock.
    public var recoveries: [Recovery]
    /// Every step that finished or started, in the runbook's order.
    public var steps: [ReportStep]
    /// Every OCP task the run read, as last seen, in the order first seen.
    public var tasks: [ReportTask]
    /// Each `watch` probe's ups and downs.
    public var watchChanges: [WatchChanged]
    /// Each `confirm` step's answer.
    public var approvals: [ReportApproval]
    /// The run's stretches: one, or more when it was resumed.
    public var segments: [ReportSegment]

    /// How many OCP calls the steps made (each attempt; a record that is only a note is none).
    public var callCount: Int { steps.reduce(0) { $0 + $1.calls.count { !$0.isNoteOnly } } }
}

/// A report's verdict: the run's outcome, or `incomplete` when the journal has no end.
public enum ReportVerdict: String, Sendable, Hashable, Codable {
    /// The run passed (exit 0).
    case passed
    /// A step failed, or an objective was breached or unknown (exit 1).
    case failed
    /// The target could not be reached or refused the credentials (exit 3).
    case targetFailed = "target-failed"
    /// The step log could not be written durably (exit 4).
    case journalFailed = "journal-failed"
    /// SIGINT, SIGTERM or SIGHUP stopped the run (exit 130).
    case interrupted
    /// The journal ends without `run-finished`: the run was killed, or is still running.
    case incomplete

    /// The verdict of a run that ended with `outcome`.
    public init(_ outcome: RunOutcome) {
        switch outcome {
        case .passed: self = .passed
        case .failed: self = .failed
        case .targetFailed: self = .targetFailed
        case .journalFailed: self = .journalFailed
        case .interrupted: self = .interrupted
        }
    }

    /// `PASSED`, `FAILED`, `TARGET FAILED`, `STEP LOG FAILED`, `INTERRUPTED`, `INCOMPLETE`.
    public var title: String {
        switch self {
        case .passed: "PASSED"
        case .failed: "FAILED"
        case .targetFailed: "TARGET FAILED"
        case .journalFailed: "STEP LOG FAILED"
        case .interrupted: "INTERRUPTED"
        case .incomplete: "INCOMPLETE"
        }
    }

    /// True for `passed` only.
    public var passed: Bool { self == .passed }
}

/// Where a report comes from: the journal file, its digest, and what its reader noted.
public struct JournalFacts: Sendable, Hashable, Codable {
    /// The journal's path, as given.
    public var path: String
    /// Hex SHA-256 of the journal's bytes as read; empty for records held in memory (`--no-log`).
    public var sha256: String
    /// How many lines the journal has, a cut-off last line included.
    public var lines: Int
    /// The reader's words when the last line was cut off, else nil.
    public var cutShort: String?
    /// Lines skipped (unknown record kinds, blank lines), each `path:line: why`.
    public var notes: [String]
}

/// One step as a report shows it.
public struct ReportStep: Sendable, Hashable, Codable {
    /// Where the step stands in the runbook (`steps[2]/standby=7[1]`).
    public var position: StepPosition
    /// The step's place in the runbook file.
    public var location: SourceLocation
    /// The phrase as written, or the step's `name`.
    public var phrase: String
    /// `passed`, `failed`, `skipped`, `continued`, `unfinished` (it started and the journal ends
    /// before it finished) or `interrupted` (the run stopped during it and was resumed, and the
    /// resumed run took it up: a later entry of the same step says how it ended).
    public var outcome: String
    /// For a step that failed: `failure` when its check did not hold (it says what was expected
    /// and found), `error` otherwise (OCP refused a call, the target could not be reached, the step
    /// was stopped).
    public var failureKind: String?
    /// Why it failed, or what it noted.
    public var message: String?
    /// What a check or wait expected.
    public var expected: String?
    /// What it found instead.
    public var found: String?
    /// When it started on the runbook's clock (nil for a step that did not run).
    public var startMs: Int64?
    /// When it started, from its `step-started` (nil without one).
    public var startedAt: OCPTimestamp?
    /// Its duration on the runbook's clock, in milliseconds (0 for a step that did not run or finish).
    public var durationMs: Int64
    /// Its wall-clock duration, in milliseconds.
    public var wallDurationMs: Int64
    /// True for a step the journal shows started and never finished (the run was killed, or
    /// resumed after it): how long it ran is not known, and ``durationMs`` is 0. Nil otherwise.
    public var durationUnknown: Bool? = nil
    /// What it saw of OCP; nil when it saw nothing.
    public var observed: Observation?
    /// Every OCP call it made, each attempt, in order.
    public var calls: [OCPCallRecord]
    /// A probe step's attempts (nil for other steps).
    public var probes: [ProbeAttempt]?
    /// Which segment of the run it ran in (0 unless the run was resumed).
    public var segment: Int
}

/// An OCP task as last seen, with where it sits on the run's clock.
public struct ReportTask: Sendable, Hashable, Codable {
    /// The task and its subtasks, as last seen.
    public var task: TaskSnapshot
    /// The step that last read it.
    public var lastSeenBy: String
    /// `ocp` when the times are OCP's own `startTime`/`finishTime`; `polls` when the journal has
    /// only the subtask changes the run saw between polls (a journal of an earlier version).
    public var timesFrom: String
}

/// A `confirm` step's answer.
public struct ReportApproval: Sendable, Hashable, Codable {
    /// The step's label (`steps[3]`).
    public var step: String
    /// The step's place in the runbook file.
    public var location: SourceLocation
    /// The step's outcome, as in ``ReportStep/outcome``.
    public var outcome: String
    /// How it was answered; nil for a journal without the confirmation record.
    public var confirmation: Confirmation?
    /// The step's message, for a journal without the confirmation record.
    public var message: String?
}

/// One stretch of the run: the first, or one resumed after a gap.
public struct ReportSegment: Sendable, Hashable, Codable {
    /// The journal line it starts on.
    public var line: Int
    /// For a resumed stretch: when it was resumed, and the wall-clock gap since the last record
    /// before it that carries a time.
    public var resumedAt: OCPTimestamp?
    /// That gap, in milliseconds; nil for the first stretch, or when the resume's time is unknown.
    public var gapMs: Int64?
    /// How many records it holds, its `run-resumed` aside.
    public var records: Int
    /// For a resumed stretch, from its `run-resumed`: who resumed the run.
    public var resumedBy: String? = nil
    /// The SHA-256 of the runbook file the stretch ran (a resumed one's; the first's is the run's).
    public var sha256: String? = nil
    /// The resume was forced (`--force`) past a runbook file that differs from the run's.
    public var forced: Bool? = nil
    /// The notes of its `run-resumed` (what was found and decided when the run was taken up).
    public var notes: [String]? = nil
}
