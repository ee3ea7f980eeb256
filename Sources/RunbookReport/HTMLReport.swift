import Foundation
import Mustache
import OCPModel
import RunbookStepLog
import RunbookSupport

/// A report that could not be made or written.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, in words.
    public var message: String
    /// An error saying `message`.
    public init(_ message: String) { self.message = message }
    /// The ``message``.
    public var description: String { message }
}

/// Renders a ``DrillReport`` as one self-contained HTML page: inline CSS and SVG, no script, no
/// font or image to fetch (a Content-Security-Policy forbids any), readable on screen and printed
/// to PDF from a browser.
///
/// The page comes from the Mustache templates of ``HTMLTemplates`` (compiled into the program),
/// whose `{{x}}` HTML-escapes every value: whatever came from a runbook, OCP or a probe is text,
/// never markup. The templates hold no triple mustache.
public enum HTMLReport {
    /// Above this many tasks, tasks of the same shape share one DAG drawing.
    static let dagPerTaskLimit = 40

    static let library: Result<MustacheLibrary, ReportError> = {
        do {
            // Before the templates are parsed: their pragma names it.
            MustacheContentTypes.register(FastHTMLEscaping(), named: FastHTMLEscaping.name)
            var library = MustacheLibrary()
            for (name, text) in HTMLTemplates.all {
                try library.register("{{% CONTENT_TYPE: \(FastHTMLEscaping.name)}}" + text, named: name)
            }
            return .success(library)
        } catch {
            return .failure(ReportError("the HTML report's template does not parse: \(error)"))
        }
    }()

    /// The page for one drill.
    public static func render(_ report: DrillReport) throws(ReportError) -> String {
        try render(context(report), template: "drill")
    }

    /// The comparison page for several drills, and each drill's summary.
    public static func render(_ comparison: ComparisonReport) throws(ReportError) -> String {
        try render(context(comparison), template: "comparison")
    }

    private static func render(_ context: [String: Any], template: String) throws(ReportError) -> String {
        let library = try library.get()
        guard let page = library.render(context, withTemplate: template) else {
            throw ReportError("the HTML report has no template \(template)")
        }
        return page
    }

    // MARK: - Contexts

    static func context(_ r: DrillReport) -> [String: Any] {
        var c: [String: Any] = [:]
        c["title"] = r.title.isEmpty ? "(untitled runbook)" : r.title
        c["verdict"] = r.verdict.title
        c["verdictClass"] = "v-" + r.verdict.rawValue
        c["reason"] = r.reason ?? ""
        c["hasReason"] = r.reason != nil
        c["rehearsal"] = r.rehearsal
        c["mode"] = ReportText.mode(r)
        c["target"] = r.target
        c["facts"] = facts(r)
        c["warnings"] = r.warnings.map { ["text": $0] }
        c["hasWarnings"] = !r.warnings.isEmpty
        c["notes"] = r.notes.map { ["text": $0] }
        c["hasNotes"] = !r.notes.isEmpty
        c["objectives"] = r.objectives.map(objective)
        c["hasObjectives"] = !r.objectives.isEmpty
        c["evidence"] = evidence(r)
        c["recoveries"] = r.recoveries.map(recovery)
        c["hasRecoveries"] = !r.recoveries.isEmpty
        c["timeline"] = timeline(TimelineLayout(r))
        c["dags"] = dags(r)
        c["hasTasks"] = !r.tasks.isEmpty
        c["tasks"] = r.tasks.count <= dagPerTaskLimit ? r.tasks.map(taskTable) : []
        c["steps"] = r.steps.enumerated().map { step($1, index: $0) }
        c["stepCount"] = String(r.steps.count)
        c["callCount"] = String(r.callCount)
        c["approvals"] = r.approvals.map(approval)
        c["hasApprovals"] = !r.approvals.isEmpty
        c["segments"] = r.segments.count > 1 ? r.segments.enumerated().map(segment) : []
        c["hasSegments"] = r.segments.count > 1
        c["variables"] = r.variables.sorted { $0.key < $1.key }.map { ["name": $0.key, "value": json($0.value)] }
        c["hasVariables"] = !r.variables.isEmpty
        c["journalPath"] = r.journal.path
        c["journalSHA"] = r.journal.sha256
        c["generator"] = "runbook \(RunbookVersion.current)"
        return c
    }

