import Foundation
import OCPModel
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

/// Runs a checked runbook with the terminal and the journal as `run` and `resume` do: the live
/// renderer, secrets hidden, signals turned into an interruption, the journal closed and the
/// output flushed at the end.
enum RunSession {
    static func execute(
        _ runbook: CheckedRunbook, target: RunTarget, journal: JournalWriter?, secrets: [String],
        environment: [String: String], configuration: RunConfiguration, verbose: Bool, quiet: Bool,
        speed: SimulationSpeed?
    ) async -> RunFinished {
        let renderer = TerminalRenderer(style: .forStandardOutput(verbose: verbose, quiet: quiet))
        await renderer.setJournalPath(journal?.path)
        let stepLog = StepLog(
            [renderer] + (journal.map { [$0] } ?? []), redaction: .secrets(in: environment, others: secrets))
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
        // The last lines get a moment; an output nobody reads does not keep the run from ending.
        if let lost = Console.output.finish(within: .seconds(2)).summary {
            Console.printError("runbook: \(lost)\n")
        }
        return finished
    }

    /// `path` as a shell word: as it is when it is plain, else in single quotes.
    static func shellQuoted(_ path: String) -> String {
        let plain = path.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || "0123456789/._-+=:@".unicodeScalars.contains($0)) }
        return plain && !path.isEmpty ? path : "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
