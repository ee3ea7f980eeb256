import Foundation
import OCPModel
import RunbookStepLog
import RunbookSupport

/// Renders a drill as a Markdown summary that fits a pull-request comment (GitHub takes 65,536
/// characters) or `$GITHUB_STEP_SUMMARY`: the verdict and whether it was a rehearsal, the facts,
/// the objectives, the recoveries, the steps that did not pass, the approvals and the warnings.
/// Long lists are cut (each says how many were left out), each text is cut to ``textLimit``, and
/// the whole document stops before ``documentLimit`` (saying so): the HTML report has everything.
///
/// Everything from a runbook, OCP or a probe is escaped: no Markdown or HTML of its own, no
/// `@mention`, no line break that ends a table.
public enum MarkdownReport {
    /// The most rows a list shows.
    static let listLimit = 20
    /// The most objectives a comparison has a column for.
    static let objectiveColumnLimit = 10
    /// The most drills a comparison has a row for.
    static let comparisonRowLimit = 100
    /// The most UTF-16 code units of one escaped text (a cell, a message, a title): a longer text
    /// is cut on a character boundary, ending with ``cutMark(_:)``.
    static let textLimit = 800
    /// The most UTF-16 code units of a whole summary, the note that it was cut included: under
    /// GitHub's 65,536 characters for a comment (a character is one or two UTF-16 code units,
    /// never fewer), with room to spare for what a workflow adds around it.
    static let documentLimit = 60_000

