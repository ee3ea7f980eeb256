import ArgumentParser
import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookReport
import RunbookStepLog
import RunbookSupport
import RunbookYAML
import Synchronization

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a runbook: check it, execute its steps against OCP, and keep a step log.",
        discussion: """
            The file is checked first; an invalid file runs nothing. With no target the runbook runs \
            against the embedded OCP simulator (set up by its `simulate:` block), so a drill can be \
            rehearsed on any machine; `--target URL` (or RUNBOOK_TARGET, the credentials file's \
            `target:`, or the runbook's own `target:`, in that order) runs the same file against a real \
            OCP. Credentials go only to a target the operator chose (not the runbook's alone, unless \
            --trust-runbook-target).

            Progress goes to standard output: live on a terminal, plain lines otherwise. The step log is \
            also written as JSON Lines, one record per line, synced as the run goes, to \
            runbook-logs/<file-stem>-<UTC time>.jsonl (never one that exists) unless --log or --no-log \
            says otherwise; its path is printed at the end.

            Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal went away) stops the waiting step, starts \
            no new cluster action, runs `finally` and exits 130; a second Ctrl-C exits at once. A closed \
            or full standard output (`| head`) does not stop the run: it goes on, and the journal has \
            every record.

            Every step's `timeout` and the runbook's are enforced; an await polls again after a failed \
            poll until its own timeout, and ends the run only when the target stays unreachable past \
            --unreachable-limit. `in parallel for each` runs at most 100 items at once unless `max \
            concurrency` says otherwise.

            --report FILE (repeatable) writes a report of the run when it ends, whatever its outcome: \
            .html, .xml (JUnit), .md (Markdown) or .json, by the extension; the same report `runbook \
            report JOURNAL -o FILE` writes from the journal.

            Exit status: 0 all steps passed (and every objective met), 1 a step failed or an objective \
            was breached or unknown, 2 the runbook is invalid or its target or \
            credentials cannot be used, 3 the target could not be reached or refused the credentials, 4 \
            the step log could not be written (no cluster action starts after that), 5 the run passed \
            but a --report could not be written (a run that did not pass keeps its own status), 64 \
            the command line is wrong (an unknown option, a --ca-file that cannot be read, ...), 130 \
            interrupted.
            """
    )

    @Argument(help: "The runbook file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @OptionGroup var target: TargetOptions

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Set a variable, overriding `vars:` (repeatable).", valueName: "name=value"),
        completion: Completion.variables)
    var variables: [String] = []

    @Flag(help: "Answer yes to every `confirm` step.")
    var yes = false

    @Option(help: ArgumentHelp("Write the step log to this file (new or empty: one that holds another run's records is refused).", valueName: "path"),
        completion: .file())
    var log: String?

    @Flag(help: "Do not write a step log file.")
    var noLog = false

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write a report of the run when it ends, whatever its outcome (repeatable): .html, .xml (JUnit), .md (Markdown) or .json, by the extension.",
            valueName: "file"))
    var reports: [String] = []

    @Flag(help: "Print only failures and the summary.")
    var quiet = false

    @Flag(help: "Also print each OCP call and what each step observed.")
    var verbose = false

    @Option(
        help: ArgumentHelp(
            "Override the simulator's speed (the runbook's `simulate: speed`): instant, realtime, or a factor such as 60x. Embedded target only.",
            valueName: "speed"))
    var speed: String?

    @Option(
        help: ArgumentHelp(
            "How long an await goes on polling a target it cannot reach before the run ends with exit 3 (other failed polls are tried again until the await's own timeout).",
            valueName: "duration"))
    var unreachableLimit: String = "5m"

    func validate() throws {
        _ = try CheckCommand.parseVariables(variables)
        guard let limit = DurationText.parse(unreachableLimit), limit > .zero else {
            throw ValidationError("--unreachable-limit '\(unreachableLimit)' is not a duration: write one such as 90s, 5m or 1h.")
        }
        if noLog && log != nil { throw ValidationError("--log and --no-log cannot be used together.") }
        if let log, let report = reports.first(where: { FileInput.sameFile($0, log) }) {
            throw ValidationError("--report \(report) is the step log \(log) itself: a report never overwrites the journal it is made from.")
        }
        for path in reports where ReportFormat(extensionOf: path) == nil {
            throw ValidationError("--report \(path): cannot tell the format; end the name with \(ReportFormat.extensionsText).")
        }
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
        if let speed, SimulationSpeed(speed) == nil {
            throw ValidationError("--speed '\(speed)' is not a speed: write instant, realtime or a factor such as 60x (from 0.001x to 1000000x).")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let predefined = try CheckCommand.parseVariables(variables)
        // A target given here makes the runbook's unused: the check then warns nothing about it.
        let checkEnvironment = target.checkEnvironment(environment)
        guard let (runbook, bytes) = Preparation.checked(
            file, predefined: predefined, environment: checkEnvironment, credentialsFile: target.credentials) else {
            throw ExitCode(2)
        }

        let resolved = try target.resolvedOrExit(for: runbook, environment: environment)
        let runTarget = resolved.target
        if case .embedded = runTarget, !Preparation.probesAreSimulated(runbook, bytes: bytes, environment: environment) {
            throw ExitCode(2)
        }

        var journal: JournalWriter?
        // A journal over the file-size limit fails its write (EFBIG) and the run says so, instead
        // of the process being killed by SIGXFSZ.
        signal(SIGXFSZ, SIG_IGN)
        if !noLog {
            do {
                if let log {
                    journal = try JournalWriter(path: log)
                } else {
                    journal = try JournalWriter.creatingUnique(path: JournalWriter.defaultPath(for: file, at: Date()))
                }
            } catch where error.exists {
                let why = error.reason == "it exists already" ? "exists already" : "is being written by another run"
                Preparation.printError(
                    "the step log \(error.path) \(why), and a run never writes into another's; choose another path with --log, or remove it")
                throw ExitCode(RunOutcome.journalFailed.exitStatus)
            } catch {
                Preparation.printError("\(error); choose another with --log PATH, or run with --no-log")
                throw ExitCode(RunOutcome.journalFailed.exitStatus)
            }
        }
        var notes = resolved.notes
        if target.insecure, case .ocp = runTarget {
            notes.append("TLS certificate verification is off (--insecure)")
        }
        if speed != nil, case .ocp = runTarget {
            notes.append("--speed is ignored against a real OCP")
        }
        var configuration = RunConfiguration(
            fileSHA256: Digest.sha256Hex(bytes), notes: notes, environment: environment, assumeYes: yes,
            confirm: { question in await TerminalPrompt.ask(question) },
            polling: PollSchedule(unreachableLimit: DurationText.parse(unreachableLimit) ?? .seconds(300)))
        if let path = journal?.path, case .ocp = runTarget {
            configuration.resumeCommand = "runbook resume \(RunSession.shellQuoted(path))\(target.resumeArguments)"
        }
        let (finished, reportsWritten) = await RunSession.execute(
            runbook, target: runTarget, journal: journal, secrets: resolved.secrets, environment: environment,
            configuration: configuration, verbose: verbose, quiet: quiet, speed: speed.flatMap { SimulationSpeed($0) },
            reports: reports)
        var status = finished.outcome.exitStatus
        // A passed run whose evidence was asked for and is missing does not exit 0.
        if !reportsWritten, status == 0 { status = ReportCommand.writeFailedStatus }
        if status != 0 { throw ExitCode(status) }
    }
}

