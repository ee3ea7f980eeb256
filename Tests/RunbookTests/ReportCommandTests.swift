import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookStepLog

/// `runbook report` and `runbook run --report` as a user runs them.
@Suite struct ReportCommandTests {
    static func fixture(_ name: String) -> String {
        TestFiles.url("Tests/RunbookReportTests/Fixtures/\(name).jsonl").path
    }

    @Test func reportWritesEachFormatByExtension() async throws {
        let folder = try CLI.temporaryFolder()
        for name in ["drill.html", "drill.xml", "drill.md", "drill.json"] {
            let result = try await CLI.run(["report", Self.fixture("passed"), "-o", "out/\(name)"], in: folder)
            #expect(result.status == 0, "\(result.stderr)")
            let text = try String(contentsOf: folder.appendingPathComponent("out/\(name)"), encoding: .utf8)
            #expect(text.contains("Region loss drill"))
        }
        let html = try String(contentsOf: folder.appendingPathComponent("out/drill.html"), encoding: .utf8)
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        let xml = try String(contentsOf: folder.appendingPathComponent("out/drill.xml"), encoding: .utf8)
        #expect(xml.contains("<testsuites"))
    }

    @Test func reportWithoutOutputPrintsMarkdown() async throws {
        let result = try await CLI.run(["report", Self.fixture("failed")], in: try CLI.temporaryFolder())
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("## ❌ FAILED: Fail over cluster 6"))
    }

    @Test func severalJournalsMakeAComparison() async throws {
        let result = try await CLI.run(
            [
                "report", Self.fixture("region-q4"), Self.fixture("region-q2"), Self.fixture("passed"), "--format",
                "markdown",
            ],
            in: try CLI.temporaryFolder())
        #expect(result.status == 0)
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| 2026-") }
        #expect(rows.map { String($0.prefix(12)) } == ["| 2026-06-01", "| 2026-09-01", "| 2026-12-01"])
    }

    @Test func aKilledJournalIsReportedAndNoted() async throws {
        let result = try await CLI.run(
            ["report", Self.fixture("killed"), "-o", "k.html"], in: try CLI.temporaryFolder())
        #expect(result.status == 0)
        #expect(result.stderr.contains("killed.jsonl:9: the last line is cut off"))
    }

    @Test func aLineThatIsNotARecordIsNamed() async throws {
        let folder = try CLI.temporaryFolder()
        var lines = try String(contentsOfFile: Self.fixture("passed"), encoding: .utf8).split(separator: "\n").map(
            String.init)
        lines[2] = "{oops"
        let path = try CLI.write(lines.joined(separator: "\n") + "\n", to: folder, as: "journal.jsonl")
        let result = try await CLI.run(["report", path, "-o", "r.html"], in: folder)
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "runbook: error: \(path):3: the line is not valid JSON: a journal holds one JSON object per line\n")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("r.html").path))
    }

    @Test(arguments: [
        (["-o", "r.pdf"], "cannot tell the report's format from r.pdf"),
        (["--format", "html", "-o", "r.xml"], "--format html does not match the extension of r.xml"),
    ])
    func optionsThatDoNotFitAreRefused(options: [String], message: String) async throws {
        let result = try await CLI.run(["report", Self.fixture("passed")] + options, in: try CLI.temporaryFolder())
        // A usage error, as for every command.
        #expect(result.status == 64)
        #expect(result.stderr.contains(message), "\(result.stderr)")
    }

    @Test func aDirectoryIsNotAJournal() async throws {
        let folder = try CLI.temporaryFolder()
        let journals = folder.appendingPathComponent("runbook-logs")
        try FileManager.default.createDirectory(at: journals, withIntermediateDirectories: true)
        let result = try await CLI.run(["report", "runbook-logs"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr == "runbook: error: runbook-logs: this is a directory, not a journal\n")
    }

    @Test(arguments: [
        (
            #""location":\{[^}]*\}"#, #""location":{"file":"x.yaml","line":"7","column":5}"#,
            "the field `location.line` is not a whole number"
        ),
        (#""position":\{"#, #""position":[],"p":{"#, "the field `position` is not an object"),
        (#""phrase":"[^"]*""#, #""phrase":{}"#, "the field `phrase` is not text"),
        (#""runTimeMs":[0-9]+"#, #""runTimeMs":1e+308"#, "the field `runTimeMs`: 1e+308 is out of range for it"),
    ])
    func aFieldThatCannotBeReadIsSaidInWords(pattern: String, replacement: String, message: String) async throws {
        let folder = try CLI.temporaryFolder()
        var lines = try String(contentsOfFile: Self.fixture("passed"), encoding: .utf8).split(separator: "\n").map(
            String.init)
        let index = try #require(lines.firstIndex { $0.contains(#""record":"step-started""#) })
        let changed = lines[index].replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        #expect(changed != lines[index])
        lines[index] = changed
        let path = try CLI.write(lines.joined(separator: "\n") + "\n", to: folder, as: "journal.jsonl")
        let result = try await CLI.run(["report", path], in: folder)
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "runbook: error: \(path):\(index + 1): a step-started record that cannot be read: \(message)\n")
    }

    @Test func anOutputThatIsADirectoryIsRefusedBeforeTheJournalsAreRead() async throws {
        let folder = try CLI.temporaryFolder()
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("drill.html"), withIntermediateDirectories: true)
        let result = try await CLI.run(["report", Self.fixture("passed"), "-o", "drill.html"], in: folder)
        #expect(result.status == 5)
        #expect(result.stderr == "runbook: error: -o drill.html is a directory; give a file name\n")
        // Said before reading: a journal that cannot be read is not reached.
        let bad = try CLI.write("{oops\n", to: folder, as: "bad.jsonl")
        let again = try await CLI.run(["report", bad, "-o", "drill.html"], in: folder)
        #expect(again.status == 5)
        #expect(again.stderr == "runbook: error: -o drill.html is a directory; give a file name\n")
    }

    @Test func aDrillOfLongConfirmsFitsAPullRequestComment() async throws {
        let folder = try CLI.temporaryFolder()
        let text = String(repeating: "Is the primary region really lost? ", count: 172)
        var yaml = "runbook: Thirty gates\nsteps:\n"
        for _ in 0..<30 { yaml += "  - confirm: \(text)\n    continue on failure: true\n" }
        let file = try CLI.write(yaml, to: folder, as: "gates.yaml")
        // No terminal and no --yes: each gate fails, and the run goes on.
        let run = try await CLI.run(["run", file, "--log", "j.jsonl", "--report", "r.md"], in: folder)
        #expect(run.status == 0, "\(run.stderr)")
        let md = try String(contentsOf: folder.appendingPathComponent("r.md"), encoding: .utf8)
        #expect(md.utf16.count < 65_536, "\(md.utf16.count)")
        #expect(md.contains("HTML report"))
        let report = try await CLI.run(["report", "j.jsonl"], in: folder)
        #expect(report.status == 0)
        #expect(report.stdout.utf16.count < 65_536, "\(report.stdout.utf16.count)")
    }

    @Test func aRunWhoseReportIsADirectorySaysSo() async throws {
        let folder = try CLI.temporaryFolder()
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("drill.md"), withIntermediateDirectories: true)
        let result = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--no-log", "--report", "drill.md"],
            in: folder)
        #expect(result.status == 5)
        #expect(
            result.stderr.contains(
                "runbook: error: cannot write the report drill.md: it is a directory; give a file name"),
            "\(result.stderr)")
        #expect(!result.stderr.contains("NSCocoaErrorDomain"))
    }

    @Test func runWritesItsReportsWhateverItsOutcome() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await CLI.run(
            [
                "run", CLI.example("failover-with-fault.yaml"), "--speed", "instant", "--var", "standby=5", "--log",
                "j.jsonl",
                "--report", "r/drill.html", "--report", "r/drill.xml", "--report", "r/drill.md", "--report",
                "r/drill.json",
            ], in: folder)
        // Cluster 5 is a primary: the failover is refused and the run fails, with its reports.
        #expect(result.status == 1)
        for ext in ["html", "xml", "md", "json"] {
            #expect(
                FileManager.default.fileExists(atPath: folder.appendingPathComponent("r/drill.\(ext)").path), "\(ext)")
        }
        // The same report as `runbook report` of its journal.
        let again = try await CLI.run(["report", "j.jsonl", "-o", "again.md"], in: folder)
        #expect(again.status == 0)
        #expect(
            try String(contentsOf: folder.appendingPathComponent("again.md"), encoding: .utf8)
                == String(contentsOf: folder.appendingPathComponent("r/drill.md"), encoding: .utf8))
    }

    @Test func aPassedRunWhoseReportCannotBeWrittenDoesNotExitZero() async throws {
        let folder = try CLI.temporaryFolder()
        // A regular file where the report's folder should be.
        _ = try CLI.write("", to: folder, as: "blocked")
        let result = try await CLI.run(
            [
                "run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--no-log", "--report",
                "blocked/drill.html",
            ],
            in: folder)
        #expect(result.status == 5)
        #expect(
            result.stderr.contains("runbook: error: cannot write the report blocked/drill.html"), "\(result.stderr)")
    }

    @Test func runRefusesAReportOfUnknownFormatBeforeRunning() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--no-log", "--report", "drill.pdf"],
            in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--report drill.pdf: cannot tell the format"))
        #expect(!result.stdout.contains("failover"))
    }

    @Test func aReportNeverOverwritesTheJournal() async throws {
        let folder = try CLI.temporaryFolder()
        let result = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--log", "drill.json", "--report", "./drill.json"],
            in: folder)
        #expect(result.status == 64)
        #expect(result.stderr.contains("is the step log drill.json itself"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("drill.json").path))
        // However the path is spelt: through its folder and back, or a link to the journal.
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("t"), withIntermediateDirectories: true)
        let roundabout = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--log", "t/v.json", "--report", "t/../t/v.json"],
            in: folder)
        #expect(roundabout.status == 64, "\(roundabout.stderr)")
        #expect(roundabout.stderr.contains("a report never overwrites the journal"))
        let journal = try await CLI.run(
            ["run", CLI.example("failover-drill.yaml"), "--speed", "instant", "--log", "j.jsonl"], in: folder)
        #expect(journal.status == 0)
        try FileManager.default.createSymbolicLink(
            atPath: folder.appendingPathComponent("link.json").path, withDestinationPath: "j.jsonl")
        let before = try Data(contentsOf: folder.appendingPathComponent("j.jsonl"))
        for output in ["j.jsonl", "./t/../j.jsonl", "link.json"] {
            let report = try await CLI.run(["report", "j.jsonl", "--format", "json", "-o", output], in: folder)
            #expect(report.status == 64, "\(output): \(report.stderr)")
            #expect(report.stderr.contains("is the journal j.jsonl itself"), "\(output): \(report.stderr)")
        }
        #expect(try Data(contentsOf: folder.appendingPathComponent("j.jsonl")) == before)
    }

    @Test func checkWritesSARIF() async throws {
        let folder = try CLI.temporaryFolder()
        let path = try CLI.write("runbook: x\nsteps:\n  - failovr cluster: 3\n", to: folder, as: "bad.yaml")
        let result = try await CLI.run(["check", "--format", "sarif", path], in: folder)
        #expect(result.status == 2)
        let log = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        #expect(result.stdout.contains("\"ruleId\": \"phrase.unknown\""))
    }
}
