import Dispatch
import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes lines to a file descriptor (standard output) from a thread of its own, so that the
/// output can never hold up or end the work that produces them: `runbook serve`'s request log,
/// and `runbook run`'s progress (a drill goes on when its terminal is slow, gone or closed).
///
/// ``write(_:)`` only appends the line to an in-memory buffer of at most ``capacity`` bytes and
/// returns; the thread writes the buffer out. When the output does not keep up (a pipe nobody
/// reads, a stopped terminal) and the buffer is full, lines are dropped and counted, and
/// ``notice`` is told once. When the output is closed (`EPIPE`) or fails, the thread stops writing,
/// says so once, and the lines after are counted as not written. Creating a writer ignores
/// `SIGPIPE` for the process, so that writing to a closed pipe fails with `EPIPE` instead of
/// killing it. ``finish(within:)`` writes what is left, waiting at most the time given, and reports
/// what was lost.
public final class OutputWriter: Sendable {
    /// What became of the lines given to the writer.
    public struct Report: Sendable, Hashable {
        /// Lines written out in full.
        public var written = 0
        /// Lines dropped because the buffer was full.
        public var dropped = 0
        /// Lines not written because the output failed, or still waiting when ``finish(within:)`` gave up.
        public var unwritten = 0
        /// Why the output stopped being written (`its output was closed`), if it did.
        public var failure: String?
        /// What the lines are, for ``summary`` (`request-log line`), and more than one of them.
        public var noun = "line"
        /// The plural of ``noun`` (`request-log lines`), used in ``summary`` when more than one
        /// line was lost.
        public var nouns = "lines"

        /// One sentence for standard error when lines were lost, nil when none were.
        public var summary: String? {
            var parts: [String] = []
            if dropped > 0 {
                parts.append("\(dropped) \(dropped == 1 ? noun + " was" : nouns + " were") dropped (the output did not keep up)")
            }
            if unwritten > 0 {
                let reason = failure ?? "the output was still not accepting them at exit"
                parts.append("\(unwritten) \(unwritten == 1 ? noun + " was" : nouns + " were") not written (\(reason))")
            }
            return parts.isEmpty ? nil : parts.joined(separator: "; ")
        }
    }

    private struct State {
        /// Lines waiting for the thread.
        var pending: [UInt8] = []
        var pendingLines = 0
        /// Lines the thread is writing now.
        var inFlightLines = 0
        var report = Report()
        var finishing = false
        var finished = false
        var toldDropping = false
    }

    /// The most bytes of lines kept waiting; past it, lines are dropped.
    public let capacity: Int
    /// The default ``capacity``: 1 MiB, some eight thousand lines.
    public static let defaultCapacity = 1 << 20

    private let descriptor: Int32
    /// What the notices call the output (`runbook serve: the request log`).
    private let name: String
    private let notice: @Sendable (String) -> Void
    private let state = Mutex(State())
    /// Signalled when lines arrive in an empty buffer, and to finish.
    private let wake = DispatchSemaphore(value: 0)
    /// Signalled by the thread once it has written everything and finished.
    private let done = DispatchSemaphore(value: 0)

    /// - Parameters:
    ///   - descriptor: where lines go (`STDOUT_FILENO`); the writer does not close it.
    ///   - name: what the notices call the output (`runbook serve: the request log`).
    ///   - noun: what one line is, for the report (`request-log line`).
    ///   - capacity: the most bytes kept waiting (at least one line's worth is always accepted).
    ///   - notice: told, once each, that lines are being dropped and that the output stopped
    ///     (written to standard error by default). Called from the thread that noticed.
    public init(
        descriptor: Int32, name: String = "runbook: standard output", noun: String = "line", nouns: String? = nil,
        capacity: Int = OutputWriter.defaultCapacity,
        notice: @escaping @Sendable (String) -> Void = OutputWriter.standardErrorNotice
    ) {
        signal(SIGPIPE, SIG_IGN)
        self.descriptor = descriptor
        self.name = name
        self.capacity = max(1, capacity)
        self.notice = notice
        state.withLock {
            $0.report.noun = noun
            $0.report.nouns = nouns ?? noun + "s"
        }
        let thread = Thread { [self] in self.run() }
        thread.name = name
        thread.start()
    }

    /// Writes `message` and a newline to standard error, ignoring failures (it may be closed too).
    public static let standardErrorNotice: @Sendable (String) -> Void = { message in
        _ = writeFully(STDERR_FILENO, Array((message + "\n").utf8))
    }

    /// Queues `line` (a newline is added) and returns at once: never blocks on the output.
    public func write(_ line: String) {
        write(text: line + "\n")
    }

