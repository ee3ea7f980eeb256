import ArgumentParser
import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check runbook files without running them.",
        discussion: """
            Reports every problem of each file: unknown keys, phrases, options and words (with a \
            suggestion when one is close), wrong value types, undefined variables, waits and \
            assertions with no task to act on, bad durations, and errors in `simulate`. Warnings \
            (unknown subtask names, a started task never awaited, `continue on failure` on a cluster \
            action) do not fail the check.

            Each problem is printed as `path:line:col: error|warning: message` with the source line \
            and a caret, on standard error, followed by a summary line. With `--format json` the \
            diagnostics are printed on standard output as a JSON array of objects with `file`, \
            `line`, `column`, `severity`, `id` and `message`; with `--format sarif` as a SARIF 2.1.0 \
            log on standard output, for code-scanning views (GitHub's upload-sarif, for one).

            Exit status: 0 when no file has an error, 2 when any has.
            """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    enum Stage: String, ExpressibleByArgument, CaseIterable {
        case yaml, check
    }

    @Argument(help: "The runbook files to check.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    @Option(help: "How to print diagnostics: text (on standard error), json or sarif (SARIF 2.1.0; both on standard output).")
    var format: Format = .text

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Set a variable, as `runbook run` would (repeatable).", valueName: "name=value"),
        completion: Completion.variables)
    var variables: [String] = []

    @Option(help: .hidden)
    var stage: Stage = .check

    @Flag(help: .hidden)
    var timing = false

    /// Runs the language stages this many times on the loaded file (for profiling; `--timing`
    /// then reports the fastest run).
    @Option(help: .hidden)
    var `repeat` = 1

    /// Prints the checked tree of each valid file on standard output (a debugging aid).
    @Flag(help: .hidden)
    var outline = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one runbook file to check.") }
        _ = try Self.parseVariables(variables)
    }

    /// `["a=1", "b=x=y"]` -> `["a": "1", "b": "x=y"]`.
    static func parseVariables(_ pairs: [String]) throws -> [String: String] {
        var out: [String: String] = [:]
        for pair in pairs {
            guard let equals = pair.firstIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("'--var \(pair)': write --var name=value.")
            }
            out[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return out
    }

    func run() async throws {
        let predefined = try Self.parseVariables(variables)
        // A diagnostic quotes values (a `--var`, a variable): a credential of the environment is hidden.
        let redaction = Redaction.secrets(in: ProcessInfo.processInfo.environment)
        var invalid = 0
        var errors = 0
        var warnings = 0
        var all: [Diagnostic] = []
        for path in files {
            var source: SourceText?
            let diagnostics = check(path, predefined: predefined, source: &source)
            let fileErrors = diagnostics.count { $0.severity == .error }
            errors += fileErrors
            warnings += diagnostics.count { $0.severity == .warning }
            if fileErrors > 0 { invalid += 1 }
            if format == .text {
                for diagnostic in diagnostics {
                    Self.writeError(redaction.apply(diagnostic.rendered(source: source) + "\n"))
                }
            } else {
                all += diagnostics
            }
        }
        switch format {
        case .json: Console.print(CheckReport.json(Self.redacted(all, redaction)))
        case .sarif: Console.print(CheckReport.sarif(Self.redacted(all, redaction), toolVersion: RunbookVersion.current))
        case .text: break
        }
        Self.writeError(
            CheckReport.summary(files: files.count, invalidFiles: invalid, errors: errors, warnings: warnings) + "\n")
        if invalid > 0 { throw ExitCode(2) }
    }

    /// The diagnostics with the secrets in their messages hidden (before they are encoded, so an
    /// escaped secret is found and the JSON stays whole).
    static func redacted(_ diagnostics: [Diagnostic], _ redaction: Redaction) -> [Diagnostic] {
        diagnostics.map { d in
            var d = d
            d.message = redaction.apply(d.message)
            return d
        }
    }

    private func check(_ path: String, predefined: [String: String], source: inout SourceText?) -> [Diagnostic] {
        // `--timing` reports the CPU time of this thread (the stages are synchronous), which other
        // processes on a busy machine disturb less than wall time.
        let start = Self.threadCPUTime()
        let bytes: [UInt8]
        do throws(Diagnostic) {
            bytes = try FileInput.read(path)
        } catch {
            return [error]
        }
        source = SourceText(path: path, text: String(decoding: bytes, as: UTF8.self))
        let read = Self.threadCPUTime()
        let root: Node?
        do throws(DiagnosticList) {
            // Every problem of the YAML (each duplicate key, ...), as `RunbookChecker.check(bytes:)` reports them.
            root = try YAMLLoader().loadReportingAll(bytes: bytes, file: path)
        } catch {
            return error.diagnostics
        }
        let loaded = Self.threadCPUTime()
        if stage == .yaml {
            if timing { Self.writeError("\(path): read \(Self.ms(read - start)), yaml \(Self.ms(loaded - read))\n") }
            return []
        }
        var result = RunbookChecker.check(
            node: root, file: path, predefinedVariables: predefined, environment: ProcessInfo.processInfo.environment)
        var checked = Self.threadCPUTime()
        var fastest = checked - loaded
        for _ in 1..<max(1, self.repeat) {
            let again = Self.threadCPUTime()
            result = RunbookChecker.check(
                node: root, file: path, predefinedVariables: predefined, environment: ProcessInfo.processInfo.environment)
            checked = Self.threadCPUTime()
            fastest = min(fastest, checked - again)
        }
        if outline, let runbook = result.runbook {
            Console.print(runbook.document.outline)
        }
        // A runbook that would run embedded here (no RUNBOOK_TARGET, and its own target is none or
        // `embedded`) must simulate every probe it makes.
        let environment = ProcessInfo.processInfo.environment
        if let runbook = result.runbook, Self.runsEmbedded(runbook, environment: environment) {
            result.diagnostics += ProbeCoverage.problems(in: runbook, environment: environment)
        }
        if timing {
            Self.writeError(
                "\(path): read \(Self.ms(read - start)), yaml \(Self.ms(loaded - read)), check \(Self.ms(fastest))\n")
        }
        return result.diagnostics
    }

    /// Whether `runbook` would run against the embedded simulator in `environment` (no `--target`).
    static func runsEmbedded(_ runbook: CheckedRunbook, environment: [String: String]) -> Bool {
        if let chosen = environment["RUNBOOK_TARGET"] { return chosen == "embedded" }
        guard let target = runbook.target else { return true }
        if case .literal(.string(let text)) = target.kind { return text == "embedded" }
        return false
    }

    /// The CPU time (user and system) this thread has used.
    private static func threadCPUTime() -> Duration {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return .seconds(spec.tv_sec) + .nanoseconds(spec.tv_nsec)
    }

    private static func ms(_ d: Duration) -> String {
        let (seconds, attoseconds) = d.components
        let millis = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return String(format: "%.2fms", millis)
    }

    static func writeError(_ text: String) {
        Console.printError(text)
    }
}
