import Foundation
import OCPModel
import RunbookStepLog
import RunbookSupport

/// The words and figures the renderers share, so that every format says the same thing the same way.
enum ReportText {
    /// `4m12s`, `800ms`, `1.2s`.
    static func duration(_ ms: Int64) -> String { DurationText.formatRounded(.milliseconds(ms)) }

    /// `4m12s` or `unknown`.
    static func duration(_ ms: Int64?) -> String { ms.map { duration($0) } ?? "unknown" }

    /// A recovery's time: its duration, `none (rolled back)` for an action that was undone (it
    /// recovered nothing), `none (failed)` for one that failed, else `unknown`.
    static func recoveryTime(_ r: Recovery) -> String {
        if let ms = r.recoveryMs { return duration(ms) }
        switch r.outcome {
        case .rolledBack: return "none (rolled back)"
        case .failed: return "none (failed)"
        default: return "unknown"
        }
    }

    /// `+4m12s` into the run.
    static func offset(_ ms: Int64) -> String { "+" + duration(ms) }

    /// `2026-11-27T03:30:00.000+00:00`.
    static func time(_ t: OCPTimestamp?) -> String { t?.description ?? "—" }

    /// `12.3 ms`.
    static func callDuration(_ ms: Double) -> String {
        guard ms.isFinite else { return "—" }
        return String(format: "%.1f ms", ms)
    }

    /// The operator and the identity their credentials stand for: `sre, as AK/SK (key AKID…)`;
    /// `sre (no credentials)` when the run had none (the journal's identity is `none`), `sre (no
    /// credentials: the embedded simulator)` for a rehearsal, `sre (identity not recorded)` for a
    /// journal without one. A login name that is empty reads `unknown`.
    static func operatorText(_ report: DrillReport) -> String {
        let user = report.user.isEmpty ? "unknown" : report.user
        switch report.identity {
        case let identity? where !identity.isEmpty && identity != "none": return "\(user), as \(identity)"
        case .some: return "\(user) (no credentials)"
        case nil:
            return report.rehearsal
                ? "\(user) (no credentials: the embedded simulator)" : "\(user) (identity not recorded)"
        }
    }

    /// `8: 6 passed, 1 failed, 0 continued, 1 skipped` (and how many did not finish, and how many
    /// attempts a resume took up again).
    static func stepsLine(_ r: DrillReport) -> String {
        let unfinished = r.steps.count { $0.outcome == "unfinished" }
        let interrupted = r.steps.count { $0.outcome == "interrupted" }
        return
            "\(r.counts.total + unfinished): \(r.counts.passed) passed, \(r.counts.failed) failed, \(r.counts.continued) continued, \(r.counts.skipped) skipped"
            + (unfinished > 0 ? ", \(unfinished) unfinished" : "")
            + (interrupted > 0 ? "; \(interrupted) interrupted and run again after a resume" : "")
    }

    /// `REHEARSAL against the embedded OCP simulator` or `REAL OCP at https://...`.
    static func mode(_ report: DrillReport) -> String {
        report.rehearsal
            ? "REHEARSAL against the embedded OCP simulator" + (report.simulationSpeed.map { " (speed \($0))" } ?? "")
            : "REAL OCP at \(report.target)"
    }

    /// The run's duration, simulated and wall when they differ: `25m0s simulated, 25s wall`.
    static func runDuration(_ report: DrillReport) -> String {
        let clock = duration(report.durationMs)
        guard let wall = report.wallDurationMs else { return clock + " (as far as the journal goes)" }
        if report.rehearsal { return "\(clock) simulated, \(duration(wall)) wall" }
        return wall == report.durationMs ? clock : "\(clock) (wall \(duration(wall)))"
    }

    /// One line for an objective: `recovery time 4m12s, objective 10m: met`.
    static func objective(_ o: ObjectiveVerdict) -> String { o.sentence }

    /// One line for a recovery: `tenant failover of tenant 2000025 (task 171603): completed in 4m12s, data loss 800ms`.
    static func recovery(_ r: Recovery) -> String {
        var subject = r.tenantId.map { "tenant \($0)" } ?? "cluster \(r.clusterId)"
        subject += " (task \(r.taskId))"
        var text = "\(r.action) of \(subject): \(r.outcome.rawValue)"
        if let ms = r.recoveryMs { text += " in \(duration(ms))" }
        if let lag = r.lagMs { text += ", lag \(duration(lag)) when called" }
        return text
    }

