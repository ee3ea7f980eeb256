import OCPModel
import RunbookStepLog
import RunbookSupport

/// Several drills side by side, oldest first: one row per drill with its date, the runbook's
/// digest, the target, the verdict, and the recovery time and data loss measured, per action and
/// per objective, so that a drill run each quarter shows its trend.
public struct ComparisonReport: Sendable, Hashable, Codable {
    /// The shape of this model's JSON, as ``DrillReport/reportVersion``.
    public var reportVersion = 1
    /// `TITLE: N drills compared` when every drill has the same title, else `N drills compared`.
    public var title: String
    /// One row per drill, oldest first.
    public var rows: [ComparisonRow]
    /// The objectives any drill states, in the order first met: the comparison's columns.
    public var objectiveNames: [String]
    /// True when every drill's verdict is `passed`.
    public var allPassed: Bool

    /// The comparison of `reports`, ordered by their start.
    public init(_ reports: [DrillReport]) {
        let sorted = reports.enumerated().sorted { a, b in
            a.element.startedAt != b.element.startedAt ? a.element.startedAt < b.element.startedAt : a.offset < b.offset
        }.map(\.element)
        var names: [String] = []
        for r in sorted { for o in r.objectives where !names.contains(o.name) { names.append(o.name) } }
        let titles = Set(sorted.map(\.title))
        self.title =
            titles.count == 1
            ? "\(titles.first ?? ""): \(sorted.count) drills compared" : "\(sorted.count) drills compared"
        self.rows = sorted.map(ComparisonRow.init)
        self.objectiveNames = names
        self.allPassed = sorted.allSatisfy { $0.verdict.passed }
    }
}

/// One drill of a ``ComparisonReport``.
public struct ComparisonRow: Sendable, Hashable, Codable {
    /// When it started (`run-started`'s time).
    public var date: String
    /// The runbook's title.
    public var title: String
    /// The runbook file, as the run was given it.
    public var file: String
    /// Hex SHA-256 of the runbook file's bytes, so a changed runbook shows.
    public var sha256: String
    /// `embedded` or the OCP base URL.
    public var target: String
    /// True when the drill ran against the embedded simulator.
    public var rehearsal: Bool
    /// The drill's verdict.
    public var verdict: ReportVerdict
    /// The run's identifier.
    public var runId: String
    /// The path of the drill's journal, as given.
    public var journal: String
    /// The run's measured recovery time and worst data loss (nil: not measured).
    public var recoveryTimeMs: Int64?
    /// The worst data loss, in milliseconds; nil when unknown or not measured.
    public var dataLossMs: Int64?
    /// Each objective, the figure measured and its verdict.
    public var objectives: [ObjectiveVerdict]
    /// Per action: `tenant failover of tenant 2000025 (task 171603): completed in 4m12s, lag 800ms when called`.
    public var actions: [String]

    /// The row of drill `r`.
    public init(_ r: DrillReport) {
        date = r.startedAt.description
        title = r.title
        file = r.file
        sha256 = r.sha256
        target = r.target
        rehearsal = r.rehearsal
        verdict = r.verdict
        runId = r.runId
        journal = r.journal.path
        recoveryTimeMs = r.evidence?.recoveryTimeMs ?? r.recoveries.compactMap(\.recoveryMs).max()
        dataLossMs = r.evidence?.dataLossMs
        objectives = r.objectives
        actions = r.recoveries.map(ReportText.recovery)
    }
}
