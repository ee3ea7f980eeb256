import Foundation
import OCPModel
import RunbookStepLog
import RunbookSupport

/// Renders a drill as a Markdown summary that fits a pull-request comment (GitHub takes 65,536
/// characters) or `$GITHUB_STEP_SUMMARY`: the verdict and whether it was a rehearsal, the facts,
/// the objectives, the recoveries, the steps that did not pass, the approvals and the warnings.
/// Long lists are cut (each says how many were left out): the HTML report has everything.
///
/// Everything from a runbook, OCP or a probe is escaped: no Markdown or HTML of its own, no
/// `@mention`, no line break that ends a table.
public enum MarkdownReport {
    /// The most rows a list shows.
    static let listLimit = 20

    /// One drill's summary.
    public static func render(_ r: DrillReport) -> String {
        var out = ""
        let icon =
            r.verdict.passed
            ? "✅" : r.verdict == .failed || r.verdict == .targetFailed || r.verdict == .journalFailed ? "❌" : "⚠️"
        out += "## \(icon) \(r.verdict.title): \(m(r.title))\n\n"
        out +=
            r.rehearsal
            ? "**REHEARSAL** against the embedded OCP simulator\(r.simulationSpeed.map { " (speed \(m($0)))" } ?? ""): simulated time, nothing real was changed.\n\n"
            : "**REAL OCP** at \(m(r.target))\n\n"
        if let reason = r.reason { out += "> \(m(reason))\n\n" }
        out += "| | |\n|---|---|\n"
        let rows: [(String, String)] = [
            ("File", m(r.file)), ("SHA-256", "`\(r.sha256.filter(\.isHexDigit))`"), ("Target", m(r.target)),
            ("Operator", m(ReportText.operatorText(r))), ("Tool", "runbook \(m(r.toolVersion))"),
            ("Started", m(ReportText.time(r.startedAt))), ("Duration", m(ReportText.runDuration(r))),
            ("Steps", m(ReportText.stepsLine(r))),
            ("OCP calls", String(r.callCount)), ("Journal", m(r.journal.path)),
        ]
        for (name, value) in rows { out += "| \(name) | \(value) |\n" }
        out += "\n"

        if !r.objectives.isEmpty {
            out += "### Objectives\n\n| objective | target | measured | verdict |\n|---|---|---|---|\n"
            for o in r.objectives {
                let mark = o.verdict == .met ? "✅ met" : o.verdict == .breached ? "❌ breached" : "❌ unknown"
                out +=
                    "| \(m(o.name)) | \(m(ReportText.duration(o.targetMs))) | \(m(ReportText.duration(o.measuredMs))) | \(mark)\(o.overMs.map { " by \(m(ReportText.duration($0)))" } ?? "") |\n"
            }
            out += "\n"
        }
        if let e = r.evidence, e.recoveryTimeMs != nil || e.dataLossMs != nil || !e.downtime.isEmpty {
            out +=
                "Recovery time **\(m(ReportText.duration(e.recoveryTimeMs)))** (\(m(e.recoveryTimeSource))), worst data loss **\(m(ReportText.duration(e.dataLossMs)))**"
            for d in e.downtime { out += "; \(m("\(d.kind) \(d.target)")) down \(m(ReportText.duration(d.totalMs)))" }
            out += ".\n\n"
        }
        if !r.recoveries.isEmpty {
            out +=
                "### Recoveries\n\n| step | action | task | outcome | recovery time | lag when called |\n|---|---|---|---|---|---|\n"
            for rec in r.recoveries.prefix(listLimit) {
                out +=
                    "| \(m(rec.position.label)) | \(m(ReportText.action(rec))) | \(rec.taskId) | \(m(rec.outcome.rawValue)) | \(m(ReportText.duration(rec.recoveryMs))) | \(rec.lagMs.map { m(ReportText.duration($0)) } ?? "—") |\n"
            }
            if r.recoveries.count > listLimit {
                out += "\n…and \(r.recoveries.count - listLimit) more in the HTML report.\n"
            }
            out += "\n"
        }
        let notPassed = r.steps.filter {
            $0.outcome == "failed" || $0.outcome == "continued" || $0.outcome == "unfinished"
        }
        if !notPassed.isEmpty {
            out += "### Steps that did not pass\n\n"
            for s in notPassed.prefix(listLimit) {
                out +=
                    "- **\(m(s.position.label))** \(m(s.phrase)): **\(m(s.outcome))**\(s.failureKind.map { " (\($0))" } ?? "") at \(m("\(s.location.file):\(s.location.line):\(s.location.column)"))\n"
                if let msg = s.message { out += "  - \(m(msg))\n" }
                if let e = s.expected { out += "  - expected: \(m(e))\n" }
                if let f = s.found { out += "  - found: \(m(f))\n" }
            }
            if notPassed.count > listLimit { out += "- …and \(notPassed.count - listLimit) more in the HTML report.\n" }
            out += "\n"
        }
        if !r.approvals.isEmpty {
            out += "### Approvals\n\n| step | question | answer |\n|---|---|---|\n"
            for a in r.approvals.prefix(listLimit) {
                out +=
                    "| \(m(a.step)) | \(m(a.confirmation?.question ?? a.message ?? "")) | \(m(ReportText.approval(a))) |\n"
            }
            out += "\n"
        }
        if !r.warnings.isEmpty {
            out += "### Warnings\n\n"
            for w in r.warnings.prefix(listLimit) { out += "- ⚠️ \(m(w))\n" }
            if r.warnings.count > listLimit { out += "- …and \(r.warnings.count - listLimit) more.\n" }
            out += "\n"
        }
        return out
    }