    /// `tenant failover of tenant 2000025`: a recovery's action and subject.
    static func action(_ r: Recovery) -> String {
        "\(r.action) of " + (r.tenantId.map { "tenant \($0)" } ?? "cluster \(r.clusterId)")
    }

    /// How a confirm was answered, in one line.
    static func approval(_ a: ReportApproval) -> String {
        guard let c = a.confirmation else { return a.message ?? a.outcome }
        let answer = c.answer ?? "no answer"
        return "\(answer) (\(c.how)) by \(c.by) at \(c.at)"
    }

    /// Text cut to `limit` characters, ending with `…` when cut.
    static func short(_ text: String, _ limit: Int) -> String {
        guard text.count > limit else { return text }
        return String(text.prefix(max(1, limit - 1))) + "…"
    }

    /// A word safe as a CSS class: lower-case letters, digits and `-` only.
    static func cssClass(_ text: String) -> String {
        let mapped = text.lowercased().unicodeScalars.map { s -> Character in
            (s >= "a" && s <= "z") || (s >= "0" && s <= "9") ? Character(s) : "-"
        }
        return String(mapped)
    }
}

extension ReportText {
    /// What a step observed, one line each: its task and the subtask changes it saw, the
    /// clusters and tenants it read, pre-check findings, tenant actions, a confirm's answer, probes.
    ///
    /// The subtask changes a step saw between its polls are listed when the journal has no
    /// snapshot of the task (an earlier version's); with one, OCP's own times are in the
    /// timeline and the task's table, and the step says only how many changes it saw.
    static func observedLines(_ s: ReportStep) -> [String] {
        var lines: [String] = []
        if let o = s.observed {
            if let id = o.taskId {
                lines.append("task \(id) \(o.taskName ?? "") \(o.taskStatus ?? "")")
            }
            if o.tasks?.isEmpty == false, !o.subtaskTransitions.isEmpty {
                let n = o.subtaskTransitions.count
                lines.append(
                    "saw \(n) subtask change\(n == 1 ? "" : "s") between its polls (OCP's own times are in the timeline)"
                )
            } else {
                for t in o.subtaskTransitions {
                    lines.append("subtask \"\(t.subtask)\" \(t.from ?? "—") → \(t.to) at \(offset(t.seenAtMs))")
                }
            }
            for cl in o.clusters {
                lines.append(
                    "cluster \(cl.id) \(cl.name): \(cl.type), \(cl.status)"
                        + (cl.syncStatus.map { ", sync \($0)" } ?? ""))
            }
            for t in o.tenants ?? [] {
                var text = "tenant \(t.id) \(t.name) on cluster \(t.clusterId): \(t.role), \(t.status)"
                if let sync = t.syncStatus { text += ", sync \(sync)" }
                if let p = t.primaryTenantId { text += ", follows tenant \(p)" }
                lines.append(text)
            }
            for m in o.precheckMessages ?? [] { lines.append("pre-check: \(m)") }
            for a in o.tenantActions ?? [] {
                var text = "\(a.action) task \(a.taskId): standby tenant \(a.standby.tenantId)"
                if let p = a.primary { text += ", primary tenant \(p.tenantId)" }
                text += a.lagMs.map { ", lag \(duration($0)) (\(a.lagSource ?? "reported"))" } ?? ", no lag reported"
                lines.append(text)
            }
            if let c = o.confirmation {
                lines.append("confirm \"\(c.question)\": \(c.answer ?? "no answer") (\(c.how)) by \(c.by) at \(c.at)")
            }
        }
        for p in s.probes ?? [] {
            var text = "probe \(p.kind) \(p.target) at \(offset(p.atMs)): \(p.passed ? "passed" : "failed")"
            if let st = p.status { text += ", HTTP \(st)" }
            if let code = p.exitCode { text += ", exit \(code)" }
            if let why = p.reason { text += " (\(why))" }
            lines.append(text)
        }
        return lines
    }

    /// One OCP call in one line: `GET /api/v2/... 200 trace 1f2e… 3.1 ms attempt 1 (note)`.
    static func callLine(_ c: OCPCallRecord) -> String {
        var text = "\(c.method) \(c.path) → \(c.status.map(String.init) ?? "no answer")"
        if let code = c.errorCode { text += " \(code)" }
        text += ", traceId \(c.traceId ?? "—"), \(callDuration(c.durationMs)), attempt \(c.attempt)"
        if let note = c.note { text += " (\(note))" }
        return text
    }

