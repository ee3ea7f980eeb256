import ArgumentParser
import Foundation
import OCPModel
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookReport
import RunbookStepLog
import RunbookSupport

struct ResumeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume",
        abstract: "Continue an interrupted run from its step log, without sending any call twice.",
        discussion: """
            Reads the journal, checks that the runbook file is the one that ran (same SHA-256, unless \
            --force) and that the target is the run's own, and continues the run in the same journal, \
            after a run-resumed record. Steps that ended are not run again (they are recorded as \
            'resumed: passed before'); the tasks they started become current again, read anew from \
            OCP, so an await that was running goes on. A step that starts or changes work and was cut \
            short first looks on OCP for the effect of the call it may have sent, as the HTTP client \
            does after an uncertain answer: found, the call is not sent again. Then the rest of the \
            run, `on failure` and `finally` as a run would.

            A run interrupted by a signal (its journal ends with an interrupted run-finished) or killed \
            can be resumed; its `finally` runs again at the resumed run's end.

            Refused (exit 2): a journal whose run finished (passed, failed, ...), an embedded run's (its simulator ended \
            with it: rehearse interruptions against `runbook serve`), a runbook file that changed, \
            another target. docs/resume.md says what is trusted from the journal and what is read again.

            --report FILE writes a report of the whole run, every segment of the journal, as `runbook \
            run --report` does.

            Exit status: as `runbook run`.
            """
    )

    @Argument(help: "The step log of the interrupted run.", completion: .file(extensions: ["jsonl"]))
    var journal: String

    @Option(
        help: ArgumentHelp(
            "The runbook file (default: the file the journal names, as the run was given it).", valueName: "file"),
        completion: .file(extensions: ["yaml", "yml"]))
    var file: String?

    @Flag(help: "Resume although the runbook file changed since the run started (the journal records it).")
    var force = false

    @OptionGroup var target: TargetOptions

    @Flag(help: "Answer yes to every `confirm` step.")
    var yes = false

    @Option(
        name: .customLong("report"),
        help: ArgumentHelp(
            "Write a report of the whole run (every segment) when it ends, whatever its outcome (repeatable): .html, .xml (JUnit), .md (Markdown) or .json, by the extension.",
            valueName: "file"))
    var reports: [String] = []

    @Flag(help: "Print only failures and the summary.")
    var quiet = false

    @Flag(help: "Also print each OCP call and what each step observed.")
    var verbose = false

    func validate() throws {
        if quiet && verbose { throw ValidationError("--quiet and --verbose cannot be used together.") }
        if let report = reports.first(where: { FileInput.sameFile($0, journal) }) {
            throw ValidationError("--report \(report) is the journal \(journal) itself: a report never overwrites the journal it is made from.")
        }
        for path in reports where ReportFormat(extensionOf: path) == nil {
            throw ValidationError("--report \(path): cannot tell the format; end the name with \(ReportFormat.extensionsText).")
        }
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let point: ResumePoint
        do {
            let read = try JournalReader.read(path: journal)
            point = try ResumePoint(records: read.records)
        } catch let problem as JournalReadError {
            Preparation.printError("\(problem)")
            throw ExitCode(2)
        } catch {
            Preparation.printError("\(journal): \(error)")
            throw ExitCode(2)
        }
        let started = point.started
        if let finished = point.runFinished, point.isOver {
            Preparation.printError(
                "the run in \(journal) finished (\(finished.outcome.rawValue), at \(finished.finishedAt)): there is nothing to resume")
            throw ExitCode(2)
        }
        if started.target == "embedded" {
            Preparation.printError(
                "\(journal) is an embedded run's: its simulator's state ended with the process, so it cannot be resumed. To rehearse an interruption, run the drill against `runbook serve` (runbook serve --port 8080, then runbook run FILE --target http://127.0.0.1:8080), interrupt it, and resume that")
            throw ExitCode(2)
        }

        // The file that ran, and the run's variables as they were: each as JSON, which `--var`
        // reads back as the same value (a JSON string is a YAML double-quoted scalar). A value the
        // journal holds with a secret hidden in it is the file's to derive again, from the
        // environment it names.
        let path = file ?? started.file
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var predefined: [String: String] = [:]
        for (name, value) in started.variables {
            guard let data = try? encoder.encode(value) else { continue }
            let text = String(decoding: data, as: UTF8.self)
            if text.contains(Redaction.mark) { continue }
            predefined[name] = text
        }
        guard let (runbook, bytes) = Preparation.checked(
            path, predefined: predefined, environment: target.checkEnvironment(environment), credentialsFile: target.credentials) else {
            throw ExitCode(2)
        }
        let sha = Digest.sha256Hex(bytes)
        var notes: [String] = []
        if sha != started.sha256 {
            guard force else {
                Preparation.printError(
                    "\(path) changed since the run started (SHA-256 \(sha.prefix(12))…, the run's \(started.sha256.prefix(12))…): resume the file that ran, or pass --force")
                throw ExitCode(2)
            }
            notes.append("resumed with --force: the runbook file changed since the run started (SHA-256 was \(started.sha256))")
        }

        // The run's own target, and no other.
        let resolved = try target.resolvedOrExit(for: runbook, environment: environment)
        guard resolved.target.description == started.target else {
            Preparation.printError(
                "the run went to \(started.target), and this resume would go to \(resolved.target.description): pass --target \(started.target)")
            throw ExitCode(2)
        }
        notes += resolved.notes

        signal(SIGXFSZ, SIG_IGN)
        let writer: JournalWriter
        do {
            writer = try JournalWriter(path: journal, mode: .append, runId: started.runId)
        } catch {
            Preparation.printError("\(error)")
            throw ExitCode(RunOutcome.journalFailed.exitStatus)
        }
        var configuration = RunConfiguration(
            runId: started.runId, fileSHA256: sha, notes: notes, environment: environment, assumeYes: yes,
            confirm: { question in await TerminalPrompt.ask(question) })
        configuration.resume = point
        configuration.resumeCommand = "runbook resume \(RunSession.shellQuoted(journal))\(target.resumeArguments)"
        let (finished, reportsWritten) = await RunSession.execute(
            runbook, target: resolved.target, journal: writer, secrets: resolved.secrets, environment: environment,
            configuration: configuration, verbose: verbose, quiet: quiet, speed: nil, reports: reports)
        var status = finished.outcome.exitStatus
        if !reportsWritten, status == 0 { status = ReportCommand.writeFailedStatus }
        if status != 0 { throw ExitCode(status) }
    }
}
