import Foundation
import Synchronization
import OCPModel
import RunbookSupport

/// A journal read back: its records by segment, what was skipped, and whether it was cut short.
///
/// A run's journal is one segment, from `run-started`. A resumed run (`runbook resume`) appends a
/// `run-resumed` record and then more records to the same file: each `run-resumed` starts a new
/// segment, and the time between the last record before it and it is a gap in the run.
public struct Journal: Sendable {
    /// The path as given.
    public var path: String
    /// Hex SHA-256 of the file's bytes, as read.
    public var sha256: String
    /// The segments, in the file's order; the first starts with `run-started`.
    public var segments: [JournalSegment]
    /// Lines read but not used: a record of a kind this version does not know, a blank line.
    public var notes: [JournalNote]
    /// Set when the last line is not whole (the run was killed while writing it): every line
    /// before it was read.
    public var cutShort: JournalNote?
    /// How many lines the file has, the cut-off one included.
    public var lineCount: Int

    /// The run's `run-started` record.
    public var started: RunStarted? {
        for entry in segments.first?.entries ?? [] { if case .runStarted(let r) = entry.record { return r } }
        return nil
    }

    /// The last `run-finished` record, from the last segment that has one.
    public var finished: RunFinished? {
        for segment in segments.reversed() {
            for entry in segment.entries.reversed() { if case .runFinished(let r) = entry.record { return r } }
        }
        return nil
    }

    /// Every record, in the file's order, across segments (not the `run-resumed` records that
    /// start them: ``records`` has those).
    public var entries: [JournalEntry] { segments.flatMap(\.entries) }

    /// Every record in the file's order, each segment's `run-resumed` included (where it could be
    /// read whole): the journal as a resumed run reads it back.
    public var records: [StepLogRecord] {
        segments.flatMap { segment in
            (segment.resumed?.record.map { [StepLogRecord.runResumed($0)] } ?? []) + segment.entries.map(\.record)
        }
    }
}

/// The records of one stretch of a run: from `run-started`, or from a `run-resumed` record.
public struct JournalSegment: Sendable {
    /// The `run-resumed` record that starts this segment (nil for the first).
    public var resumed: ResumedMark?
    /// Its records, in the file's order (not the `run-resumed` that starts it).
    public var entries: [JournalEntry]

    /// A segment that `resumed` starts (nil for the first), holding `entries`.
    public init(resumed: ResumedMark?, entries: [JournalEntry] = []) {
        self.resumed = resumed
        self.entries = entries
    }
}

/// A `run-resumed` record: where a resumed run went on in the same journal. Only the fields every
/// such record has are read (its line, `runId`, and `resumedAt` when present); the rest is kept.
public struct ResumedMark: Sendable {
    /// 1-based line of the `run-resumed` record.
    public var line: Int
    /// The run it resumes, when the record says.
    public var runId: String?
    /// Wall-clock time the run was resumed, when the record says.
    public var resumedAt: OCPTimestamp?
    /// The record as written.
    public var fields: JSONValue
    /// The record, when it has every field this version writes (nil for a partial one).
    public var record: RunResumed?
}

/// One record of a journal and the line it is on.
public struct JournalEntry: Sendable {
    /// 1-based line number in the file.
    public var line: Int
    /// The line's `runId`; nil in a journal written before runs had one.
    public var runId: String?
    /// The record on the line.
    public var record: StepLogRecord
}

/// A remark about a line of a journal: `journal.jsonl:17: skipped a record of kind 'x'`.
public struct JournalNote: Sendable, Hashable, CustomStringConvertible {
    /// The journal's path, as given.
    public var path: String
    /// 1-based line the remark is about.
    public var line: Int
    /// The remark, in words.
    public var message: String

    /// `path:line: message`.
    public var description: String { "\(path):\(line): \(message)" }
}

/// A journal that cannot be read: the file, the line at fault and why, in words.
public struct JournalReadError: Error, Sendable, CustomStringConvertible {
    /// The journal's path, as given.
    public var path: String
    /// 1-based; nil when the fault is the whole file's.
    public var line: Int?
    /// What is wrong, in words.
    public var message: String

