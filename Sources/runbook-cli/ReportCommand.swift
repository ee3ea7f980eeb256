import ArgumentParser
import Foundation
import RunbookReport
import RunbookStepLog
import RunbookSupport

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Render run journals as reports: HTML, JUnit XML, Markdown or JSON.",
        discussion: """
            Reads each journal (the JSON Lines step log of a run) and writes its report: one journal \
            makes the report of that drill, several make a comparison, one row per drill, oldest \
            first. A journal cut short by a kill is read up to its last whole line, and the report \
            says so; a record of a kind this version does not know is skipped with a note.

            The format is --format, else the extension of -o: .html, .xml (JUnit), .md (Markdown), \
            .json. Without -o the report goes to standard output (Markdown unless --format says \
            otherwise).

            Exit status: 0 the report was written, whatever the drills' verdicts; 2 a journal cannot \
            be read (the message names the file and the line); 5 the report could not be written; 64 \
            the options do not fit (a format that does not match the extension of -o, say).
            """
    )

    @Argument(help: "The journals (runbook-logs/*.jsonl).", completion: .file(extensions: ["jsonl"]))
    var journals: [String]

    @Option(help: "html, junit, markdown or json. Default: from the extension of -o, else markdown.")
    var format: ReportFormatOption?

    @Option(
        name: .shortAndLong,
        help: ArgumentHelp("Write the report to this file (its folder is created).", valueName: "file"))
    var output: String?

    /// Prints how long reading, rendering and writing took, on standard error (for benchmarks).
    @Flag(help: .hidden)
    var timing = false

    func validate() throws {
        if journals.isEmpty { throw ValidationError("Name at least one journal to report on.") }
        _ = try Self.format(format?.format, output: output)
        if let output, let journal = journals.first(where: { FileInput.sameFile($0, output) }) {
            throw ValidationError("-o \(output) is the journal \(journal) itself: a report never overwrites the journal it is made from.")
        }
    }

    /// The format `--format` names, else the one `output`'s extension names; markdown without either.
    static func format(_ chosen: ReportFormat?, output: String?) throws -> ReportFormat {
        let fromExtension = output.flatMap(ReportFormat.init(extensionOf:))
        if let chosen {
            if let fromExtension, fromExtension != chosen {
                throw ValidationError(
                    "--format \(chosen.rawValue) does not match the extension of \(output ?? ""), which is for \(fromExtension.rawValue)"
                )
            }
            return chosen
        }
        if let output {
            guard let fromExtension else {
                throw ValidationError(
                    "cannot tell the report's format from \(output): give --format, or end the name with \(ReportFormat.extensionsText)"
                )
            }
            return fromExtension
        }
        return .markdown
    }

    func run() async throws {
        let format = try Self.format(format?.format, output: output)
        if let output, ReportWriter.isDirectory(output) {
            // Said before the journals are read and the report made, which may take a while.
            Console.printError("runbook: error: -o \(output) is a directory; give a file name\n")
            throw ExitCode(Self.writeFailedStatus)
        }
        let clock = ContinuousClock()
        let start = clock.now
        var reports: [DrillReport] = []
        for path in journals {
            do {
                reports.append(try DrillReport.read(path: path, for: [format]))
            } catch {
                Console.printError("runbook: error: \(error)\n")
                throw ExitCode(2)
            }
        }
        let read = clock.now
        let text: String
        do {
            text = try format.render(reports)
        } catch {
            Console.printError("runbook: error: \(error)\n")
            throw ExitCode(Self.writeFailedStatus)
        }
        let rendered = clock.now
        guard let output else {
            Console.print(text)
            return
        }
        do {
            try ReportWriter.write(text, to: output)
        } catch {
            Console.printError("runbook: error: \(error)\n")
            throw ExitCode(Self.writeFailedStatus)
        }
        if timing {
            func ms(_ d: Duration) -> String {
                String(format: "%.1f ms", Double(d.components.attoseconds) / 1e15 + Double(d.components.seconds) * 1000)
            }
            Console.printError(
                "timing: read and build \(ms(start.duration(to: read))), render \(ms(read.duration(to: rendered))), write \(ms(rendered.duration(to: clock.now))), \(text.utf8.count) bytes\n"
            )
        }
        for report in reports { if let cut = report.journal.cutShort { Console.printError("runbook: note: \(cut)\n") } }
    }

    /// The exit status when a report cannot be written.
    static let writeFailedStatus: Int32 = 5
}

/// `--format` of `runbook report`.
struct ReportFormatOption: ExpressibleByArgument {
    var format: ReportFormat

    init?(argument: String) {
        guard let format = ReportFormat(rawValue: argument.lowercased()) else { return nil }
        self.format = format
    }

    static var allValueStrings: [String] { ReportFormat.allCases.map(\.rawValue) }
}
