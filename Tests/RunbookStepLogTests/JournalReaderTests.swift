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

    /// A field of the wrong type, or a number out of its range, is said in words: what the field
    /// should hold, never a Swift type's name.
    @Test(arguments: [
        (1, #""phrase":"failover cluster: 6""#, #""phrase":5"#, "the field `phrase` is not text"),
        (1, #""location":\{[^}]*\}"#, #""location":5"#, "the field `location` is not an object"),
        (1, #""location":\{[^}]*\}"#, #""location":[1]"#, "the field `location` is not an object"),
        (1, #""phrase":"failover cluster: 6""#, #""phrase":null"#, "the field `phrase` is null, not text"),
        (2, #""calls":\[[^\]]*\]"#, #""calls":"x""#, "the field `calls` is not a list"),
        (2, #""durationMs":12"#, #""durationMs":"12""#, "the field `durationMs` is not a whole number"),
        (2, #""durationMs":12"#, #""durationMs":true"#, "the field `durationMs` is not a whole number"),
    ])
    func aFieldOfTheWrongTypeSaysWhatItShouldHold(index: Int, pattern: String, replacement: String, message: String)
        throws
    {
        var lines = try Self.lines()
        let changed = lines[index].replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        #expect(changed != lines[index])
        lines[index] = changed
        let kind = index == 1 ? "step-started" : "step-finished"
        let error = try #require(Self.error(lines))
        #expect(error == "drill.jsonl:\(index + 1): a \(kind) record that cannot be read: \(message)")
        #expect(!error.contains("Dictionary"))
        #expect(!error.contains("Array"))
        #expect(!error.contains("String"))
    }

    /// A valid JSON number that does not fit its field is said to be out of range (or not whole),
    /// not "not valid JSON".
    @Test(arguments: [
        ("1e+308", "the field `runTimeMs`: 1e+308 is out of range for it"),
        ("9223372036854775808", "the field `runTimeMs`: 9223372036854775808 is out of range for it"),
        ("-1e300", "the field `runTimeMs`: -1e300 is out of range for it"),
        ("1.5", "the field `runTimeMs`: 1.5 is not a whole number"),
    ])
    func aNumberThatDoesNotFitItsFieldIsSaidToBe(number: String, message: String) throws {
        var lines = try Self.lines()
        lines[1] = lines[1].replacingOccurrences(of: #""runTimeMs":0"#, with: #""runTimeMs":\#(number)"#)
        let error = try #require(Self.error(lines))
        #expect(error.hasPrefix("drill.jsonl:2: a step-started record that cannot be read: \(message)"), "\(error)")
        #expect(!error.contains("not valid JSON"), "\(error)")
    }

    /// The number at fault is found wherever it is: in an object inside the record, in a list.
    @Test func aNumberThatDoesNotFitIsNamedByItsPath() throws {
        var lines = try Self.lines()
        lines[1] = lines[1].replacingOccurrences(of: #""line":7"#, with: #""line":-1E+19"#)
        #expect(
            Self.error(lines)
                == "drill.jsonl:2: a step-started record that cannot be read: the field `location.line`: -1E+19 is out of range for it"
        )
        lines = try Self.lines()
        lines[2] = lines[2].replacingOccurrences(of: #""status":200"#, with: #""status":200.25"#)
        #expect(
            Self.error(lines)
                == "drill.jsonl:3: a step-finished record that cannot be read: the field `calls[0].status`: 200.25 is not a whole number"
        )
    }

    @Test func aDirectoryIsNotAJournal() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journals-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        do {
            _ = try JournalReader.read(path: folder.path)
            Issue.record("read a directory as a journal")
        } catch {
            #expect(error.description == "\(folder.path): this is a directory, not a journal")
        }
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
