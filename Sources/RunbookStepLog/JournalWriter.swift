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
/// whole, at once, and made durable with `fsync`; ``sync()`` returns once all before it are.
///
/// The file I/O runs on a serial dispatch queue of its own, never on the cooperative thread pool
/// the run's tasks share. Records that arrive while a batch is being synced are written together
/// with one `fsync` (group commit), so neither a fleet of parallel steps nor a long loop of
/// notes queues behind the disk; the engine waits for ``sync()`` only before a step that starts or
/// changes work sends its call.
/// A run killed with SIGKILL leaves a file that is valid JSON Lines up to its last complete record.
/// The file is created with mode 0600: a journal may name hosts and users.
///
/// Every line carries the run's `runId` (taken from the `run-started` record, or given), and no
/// line is longer than ``maxLineBytes``: a record over it is written with its long texts and lists
/// shortened and `"truncated": true`. When a write or sync fails (a full disk), the file is cut
/// back to its last whole line, nothing more is written, and ``failure`` says why: the engine then
/// starts no cluster action, and the run ends as `journal-failed` (exit 4).
public final class JournalWriter: StepLogSink {
    /// The file's path.
    public let path: String
    /// The longest line written: 1 MiB.
    public static let maxLineBytes = 1 << 20

    private struct Pending {
        /// Lines not yet given to `write(2)`, and who waits for them to be.
        var bytes: [UInt8] = []
        var writeWaiters: [CheckedContinuation<Void, Never>] = []
        var writing = false
        /// Who waits for an `fsync` that starts after everything before them was written.
        var syncWaiters: [CheckedContinuation<Void, Never>] = []
        var syncing = false
        /// Written since the last sync began: the sync loop goes on until it is not.
        var dirty = false
        var failure: String?
        var closed = false
        var runId: String?
        /// The file's size after the last batch written whole.
        var goodSize: Int64 = 0
    }

    private let fd: Int32
    /// Whether the file is a regular file, which `fsync` makes durable (a pipe or a device is not).
    private let syncable: Bool
    private let state = Mutex(Pending())
    private let queue = DispatchQueue(label: "runbook.journal")
    private let syncQueue = DispatchQueue(label: "runbook.journal.sync")
    private let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// How ``init(path:mode:runId:)`` opens the file.
    public enum OpenMode: Sendable {
        /// A new file, or an empty one, or one that is not a regular file (a pipe, a device): a
        /// regular file that holds anything is refused (a journal is never mixed with another's).
        case create
        /// A file that does not exist yet (``creatingUnique(path:)``).
        case createNew
        /// Appends to the file, creating it if needed (a resumed run goes on in its journal).
        case append
    }

