import Foundation
import OCPModel
import RunbookSupport

/// Renders the step log for a person: a header, one line per finished step with ✔ / ✘ and its
/// duration, the reason under a failure, and a summary. On a terminal it also keeps a live
/// progress line for the running step (elapsed time, subtask i of n and its name).
public actor TerminalRenderer: StepLogSink {
    /// How the output looks.
    public struct Style: Sendable {
        /// Redraw a live progress line (only on a terminal).
        public var live: Bool
        /// ANSI colour (off when `NO_COLOR` is set or the output is not a terminal).
        public var color: Bool
        /// Also print each OCP call and what each step observed.
        public var verbose: Bool
        /// Print only failures and the summary.
        public var quiet: Bool
        /// The terminal's width in columns now (asked at each redraw, so the live line follows a
        /// resize); nil when unknown. The live line is clipped to it.
        public var width: @Sendable () -> Int?

        /// A style with these settings; the width is unknown unless `width` says.
        public init(
            live: Bool, color: Bool, verbose: Bool = false, quiet: Bool = false,
            width: @escaping @Sendable () -> Int? = { nil }
        ) {
            self.live = live
            self.color = color
            self.verbose = verbose
            self.quiet = quiet
            self.width = width
        }

        /// The style for standard output: live and coloured on a terminal, honouring `NO_COLOR`;
        /// plain, with no escape codes at all, when `TERM` is `dumb` (or unset) or the output is not
        /// a terminal.
        public static func forStandardOutput(
            verbose: Bool = false, quiet: Bool = false,
            environment: [String: String] = ProcessInfo.processInfo.environment
        ) -> Style {
            forOutput(
                isTerminal: isatty(STDOUT_FILENO) == 1, verbose: verbose, quiet: quiet, environment: environment,
                width: { TerminalRenderer.columns(of: STDOUT_FILENO) })
        }

        /// The style for an output that `isTerminal` or not, by the rules of ``forStandardOutput(verbose:quiet:environment:)``.
        public static func forOutput(
            isTerminal: Bool, verbose: Bool = false, quiet: Bool = false, environment: [String: String],
            width: @escaping @Sendable () -> Int? = { nil }
        ) -> Style {
            let term = environment["TERM"] ?? ""
            let capable = isTerminal && !term.isEmpty && term != "dumb"
            let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
            return Style(
                live: capable && !quiet, color: capable && !noColor, verbose: verbose, quiet: quiet, width: width)
        }
    }

    /// The width of the terminal on `descriptor`, nil when it is not a terminal or says 0.
    public static func columns(of descriptor: Int32) -> Int? {
        var size = winsize()
        #if canImport(Glibc)
        guard ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0 else { return nil }
        #else
        guard ioctl(descriptor, TIOCGWINSZ, &size) == 0 else { return nil }
        #endif
        return size.ws_col > 0 ? Int(size.ws_col) : nil
    }

    /// How the output looks.
    public nonisolated let style: Style
    private let output: @Sendable (String) -> Void
    private var running: [StepPosition: StepProgress] = [:]
    private var order: [StepPosition] = []
    private var statusShown = false
    private var journalPath: String?

    /// - Parameter output: where text goes (standard output by default).
    public init(style: Style, output: @escaping @Sendable (String) -> Void = TerminalRenderer.standardOutput) {
        self.style = style
        self.output = output
    }

    /// The journal path to print under the summary.
    public func setJournalPath(_ path: String?) { journalPath = path }

    /// Standard output through ``Console/output``: a slow, closed or vanished terminal never
    /// holds up or ends the run (the journal has every record whatever happens to it).
    public static let standardOutput: @Sendable (String) -> Void = { text in
        Console.output.write(text: text)
    }

    // MARK: - Records

    /// Prints what `record` means for a person: the header, a finished step's line, a watch's change, a
    /// resume, the summary; a started step goes on the live line.
    public func write(_ record: StepLogRecord) {
        switch record {
        case .runStarted(let r):
            guard !style.quiet else { return }
            var target = r.target
            if let speed = r.simulationSpeed { target += " (simulator, speed \(speed))" }
            emit("\(paint(r.title, .bold))\n\(paint("  \(r.file) · target \(target)", .dim))\n")
            for note in r.notes { emit(paint("  note: \(note)", .dim) + "\n") }
        case .stepStarted(let s):
            guard style.live else { return }
            running[s.position] = StepProgress(position: s.position, phrase: s.phrase, elapsedMs: 0)
            order.append(s.position)
            redrawStatus()
        case .stepFinished(let s):
            if style.live, running.removeValue(forKey: s.position) != nil {
                if order.last == s.position { order.removeLast() } else { order.removeAll { $0 == s.position } }
            }
            finishedLine(s)
            redrawStatus()
        case .runResumed(let r):
            guard !style.quiet else { return }
            emit(paint("Resumed \(r.resumedAt) by \(r.user), after \(r.afterRecords) records", .bold) + "\n")
            emit(paint("  target \(r.target)\(r.forced ? " · --force: the file changed" : "")", .dim) + "\n")
            for note in r.notes { emit(paint("  note: \(note)", .dim) + "\n") }
        case .watchChanged(let w):
            guard !style.quiet || !w.up else { return }
            let at = DurationText.formatRounded(.milliseconds(w.atMs))
            let line =
                w.up
                ? paint("▲ watch: \(w.target) is up", .green) + paint("  at \(at)", .dim)
                : paint("▼ watch: \(w.target) is down", .yellow) + paint("  at \(at)\(w.reason.map { ": \($0)" } ?? "")", .dim)
            emit(line + "\n")
            redrawStatus()
        case .runFinished(let r):
            clearStatus()
            summary(r)
        }
    }

    /// True when the style keeps a live line.
    public nonisolated var wantsProgress: Bool { style.live }

    /// True when the style is verbose: each call is printed as it ends.
    public nonisolated var wantsCalls: Bool { style.verbose }

    /// With `--verbose`, each OCP call as it ends, under the step that made it.
    public func call(_ call: OCPCallRecord, at position: StepPosition) async {
        emit(paint("    " + indent(position) + Self.describe(call), .dim) + "\n")
        redrawStatus()
    }

    /// A line from outside the step log (an interruption's notice), printed above the live line.
    public func notice(_ text: String) {
        emit(text + "\n")
        redrawStatus()
    }

    /// `→ GET /path 200 trace … 3.1ms (attempt 2) — note`.
    /// A record that is only a note (the client's conclusion on the attempt before it) is
    /// `  METHOD /path — note`.
    static func describe(_ c: OCPCallRecord) -> String {
        if c.isNoteOnly, let note = c.note { return "  \(c.method) \(c.path) — \(note)" }
        var call = "→ \(c.method) \(c.path) \(c.status.map(String.init) ?? "no answer")"
        if let code = c.errorCode { call += " \(code)" }
        if let trace = c.traceId { call += " trace \(trace)" }
        call += String(format: " %.1fms", c.durationMs)
        if c.attempt > 1 { call += " (attempt \(c.attempt))" }
        if let note = c.note { call += " — \(note)" }
        return call
    }

    /// Updates the live line of a running step (ignored for a step that is not on it).
    public func progress(_ update: StepProgress) async {
        guard running[update.position] != nil else { return }
        running[update.position] = update
        redrawStatus()
    }

    // MARK: - Lines

    private func finishedLine(_ s: StepFinished) {
        if style.quiet && (s.outcome == .passed || s.outcome == .skipped) { return }
        clearStatus()
        let mark: String
        switch s.outcome {
        case .passed: mark = paint("✔", .green)
        case .failed: mark = paint("✘", .red)
        case .continued: mark = paint("✘", .yellow)
        case .skipped: mark = paint("-", .dim)
        }
        var line = "\(mark) \(indent(s.position))\(s.phrase)"
        if let id = s.observed.taskId { line += paint("  task \(id)", .dim) }
        if s.outcome != .skipped { line += "  " + paint(DurationText.formatRounded(.milliseconds(s.durationMs)), .dim) }
        if s.outcome == .continued { line += paint("  (continued on failure)", .yellow) }
        // A step an earlier segment of a resumed run ended, or whose call it had sent.
        if let message = s.message, message.hasPrefix("resumed: ") { line += paint("  \(message.dropFirst(9))", .dim) }
        if s.outcome == .skipped { line += paint("  skipped", .dim) }
        emit(line + "\n")
        let pad = "    " + indent(s.position)
        if s.outcome == .failed || s.outcome == .continued {
            if let message = s.message {
                for l in message.split(separator: "\n", omittingEmptySubsequences: false) { emit("\(pad)\(l)\n") }
            }
            if let expected = s.expected { emit("\(pad)expected: \(expected)\n") }
            if let found = s.found { emit("\(pad)found:    \(found)\n") }
            // What the client found out about a call it could not be sure of (a reconciliation).
            if !style.verbose {
                for c in s.calls { if let note = c.note { emit("\(pad)\(c.method) \(c.path): \(note)\n") } }
            }
            emit(paint("\(pad)at \(s.location)", .dim) + "\n")
        } else if s.outcome == .passed, let message = s.message, style.verbose {
            emit(paint("\(pad)\(message)", .dim) + "\n")
        }
        if style.verbose {
            for t in s.observed.subtaskTransitions {
                emit(paint("\(pad)· \(t.subtask): \(t.from ?? "-") → \(t.to)", .dim) + "\n")
            }
            for c in s.observed.clusters {
                emit(paint("\(pad)· cluster \(c.id) \(c.name): \(c.type) \(c.status)", .dim) + "\n")
            }
            for t in s.observed.tenants ?? [] {
                let follows = t.primaryTenantId.map { ", follows \($0)" } ?? ""
                emit(paint("\(pad)· tenant \(t.id) \(t.name) on cluster \(t.clusterId): \(t.role) \(t.status)\(follows)", .dim) + "\n")
            }
            for a in s.observed.tenantActions ?? [] {
                let primary = a.primary.map { " of primary \($0.tenantId)" + ($0.clusterId.map { " on \($0)" } ?? "") } ?? ""
                let lag = a.lagMs.map { ", \($0) ms behind (\(a.lagSource ?? "reported"))" } ?? ", lag not reported"
                emit(
                    paint(
                        "\(pad)· \(a.action) task \(a.taskId): standby \(a.standby.tenantId) on \(a.standby.clusterId.map(String.init) ?? "?")\(primary)\(lag)",
                        .dim) + "\n")
            }
        }
    }

    private func summary(_ r: RunFinished) {
        let c = r.counts
        var parts = ["\(c.passed) passed"]
        if c.failed > 0 { parts.append("\(c.failed) failed") }
        if c.continued > 0 { parts.append("\(c.continued) continued") }
        if c.skipped > 0 { parts.append("\(c.skipped) skipped") }
        let verdict: String
        switch r.outcome {
        case .passed: verdict = paint("PASSED", .green, .bold)
        case .failed: verdict = paint("FAILED", .red, .bold)
        case .targetFailed: verdict = paint("TARGET FAILED", .red, .bold)
        case .interrupted: verdict = paint("INTERRUPTED", .yellow, .bold)
        case .journalFailed: verdict = paint("STEP LOG FAILED", .red, .bold)
        }
        var time = DurationText.formatRounded(.milliseconds(r.durationMs))
        if abs(r.durationMs - r.wallDurationMs) > 500 {
            time += " simulated, \(DurationText.formatRounded(.milliseconds(r.wallDurationMs))) wall"
        }
        emit("\n\(verdict)  \(parts.joined(separator: ", ")) in \(time)\n")
        if let reason = r.reason, r.outcome != .passed { emit("  \(reason)\n") }
        let shown = r.recoveries.prefix(10)
        for rec in shown {
            var what = "\(rec.action) of cluster \(rec.clusterId) (task \(rec.taskId))"
            if let tenant = rec.tenantId {
                let lag = rec.lagMs.map { ", \($0) ms behind when called" } ?? ""
                what = "\(rec.action) of tenant \(tenant) on cluster \(rec.clusterId) (task \(rec.taskId)\(lag))"
            }
            switch rec.outcome {
            case .completed:
                let measured = rec.recoveryMs.map { DurationText.formatRounded(.milliseconds($0)) } ?? "an unknown time"
                emit("  recovery: \(what) \(rec.taskStatus ?? "SUCCESSFUL") in \(measured)\n")
            case .rolledBack: emit("  recovery: \(what) rolled back: the \(rec.action) was undone, no recovery\n")
            case .failed: emit("  recovery: \(what) FAILED: no recovery\n")
            case .unfinished: emit("  recovery: \(what) \(rec.taskStatus ?? "RUNNING"), not seen to end\n")
            }
        }
        if r.recoveries.count > shown.count {
            let times = r.recoveries.filter { $0.outcome == .completed }.compactMap(\.recoveryMs).sorted()
            var line = "  … and \(r.recoveries.count - shown.count) more"
            if let last = times.last, let first = times.first {
                line += "; recovery times \(DurationText.formatRounded(.milliseconds(first))) to \(DurationText.formatRounded(.milliseconds(last)))"
            }
            emit(line + "\n")
        }
        if let evidence = r.evidence { summary(evidence) }
        if let journalPath { emit(paint("  step log: \(journalPath)", .dim) + "\n") }
    }

    /// The measured figures and each objective's verdict.
    private func summary(_ e: Evidence) {
        if let outage = e.outage, let recovered = e.recovered, let ms = e.recoveryTimeMs {
            emit(
                "  recovery time: \(DurationText.formatRounded(.milliseconds(ms))) from outage \"\(outage.text)\" to recovered \"\(recovered.text)\"\n")
        }
        for d in e.downtime {
            let windows = d.windows.count
            emit(
                "  downtime: \(d.target) down \(DurationText.formatRounded(.milliseconds(d.totalMs))) in \(windows) window\(windows == 1 ? "" : "s") (\(d.attempts) probes)\n")
        }
        for o in e.objectives {
            let mark: String
            switch o.verdict {
            case .met: mark = paint("✔", .green)
            case .breached, .unknown: mark = paint("✘", .red)
            }
            emit("  \(mark) objective: \(o.sentence)\n")
        }
    }

    // MARK: - The live line

    private func redrawStatus() {
        guard style.live else { return }
        guard let position = order.last, let p = running[position] else {
            clearStatus()
            return
        }
        var line = "… \(indent(position))\(p.phrase)  \(DurationText.formatRounded(.milliseconds(p.elapsedMs)))"
        if let i = p.subtaskIndex, let n = p.subtaskCount {
            line += "  subtask \(i)/\(n)"
            if let name = p.subtaskName { line += " \(name)" }
        }
        if order.count > 1 { line += "  (+\(order.count - 1) running)" }
        // One column short of the width: a line that fills it would wrap on some terminals.
        if let width = style.width() { line = Self.clip(line, to: max(width - 1, 1)) }
        output("\r\u{1B}[2K" + paint(Self.safe(line).replacingOccurrences(of: "\n", with: " "), .dim))
        statusShown = true
    }

    /// `line` cut to `columns` characters, ending with `…` when cut.
    static func clip(_ line: String, to columns: Int) -> String {
        guard line.count > columns else { return line }
        return String(line.prefix(max(columns - 1, 0))) + "…"
    }

    private func clearStatus() {
        guard statusShown else { return }
        output("\r\u{1B}[2K")
        statusShown = false
    }

    private func emit(_ text: String) {
        clearStatus()
        output(Self.safe(text))
    }

    /// `text` with every control character shown instead of acted on (`^[`, `^G`, `<U+009B>`),
    /// but for line and tab breaks and the renderer's own colours (`ESC [ digits ; ... m`): a
    /// message from OCP, a probe or a runbook value cannot clear the screen, set the window's title
    /// or move the cursor.
    static func safe(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.contains(where: { ($0.value < 0x20 && $0 != "\n" && $0 != "\t") || (0x7F...0x9F).contains($0.value) })
        else { return text }
        var out = String.UnicodeScalarView()
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == "\u{1B}", i + 1 < scalars.count, scalars[i + 1] == "[" {
                // One of the renderer's colours: ESC [ digits and ; then m.
                var j = i + 2
                while j < scalars.count, ("0"..."9").contains(scalars[j]) || scalars[j] == ";" { j += 1 }
                if j < scalars.count, scalars[j] == "m" {
                    out.append(contentsOf: scalars[i...j])
                    i = j + 1
                    continue
                }
            }
            switch c.value {
            case 0x0A, 0x09: out.append(c)
            case 0x00..<0x20: out.append(contentsOf: "^\(Character(UnicodeScalar(c.value + 0x40) ?? "?"))".unicodeScalars)
            case 0x7F: out.append(contentsOf: "^?".unicodeScalars)
            case 0x80...0x9F: out.append(contentsOf: String(format: "<U+%04X>", c.value).unicodeScalars)
            default: out.append(c)
            }
            i += 1
        }
        return String(out)
    }

    /// Nested steps are indented and name their loop item: `  [standby=7] failover cluster: 7`.
    private func indent(_ position: StepPosition) -> String {
        guard let item = position.items.last else { return "" }
        return String(repeating: "  ", count: position.depth) + "[\(item.variable)=\(item.value)] "
    }

    // MARK: - Colour

    private enum Ink: String {
        case green = "32", red = "31", yellow = "33", dim = "2", bold = "1"
    }

    private func paint(_ text: String, _ inks: Ink...) -> String {
        guard style.color, !inks.isEmpty else { return text }
        return "\u{1B}[\(inks.map(\.rawValue).joined(separator: ";"))m\(text)\u{1B}[0m"
    }
}
