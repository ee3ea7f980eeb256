import Foundation
import OCPModel
import RunbookStepLog
import RunbookSupport

/// Renders drills as JUnit XML, the dialect of Ant, Surefire and Jenkins that CI systems read
/// (`docs/junit.xsd` in this repository describes it).
///
/// - a `testsuite` per block of the runbook that has steps (`steps`, `on failure`, `finally`), a
///   `testcase` per step, named by its label and phrase, with its file and line;
/// - a step that failed its check (an assertion or a wait: it says what was expected and found)
///   is a `failure`; any other failed step (OCP refused a call, the target could not be reached,
///   the step was interrupted or stopped, it never finished) is an `error`; a step that did not
///   run is `skipped`; a step that failed under `continue on failure` passes, its `outcome`
///   property and `system-out` saying it failed and the run went on;
/// - a suite `objectives`, a `testcase` per objective (met passes; breached or unknown fails);
/// - a suite `run` with one `testcase`, the run's outcome, so the suites fail exactly when the
///   run did not pass, an unfinished journal included;
/// - every suite's `properties`: the file, its sha256, the target, the runId, the operator and the
///   measured figures; each step's details in its `system-out`.
///
/// Times are the runbook's clock (simulated for a rehearsal), in seconds.
public enum JUnitReport {
    /// One drill's JUnit XML.
    public static func render(_ report: DrillReport) -> String {
        render([report])
    }

