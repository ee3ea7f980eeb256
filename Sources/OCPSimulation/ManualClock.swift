import OCPModel
import RunbookSupport
import Synchronization

/// A clock that moves only when told to, for tests: sleepers stay suspended until ``advance(by:)`` or
/// ``advance(to:)`` moves time to or past their deadline. Copies share one timeline.
public struct ManualClock: Clock, Sendable {
    /// The clock's instants: offsets from the start of the simulation.
    public typealias Instant = SimulationInstant
    /// Durations are Swift's.
    public typealias Duration = Swift.Duration

    private struct Sleeper {
        var deadline: SimulationInstant
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var now = SimulationInstant.zero
        var nextId = 0
        var sleepers: [Int: Sleeper] = [:]
        /// Sleepers cancelled before they were registered.
        var cancelledEarly: Set<Int> = []
        /// Callers of ``ManualClock/sleepers(_:)`` waiting for that many sleepers.
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// The watchers whose count of sleepers has come, removed.
        mutating func dueWatchers() -> [CheckedContinuation<Void, Never>] {
            let due = watchers.filter { sleepers.count >= $0.count }.map(\.continuation)
            watchers.removeAll { sleepers.count >= $0.count }
            return due
        }
    }

    private final class Storage: Sendable {
        let state = Mutex(State())
    }

    private let storage = Storage()

    /// A clock at ``SimulationInstant/zero``.
    public init() {}

    /// A clock already `offset` past the start.
    public init(at offset: Duration) {
        storage.state.withLock { $0.now = SimulationInstant(offset: offset) }
    }

    /// The present: where ``advance(by:)`` and ``advance(to:)`` last moved time (zero, or the
    /// offset given at init, before either).
    public var now: SimulationInstant { storage.state.withLock { $0.now } }

    /// Zero: a deadline is met exactly, never rounded.
    public var minimumResolution: Duration { .zero }

    /// How many sleepers are waiting.
    public var sleeperCount: Int { storage.state.withLock { $0.sleepers.count } }

    /// Returns once at least `count` sleepers are waiting: a test starts sleepers, waits for them,
    /// then moves time, with no polling.
    public func sleepers(_ count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = storage.state.withLock { s in
                if s.sleepers.count >= count { return true }
                s.watchers.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// The earliest deadline of a waiting sleeper.
    public var nextDeadline: SimulationInstant? { storage.state.withLock { $0.sleepers.values.map(\.deadline).min() } }

    /// Moves time forward by `duration` and wakes every sleeper whose deadline has come, earliest first.
    public func advance(by duration: Duration) {
        advance(to: now.advanced(by: duration))
    }

    /// Moves time to `instant` (never backwards) and wakes every sleeper whose deadline has come.
    public func advance(to instant: SimulationInstant) {
        let woken: [Sleeper] = storage.state.withLock { s in
            if instant > s.now { s.now = instant }
            let due = s.sleepers.filter { $0.value.deadline <= s.now }
            for key in due.keys { s.sleepers[key] = nil }
            return due.values.sorted { $0.deadline < $1.deadline }
        }
        for sleeper in woken { sleeper.continuation.resume() }
    }

    /// Suspends until time is moved to or past `deadline` (returns at once when it already is);
    /// `tolerance` is ignored. Throws `CancellationError` when the task is cancelled, before or
    /// during the sleep.
    public func sleep(until deadline: SimulationInstant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = storage.state.withLock { s in
            s.nextId += 1
            return s.nextId
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case wait, resume, cancel }
                let (action, watchers): (Action, [CheckedContinuation<Void, Never>]) = storage.state.withLock { s in
                    if s.cancelledEarly.remove(id) != nil { return (.cancel, []) }
                    if deadline <= s.now { return (.resume, []) }
                    s.sleepers[id] = Sleeper(deadline: deadline, continuation: continuation)
                    return (.wait, s.dueWatchers())
                }
                for watcher in watchers { watcher.resume() }
                switch action {
                case .wait: break
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            let sleeper: Sleeper? = storage.state.withLock { s in
                if let found = s.sleepers.removeValue(forKey: id) { return found }
                s.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }
}