    /// Queues `text` as it is (a terminal's redraws end without a newline) and returns at once.
    public func write(text: String) {
        let bytes = Array(text.utf8)
        enum Action { case none, wake, toldDropping }
        let action: Action = state.withLock { s in
            if s.finished || s.report.failure != nil {
                s.report.unwritten += 1
                return .none
            }
            if !s.pending.isEmpty && s.pending.count + bytes.count > capacity {
                s.report.dropped += 1
                if s.toldDropping { return .none }
                s.toldDropping = true
                return .toldDropping
            }
            let wasEmpty = s.pending.isEmpty
            s.pending += bytes
            s.pendingLines += 1
            return wasEmpty ? .wake : .none
        }
        switch action {
        case .none: break
        case .wake: wake.signal()
        case .toldDropping:
            notice("\(name) is dropping lines: it is not being read fast enough (the count is given at exit)")
        }
    }

    /// Lets the thread write what is waiting, for at most `timeout`, stops it, and reports. Lines
    /// given afterwards are counted as not written.
    public func finish(within timeout: Duration) -> Report {
        let already: Report? = state.withLock { s in
            if s.finishing { return s.report }
            s.finishing = true
            return nil
        }
        if let already { return already }
        wake.signal()
        let milliseconds = Int(min(max(timeout.secondsDouble, 0), 3600) * 1000)
        let completed = done.wait(timeout: .now() + .milliseconds(milliseconds)) == .success
        return state.withLock { s in
            if !completed {
                s.report.unwritten += s.pendingLines + s.inFlightLines
                s.pending = []
                s.pendingLines = 0
                s.inFlightLines = 0
            }
            s.finished = true
            return s.report
        }
    }

    /// What became of the lines so far.
    public var report: Report { state.withLock { $0.report } }

    // MARK: - The thread

    private func run() {
        while true {
            wake.wait()
            while true {
                let (batch, lines, finishing): ([UInt8], Int, Bool) = state.withLock { s in
                    let taken = (s.pending, s.pendingLines, s.finishing)
                    s.pending = []
                    s.inFlightLines = s.pendingLines
                    s.pendingLines = 0
                    return taken
                }
                if batch.isEmpty {
                    if finishing {
                        done.signal()
                        return
                    }
                    break
                }
                let failure = Self.writeFully(descriptor, batch)
                let told: String? = state.withLock { s in
                    s.inFlightLines = 0
                    if s.finished {
                        // finish(within:) gave up on these lines and counted them.
                        return nil
                    }
                    guard let failure else {
                        s.report.written += lines
                        return nil
                    }
                    s.report.unwritten += lines + s.pendingLines
                    s.pending = []
                    s.pendingLines = 0
                    s.report.failure = failure
                    return failure
                }
                if let told {
                    // Nothing more is written; the thread only waits to be finished.
                    notice("\(name) is no longer written: \(told)")
                }
            }
        }
    }

    /// Writes all of `bytes`, retrying after interruptions and short writes; the reason it could
    /// not, or nil.
    public static func writeFully(_ descriptor: Int32, _ bytes: [UInt8]) -> String? {
        var offset = 0
        while offset < bytes.count {
            let result = bytes.withUnsafeBytes { buffer -> Int in
                guard let base = buffer.baseAddress else { return 0 }
                return systemWrite(descriptor, base + offset, buffer.count - offset)
            }
            if result > 0 {
                offset += result
                continue
            }
            let code = result == 0 ? EAGAIN : errno
            switch code {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                // A non-blocking output that is full: wait until it can take more.
                var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
                _ = poll(&poller, 1, -1)
            case EPIPE:
                return "it was closed"
            default:
                return "writing it failed: \(String(cString: strerror(code)))"
            }
        }
        return nil
    }
}

/// `write(2)`.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.write(descriptor, bytes, count)
    #else
    Darwin.write(descriptor, bytes, count)
    #endif
}

/// The process's standard streams, written so that a closed, full or vanished stream (`| head`, a
/// dropped SSH session) never ends or holds up the process: failures are ignored.
public enum Console {
    /// Standard output for a long run's progress, written from a thread of its own (``OutputWriter``):
    /// a slow or unread output drops lines past 4 MiB rather than blocking the run. Created on first
    /// use; from then on `SIGPIPE` is ignored. ``finish(within:)`` before exiting.
    public static let output = OutputWriter(
        descriptor: STDOUT_FILENO, name: "runbook: standard output", noun: "line of output", nouns: "lines of output",
        capacity: 4 << 20)

    /// Writes `text` to standard output at once (a one-shot command's answer); a failure is ignored.
    public static func print(_ text: String) {
        _ = OutputWriter.writeFully(STDOUT_FILENO, Array(text.utf8))
    }

    /// Writes `text` to standard error at once; a failure is ignored.
    public static func printError(_ text: String) {
        _ = OutputWriter.writeFully(STDERR_FILENO, Array(text.utf8))
    }
}
