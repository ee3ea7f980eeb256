import Foundation
import RunbookSupport

/// A journal read back: its records in order, whatever segments it holds.
public struct JournalFile: Sendable {
    /// Every whole record, in the order written.
    public var lines: [JournalLine]
    /// The file ended in the middle of a line (a run killed while writing it): that line is left out.
    public var cutShort: Bool

    public var records: [StepLogRecord] { lines.map(\.record) }

    /// Why a journal cannot be read, with its path and line.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Reads the journal at `path`. A last line cut short is left out (``cutShort``); any other
    /// line that is not a record is an error naming it (`drill.jsonl:17: ...`).
    public static func read(_ path: String) throws(Problem) -> JournalFile {
        let bytes: [UInt8]
        do throws(Diagnostic) {
            bytes = try FileInput.read(path)
        } catch {
            throw Problem(description: "cannot read the step log \(path): \(error.message)")
        }
        let decoder = JSONDecoder()
        var lines: [JournalLine] = []
        var cutShort = false
        let rows = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
        for (index, row) in rows.enumerated() where !row.isEmpty {
            do {
                lines.append(try decoder.decode(JournalLine.self, from: Data(row)))
            } catch {
                // The last line, with no newline after it: a record the run was killed writing.
                if index == rows.count - 1 {
                    cutShort = true
                    continue
                }
                throw Problem(description: "\(path):\(index + 1): not a step-log record (\(Self.why(error)))")
            }
        }
        guard !lines.isEmpty else { throw Problem(description: "the step log \(path) holds no record") }
        return JournalFile(lines: lines, cutShort: cutShort)
    }

    private static func why(_ error: any Error) -> String {
        switch error {
        case DecodingError.dataCorrupted: "not JSON"
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "'\(context.codingPath.map(\.stringValue).joined(separator: "."))' is not what a record holds"
        default: "cannot be decoded"
        }
    }
}