    /// One drill's summary.
    public static func render(_ r: DrillReport) -> String {
        var doc = BoundedMarkdown(limit: documentLimit)
        let icon =
            r.verdict.passed
            ? "✅" : r.verdict == .failed || r.verdict == .targetFailed || r.verdict == .journalFailed ? "❌" : "⚠️"
        doc.add("## \(icon) \(r.verdict.title): \(m(r.title))\n\n")
        doc.add(
            r.rehearsal
                ? "**REHEARSAL** against the embedded OCP simulator\(r.simulationSpeed.map { " (speed \(m($0)))" } ?? ""): simulated time, nothing real was changed.\n\n"
                : "**REAL OCP** at \(m(r.target))\n\n")
        if let reason = r.reason { doc.add("> \(m(reason))\n\n") }
        // A SHA-256 is 64 hex digits; a journal's field may hold anything.
        let hex = r.sha256.filter(\.isHexDigit)
        let sha = "`\(hex.prefix(64))`" + (hex.count > 64 ? "…" : "")
        let rows: [(String, String)] = [
            ("File", m(r.file)), ("SHA-256", sha), ("Target", m(r.target)),
            ("Operator", m(ReportText.operatorText(r))), ("Tool", "runbook \(m(r.toolVersion))"),
            ("Started", m(ReportText.time(r.startedAt))), ("Duration", m(ReportText.runDuration(r))),
            ("Steps", m(ReportText.stepsLine(r))),
            ("OCP calls", String(r.callCount)), ("Journal", m(r.journal.path)),
        ]
        doc.section(
            "| | |\n|---|---|\n", rows.map { "| \($0.0) | \($0.1) |\n" }, total: rows.count, more: nil)

        if !r.objectives.isEmpty {
            doc.section(
                "### Objectives\n\n| objective | target | measured | verdict |\n|---|---|---|---|\n",
                r.objectives.prefix(listLimit).map { o in
                    let mark = o.verdict == .met ? "✅ met" : o.verdict == .breached ? "❌ breached" : "❌ unknown"
                    return
                        "| \(m(o.name)) | \(m(ReportText.duration(o.targetMs))) | \(m(ReportText.duration(o.measuredMs))) | \(mark)\(o.overMs.map { " by \(m(ReportText.duration($0)))" } ?? "") |\n"
                }, total: r.objectives.count, more: { "\n…and \($0) more in the HTML report.\n" })
        }
        if let e = r.evidence, e.recoveryTimeMs != nil || e.dataLossMs != nil || !e.downtime.isEmpty {
            var line =
                "Recovery time **\(m(ReportText.duration(e.recoveryTimeMs)))** (\(m(e.recoveryTimeSource))), worst data loss **\(m(ReportText.duration(e.dataLossMs)))**"
            for d in e.downtime.prefix(listLimit) {
                line += "; \(m("\(d.kind) \(d.target)")) down \(m(ReportText.duration(d.totalMs)))"
            }
            if e.downtime.count > listLimit { line += "; and \(e.downtime.count - listLimit) more in the HTML report" }
            doc.add(line + ".\n\n")
        }
        if !r.recoveries.isEmpty {
            doc.section(
                "### Recoveries\n\n| step | action | task | outcome | recovery time | lag when called |\n|---|---|---|---|---|---|\n",
                r.recoveries.prefix(listLimit).map { rec in
                    "| \(m(rec.position.label)) | \(m(ReportText.action(rec))) | \(rec.taskId) | \(m(rec.outcome.rawValue)) | \(m(ReportText.recoveryTime(rec))) | \(rec.lagMs.map { m(ReportText.duration($0)) } ?? "—") |\n"
                }, total: r.recoveries.count, more: { "\n…and \($0) more in the HTML report.\n" })
        }
        let notPassed = r.steps.filter {
            $0.outcome == "failed" || $0.outcome == "continued" || $0.outcome == "unfinished"
        }
        if !notPassed.isEmpty {
            doc.section(
                "### Steps that did not pass\n\n",
                notPassed.prefix(listLimit).map { s in
                    var item =
                        "- **\(m(s.position.label))** \(m(s.phrase)): **\(m(s.outcome))**\(s.failureKind.map { " (\(m($0)))" } ?? "") at \(m("\(s.location.file):\(s.location.line):\(s.location.column)"))\n"
                    if let msg = s.message { item += "  - \(m(msg))\n" }
                    if let e = s.expected { item += "  - expected: \(m(e))\n" }
                    if let f = s.found { item += "  - found: \(m(f))\n" }
                    return item
                }, total: notPassed.count, more: { "- …and \($0) more in the HTML report.\n" })
        }
        if !r.approvals.isEmpty {
            doc.section(
                "### Approvals\n\n| step | question | answer |\n|---|---|---|\n",
                r.approvals.prefix(listLimit).map { a in
                    "| \(m(a.step)) | \(m(a.confirmation?.question ?? a.message ?? "")) | \(m(ReportText.approval(a))) |\n"
                }, total: r.approvals.count, more: { "\n…and \($0) more in the HTML report.\n" })
        }
        if !r.warnings.isEmpty {
            doc.section(
                "### Warnings\n\n", r.warnings.prefix(listLimit).map { "- ⚠️ \(m($0))\n" }, total: r.warnings.count,
                more: { "- …and \($0) more.\n" })
        }
        return doc.text
    }

    /// Several drills as a comparison table, oldest first, with the HTML comparison's columns: the
    /// runbook's title and file, and each objective's figure measured against it.
    public static func render(_ c: ComparisonReport) -> String {
        var doc = BoundedMarkdown(limit: documentLimit)
        doc.add("## \(c.allPassed ? "✅" : "❌") \(m(c.title))\n\n")
        let names = c.objectiveNames.prefix(objectiveColumnLimit)
        var head = "| date | runbook | file SHA-256 | target | verdict | recovery time | data loss |"
        for name in names { head += " \(m(name)) (measured / objective) |" }
        head += " per action |\n|---|---|---|---|---|---|---|"
        for _ in names { head += "---|" }
        head += "---|\n"
        let rows = c.rows.prefix(comparisonRowLimit).map { row in
            let sha = row.sha256.filter(\.isHexDigit).prefix(12)
            var line =
                "| \(m(row.date)) | \(m(row.title))<br><code>\(m(row.file))</code> | `\(sha)` | \(m(row.target)) (\(row.rehearsal ? "rehearsal" : "real OCP")) | \(row.verdict.passed ? "✅" : "❌") \(row.verdict.title) | \(m(ReportText.duration(row.recoveryTimeMs))) | \(m(ReportText.duration(row.dataLossMs))) |"
            for name in names {
                if let o = row.objectives.first(where: { $0.name == name }) {
                    line +=
                        " \(m(ReportText.duration(o.measuredMs))) / \(m(ReportText.duration(o.targetMs))): \(o.verdict.rawValue) |"
                } else {
                    line += " — |"
                }
            }
            let actions =
                row.actions.prefix(5).map { m($0) }.joined(separator: "<br>")
                + (row.actions.count > 5 ? "<br>…and \(row.actions.count - 5) more" : "")
            return line + " \(actions.isEmpty ? "—" : actions) |\n"
        }
        doc.section(head, rows, total: c.rows.count, more: { "\n…and \($0) more drills in the HTML report.\n" })
        if c.objectiveNames.count > objectiveColumnLimit {
            doc.add(
                "The objectives after the first \(objectiveColumnLimit) (\(c.objectiveNames.count - objectiveColumnLimit) more) are in the HTML report.\n\n"
            )
        }
        return doc.text
    }