    static func facts(_ r: DrillReport) -> [[String: Any]] {
        var rows: [(String, String)] = [
            ("Runbook", r.title), ("File", r.file), ("SHA-256", r.sha256), ("Target", r.target),
            ("Operator", ReportText.operatorText(r)), ("Tool", "runbook \(r.toolVersion)"), ("Run", r.runId),
            ("Started", ReportText.time(r.startedAt)),
            ("Ended", r.finishedAt.map(ReportText.time) ?? "no end recorded"),
            ("Duration", ReportText.runDuration(r)),
            ("Steps", ReportText.stepsLine(r)),
            ("OCP calls", String(r.callCount)),
        ]
        if let speed = r.simulationSpeed { rows.insert(("Simulation speed", speed), at: 4) }
        return rows.map { ["name": $0.0, "value": $0.1, "mono": $0.0 == "SHA-256" || $0.0 == "Run"] }
    }

    static func objective(_ o: ObjectiveVerdict) -> [String: Any] {
        [
            "name": o.name, "target": ReportText.duration(o.targetMs), "measured": ReportText.duration(o.measuredMs),
            "verdict": o.verdict.rawValue, "verdictClass": "o-" + o.verdict.rawValue,
            "over": o.overMs.map { "over by \(ReportText.duration($0))" } ?? "", "sentence": o.sentence,
        ]
    }

    static func evidence(_ r: DrillReport) -> [String: Any] {
        guard let e = r.evidence else { return ["has": false] }
        var c: [String: Any] = ["has": true]
        c["recoveryTime"] = ReportText.duration(e.recoveryTimeMs)
        c["recoverySource"] =
            e.recoveryTimeSource == "markers"
            ? "from the outage marker to the recovered marker"
            : e.recoveryTimeSource == "actions"
                ? "the longest recovery of the run's completed actions" : "nothing measured it"
        c["dataLoss"] = ReportText.duration(e.dataLossMs)
        var markers: [[String: Any]] = []
        for (name, marker) in [("outage", e.outage), ("recovered", e.recovered)] {
            guard let m = marker else { continue }
            var at = "\(ReportText.offset(m.atMs)) (\(m.at))"
            if let u = m.uncertaintyMs { at += " ± \(ReportText.duration(u))" }
            if let by = m.seenBy { at += ", seen by \(by.label)" }
            markers.append(["name": name, "text": m.text, "step": m.position.label, "at": at])
        }
        c["markers"] = markers
        c["losses"] = e.dataLoss.map { d -> [String: Any] in
            [
                "action": d.action, "task": String(d.taskId),
                "subject": d.tenantId.map { "tenant \($0) on cluster \(d.clusterId)" } ?? "cluster \(d.clusterId)",
                "lag": ReportText.duration(d.lagMs), "source": d.source,
            ]
        }
        c["hasLosses"] = !e.dataLoss.isEmpty
        c["downtime"] = e.downtime.map { d -> [String: Any] in
            [
                "probe": "\(d.kind) \(d.target)", "total": ReportText.duration(d.totalMs),
                "attempts": String(d.attempts),
                "windows": d.windows.map { w in
                    [
                        "text": ReportText.offset(w.fromMs) + " – "
                            + (w.toMs.map(ReportText.offset) ?? "still down at the end")
                    ]
                },
            ]
        }
        c["hasDowntime"] = !e.downtime.isEmpty
        return c
    }

    static func recovery(_ r: Recovery) -> [String: Any] {
        [
            "step": r.position.label, "action": ReportText.action(r), "task": String(r.taskId),
            "status": r.taskStatus ?? "not seen", "outcome": r.outcome.rawValue,
            "outcomeClass": ReportText.cssClass(r.outcome.rawValue),
            "recovery": ReportText.recoveryTime(r), "lag": r.lagMs.map { ReportText.duration($0) } ?? "—",
            "called": ReportText.offset(r.calledAtMs), "ended": r.endedAtMs.map(ReportText.offset) ?? "not seen",
        ]
    }