    /// `path:line: message`, or `path: message` when the fault is the whole file's.
    public var description: String { line.map { "\(path):\($0): \(message)" } ?? "\(path): \(message)" }
}

/// Reads a JSON Lines journal back: every whole line, up to a partial last line left by a kill.
///
/// - A line that is not a JSON object, or a record of a known kind with a field missing or of the
///   wrong type, is an error naming the line (`journal.jsonl:17: ...`): the journal is not what a
///   run writes, and a report of it would not be evidence.
/// - A record of a kind this version does not know is skipped with a note, so a journal written
///   by a later version still reads.
/// - A last line without its end of line that does not decode is the mark of a run killed while
///   writing it: the lines before it are read, and ``Journal/cutShort`` says so.
public enum JournalReader {
    /// The record kind that starts a segment of a resumed run.
    public static let resumedKind = "run-resumed"

    /// Reads the journal at `path`; with `subtasks` false, the task snapshots' subtasks are left
    /// out (a reader that draws no timeline reads a fleet's journal faster).
    public static func read(path: String, subtasks: Bool = true) throws(JournalReadError) -> Journal {
        let bytes: [UInt8]
        do throws(Diagnostic) {
            bytes = try FileInput.read(path, limit: maxBytes, noun: "a journal")
        } catch {
            throw JournalReadError(path: path, line: nil, message: error.message)
        }
        return try parse(bytes, path: path, subtasks: subtasks)
    }

