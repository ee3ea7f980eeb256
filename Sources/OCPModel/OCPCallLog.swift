import RunbookSupport
import Synchronization

/// What one OCP call did, for the step log: method, path, HTTP status, traceId, duration.
public struct OCPCallRecord: Sendable, Hashable, Codable {
    /// The HTTP method of the call (`GET`, `POST`).
    public var method: String
    /// The path with its query, as called: `/api/v2/tasks/instances/171603`.
    public var path: String
    /// The HTTP status of the answer (nil when none came).
    public var status: Int?
    /// OCP's `traceId` of the answer (16 hex characters); nil when no answer came or it had none.
    public var traceId: String?
    /// OCP's error code, when the call failed.
    public var errorCode: String?
    /// Wall-clock milliseconds the call took.
    public var durationMs: Double
    /// 1 for the first attempt; more when the client retried a read.
    public var attempt: Int
    /// What the client concluded, when it had to: a retry's reason, or what it found after an
    /// ambiguous failure of a call that changes state.
    public var note: String?

    /// A record of one attempt of a call; see each property for its meaning.
    public init(
        method: String, path: String, status: Int?, traceId: String?, errorCode: String? = nil, durationMs: Double,
        attempt: Int = 1, note: String? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.traceId = traceId
        self.errorCode = errorCode
        self.durationMs = durationMs
        self.attempt = attempt
        self.note = note
    }

    /// A record that only says what the client concluded, for no call of its own (a resumed run's
    /// word on a call an earlier run sent): no status, no traceId, no time, a note. Not a call OCP
    /// saw, so not counted as one.
    public var isNoteOnly: Bool { status == nil && traceId == nil && durationMs == 0 && note != nil }

    /// Between two notes on one record (the attempt's own, then what the client concluded).
    public static let noteSeparator = "; then "

    /// The record's notes, in the order they were added.
    public var notes: [String] { note?.components(separatedBy: Self.noteSeparator) ?? [] }
}

/// Collects the OCP calls made while it is bound as ``OCPCallLog/current``.
///
/// Every ``OCPClient`` implementation reports each call it makes (each attempt) with
/// `OCPCallLog.current?.record(...)`; the interpreter binds a fresh log around each step.
public final class OCPCallLog: Sendable {
    /// The log the calls of the current task are recorded to, bound with
    /// `OCPCallLog.$current.withValue`; nil (the default) records nothing.
    @TaskLocal public static var current: OCPCallLog?

    /// The attempt a client that sends calls again is making (1 for the first), for the records
    /// of clients that do not count attempts themselves (the simulator behind a retrying wrapper).
    @TaskLocal public static var attempt: Int = 1

    private let records = Mutex<[OCPCallRecord]>([])
    private let observer: (@Sendable (OCPCallRecord) -> Void)?

    /// - Parameter observer: told of each call as it is recorded (to show calls as they happen).
    public init(observer: (@Sendable (OCPCallRecord) -> Void)? = nil) {
        self.observer = observer
    }

    /// Appends `record` to the calls and tells the observer, if there is one.
    public func record(_ record: OCPCallRecord) {
        records.withLock { $0.append(record) }
        observer?(record)
    }

    /// Adds `note` to the record of the call's attempt (the last one recorded with this method,
    /// path and attempt number), so that the conclusion stays with the call it is about; without
    /// one, records the note on its own. The observer is told the note as a record of its own.
    public func annotate(method: String, path: String, attempt: Int, note: String) {
        let noteOnly = OCPCallRecord(
            method: method, path: path, status: nil, traceId: nil, durationMs: 0, attempt: attempt, note: note)
        records.withLock { r in
            if let i = r.lastIndex(where: { $0.method == method && $0.path == path && $0.attempt == attempt && !$0.isNoteOnly }) {
                r[i].note = r[i].note.map { $0 + OCPCallRecord.noteSeparator + note } ?? note
            } else {
                r.append(noteOnly)
            }
        }
        observer?(noteOnly)
    }

    /// The calls recorded so far, in order.
    public var calls: [OCPCallRecord] { records.withLock { $0 } }

    /// Returns the calls recorded so far and forgets them.
    public func drain() -> [OCPCallRecord] {
        records.withLock { r in
            defer { r.removeAll() }
            return r
        }
    }
}