    static func timeline(_ t: TimelineLayout) -> [String: Any] {
        func bar(_ b: TimelineLayout.Bar) -> [String: Any] {
            [
                "x": DAGLayout.n(b.x), "y": DAGLayout.n(b.y), "w": DAGLayout.n(b.width), "h": DAGLayout.n(b.height),
                "kind": b.kind, "status": b.status, "tip": b.tip, "open": b.open,
            ]
        }
        return [
            "width": DAGLayout.n(t.width), "height": DAGLayout.n(t.height), "chartLeft": DAGLayout.n(t.chartLeft),
            "ticks": t.ticks.map { ["x": DAGLayout.n($0.x), "label": $0.label] },
            "bands": t.bands.map(bar),
            "markers": t.markers.map { ["x": DAGLayout.n($0.x), "label": $0.label] },
            "rows": t.rows.map { row -> [String: Any] in
                [
                    "label": row.label, "ty": DAGLayout.n(row.y + 12), "lx": row.indent ? "18" : "4",
                    "header": row.header,
                    "bars": row.bars.map(bar),
                ]
            },
            "remarks": t.remarks.map { ["text": $0] }, "subtaskBars": String(t.subtaskBars),
        ]
    }

    static func dags(_ r: DrillReport) -> [[String: Any]] {
        func draw(_ d: DAGLayout) -> [String: Any] {
            [
                "width": DAGLayout.n(d.width), "height": DAGLayout.n(d.height),
                "nodes": d.nodes.map { n -> [String: Any] in
                    [
                        "x": DAGLayout.n(n.x), "y": DAGLayout.n(n.y), "tx": DAGLayout.n(n.x + 6),
                        "ty": DAGLayout.n(n.y + 13),
                        "dy": DAGLayout.n(n.y + 25), "w": DAGLayout.n(DAGLayout.nodeWidth),
                        "h": DAGLayout.n(DAGLayout.nodeHeight),
                        "label": n.label, "detail": n.detail, "status": n.status, "tip": n.tip,
                    ]
                },
                "edges": d.edges.map { ["d": $0.path] },
            ]
        }
        let tasks = r.tasks.map(\.task).filter { !$0.subtasks.isEmpty }
        if tasks.count <= dagPerTaskLimit {
            return tasks.map { task in
                [
                    "heading": "task \(task.id) \(task.name)", "detail": taskLine(task), "anchor": "task-\(task.id)",
                    "drawing": draw(DAGLayout(task)),
                ]
            }
        }
        var order: [String] = []
        var groups: [String: [TaskSnapshot]] = [:]
        for task in tasks {
            let key = DAGLayout.shape(of: task)
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(task)
        }
        return order.compactMap { key in
            guard let members = groups[key], let first = members.first else { return nil }
            var statuses: [String: Int] = [:]
            for m in members { statuses[m.status, default: 0] += 1 }
            let ids =
                members.prefix(12).map { String($0.id) }.joined(separator: ", ") + (members.count > 12 ? ", …" : "")
            return [
                "heading": "\(first.name): \(members.count) task\(members.count == 1 ? "" : "s") of this shape",
                "detail": "tasks " + ids + "; "
                    + statuses.sorted { $0.key < $1.key }.map { "\($0.key) ×\($0.value)" }.joined(separator: ", "),
                "anchor": "tasks-\(first.id)", "drawing": draw(DAGLayout(shape: first, tasks: members)),
            ]
        }
    }

    static func taskLine(_ t: TaskSnapshot) -> String {
        var text = t.status + (t.operation.map { " (\($0))" } ?? "")
        if let c = t.clusterId { text += ", cluster \(c)" }
        if let tenant = t.tenantId { text += ", tenant \(tenant)" }
        if let s = t.startTime {
            text += ", from \(s)"
            if let f = t.finishTime { text += " to \(f) (\(ReportText.duration(Saturating.between(s, f))))" }
        }
        return text
    }

    static func taskTable(_ item: ReportTask) -> [String: Any] {
        let t = item.task
        return [
            "heading": "task \(t.id) \(t.name)", "detail": taskLine(t), "lastSeenBy": item.lastSeenBy,
            "fromPolls": item.timesFrom == "polls",
            "subtasks": t.subtasks.map { s -> [String: Any] in
                let took = s.startTime.flatMap { a in
                    s.finishTime.map { ReportText.duration(Saturating.between(a, $0)) }
                }
                return [
                    "id": String(s.id), "name": s.name, "status": s.status,
                    "statusClass": ReportText.cssClass(s.status),
                    "start": ReportText.time(s.startTime), "finish": ReportText.time(s.finishTime), "took": took ?? "—",
                    "runs": String(s.runTime ?? 1),
                    "upstreams": s.upstreams.map(String.init).joined(separator: ", "),
                ]
            },
        ]
    }