/// Turns SIGINT, SIGTERM and SIGHUP into a call of the run's interrupt function. A second SIGINT
/// ends the process at once with status 130; another SIGTERM or SIGHUP changes nothing (the run
/// is already stopping, and `finally` must run).
final class SignalTrap: Sendable {
    private let handler = Mutex<(@Sendable () -> Void)?>(nil)
    private let state = Mutex((interrupted: false, interrupts: 0))
    private let announce: @Sendable (String) -> Void
    private let beforeExit: @Sendable () -> Void
    nonisolated(unsafe) private let sources: [any DispatchSourceSignal]

    /// - Parameters:
    ///   - announce: shows what the signal does (above the live line, on a terminal).
    ///   - beforeExit: runs before a second Ctrl-C ends the process (to put the terminal back).
    init(
        announce: @escaping @Sendable (String) -> Void = { Console.printError("\n" + $0 + "\n") },
        beforeExit: @escaping @Sendable () -> Void = {}
    ) {
        self.announce = announce
        self.beforeExit = beforeExit
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            sources.append(source)
        }
        self.sources = sources
        for (source, sig) in zip(sources, [SIGINT, SIGTERM, SIGHUP]) {
            source.setEventHandler { [weak self] in self?.fire(sig) }
            source.resume()
        }
    }

    func onSignal(_ interrupt: @escaping @Sendable () -> Void) {
        handler.withLock { $0 = interrupt }
    }

    private func fire(_ sig: Int32) {
        let (first, again) = state.withLock { s -> (Bool, Bool) in
            let first = !s.interrupted
            s.interrupted = true
            if sig == SIGINT { s.interrupts += 1 }
            return (first, sig == SIGINT && s.interrupts > 1)
        }
        if again {
            beforeExit()
            Console.printError("\nrunbook: interrupted again; exiting now\n")
            exit(130)
        }
        guard first else { return }
        switch sig {
        case SIGHUP: announce("runbook: the terminal hung up (SIGHUP); stopping as for SIGTERM")
        case SIGTERM: announce("runbook: terminated (SIGTERM); stopping")
        default: announce("runbook: interrupted; stopping (press Ctrl-C again to exit now)")
        }
        handler.withLock { $0 }?()
    }
}

