import Foundation
import RunbookTestSupport
import Testing

@testable import OCPModel
@testable import RunbookStepLog
@testable import RunbookSupport

/// Reading a journal back: whole lines, a cut-off last line, unknown kinds, segments, and lines
/// that are not records, each named by its line.
@Suite struct JournalReaderTests {
    static let runId = "5d0b7a52-3f1e-4c1b-9d7e-2f4c1a9b8e01"

    /// The lines of `JournalWriterTests.sampleRecords()` as the writer writes them.
    static func lines() throws -> [String] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JournalWriterTests.sampleRecords().map {
            String(decoding: try encoder.encode(JournalLine(runId: runId, record: $0)), as: UTF8.self)
        }
    }

    static func parse(_ lines: [String], ending: String = "\n") throws(JournalReadError) -> Journal {
        try JournalReader.parse(Array((lines.joined(separator: "\n") + ending).utf8), path: "drill.jsonl")
    }

    static func error(_ lines: [String]) -> String? {
        do {
            _ = try parse(lines)
            return nil
        } catch {
            return error.description
        }
    }

    @Test func aWholeJournalReadsAsOneSegment() throws {
        let journal = try Self.parse(try Self.lines())
        #expect(journal.segments.count == 1)
        #expect(journal.entries.map(\.line) == [1, 2, 3, 4])
        #expect(
            journal.entries.map(\.record.kindName) == ["run-started", "step-started", "step-finished", "run-finished"])
        #expect(journal.started?.runId == Self.runId)
        #expect(journal.finished?.outcome == .passed)
        #expect(journal.cutShort == nil)
        #expect(journal.notes.isEmpty)
        #expect(journal.sha256.count == 64)
    }

    @Test func aCutOffLastLineIsNotedAndTheRestRead() throws {
        var lines = try Self.lines()
        let last = lines.removeLast()
        let journal = try JournalReader.parse(
            Array((lines.joined(separator: "\n") + "\n" + last.prefix(40)).utf8), path: "drill.jsonl")
        #expect(journal.entries.count == 3)
        #expect(journal.finished == nil)
        #expect(journal.lineCount == 4)
        #expect(
            journal.cutShort?.description
                == "drill.jsonl:4: the last line is cut off (40 bytes without an end of line): the run was killed while writing it; the 3 lines before it were read"
        )
    }

    @Test func aWholeLastLineWithoutItsEndOfLineIsRead() throws {
        let journal = try Self.parse(try Self.lines(), ending: "")
        #expect(journal.entries.count == 4)
        #expect(journal.cutShort == nil)
    }

    @Test func anUnknownKindIsSkippedWithANote() throws {
        var lines = try Self.lines()
        lines.insert(#"{"record":"probe-summary","runId":"\#(Self.runId)","x":1}"#, at: 2)
        let journal = try Self.parse(lines)
        #expect(journal.entries.count == 4)
        #expect(
            journal.notes.map(\.description) == [
                "drill.jsonl:3: skipped a record of kind 'probe-summary', which this version of runbook does not know"
            ])
    }

    @Test func runResumedStartsASegment() throws {
        var lines = try Self.lines()
        let finished = lines.removeLast()
        lines.append(#"{"record":"run-resumed","resumedAt":"2026-09-01T03:00:00.000+00:00","runId":"\#(Self.runId)"}"#)
        lines.append(finished)
        let journal = try Self.parse(lines)
        #expect(journal.segments.count == 2)
        #expect(journal.segments[1].resumed?.line == 4)
        #expect(journal.segments[1].resumed?.resumedAt == OCPTimestamp("2026-09-01T03:00:00.000+00:00"))
        #expect(journal.segments[1].entries.map(\.record.kindName) == ["run-finished"])
        #expect(journal.finished?.outcome == .passed)
    }

    @Test(arguments: [
        (2, "not json at all", "drill.jsonl:2: the line is not valid JSON: a journal holds one JSON object per line"),
        (2, "[1, 2]", "drill.jsonl:2: the line is not a JSON object: a journal holds one record per line"),
        (2, #"{"runId":"x"}"#, "drill.jsonl:2: the line has no `record` field naming its kind"),
        (
            2, #"{"record":"step-started","runId":"5d0b7a52-3f1e-4c1b-9d7e-2f4c1a9b8e01","phrase":"x"}"#,
            "drill.jsonl:2: a step-started record that cannot be read: the field `position` is missing"
        ),
        (
            2,
            #"{"record":"run-started","runId":"other","title":"x","file":"f","sha256":"","target":"embedded","user":"u","toolVersion":"1","variables":{},"startedAt":"2026-09-01T03:00:00.000+00:00","notes":[]}"#,
            "drill.jsonl:2: a second run-started (run other): a journal holds one run; give each run's journal on its own"
        ),
    ])
    func aLineThatIsNotARecordIsAnError(line: Int, text: String, message: String) throws {
        var lines = try Self.lines()
        lines.insert(text, at: line - 1)
        #expect(Self.error(lines) == message)
    }

    @Test func aRecordOfAnotherRunIsAnError() throws {
        var lines = try Self.lines()
        lines[2] = lines[2].replacingOccurrences(of: Self.runId, with: "0000")
        #expect(
            Self.error(lines)
                == "drill.jsonl:3: this record belongs to run 0000, not to run \(Self.runId) of this journal: a journal never mixes runs"
        )
    }

    @Test func aJournalMustStartWithRunStarted() throws {
        let lines = Array(try Self.lines().dropFirst())
        #expect(
            Self.error(lines)
                == "drill.jsonl:1: the first record is step-started, not run-started: this is not the start of a run's journal"
        )
    }

    @Test func anEmptyFileIsAnError() {
        #expect(throws: JournalReadError.self) { try JournalReader.parse([], path: "empty.jsonl") }
        do {
            _ = try JournalReader.parse([], path: "empty.jsonl")
        } catch {
            #expect(error.description == "empty.jsonl: the file is empty: it holds no record")
        }
    }

    @Test func aMissingFileSaysSo() {
        do {
            _ = try JournalReader.read(path: "/nonexistent/drill.jsonl")
            Issue.record("read a file that does not exist")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/drill.jsonl: "))
        }
    }

    @Test func recordsInMemoryMakeAJournal() throws {
        let journal = Journal(records: JournalWriterTests.sampleRecords(), path: "(memory)")
        #expect(journal.entries.count == 4)
        #expect(journal.started?.title == "Drill")
    }
}
