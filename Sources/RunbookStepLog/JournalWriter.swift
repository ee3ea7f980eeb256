import Foundation
import OCPModel
import RunbookSupport
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the step log as JSON Lines, as the run goes: one record per line, each line written
/// whole with one `write` and made durable with `fsync` before the writer takes the next batch.
///
/// Records that arrive while a batch is being synced are written together with one `fsync`
/// (group commit), so a fleet of parallel steps does not queue behind the disk. A run killed with
/// SIGKILL leaves a file that is valid JSON Lines up to its last complete record.
public final class JournalWriter: StepLogSink {
    /// The file's path.
    public let path: String

    private struct State {
        var pending: [UInt8] = []
        var flushing = false
        var failure: String?
        var closed = false
    }

    private let fd: Int32
    private let state = Mutex(State())
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// Opens (creating, appending) the journal at `path`, creating its folder. Fails with a
    /// message naming the path and the reason.
    public init(path: String) throws(JournalError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw JournalError(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
            }
        }
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw JournalError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
    }

    deinit { _ = systemClose(fd) }

    /// The first write failure, if any (the run goes on; the CLI reports it).
    public var failure: String? { state.withLock { $0.failure } }

    public func write(_ record: StepLogRecord) async {
        append(record)
    }

    /// Encodes and appends one record; syncs it (and whatever queued meanwhile) before returning,
    /// unless another caller is already syncing, which then takes it.
    public func append(_ record: StepLogRecord) {
        var line: [UInt8]
        do {
            line = Array(try encoder.encode(record))
        } catch {
            state.withLock { if $0.failure == nil { $0.failure = "cannot encode a record: \(error)" } }
            return
        }
        line.append(0x0A)
        let shouldFlush = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            s.pending += line
            if s.flushing { return false }
            s.flushing = true
            return true
        }
        if shouldFlush { flushLoop() }
    }

    private func flushLoop() {
        while true {
            let batch = state.withLock { s -> [UInt8] in
                let b = s.pending
                s.pending.removeAll(keepingCapacity: true)
                if b.isEmpty { s.flushing = false }
                return b
            }
            if batch.isEmpty { return }
            if let error = writeAll(batch) {
                state.withLock { if $0.failure == nil { $0.failure = error } }
            }
        }
    }

    private func writeAll(_ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                systemWrite(fd, raw.baseAddress.map { $0 + offset }, bytes.count - offset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                return "cannot write \(path): \(String(cString: strerror(errno)))"
            }
            offset += n
        }
        if fsync(fd) != 0 { return "cannot sync \(path): \(String(cString: strerror(errno)))" }
        return nil
    }

    public func close() async {
        state.withLock { $0.closed = true }
    }

    /// The default journal path for a runbook file: `runbook-logs/<stem>-<UTC time>.jsonl`.
    public static func defaultPath(for file: String, at date: Date, folder: String = "runbook-logs") -> String {
        let name = (file as NSString).lastPathComponent
        var stem = (name as NSString).deletingPathExtension
        if stem.isEmpty || file == "-" { stem = "runbook" }
        let t = OCPTimestamp(date: date, utcOffsetSeconds: 0).description
        // 2026-11-27T03:30:00.123+00:00 -> 20261127T033000Z
        let digits = t.prefix(19).filter { $0 != "-" && $0 != ":" }
        return "\(folder)/\(stem)-\(digits)Z.jsonl"
    }
}

#if canImport(Glibc)
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

/// The journal could not be opened.
public struct JournalError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "cannot open the step log \(path): \(reason)" }
}