    /// Reads a journal's bytes; `path` names it in messages. With `subtasks` false, the task
    /// snapshots' subtasks are left out.
    public static func parse(_ bytes: [UInt8], path: String, subtasks: Bool = true) throws(JournalReadError) -> Journal {
        var journal = Journal(
            path: path, sha256: Digest.sha256Hex(bytes), segments: [], notes: [], cutShort: nil, lineCount: 0)
        guard !bytes.isEmpty else {
            throw JournalReadError(path: path, line: nil, message: "the file is empty: it holds no record")
        }
        let decoder = JSONDecoder()
        var runId: String?
        var finishedLine: Int?
        let lines = Self.lines(bytes)
        let decoded = Self.decodeAll(bytes, lines, subtasks: subtasks)
        for (index, range) in lines.enumerated() {
            let lineNumber = index + 1
            let whole = range.upperBound < bytes.count
            let line = bytes[range]
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) {
                journal.notes.append(JournalNote(path: path, line: lineNumber, message: "a blank line, skipped"))
                continue
            }
            let entry: JournalLine
            switch decoded[index] {
            case .success(let e):
                entry = e
            case .failure(let error):
                guard whole else {
                    journal.cutShort = JournalNote(
                        path: path, line: lineNumber,
                        message:
                            "the last line is cut off (\(line.count) bytes without an end of line): the run was killed while writing it; the \(lineNumber - 1) lines before it were read"
                    )
                    continue
                }
                let data = Data(line)
                let kind = Self.kind(of: data, decoder: decoder)
                switch kind {
                case nil:
                    throw JournalReadError(
                        path: path, line: lineNumber, message: Self.notARecord(data, decoder: decoder))
                case Self.resumedKind?:
                    let fields = (try? decoder.decode(JSONValue.self, from: data)) ?? .object([:])
                    let mark = ResumedMark(
                        line: lineNumber, runId: Self.text(fields, "runId"),
                        resumedAt: Self.text(fields, "resumedAt").flatMap(OCPTimestamp.init), fields: fields,
                        record: nil)
                    guard !journal.segments.isEmpty else {
                        throw JournalReadError(
                            path: path, line: lineNumber,
                            message:
                                "a run-resumed record before any run-started: this is not the start of a run's journal")
                    }
                    if let id = mark.runId, let runId, id != runId {
                        throw JournalReadError(
                            path: path, line: lineNumber,
                            message: "this run-resumed resumes run \(id), not run \(runId) of this journal: a journal never mixes runs")
                    }
                    journal.segments.append(JournalSegment(resumed: mark))
                    finishedLine = nil
                    continue
                case let kind? where StepLogRecord.kindNames.contains(kind):
                    throw JournalReadError(
                        path: path, line: lineNumber,
                        message: "a \(kind) record that cannot be read: \(Self.describe(error, in: line))")
                case let kind?:
                    journal.notes.append(
                        JournalNote(
                            path: path, line: lineNumber,
                            message: "skipped a record of kind '\(kind)', which this version of runbook does not know"))
                    continue
                }
            }
            if case .runResumed(let resumed) = entry.record {
                guard !journal.segments.isEmpty else {
                    throw JournalReadError(
                        path: path, line: lineNumber,
                        message: "a run-resumed record before any run-started: this is not the start of a run's journal")
                }
                if let runId, resumed.runId != runId {
                    throw JournalReadError(
                        path: path, line: lineNumber,
                        message: "this run-resumed resumes run \(resumed.runId), not run \(runId) of this journal: a journal never mixes runs")
                }
                let fields = (try? decoder.decode(JSONValue.self, from: Data(line))) ?? .object([:])
                journal.segments.append(
                    JournalSegment(
                        resumed: ResumedMark(
                            line: lineNumber, runId: resumed.runId, resumedAt: resumed.resumedAt, fields: fields,
                            record: resumed)))
                finishedLine = nil
                continue
            }
            if journal.segments.isEmpty {
                guard case .runStarted(let started) = entry.record else {
                    throw JournalReadError(
                        path: path, line: lineNumber,
                        message:
                            "the first record is \(entry.record.kindName), not run-started: this is not the start of a run's journal"
                    )
                }
                runId = entry.runId ?? started.runId
                journal.segments.append(JournalSegment(resumed: nil))
            } else if case .runStarted(let started) = entry.record {
                throw JournalReadError(
                    path: path, line: lineNumber,
                    message:
                        "a second run-started (run \(started.runId)): a journal holds one run; give each run's journal on its own"
                )
            }
            if let id = entry.runId, let runId, id != runId {
                throw JournalReadError(
                    path: path, line: lineNumber,
                    message:
                        "this record belongs to run \(id), not to run \(runId) of this journal: a journal never mixes runs"
                )
            }
            if let finishedLine {
                journal.notes.append(
                    JournalNote(
                        path: path, line: lineNumber,
                        message: "a \(entry.record.kindName) record after the run-finished of line \(finishedLine)"))
            }
            if case .runFinished = entry.record { finishedLine = lineNumber }
            journal.segments[journal.segments.count - 1].entries.append(
                JournalEntry(line: lineNumber, runId: entry.runId, record: entry.record))
        }
        journal.lineCount = lines.count
        guard !journal.segments.isEmpty else {
            if let cut = journal.cutShort {
                throw JournalReadError(
                    path: path, line: cut.line, message: "the only record is cut off: the journal holds no whole record"
                )
            }
            throw JournalReadError(path: path, line: nil, message: "the file holds no record")
        }
        return journal
    }

    /// The byte ranges of the lines, without their end of line; the last one may have none.
    static func lines(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        bytes.withUnsafeBufferPointer { buffer in
            for i in 0..<buffer.count where buffer[i] == 0x0A {
                out.append(start..<i)
                start = i + 1
            }
        }
        if start < bytes.count { out.append(start..<bytes.count) }
        return out
    }

    /// Every line decoded as a record (or why not), in parallel: lines are independent, and a
    /// fleet's journal is thousands of them.
    static func decodeAll(_ bytes: [UInt8], _ lines: [Range<Int>], subtasks: Bool = true) -> [Result<JournalLine, any Error>] {
        let chunk = 256
        let chunks = (lines.count + chunk - 1) / chunk
        let results = Mutex<[Int: [Result<JournalLine, any Error>]]>([:])
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let decoder = JSONDecoder()
            if !subtasks, let key = TaskSnapshot.withoutSubtasks { decoder.userInfo[key] = true }
            var out: [Result<JournalLine, any Error>] = []
            out.reserveCapacity(chunk)
            for range in lines[(c * chunk)..<min(lines.count, (c + 1) * chunk)] {
                out.append(Result { try decoder.decode(JournalLine.self, from: Data(bytes[range])) })
            }
            results.withLock { $0[c] = out }
        }
        return results.withLock { all in (0..<chunks).flatMap { all[$0] ?? [] } }
    }

    /// The text field `key` of an object, if it has one.
    private static func text(_ value: JSONValue, _ key: String) -> String? {
        guard case .object(let fields) = value, case .string(let text)? = fields[key] else { return nil }
        return text
    }

    /// The largest journal read: 1 GiB.
    public static let maxBytes = 1 << 30

    private struct KindProbe: Decodable {
        var record: String?
    }

    /// The `record` field of a line that is a JSON object, else nil.
    private static func kind(of data: Data, decoder: JSONDecoder) -> String? {
        guard let probe = try? decoder.decode(KindProbe.self, from: data) else { return nil }
        return probe.record
    }

    /// Why a line is not a record.
    private static func notARecord(_ data: Data, decoder: JSONDecoder) -> String {
        guard let value = try? decoder.decode(JSONValue.self, from: data) else {
            return "the line is not valid JSON: a journal holds one JSON object per line"
        }
        guard case .object = value else { return "the line is not a JSON object: a journal holds one record per line" }
        return "the line has no `record` field naming its kind"
    }

    /// A decoding error in words: which field, and what is wrong with it. With `line`, the
    /// record's bytes, a number that does not fit its field (which the decoder reports only as
    /// "not valid JSON") is found and named.
    static func describe(_ error: any Error, in line: ArraySlice<UInt8>? = nil) -> String {
        guard let error = error as? DecodingError else { return "\(error)" }
        switch error {
        case .keyNotFound(let key, let context):
            let at = path(context.codingPath + [key])
            return "the field `\(at)` is missing"
        case .typeMismatch(let type, let context):
            return "the field `\(path(context.codingPath))` is not \(Self.noun(type))"
        case .valueNotFound(let type, let context):
            return "the field `\(path(context.codingPath))` is null, not \(Self.noun(type))"
        case .dataCorrupted(let context):
            let at = path(context.codingPath)
            if at.isEmpty, let line, let number = numberThatDoesNotFit(line) { return number }
            return at.isEmpty ? context.debugDescription : "the field `\(at)`: \(context.debugDescription)"
        @unknown default:
            return "\(error)"
        }
    }

    /// `location.line`, `calls[2].durationMs`.
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }

    /// What a field of `type` holds, in words: `an object`, `text`, `a whole number`.
    private static func noun(_ type: Any.Type) -> String {
        switch type {
        case is String.Type, is Substring.Type, is Character.Type: "text"
        case is Int.Type, is Int64.Type, is Int32.Type, is Int16.Type, is Int8.Type, is UInt.Type, is UInt64.Type,
            is UInt32.Type, is UInt16.Type, is UInt8.Type:
            "a whole number"
        case is Double.Type, is Float.Type: "a number"
        case is Bool.Type: "true or false"
        case is [String: Any].Type: "an object"
        case is [Any].Type: "a list"
        default: "what this field holds"
        }
    }

    /// The sentence for the first number of a record that does not fit its field
    /// (`the field `runTimeMs`: 1e+308 is out of range for it`), or nil when the line's failure
    /// to decode is not that.
    ///
    /// The decoder says only "not valid JSON" of a number it cannot hold (`1e+308`, or `1.5`, in a
    /// whole-number field). Setting the numbers of the line to 0 from the first on, the shortest
    /// run of them that makes that failure go away ends with the number at fault: found by
    /// bisection, in a few decodings however many numbers the line has.
    static func numberThatDoesNotFit(_ line: ArraySlice<UInt8>) -> String? {
        let bytes = Array(line)
        let decoder = JSONDecoder()
        guard (try? decoder.decode(JSONValue.self, from: Data(bytes))) != nil else { return nil }
        let numbers = JSONNumbers.scan(bytes)
        /// Whether the record still fails to decode, without a field named, once the first `k`
        /// numbers are 0.
        func stillFails(zeroing k: Int) -> Bool {
            var changed = bytes
            for n in numbers[..<k].reversed() { changed.replaceSubrange(n.range, with: [UInt8(ascii: "0")]) }
            do {
                _ = try decoder.decode(JournalLine.self, from: Data(changed))
                return false
            } catch DecodingError.dataCorrupted(let context) {
                return context.codingPath.isEmpty
            } catch {
                return false
            }
        }
        guard !numbers.isEmpty, !stillFails(zeroing: numbers.count) else { return nil }
        // stillFails(0) is known (the line failed); find the least k where it no longer does.
        var low = 0
        var high = numbers.count
        while high - low > 1 {
            let mid = (low + high) / 2
            if stillFails(zeroing: mid) { low = mid } else { high = mid }
        }
        let number = numbers[high - 1]
        let text = String(decoding: bytes[number.range], as: UTF8.self)
        let value = Double(text)
        let whole = value.map { $0.isFinite && $0 == $0.rounded(.towardZero) } ?? false
        let what = whole || value?.isInfinite == true ? "is out of range for it" : "is not a whole number"
        return number.path.isEmpty ? "\(text) \(what)" : "the field `\(number.path)`: \(text) \(what)"
    }
}