    /// Several drills in one document (a comparison), each drill's suites named after its date.
    public static func render(_ reports: [DrillReport]) -> String {
        var suites: [Suite] = []
        for report in reports {
            suites += Self.suites(report, prefix: reports.count > 1 ? "\(report.startedAt) " : "")
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        let name = reports.count == 1 ? reports[0].title : "\(reports.count) drills"
        out += "<testsuites name=\"\(x(name))\" tests=\"\(suites.reduce(0) { $0 + $1.cases.count })\""
        out +=
            " failures=\"\(suites.reduce(0) { $0 + $1.count("failure") })\" errors=\"\(suites.reduce(0) { $0 + $1.count("error") })\""
        out += " skipped=\"\(suites.reduce(0) { $0 + $1.count("skipped") })\""
        out += " time=\"\(seconds(reports.reduce(0) { Saturating.add($0, $1.durationMs) }))\">\n"
        for suite in suites { suite.write(into: &out) }
        out += "</testsuites>\n"
        return out
    }

    struct Case {
        var name: String
        var classname: String
        var timeMs: Int64
        var file: String?
        var line: Int?
        /// `failure`, `error`, `skipped` or nil (passed).
        var result: String?
        var type: String
        var message: String
        var body: String
        var properties: [(String, String)]
        var out: String
    }

    struct Suite {
        var name: String
        var timestamp: String
        var file: String
        var properties: [(String, String)]
        var cases: [Case]

        func count(_ result: String) -> Int { cases.count { $0.result == result } }

        func write(into out: inout String) {
            out += "  <testsuite name=\"\(x(name))\" tests=\"\(cases.count)\" failures=\"\(count("failure"))\""
            out += " errors=\"\(count("error"))\" skipped=\"\(count("skipped"))\""
            out +=
                " time=\"\(seconds(cases.reduce(0) { Saturating.add($0, $1.timeMs) }))\" timestamp=\"\(x(timestamp))\" file=\"\(x(file))\">\n"
            out += "    <properties>\n"
            for (n, v) in properties { out += "      <property name=\"\(x(n))\" value=\"\(x(v))\"/>\n" }
            out += "    </properties>\n"
            for c in cases {
                out +=
                    "    <testcase name=\"\(x(c.name))\" classname=\"\(x(c.classname))\" time=\"\(seconds(c.timeMs))\""
                if let file = c.file { out += " file=\"\(x(file))\"" }
                if let line = c.line, line > 0 { out += " line=\"\(line)\"" }
                out += ">\n"
                if !c.properties.isEmpty {
                    out += "      <properties>\n"
                    for (n, v) in c.properties { out += "        <property name=\"\(x(n))\" value=\"\(x(v))\"/>\n" }
                    out += "      </properties>\n"
                }
                if let result = c.result {
                    out +=
                        "      <\(result) message=\"\(x(c.message))\" type=\"\(x(c.type))\">\(x(c.body))</\(result)>\n"
                }
                out += "      <system-out>\(x(c.out))</system-out>\n"
                out += "    </testcase>\n"
            }
            out += "  </testsuite>\n"
        }
    }

    static func suites(_ r: DrillReport, prefix: String) -> [Suite] {
        let title = r.title.isEmpty ? "runbook" : r.title
        var properties: [(String, String)] = [
            ("file", r.file), ("sha256", r.sha256), ("target", r.target),
            ("mode", r.rehearsal ? "rehearsal" : "real OCP"),
            ("runId", r.runId), ("verdict", r.verdict.rawValue), ("toolVersion", r.toolVersion), ("operator", r.user),
            ("identity", r.identity ?? (r.rehearsal ? "none (embedded simulator)" : "not recorded")),
            ("startedAt", r.startedAt.description), ("durationMs", String(r.durationMs)), ("journal", r.journal.path),
            ("journalSha256", r.journal.sha256),
        ]
        if let e = r.evidence {
            properties.append(("recoveryTimeMs", e.recoveryTimeMs.map(String.init) ?? "unknown"))
            properties.append(("recoveryTimeSource", e.recoveryTimeSource))
            properties.append(("dataLossMs", e.dataLossMs.map(String.init) ?? "unknown"))
            for d in e.downtime { properties.append(("downtimeMs \(d.kind) \(d.target)", String(d.totalMs))) }
        }
        for o in r.objectives {
            properties.append(
                (
                    "objective \(o.name)",
                    "\(o.measuredMs.map(String.init) ?? "unknown") of \(o.targetMs) ms: \(o.verdict.rawValue)"
                ))
        }
        for (i, rec) in r.recoveries.enumerated() {
            properties.append(("recovery \(i + 1)", ReportText.recovery(rec)))
        }

        var suites: [Suite] = []
        for block in StepPosition.Block.allCases {
            // An attempt a resume took up again is not a case of its own: the step's later entry is.
            let steps = r.steps.filter { $0.position.block == block && $0.outcome != "interrupted" }
            guard !steps.isEmpty else { continue }
            let cases = steps.map { s -> Case in
                var c = Case(
                    name: "\(s.position.label) \(s.phrase)", classname: "\(title).\(block.rawValue)",
                    timeMs: s.durationMs,
                    file: s.location.file, line: s.location.line, result: nil, type: "", message: "", body: "",
                    properties: [], out: ReportText.stepDetails(s))
                switch s.outcome {
                case "failed", "unfinished":
                    c.result = s.failureKind ?? "error"
                    c.type =
                        s.outcome == "unfinished"
                        ? "unfinished" : s.failureKind == "failure" ? "check failed" : "step error"
                    c.message = s.message ?? s.outcome
                    c.body = [s.expected.map { "expected: \($0)" }, s.found.map { "found: \($0)" }, "at \(s.location)"]
                        .compactMap { $0 }.joined(separator: "\n")
                case "skipped":
                    c.result = "skipped"
                    c.type = "skipped"
                    c.message =
                        s.message
                        ?? "did not run: an earlier step failed, or the run was interrupted or ran out of time"
                case "continued":
                    c.properties = [("outcome", "continued")]
                    c.out = "continued after a failure (continue on failure): \(s.message ?? "")\n" + c.out
                default:
                    break
                }
                return c
            }
            suites.append(
                Suite(
                    name: "\(prefix)\(title): \(block.rawValue)", timestamp: r.startedAt.description, file: r.file,
                    properties: properties, cases: cases))
        }
        if !r.objectives.isEmpty {
            let cases = r.objectives.map { o -> Case in
                var c = Case(
                    name: "objective \(o.name) ≤ \(ReportText.duration(o.targetMs))", classname: "\(title).objectives",
                    timeMs: 0, file: r.file, line: nil, result: nil, type: "", message: "", body: "", properties: [],
                    out: o.sentence)
                if o.verdict != .met {
                    c.result = "failure"
                    c.type = "objective \(o.verdict.rawValue)"
                    c.message = o.sentence
                    c.body = "objective \(o.targetMs) ms, measured \(o.measuredMs.map(String.init) ?? "nothing")"
                }
                return c
            }
            suites.append(
                Suite(
                    name: "\(prefix)\(title): objectives", timestamp: r.startedAt.description, file: r.file,
                    properties: properties, cases: cases))
        }
        var run = Case(
            name: "run outcome", classname: "\(title).run", timeMs: r.durationMs, file: r.file, line: nil, result: nil,
            type: "", message: "", body: "", properties: [],
            out: ([ReportText.mode(r), "verdict: \(r.verdict.title)", r.reason.map { "reason: \($0)" }]
                + r.warnings.map { "warning: \($0)" })
                .compactMap { $0 }.joined(separator: "\n"))
        switch r.verdict {
        case .passed: break
        case .failed:
            run.result = "failure"
            run.type = "run failed"
            run.message = r.reason ?? "the run failed"
        default:
            run.result = "error"
            run.type = "run \(r.verdict.rawValue)"
            run.message = r.reason ?? r.verdict.title
        }
        suites.append(
            Suite(
                name: "\(prefix)\(title): run", timestamp: r.startedAt.description, file: r.file,
                properties: properties, cases: [run]))
        return suites
    }

    /// Milliseconds as decimal seconds, `12.345`.
    static func seconds(_ ms: Int64) -> String {
        let m = max(0, ms)
        let frac = String(m % 1000)
        return "\(m / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
    }

    /// Text as XML character data or an attribute value: `& < > " '` as entities, a character XML
    /// 1.0 cannot hold (most control characters) as U+FFFD, and line breaks in attributes as `&#10;`.
    static func x(_ text: String) -> String {
        // Most texts need nothing: a scan of their bytes says so.
        let plain = text.utf8.allSatisfy { b in
            b >= 0x20 && b != UInt8(ascii: "&") && b != UInt8(ascii: "<") && b != UInt8(ascii: ">")
                && b != UInt8(ascii: "\"") && b != UInt8(ascii: "'") && b != 0xEF
        }
        if plain { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            case "\t": out += "&#9;"
            default:
                let v = scalar.value
                if v < 0x20 || (0xFFFE...0xFFFF).contains(v) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