    static func step(_ s: ReportStep, index: Int) -> [String: Any] {
        var c: [String: Any] = [
            "label": s.position.label, "phrase": s.phrase, "outcome": s.outcome,
            "outcomeClass": ReportText.cssClass(s.outcome),
            "location": "\(s.location.file):\(s.location.line):\(s.location.column)",
            "indent": String(min(s.position.depth, 4)),
            "start": s.startMs.map(ReportText.offset) ?? "—", "duration": ReportText.stepDuration(s), "kind": s.failureKind ?? "", "hasKind": s.failureKind != nil,
            "message": s.message ?? "", "hasMessage": s.message != nil,
            "expected": s.expected ?? "", "hasExpected": s.expected != nil, "found": s.found ?? "",
            "hasFound": s.found != nil,
            "calls": CallGroup.groups(s.calls).map(call), "hasCalls": !s.calls.isEmpty,
            "callsInStep": String(s.calls.count { !$0.isNoteOnly }),
            "anchor": "step-\(index)",
        ]
        let observed = ReportText.observedLines(s).map { ["text": $0] }
        c["observed"] = observed
        c["hasObserved"] = !observed.isEmpty
        return c
    }

    static func call(_ group: CallGroup) -> [String: Any] {
        let c = group.first
        var rest = group.count > 1 ? "×\(group.count) · \(group.durationText)" : "\(group.durationText)"
        if c.attempt > 1 { rest += " · attempt \(c.attempt)" }
        return [
            "method": c.method, "path": c.path,
            "status": (c.status.map(String.init) ?? "no answer") + (c.errorCode.map { " " + $0 } ?? ""),
            "traceIds": group.traceIds.joined(separator: " "), "rest": rest, "note": c.note ?? "",
            "hasNote": c.note != nil,
            "count": String(group.count),
        ]
    }

    static func approval(_ a: ReportApproval) -> [String: Any] {
        let c = a.confirmation
        return [
            "step": a.step, "question": c?.question ?? a.message ?? "", "answer": c?.answer ?? "no answer",
            "how": c?.how ?? "not recorded", "by": c?.by ?? "not recorded",
            "at": c.map { ReportText.time($0.at) } ?? "—",
            "outcome": a.outcome, "location": "\(a.location.file):\(a.location.line):\(a.location.column)",
        ]
    }

    static func segment(_ index: Int, _ s: ReportSegment) -> [String: Any] {
        [
            "index": String(index + 1), "line": String(s.line), "records": String(s.records),
            "resumed": s.resumedAt.map { "resumed at \($0)" }
                ?? (index == 0 ? "the run's start" : "resumed (no time recorded)"),
            "gap": s.gapMs.map { "gap of \(ReportText.duration($0)) since the last record before it" } ?? "",
            "by": s.resumedBy ?? "",
            "sha": (s.sha256 ?? "") + (s.forced == true ? " (--force)" : ""),
            "notes": (s.notes ?? []).joined(separator: "; "),
        ]
    }

