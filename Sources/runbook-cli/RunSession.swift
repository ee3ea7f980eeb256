import Foundation
import OCPModel
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookReport
import RunbookStepLog
import RunbookSupport

/// Runs a checked runbook with the terminal and the journal as `run` and `resume` do: the live
/// renderer, secrets hidden, signals turned into an interruption, the journal closed and the
/// output flushed at the end.
enum RunSession {
    static func execute(
        _ runbook: CheckedRunbook, target: RunTarget, journal: JournalWriter?, secrets: [String],
        environment: [String: String], configuration: RunConfiguration, verbose: Bool, quiet: Bool,
        speed: SimulationSpeed?, reports: [String] = []
    ) async -> (finished: RunFinished, reportsWritten: Bool) {
        let renderer = TerminalRenderer(style: .forStandardOutput(verbose: verbose, quiet: quiet))
        await renderer.setJournalPath(journal?.path)
        // The reports are made from the journal; the records are also kept in memory for a run
        // without one (--no-log), or whose journal could not be written.
        let memory = reports.isEmpty ? nil : MemoryStepLog()
        let stepLog = StepLog(
            [renderer] + (journal.map { [$0] } ?? []) + (memory.map { [$0] } ?? []),
            redaction: .secrets(in: environment, others: secrets))
        // On a terminal the notice goes above the live line, and Ctrl-C is not echoed as ^C.
        let style = renderer.style
        let echo = style.live ? TerminalEcho.hidingControlCharacters(STDIN_FILENO) : nil
        defer { echo?.restore() }
        let trap = SignalTrap(
            announce: { message in
                if style.live { Task { await renderer.notice(message) } } else { Console.printError(message + "\n") }
            }, beforeExit: { echo?.restore() })
        let finished = await RunbookRunner.run(runbook, target: target, log: stepLog, configuration: configuration, speed: speed) {
            interrupt in
            trap.onSignal(interrupt)
        }
        await stepLog.close()
        if let failure = journal?.failure { Preparation.printError("the step log is incomplete: \(failure)") }
        var reportsWritten = true
        if let memory { reportsWritten = await writeReports(reports, journal: journal, memory: memory) }
        // The last lines get a moment; an output nobody reads does not keep the run from ending.
        if let lost = Console.output.finish(within: .seconds(2)).summary {
            Console.printError("runbook: \(lost)\n")
        }
        return (finished, reportsWritten)
    }

    /// Writes each `--report`; whether all were written (each failure is said on standard error).
    private static func writeReports(_ reports: [String], journal: JournalWriter?, memory: MemoryStepLog) async -> Bool {
        var report: DrillReport
        if let journal, journal.failure == nil {
            do {
                report = try DrillReport.read(path: journal.path)
            } catch {
                Preparation.printError("cannot read the journal back for the reports (\(error)); they are made from the run's own records")
                report = DrillReport(journal: Journal(records: await memory.records, path: journal.path))
            }
        } else {
            report = DrillReport(journal: Journal(records: await memory.records, path: journal?.path ?? "(no journal: --no-log)"))
            if journal != nil { report.warnings.append("the journal could not be written: this report is from the run's own records") }
        }
        var written = true
        for path in reports {
            do {
                guard let format = ReportFormat(extensionOf: path) else { continue }
                try ReportWriter.write(try format.render(report), to: path)
                Console.print("report: \(path)\n")
            } catch {
                Preparation.printError("\(error); the run's journal still holds every record")
                written = false
            }
        }
        return written
    }

    /// `path` as a shell word: as it is when it is plain, else in single quotes.
    static func shellQuoted(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789/._-+=:@".unicodeScalars.contains($0)) }
        return plain && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