/// The numbers of a JSON text, each with its byte range and the path to it (`calls[2].durationMs`),
/// in the order of the text. The text is taken to be valid JSON.
enum JSONNumbers {
    struct Number {
        var range: Range<Int>
        var path: String
    }

    private enum Frame {
        case object(key: String?, expectingKey: Bool)
        case array(index: Int)
    }

    static func scan(_ bytes: [UInt8]) -> [Number] {
        var out: [Number] = []
        var stack: [Frame] = []
        var i = 0
        func path() -> String {
            var text = ""
            for frame in stack {
                switch frame {
                case .object(let key, _): text += text.isEmpty ? (key ?? "") : "." + (key ?? "")
                case .array(let index): text += "[\(index)]"
                }
            }
            return text
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "{"):
                stack.append(.object(key: nil, expectingKey: true))
                i += 1
            case UInt8(ascii: "["):
                stack.append(.array(index: 0))
                i += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = stack.popLast()
                i += 1
            case UInt8(ascii: ","):
                switch stack.last {
                case .object?: stack[stack.count - 1] = .object(key: nil, expectingKey: true)
                case .array(let index)?: stack[stack.count - 1] = .array(index: index + 1)
                case nil: break
                }
                i += 1
            case UInt8(ascii: "\""):
                let start = i
                i += 1
                while i < bytes.count, bytes[i] != UInt8(ascii: "\"") {
                    i += bytes[i] == UInt8(ascii: "\\") ? 2 : 1
                }
                i += 1
                if case .object(_, true)? = stack.last {
                    let token = Data(bytes[start..<min(i, bytes.count)])
                    let key = (try? JSONDecoder().decode(String.self, from: token)) ?? ""
                    stack[stack.count - 1] = .object(key: key, expectingKey: false)
                }
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = i
                while i < bytes.count, Self.isNumberByte(bytes[i]) { i += 1 }
                out.append(Number(range: start..<i, path: path()))
            default:
                i += 1
            }
        }
        return out
    }

    private static func isNumberByte(_ b: UInt8) -> Bool {
        (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-") || b == UInt8(ascii: "+")
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "e") || b == UInt8(ascii: "E")
    }
}

extension StepLogRecord {
    /// The `record` names this version writes and reads.
    public static let kindNames: Set<String> = [
        "run-started", "run-resumed", "step-started", "step-finished", "watch-changed", "run-finished",
    ]
}

extension Journal {
    /// A journal of records held in memory (a run with `--no-log`, or whose journal could not be
    /// written): one segment, each record on the line it would have had.
    public init(records: [StepLogRecord], path: String) {
        var runId: String?
        var entries: [JournalEntry] = []
        for (i, record) in records.enumerated() {
            if case .runStarted(let r) = record { runId = r.runId }
            entries.append(JournalEntry(line: i + 1, runId: runId, record: record))
        }
        self.init(
            path: path, sha256: "", segments: [JournalSegment(resumed: nil, entries: entries)], notes: [],
            cutShort: nil,
            lineCount: records.count)
    }
}