    static func json(_ value: JSONValue) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "?" }
        return String(decoding: data, as: UTF8.self)
    }

    // MARK: - Comparison

    static func context(_ comparison: ComparisonReport) -> [String: Any] {
        var c: [String: Any] = [:]
        c["title"] = comparison.title
        c["verdict"] = comparison.allPassed ? "ALL PASSED" : "NOT ALL PASSED"
        c["verdictClass"] = comparison.allPassed ? "v-passed" : "v-failed"
        c["objectiveNames"] = comparison.objectiveNames.map { ["name": $0] }
        c["rows"] = comparison.rows.map { row -> [String: Any] in
            [
                "date": row.date, "title": row.title, "file": row.file, "sha": String(row.sha256.prefix(12)),
                "fullSha": row.sha256, "target": row.target, "mode": row.rehearsal ? "rehearsal" : "real OCP",
                "verdict": row.verdict.title, "verdictClass": "v-" + row.verdict.rawValue,
                "recoveryTime": ReportText.duration(row.recoveryTimeMs),
                "dataLoss": ReportText.duration(row.dataLossMs),
                "objectives": comparison.objectiveNames.map { name -> [String: Any] in
                    guard let o = row.objectives.first(where: { $0.name == name }) else {
                        return ["text": "—", "verdictClass": ""]
                    }
                    return [
                        "text":
                            "\(ReportText.duration(o.measuredMs)) / \(ReportText.duration(o.targetMs)): \(o.verdict.rawValue)",
                        "verdictClass": "o-" + o.verdict.rawValue,
                    ]
                },
                "actions": row.actions.map { ["text": $0] },
                "journal": row.journal,
            ]
        }
        c["trend"] = trend(comparison)
        c["generator"] = "runbook \(RunbookVersion.current)"
        return c
    }

    /// A bar per drill of its recovery time, against the recovery-time objective when there is one.
    static func trend(_ comparison: ComparisonReport) -> [String: Any] {
        let rows = comparison.rows
        let objective = rows.compactMap { $0.objectives.first { $0.name == "recovery time" }?.targetMs }.max()
        let top = max(1, ([objective ?? 0] + rows.compactMap(\.recoveryTimeMs)).max() ?? 1)
        let barWidth = 48.0
        let gap = 24.0
        let chartHeight = 160.0
        let left = 70.0
        func y(_ ms: Int64) -> Double { 20 + chartHeight - Double(ms) / Double(top) * chartHeight }
        let bars = rows.enumerated().map { i, row -> [String: Any] in
            let ms = row.recoveryTimeMs ?? 0
            let x = left + Double(i) * (barWidth + gap)
            return [
                "x": DAGLayout.n(x), "y": DAGLayout.n(y(ms)), "w": DAGLayout.n(barWidth),
                "h": DAGLayout.n(max(1, 20 + chartHeight - y(ms))), "verdictClass": "t-" + row.verdict.rawValue,
                "label": row.date.prefix(10).description, "lx": DAGLayout.n(x + barWidth / 2),
                "value": ReportText.duration(row.recoveryTimeMs),
                "vy": DAGLayout.n(y(ms) - 4),
                "tip": "\(row.date) \(row.verdict.title): recovery time \(ReportText.duration(row.recoveryTimeMs))",
            ]
        }
        var c: [String: Any] = [
            "width": DAGLayout.n(left + Double(rows.count) * (barWidth + gap) + 20),
            "height": DAGLayout.n(chartHeight + 50),
            "bars": bars, "base": DAGLayout.n(20 + chartHeight), "left": DAGLayout.n(left - 6),
            "right": DAGLayout.n(left + Double(rows.count) * (barWidth + gap)), "labelY": DAGLayout.n(chartHeight + 38),
        ]
        if let objective {
            c["objective"] = ["y": DAGLayout.n(y(objective)), "label": "RTO \(ReportText.duration(objective))"]
        } else {
            c["objective"] = false
        }
        return c
    }
}

/// HTML escaping as swift-mustache's own (`< > & " '` as `&lt; &gt; &amp; &quot; &#39;`), over
/// UTF-8 bytes: a text with none of them, as most are, is kept as it is. Every template of the
/// report selects it with a `CONTENT_TYPE` pragma.
struct FastHTMLEscaping: MustacheContentType {
    static let name = "RUNBOOK_HTML"

    func escapeText(_ text: String) -> String {
        Self.escape(text)
    }

    static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        let special =
            utf8.withContiguousStorageIfAvailable { bytes in bytes.contains(where: isSpecial) }
            ?? utf8.contains(where: isSpecial)
        guard special else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count + 16)
        for b in utf8 {
            switch b {
            case UInt8(ascii: "<"): out += Array("&lt;".utf8)
            case UInt8(ascii: ">"): out += Array("&gt;".utf8)
            case UInt8(ascii: "&"): out += Array("&amp;".utf8)
            case UInt8(ascii: "\""): out += Array("&quot;".utf8)
            case UInt8(ascii: "'"): out += Array("&#39;".utf8)
            default: out.append(b)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isSpecial(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "&") || b == UInt8(ascii: "\"")
            || b == UInt8(ascii: "'")
    }
}