    /// Opens the journal at `path`, creating its folder. Fails with a message naming the path and
    /// the reason.
    ///
    /// - Parameter runId: stamped on every line; by default the `runId` of the first `run-started`
    ///   record written.
    public init(path: String, mode: OpenMode = .create, runId: String? = nil) throws(JournalError) {
        self.path = path
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw JournalError(path: path, reason: "cannot create its folder: \(error.localizedDescription)")
            }
        }
        // Appending reads the file's end first (a partial last line is cut off).
        var fd = open(
            path, (mode == .append ? O_RDWR : O_WRONLY | O_EXCL) | O_CREAT | O_APPEND | O_CLOEXEC, 0o600)
        if fd < 0, errno == EEXIST, mode == .create {
            var info = stat()
            if stat(path, &info) == 0, (info.st_mode & S_IFMT) != S_IFREG || info.st_size == 0 {
                fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
            } else {
                errno = EEXIST
            }
        }
        guard fd >= 0 else {
            let code = errno
            if code == EEXIST { throw JournalError(path: path, reason: "it exists already", exists: true) }
            throw JournalError(path: path, reason: String(cString: strerror(code)))
        }
        // One run per journal: a second run opening the same file (an empty one, at the same moment)
        // finds it locked and is refused.
        if flock(fd, LOCK_EX | LOCK_NB) != 0, errno == EWOULDBLOCK {
            _ = systemClose(fd)
            throw JournalError(path: path, reason: "another run is writing it", exists: true)
        }
        var info = stat()
        syncable = fstat(fd, &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG
        // A regular file that existed (an empty one given with --log) is made the owner's alone too.
        if syncable, info.st_mode & 0o077 != 0 { _ = fchmod(fd, 0o600) }
        self.fd = fd
        var size = syncable ? lseek(fd, 0, SEEK_END) : 0
        if mode == .append, syncable, size > 0 {
            // A run killed while writing a line left it cut off: the records go on after the
            // last whole one (the reader already left the cut one out).
            guard let end = Self.endOfLastWholeLine(fd, size: size) else {
                let code = errno
                _ = systemClose(fd)
                throw JournalError(path: path, reason: "cannot read its last line: \(String(cString: strerror(code)))")
            }
            size = end
            if ftruncate(fd, size) != 0 {
                let code = errno
                _ = systemClose(fd)
                throw JournalError(path: path, reason: "cannot cut off its last, partial line: \(String(cString: strerror(code)))")
            }
        }
        state.withLock {
            $0.runId = runId
            $0.goodSize = max(0, Int64(size))
        }
    }

    /// The size of the file up to and including its last end of line (0 if it has none); nil when
    /// the file cannot be read.
    private static func endOfLastWholeLine(_ fd: Int32, size: off_t) -> off_t? {
        var end = size
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while end > 0 {
            let start = max(0, end - off_t(buffer.count))
            let count = Int(end - start)
            let read = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, start) }
            guard read == count else { return nil }
            if let i = buffer[0..<count].lastIndex(of: 0x0A) { return start + off_t(i) + 1 }
            end = start
        }
        return 0
    }

    /// Opens a new journal at `path`, or when that exists at `path` with `-2`, `-3`, ... before its
    /// extension, so that two runs never share one (the default journal names).
    public static func creatingUnique(path: String) throws(JournalError) -> JournalWriter {
        let ext = (path as NSString).pathExtension
        let stem = ext.isEmpty ? path : String(path.dropLast(ext.count + 1))
        var candidate = path
        for n in 2...1000 {
            do {
                return try JournalWriter(path: candidate, mode: .createNew)
            } catch where error.exists {
                candidate = "\(stem)-\(n)" + (ext.isEmpty ? "" : ".\(ext)")
            }
        }
        return try JournalWriter(path: candidate, mode: .createNew)
    }

    deinit {
        let closed = state.withLock { $0.closed }
        if !closed { _ = systemClose(fd) }
    }

    /// The first write failure, if any.
    public var failure: String? { state.withLock { $0.failure } }

    /// ``failure``, for ``StepLogSink``: once set, the engine starts no cluster action.
    public var writeFailure: String? { failure }

    /// Appends one record and returns once it is written to the file (`write(2)`: it survives the
    /// process being killed), without waiting for the disk: ``sync()`` waits for that.
    public func write(_ record: StepLogRecord) async {
        guard var line = encode(record) else { return }
        line.append(0x0A)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enqueue(line, waiter: continuation)
        }
    }

    /// Appends one record without waiting at all (``sync()`` and ``close()`` wait).
    public func append(_ record: StepLogRecord) {
        guard var line = encode(record) else { return }
        line.append(0x0A)
        enqueue(line, waiter: nil)
    }

    /// Returns once every record appended so far is on disk (`fsync`), or writing it failed
    /// (``failure``). Calls that come while a sync runs share the next one (group commit).
    public func sync() async {
        // First everything before this call is written, then a sync that starts after that.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            enqueue([], waiter: continuation)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let start = state.withLock { s -> Bool? in
                guard !s.closed, s.failure == nil else { return nil }
                s.syncWaiters.append(continuation)
                if s.syncing { return false }
                s.syncing = true
                return true
            }
            switch start {
            case nil: continuation.resume()
            case true?: syncQueue.async { self.syncLoop() }
            case false?: break
            }
        }
    }

    private func encode(_ record: StepLogRecord) -> [UInt8]? {
        let runId = state.withLock { s -> String? in
            if s.runId == nil, case .runStarted(let r) = record { s.runId = r.runId }
            if s.runId == nil, case .runResumed(let r) = record { s.runId = r.runId }
            return s.runId
        }
        do {
            let line = try encoder.encode(JournalLine(runId: runId, record: record))
            if line.count <= Self.maxLineBytes { return Array(line) }
            return try Self.bounded(line, encoder: encoder)
        } catch {
            state.withLock { if $0.failure == nil { $0.failure = "cannot encode a record: \(error)" } }
            return nil
        }
    }

    /// A line over ``maxLineBytes`` with its long strings shortened (each says by how much), its
    /// long lists cut to their first items, and `"truncated": true`; at worst only its kind, run, position, outcome and a message.
    static func bounded(_ line: Data, encoder: JSONEncoder) throws -> [UInt8] {
        let value = try JSONDecoder().decode(JSONValue.self, from: line)
        for (textLimit, listLimit) in [(16 << 10, 1000), (1 << 10, 100), (256, 10)] {
            guard case .object(var fields) = shorten(value, text: textLimit, list: listLimit) else { break }
            fields["truncated"] = .bool(true)
            let shortened = try encoder.encode(JSONValue.object(fields))
            if shortened.count <= maxLineBytes { return Array(shortened) }
        }
        guard case .object(let fields) = value else { return [] }
        var kept = fields.filter { ["record", "runId", "position", "outcome", "location"].contains($0.key) }
        kept["truncated"] = .bool(true)
        kept["message"] = .string("the record was \(line.count) bytes, over the journal's line bound of 1 MiB")
        return Array(try encoder.encode(JSONValue.object(kept)))
    }

    private static func shorten(_ value: JSONValue, text: Int, list: Int) -> JSONValue {
        switch value {
        case .string(let s) where s.utf8.count > text:
            let head = String(decoding: s.utf8.prefix(text), as: UTF8.self)
            return .string(head + "… (\(s.utf8.count - text) more bytes)")
        case .array(let items) where items.count > list:
            // Only the first items: a marker among them would not decode as one.
            return .array(items.prefix(list).map { shorten($0, text: text, list: list) })
        case .array(let items): return .array(items.map { shorten($0, text: text, list: list) })
        case .object(let fields): return .object(fields.mapValues { shorten($0, text: text, list: list) })
        default: return value
        }
    }

    private func enqueue(_ line: [UInt8], waiter: CheckedContinuation<Void, Never>?) {
        enum Next { case write, wait, resume }
        let next = state.withLock { s -> Next in
            // After a failure nothing more is written: the file ends at its last whole line.
            guard !s.closed, s.failure == nil else { return .resume }
            s.bytes += line
            if let waiter { s.writeWaiters.append(waiter) }
            if s.writing { return .wait }
            s.writing = true
            return .write
        }
        switch next {
        case .write: queue.async { self.writeLoop() }
        case .wait: break
        case .resume: waiter?.resume()
        }
    }

    /// Runs on ``queue``: writes whatever is pending, batch after batch, then resumes the callers
    /// whose records the batch held.
    private func writeLoop() {
        while true {
            let (batch, waiters) = state.withLock { s -> ([UInt8], [CheckedContinuation<Void, Never>]) in
                let taken = (s.bytes, s.writeWaiters)
                s.bytes.removeAll(keepingCapacity: true)
                s.writeWaiters.removeAll(keepingCapacity: true)
                if taken.0.isEmpty { s.writing = false }
                return taken
            }
            if batch.isEmpty {
                for w in waiters { w.resume() }
                return
            }
            let (failed, goodSize) = state.withLock { ($0.failure != nil, $0.goodSize) }
            if !failed {
                if let error = writeAll(batch) {
                    // Cut a partly written batch off, so the file stays whole lines.
                    if syncable { _ = ftruncate(fd, off_t(goodSize)) }
                    state.withLock { if $0.failure == nil { $0.failure = error } }
                } else {
                    // Synced in the background as the run goes, whether or not anyone waits.
                    let startSync = state.withLock { s -> Bool in
                        s.goodSize += Int64(batch.count)
                        s.dirty = true
                        if s.syncing { return false }
                        s.syncing = true
                        return true
                    }
                    if startSync { syncQueue.async { self.syncLoop() } }
                }
            }
            for w in waiters { w.resume() }
        }
    }

    /// Runs on ``syncQueue``: syncs the file for the callers of ``sync()`` waiting, again while
    /// more come.
    private func syncLoop() {
        while true {
            let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>]? in
                let taken = s.syncWaiters
                guard !taken.isEmpty || s.dirty, !s.closed else {
                    s.syncing = false
                    return nil
                }
                s.syncWaiters.removeAll()
                s.dirty = false
                return taken
            }
            guard let waiters else { return }
            if syncable, fsync(fd) != 0 {
                let error = "cannot sync \(path): \(String(cString: strerror(errno)))"
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
        return nil
    }

    /// Waits for every record appended so far to be on disk, then closes the file.
    public func close() async {
        await sync()
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            queue.async {
                self.syncQueue.sync {
                    let first = self.state.withLock { s -> Bool in
                        defer { s.closed = true }
                        return !s.closed
                    }
                    if first { _ = systemClose(self.fd) }
                }
                continuation.resume()
            }
        }
    }

    /// The default journal path for a runbook file: `runbook-logs/<stem>-<UTC time>.jsonl`, the
    /// time to the millisecond (`drill-20261127T033000.123Z.jsonl`); open it with
    /// ``creatingUnique(path:)`` so that runs in the same millisecond get their own.
    public static func defaultPath(for file: String, at date: Date, folder: String = "runbook-logs") -> String {
        let name = (file as NSString).lastPathComponent
        var stem = (name as NSString).deletingPathExtension
        if stem.isEmpty || file == "-" { stem = "runbook" }
        let t = OCPTimestamp(date: date, utcOffsetSeconds: 0).description
        // 2026-11-27T03:30:00.123+00:00 -> 20261127T033000.123Z
        let digits = t.prefix(23).filter { $0 != "-" && $0 != ":" }
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
    /// The journal's path, as given.
    public var path: String
    /// Why it could not be opened, in words.
    public var reason: String
    /// The file exists and a new one was asked for.
    public var exists = false
    /// `cannot open the step log PATH: REASON`.
    public var description: String { "cannot open the step log \(path): \(reason)" }
}

/// One line of a journal: the run it belongs to, and the record.
public struct JournalLine: Sendable, Hashable, Codable {
    /// The run's identifier (nil only in journals written before runs had one).
    public var runId: String?
    /// The record; its fields sit beside `runId` in the line's object.
    public var record: StepLogRecord

    /// The line of `record`, for run `runId`.
    public init(runId: String?, record: StepLogRecord) {
        self.runId = runId
        self.record = record
    }

    private enum Keys: String, CodingKey { case runId }

    /// Reads `runId` (when present) and the record from the same object; throws as
    /// ``StepLogRecord/init(from:)`` does.
    public init(from decoder: any Decoder) throws {
        runId = try decoder.container(keyedBy: Keys.self).decodeIfPresent(String.self, forKey: .runId)
        record = try StepLogRecord(from: decoder)
    }

    /// Writes the record's fields, with `runId` beside them when known.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeIfPresent(runId, forKey: .runId)
        try record.encode(to: encoder)
    }
}