/// A terminal's settings while control characters are not echoed (`^C`), to put back at the end.
struct TerminalEcho {
    private let descriptor: Int32
    private let saved: termios

    /// Turns off `ECHOCTL` on the terminal `descriptor`; nil when it is not a terminal.
    static func hidingControlCharacters(_ descriptor: Int32) -> TerminalEcho? {
        guard isatty(descriptor) == 1 else { return nil }
        var settings = termios()
        guard tcgetattr(descriptor, &settings) == 0 else { return nil }
        let saved = settings
        settings.c_lflag &= ~tcflag_t(ECHOCTL)
        guard tcsetattr(descriptor, TCSANOW, &settings) == 0 else { return nil }
        return TerminalEcho(descriptor: descriptor, saved: saved)
    }

    func restore() {
        var settings = saved
        _ = tcsetattr(descriptor, TCSANOW, &settings)
    }
}

/// Asks a yes/no question on the terminal.
enum TerminalPrompt {
    /// Resumes a waiting question once: with the answer, or with no when the run is interrupted.
    private final class Pending: Sendable {
        private let state = Mutex<(continuation: CheckedContinuation<Bool, Never>?, cancelled: Bool)>((nil, false))

        func wait(_ c: CheckedContinuation<Bool, Never>) {
            let cancelled = state.withLock { s in
                if !s.cancelled { s.continuation = c }
                return s.cancelled
            }
            if cancelled { c.resume(returning: false) }
        }

        func answer(_ yes: Bool, cancelling: Bool = false) {
            let c = state.withLock { s in
                defer { s.continuation = nil }
                if cancelling { s.cancelled = true }
                return s.continuation
            }
            c?.resume(returning: yes)
        }
    }

    /// The answer, or nil when standard input is not a terminal.
    static func ask(_ question: String) async -> Bool? {
        guard isatty(STDIN_FILENO) == 1 else { return nil }
        Console.printError("\n? \(question) [y/N] ")
        let pending = Pending()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                pending.wait(continuation)
                DispatchQueue.global().async {
                    let line = readLine() ?? ""
                    pending.answer(["y", "yes"].contains(line.trimmingCharacters(in: .whitespaces).lowercased()))
                }
            }
        } onCancel: {
            pending.answer(false, cancelling: true)
        }
    }
}