    /// `… (cut; the HTML report has all 6012 characters)`: the end of a text cut to ``textLimit``.
    static func cutMark(_ characters: Int) -> String {
        "… (cut; the HTML report has all \(characters) characters)"
    }

    /// Text safe inside Markdown, table cells included: Markdown's own characters escaped, HTML
    /// characters as entities, `@` as an entity (no mention), line breaks as `<br>`. Escaped per
    /// Unicode scalar, so a combining mark after a `|` or `<` does not hide it from a parser that
    /// reads scalars. A text whose escaped form is longer than `limit` UTF-16 code units is cut on
    /// a character boundary and ends with ``cutMark(_:)``.
    static func m(_ text: String, limit: Int = textLimit) -> String {
        var out = ""
        var size = 0
        for c in text {
            let piece = escaped(c)
            let n = piece.utf16.count
            if size + n > limit { return out + cutMark(text.count) }
            out += piece
            size += n
        }
        return out
    }

    /// One character, escaped.
    private static func escaped(_ c: Character) -> String {
        if c == "\r\n" { return "<br>" }
        var out = ""
        for s in c.unicodeScalars {
            switch s {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "@": out += "&#64;"
            case "|": out += "\\|"
            case "\\", "`", "*", "_", "[", "]", "#", "~", "!": out += "\\" + String(s)
            case "\n": out += "<br>"
            case "\r", "\t": out += " "
            default: out.unicodeScalars.append(s)
            }
        }
        return out
    }
}

/// A Markdown document that never grows past `limit` UTF-16 code units: each block is added whole
/// or not at all, and once one does not fit, none after it is and the document ends with a note
/// that says so (the room for the note is kept from the start).
struct BoundedMarkdown {
    let limit: Int
    private var body = ""
    private var size = 0
    private(set) var cut = false

    static let cutNote =
        "\n**This summary stops here to fit a pull-request comment: the HTML report has everything.**\n"

    init(limit: Int) { self.limit = limit }

    /// Adds `block` if it fits, else ends the document; true when it was added.
    @discardableResult
    mutating func add(_ block: String) -> Bool {
        guard !cut else { return false }
        let n = block.utf16.count
        guard size + n + Self.cutNote.utf16.count <= limit else {
            cut = true
            return false
        }
        body += block
        size += n
        return true
    }

    /// A heading (or a table's head) and its items: the heading with the first item, so that no
    /// heading is left without one, then each item; `more(n)` when `total` is more than the
    /// items; a blank line.
    mutating func section(_ head: String, _ items: [String], total: Int, more: ((Int) -> String)?) {
        guard add(head + (items.first ?? "")) else { return }
        for item in items.dropFirst() { guard add(item) else { return } }
        if total > items.count, let more { guard add(more(total - items.count)) else { return } }
        add("\n")
    }

    /// The document, with the note when it was cut.
    var text: String { cut ? body + Self.cutNote : body }
}
