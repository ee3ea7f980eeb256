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
/// whole with one `write` and made durable with `fsync` before ``write(_:)`` returns.
///
/// The file I/O runs on a serial dispatch queue of its own, never on the cooperative thread pool
/// the run's tasks share. Records that arrive while a batch is being synced are written together
/// with one `fsync` (group commit), so a fleet of parallel steps does not queue behind the disk.
/// A run killed with SIGKILL leaves a file that is valid JSON Lines up to its last complete record.
/// The file is created with mode 0600: a journal may name hosts and users.
public final class JournalWriter: StepLogSink {
    /// The file's path.
    public let path: String

    private struct Pending {
        var bytes: [UInt8] = []
        var waiters: [CheckedContinuation<Void, Never>] = []
        var flushing = false
        var failure: String?
        var closed = false
    }

    private let fd: Int32
    private let state = Mutex(Pending())
    private let queue = DispatchQueue(label: "runbook.journal")
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
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw JournalError(path: path, reason: String(cString: strerror(errno))) }
        self.fd = fd
    }

    deinit {
        let closed = state.withLock { $0.closed }
        if !closed { _ = systemClose(fd) }
    }

    /// The first write failure, if any.
    public var failure: String? { state.withLock { $0.failure } }

    /// Appends one record and returns once it is on disk (or once writing it failed: see ``failure``).
    public func write(_ record: StepLogRecord) async {
        guard var line = encode(record) else { return }
        line.append(0x0A)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enqueue(line, waiter: continuation)
        }
    }

    /// Appends one record without waiting for it to be on disk (``close()`` waits for every one).
    public func append(_ record: StepLogRecord) {
        guard var line = encode(record) else { return }
        line.append(0x0A)
        enqueue(line, waiter: nil)
    }

    private func encode(_ record: StepLogRecord) -> [UInt8]? {
        do {
            return Array(try encoder.encode(record))
        } catch {
            state.withLock { if $0.failure == nil { $0.failure = "cannot encode a record: \(error)" } }
            return nil
        }
    }

    private func enqueue(_ line: [UInt8], waiter: CheckedContinuation<Void, Never>?) {
        let startFlush = state.withLock { s -> Bool in
            guard !s.closed else { return false }
            s.bytes += line
            if let waiter { s.waiters.append(waiter) }
            if s.flushing { return false }
            s.flushing = true
            return true
        }
        if startFlush {
            queue.async { self.flushLoop() }
        } else if let waiter, state.withLock({ $0.closed }) {
            waiter.resume()
        }
    }

    /// Runs on ``queue``: writes and syncs whatever is pending, batch after batch, then resumes the
    /// callers whose records the batch held.
    private func flushLoop() {
        while true {
            let (batch, waiters) = state.withLock { s -> ([UInt8], [CheckedContinuation<Void, Never>]) in
                let taken = (s.bytes, s.waiters)
                s.bytes.removeAll(keepingCapacity: true)
                s.waiters.removeAll(keepingCapacity: true)
                if taken.0.isEmpty { s.flushing = false }
                return taken
            }
            if batch.isEmpty {
                for w in waiters { w.resume() }
                return
            }
            if let error = writeAll(batch) {
                state.withLock { if $0.failure == nil { $0.failure = error } }
            }
            for w in waiters { w.resume() }
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

    /// Waits for every record appended so far to be on disk, then closes the file.
    public func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.flushLoop()
                let first = self.state.withLock { s -> Bool in
                    defer { s.closed = true }
                    return !s.closed
                }
                if first { _ = systemClose(self.fd) }
                continuation.resume()
            }
        }
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