    /// `took 3s (wall 50ms)`, or, for a step that never finished, `ran for an unknown time (the
    /// journal has no end for it)`.
    static func stepDuration(_ s: ReportStep) -> String {
        if s.durationUnknown == true { return "ran for an unknown time (the journal has no end for it)" }
        return "took \(duration(s.durationMs)) (wall \(duration(s.wallDurationMs)))"
    }

    /// A step's details as plain text: what a JUnit `system-out` holds.
    static func stepDetails(_ s: ReportStep) -> String {
        var lines = ["\(s.position.label) \(s.phrase)", "outcome: \(s.outcome)"]
        lines.append("location: \(s.location.file):\(s.location.line):\(s.location.column)")
        if let start = s.startMs { lines.append("started: \(offset(start))" + (s.startedAt.map { " (\($0))" } ?? "")) }
        lines.append(stepDuration(s).replacingOccurrences(of: "took ", with: "took: "))
        if let m = s.message { lines.append("message: \(m)") }
        if let e = s.expected { lines.append("expected: \(e)") }
        if let f = s.found { lines.append("found: \(f)") }
        let observed = observedLines(s)
        if !observed.isEmpty { lines.append("observed:"); lines += observed.map { "  " + $0 } }
        if !s.calls.isEmpty {
            lines.append("OCP calls (\(s.calls.count { !$0.isNoteOnly })):")
            lines += CallGroup.groups(s.calls).map { "  " + $0.line }
        }
        return lines.joined(separator: "\n")
    }
}

/// Calls in a row that differ only in their traceId and duration (a wait's polls: the same
/// method, path and answer, first attempts, no note), shown as one line: how many, each traceId,
/// the range of their durations. Any other call is a group of one.
struct CallGroup {
    var first: OCPCallRecord
    var traceIds: [String]
    var shortest: Double
    var longest: Double
    var count: Int { traceIds.count }

    static func groups(_ calls: [OCPCallRecord]) -> [CallGroup] {
        var out: [CallGroup] = []
        for c in calls {
            if var last = out.last, c.attempt == 1, c.note == nil, last.first.note == nil, last.first.attempt == 1,
                last.first.method == c.method, last.first.path == c.path, last.first.status == c.status,
                last.first.errorCode == c.errorCode
            {
                last.traceIds.append(c.traceId ?? "—")
                last.shortest = min(last.shortest, c.durationMs)
                last.longest = max(last.longest, c.durationMs)
                out[out.count - 1] = last
            } else {
                out.append(
                    CallGroup(first: c, traceIds: [c.traceId ?? "—"], shortest: c.durationMs, longest: c.durationMs))
            }
        }
        return out
    }

    /// `2.5 ms` or `2.1–3.4 ms`.
    var durationText: String {
        shortest == longest
            ? ReportText.callDuration(shortest)
            : String(format: "%.1f–%.1f ms", shortest.isFinite ? shortest : 0, longest.isFinite ? longest : 0)
    }

    /// The group in one line of text.
    var line: String {
        var text = "\(first.method) \(first.path) → \(first.status.map(String.init) ?? "no answer")"
        if let code = first.errorCode { text += " \(code)" }
        if count > 1 {
            text += " ×\(count), \(durationText), traceIds \(traceIds.joined(separator: " "))"
        } else {
            text += ", traceId \(first.traceId ?? "—"), \(durationText), attempt \(first.attempt)"
            if let note = first.note { text += " (\(note))" }
        }
        return text
    }
}

/// Arithmetic on figures read from a journal, which may hold any whole number: saturating at the
/// bounds of `Int64` instead of trapping, so that a crafted journal makes a report with absurd
/// figures, never a crash.
enum Saturating {
    static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : r
    }

    static func subtract(_ a: Int64, _ b: Int64) -> Int64 {
        let (r, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b < 0 ? .max : .min) : r
    }

    /// Milliseconds from `a` to `b`.
    static func between(_ a: OCPTimestamp, _ b: OCPTimestamp) -> Int64 {
        subtract(b.millisecondsSince1970, a.millisecondsSince1970)
    }

    /// `t` moved by `ms` milliseconds.
    static func shifted(_ t: OCPTimestamp, _ ms: Int64) -> OCPTimestamp {
        OCPTimestamp(millisecondsSince1970: add(t.millisecondsSince1970, ms), utcOffsetSeconds: t.utcOffsetSeconds)
    }
}