    /// Several drills as a comparison table, oldest first.
    public static func render(_ c: ComparisonReport) -> String {
        var out = "## \(c.allPassed ? "✅" : "❌") \(m(c.title))\n\n"
        out += "| date | file SHA-256 | target | verdict | recovery time | data loss |"
        for name in c.objectiveNames { out += " \(m(name)) |" }
        out += " per action |\n|---|---|---|---|---|---|"
        for _ in c.objectiveNames { out += "---|" }
        out += "---|\n"
        for row in c.rows.prefix(100) {
            out +=
                "| \(m(row.date)) | `\(row.sha256.prefix(12).filter(\.isHexDigit))` | \(m(row.target))\(row.rehearsal ? " (rehearsal)" : "") | \(row.verdict.passed ? "✅" : "❌") \(row.verdict.title) | \(m(ReportText.duration(row.recoveryTimeMs))) | \(m(ReportText.duration(row.dataLossMs))) |"
            for name in c.objectiveNames {
                if let o = row.objectives.first(where: { $0.name == name }) {
                    out +=
                        " \(m(ReportText.duration(o.measuredMs))) / \(m(ReportText.duration(o.targetMs))): \(o.verdict.rawValue) |"
                } else {
                    out += " — |"
                }
            }
            let actions =
                row.actions.prefix(5).map(m).joined(separator: "<br>")
                + (row.actions.count > 5 ? "<br>…and \(row.actions.count - 5) more" : "")
            out += " \(actions.isEmpty ? "—" : actions) |\n"
        }
        if c.rows.count > 100 { out += "\n…and \(c.rows.count - 100) more drills.\n" }
        return out + "\n"
    }

    /// Text safe inside Markdown, table cells included: Markdown's own characters escaped, HTML
    /// characters as entities, `@` as an entity (no mention), line breaks as `<br>`.
    static func m(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "@": out += "&#64;"
            case "|": out += "\\|"
            case "\\", "`", "*", "_", "[", "]", "#", "~", "!": out += "\\" + String(c)
            case "\n", "\r\n": out += "<br>"
            case "\r", "\t": out += " "
            default: out.append(c)
            }
        }
        return out
    }
}
