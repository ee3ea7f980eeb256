import Foundation
import Testing

@testable import RunbookReport
@testable import RunbookStepLog
import RunbookTestSupport

/// Each fixed journal rendered in each format, against the files kept in `Golden/`.
/// `RUNBOOK_UPDATE_GOLDEN=1 swift test --filter GoldenReportTests` writes them anew.
@Suite struct GoldenReportTests {
    static let journals = ["passed", "failed", "interrupted", "killed", "fleet-20", "tenant-batch"]
    static let formats: [(ReportFormat, String)] = [
        (.html, "html"), (.junit, "xml"), (.markdown, "md"), (.json, "json"),
    ]

    /// The report of the committed fixture `name`, named by its path in the package (so the
    /// report is the same on every machine).
    static func report(_ name: String, subtasks: Bool = true) throws -> DrillReport {
        let relative = "\(JournalFixtures.folder)/\(name).jsonl"
        let bytes = Array(try Data(contentsOf: TestFiles.url(relative)))
        return DrillReport(journal: try JournalReader.parse(bytes, path: relative, subtasks: subtasks))
    }

    static func compare(_ text: String, golden name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = TestFiles.url("Tests/RunbookReportTests/Golden/\(name)")
        if ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_GOLDEN"] == "1" {
            try Data(text.utf8).write(to: url)
        }
        let kept = try TestFiles.text("Tests/RunbookReportTests/Golden/\(name)")
        guard kept != text else { return }
        let a = kept.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let first = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        let keptLine = first < a.count ? String(a[first]) : "(end)"
        let madeLine = first < b.count ? String(b[first]) : "(end)"
        Issue.record(
            "Golden/\(name) differs at line \(first + 1):\n  kept: \(keptLine.prefix(300))\n  made: \(madeLine.prefix(300))\n(RUNBOOK_UPDATE_GOLDEN=1 writes it anew)",
            sourceLocation: sourceLocation)
    }

    @Test(arguments: journals)
    func everyFormatOfAJournal(_ name: String) throws {
        let report = try Self.report(name)
        for (format, ext) in Self.formats {
            try Self.compare(try format.render(report), golden: "\(name).\(ext)")
        }
        // Read without the subtasks, as `runbook report` reads for the formats that show none,
        // those formats come out the same.
        let light = try Self.report(name, subtasks: false)
        for (format, ext) in Self.formats where !format.showsSubtasks {
            try Self.compare(try format.render(light), golden: "\(name).\(ext)")
        }
        #expect(light.tasks.allSatisfy { $0.task.subtasks.isEmpty })
        #expect(light.tasks.map(\.task.id) == report.tasks.map(\.task.id))
    }

    @Test func comparisonOfThreeDrills() throws {
        let reports = try ["passed", "region-q2", "region-q4"].map { try Self.report($0) }
        for (format, ext) in Self.formats {
            try Self.compare(try format.render(reports), golden: "comparison.\(ext)")
        }
    }
}
