import OCPModel
import RunbookSupport
import Synchronization

/// A point in simulated time: how long after the start of the simulation.
public struct SimulationInstant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The time since the simulation started.
    public var offset: Duration

    /// The instant `offset` after the start of the simulation.
    public init(offset: Duration) {
        self.offset = offset
    }

    /// The start of the simulation.
    public static let zero = SimulationInstant(offset: .zero)

    /// The instant `duration` later (earlier when negative).
    public func advanced(by duration: Duration) -> SimulationInstant {
        SimulationInstant(offset: offset + duration)
    }

    /// The time from this instant to `other`: negative when `other` is earlier.
    public func duration(to other: SimulationInstant) -> Duration {
        other.offset - offset
    }

    /// Orders by offset: the earlier instant first.
    public static func < (lhs: SimulationInstant, rhs: SimulationInstant) -> Bool {
        lhs.offset < rhs.offset
    }

    /// `T+1m30s`.
    public var description: String { "T+" + DurationText.format(offset) }
}

/// The clock of an embedded simulation, built from a ``SimulationSpeed``.
///
/// - `.instant`: virtual time that never waits on the wall clock, moved deterministically. The
///   clock counts *participants*: tasks that take part in the simulation and are running (not
///   asleep on this clock). A sleeper gives up its place while it sleeps; when no participant is
///   running, time jumps to the earliest deadline and the sleepers due then wake up, taking their
///   places back. So one runbook's 30-minute await takes microseconds, and a thousand concurrent
///   drills polling every second see time advance a second at a time, as on a real clock.
///
///   A task becomes a participant with ``beginBusy()`` and leaves with ``endBusy()``. Concurrent
///   branches take their places before they are spawned (one ``beginBusy()`` each, from the
///   parent), so time cannot move before they run; a parent that waits for its branches gives up
///   its own place while it waits (``endBusy()``) and inherits a finished branch's place when it
///   resumes. A task that sleeps without having begun counts as one participant for the length
///   of its sleep, so a lone sleeper moves time at once.
/// - `.factor(f)`: simulated time runs `f` times as fast as the wall clock (`f == 1` is real time).
///   A sleep of `d` simulated time waits `d / f` of wall-clock time. Participants do not matter.
///
/// Copies share one timeline. Sleeps honour task cancellation (they throw `CancellationError`).
public struct SimulationClock: Clock, Sendable {
    /// The clock's instants: offsets from the start of the simulation.
    public typealias Instant = SimulationInstant
    /// Durations are Swift's.
    public typealias Duration = Swift.Duration

    /// The pace this clock was built with.
    public let speed: SimulationSpeed
    private let storage: Storage

    private final class Storage: Sendable {
        /// Instant mode: virtual time and the sleepers waiting on it.
        let virtual = Mutex(VirtualTime())
        /// Factor mode: simulated time runs from this anchor, unless it is held.
        let factorTime: Mutex<FactorTime>

        init(wallStart: ContinuousClock.Instant) {
            factorTime = Mutex(FactorTime(wallAnchor: wallStart, simulatedAnchor: .zero, held: 0))
        }
    }

    /// Factor mode's timeline: simulated time is `simulatedAnchor` plus the wall time since
    /// `wallAnchor` times the factor, or stands at `simulatedAnchor` while held.
    struct FactorTime: Sendable {
        var wallAnchor: ContinuousClock.Instant
        var simulatedAnchor: Duration
        /// How many holds are in force (``SimulationClock/hold()``).
        var held: Int

        func now(_ factor: Double) -> Duration {
            guard held == 0 else { return simulatedAnchor }
            return simulatedAnchor + SimulationClock.scale(wallAnchor.duration(to: ContinuousClock.now), by: factor)
        }
    }

    /// Instant mode's timeline: the present, the sleepers waiting on it and the participants running.
    struct VirtualTime: Sendable {
        struct Sleeper: Sendable {
            var deadline: Duration
            var continuation: CheckedContinuation<Void, any Error>
        }

        var now: Duration = .zero
        var nextId = 0
        var sleepers: [Int: Sleeper] = [:]
        /// Sleeper ids by deadline, earliest first (ids already gone are skipped).
        var queue = EventQueue<Int>()
        /// Sleepers cancelled before they were registered.
        var cancelledEarly: Set<Int> = []
        /// Participants running (not asleep on this clock).
        var running = 0
        /// Callers of ``SimulationClock/sleepers(_:)`` waiting for that many sleepers.
        var watchers: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        /// The watchers whose count of sleepers has come, removed.
        mutating func dueWatchers() -> [CheckedContinuation<Void, Never>] {
            let due = watchers.filter { sleepers.count >= $0.count }.map(\.continuation)
            watchers.removeAll { sleepers.count >= $0.count }
            return due
        }

        /// When no participant runs, moves time to the earliest deadline and returns the sleepers
        /// due then, counting them as running again.
        mutating func advanceIfIdle() -> [Sleeper] {
            guard running <= 0 else { return [] }
            while let (_, id) = queue.pop(notAfter: .seconds(Int64.max / 4)) {
                guard let first = sleepers.removeValue(forKey: id) else { continue }
                if first.deadline > now { now = first.deadline }
                var due = [first]
                while let next = queue.nextTime, next <= now, let (_, other) = queue.pop(notAfter: now) {
                    if let s = sleepers.removeValue(forKey: other) { due.append(s) }
                }
                running += due.count
                return due
            }
            return []
        }
    }

    /// A clock for `speed`, starting at ``SimulationInstant/zero`` now.
    public init(speed: SimulationSpeed = .instant) {
        // A zero, negative or non-finite factor would stop time or run it backwards: treat it as real time.
        if case .factor(let f) = speed, !(f.isFinite && f > 0) {
            self.speed = .realtime
        } else {
            self.speed = speed
        }
        storage = Storage(wallStart: ContinuousClock.now)
    }

    /// The present simulated time: at `instant`, where virtual time stands; at a factor, the wall
    /// time since the clock was made, times the factor (standing still while held).
    public var now: SimulationInstant {
        switch speed {
        case .instant:
            return SimulationInstant(offset: storage.virtual.withLock { $0.now })
        case .factor(let f):
            return SimulationInstant(offset: storage.factorTime.withLock { $0.now(f) })
        }
    }

    /// One millisecond.
    public var minimumResolution: Duration { .milliseconds(1) }

    /// Suspends until simulated time reaches `deadline` (returns at once when it has); `tolerance`
    /// is ignored. At `instant`, the caller gives up its place as a participant while it sleeps,
    /// and time moves as soon as no participant runs; at a factor, it waits the wall-clock time the
    /// rest takes, again if time was held meanwhile. Throws `CancellationError` when the task is
    /// cancelled.
    public func sleep(until deadline: SimulationInstant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        switch speed {
        case .instant:
            try await sleepVirtually(until: deadline.offset)
        case .factor(let f):
            // Time may be held, or moved on, while this sleeps: sleep again until it is there.
            while true {
                let remaining = now.duration(to: deadline)
                guard remaining > .zero else { return }
                try await Task.sleep(for: max(Self.wallTime(forSimulated: remaining, factor: f), .milliseconds(1)))
            }
        }
    }

    /// Holds simulated time while a person answers (a `confirm`): at a factor, it stands still
    /// until ``release(advancing:)``; at `instant` it stands still anyway while the caller runs.
    public func hold() {
        guard case .factor(let f) = speed else { return }
        storage.factorTime.withLock { t in
            if t.held == 0 {
                t.simulatedAnchor = t.now(f)
                t.wallAnchor = .now
            }
            t.held += 1
        }
    }

    /// Ends a ``hold()``, moving simulated time on by `duration`: the time the person took, one
    /// second for one second, not multiplied by the factor. At `instant` it does nothing: time
    /// there moves only to the next sleeper's deadline, and stands still while the caller runs.
    public func release(advancing duration: Duration) {
        guard case .factor = speed else { return }
        storage.factorTime.withLock { t in
            t.held = max(0, t.held - 1)
            t.simulatedAnchor += max(.zero, duration)
            if t.held == 0 { t.wallAnchor = .now }
        }
    }

    /// Instant mode: gives up this participant's place and suspends until virtual time reaches
    /// `deadline`; time moves as soon as no participant is running.
    private func sleepVirtually(until deadline: Duration) async throws {
        let storage = self.storage
        let id: Int? = storage.virtual.withLock { v in
            guard deadline > v.now else { return nil }
            v.nextId += 1
            return v.nextId
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case wait, cancel }
                let (action, due, watchers): (Action, [VirtualTime.Sleeper], [CheckedContinuation<Void, Never>]) =
                    storage.virtual.withLock { v in
                        if v.cancelledEarly.remove(id) != nil { return (.cancel, [], []) }
                        v.sleepers[id] = VirtualTime.Sleeper(deadline: deadline, continuation: continuation)
                        v.queue.push(id, at: deadline)
                        v.running -= 1
                        let watchers = v.dueWatchers()
                        return (.wait, v.advanceIfIdle(), watchers)
                    }
                for watcher in watchers { watcher.resume() }
                if action == .cancel { continuation.resume(throwing: CancellationError()) }
                for sleeper in due { sleeper.continuation.resume() }
            }
        } onCancel: {
            let sleeper: VirtualTime.Sleeper? = storage.virtual.withLock { v in
                if let found = v.sleepers.removeValue(forKey: id) {
                    v.running += 1
                    return found
                }
                v.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// In `.instant` mode, returns once at least `count` sleepers are waiting on this clock (a test
    /// starts a sleeper, waits for it, then acts on it, with no polling); at a factor, at once.
    public func sleepers(_ count: Int) async {
        guard case .instant = speed else { return }
        let storage = self.storage
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now: Bool = storage.virtual.withLock { v in
                if v.sleepers.count >= count { return true }
                v.watchers.append((count, continuation))
                return false
            }
            if now { continuation.resume() }
        }
    }

    /// Runs `body` as a participant: in `.instant` mode time does not move while it runs. The
    /// embedded simulator wraps each call in it, so time holds while calls are in flight.
    public func whileBusy<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        beginBusy()
        defer { endBusy() }
        return try await body()
    }

    /// Counts one more participant running (see the type's documentation). Pair it with
    /// ``endBusy()``. A parent calls it once per branch before spawning concurrent branches.
    public func beginBusy() {
        if case .instant = speed { storage.virtual.withLock { $0.running += 1 } }
    }

    /// Counts one participant fewer: it finished, or it waits on something other than this clock
    /// (such as its branches). If none is left running, time moves to the next deadline.
    public func endBusy() {
        guard case .instant = speed else { return }
        let due = storage.virtual.withLock { v in
            v.running -= 1
            return v.advanceIfIdle()
        }
        for sleeper in due { sleeper.continuation.resume() }
    }

    /// The wall-clock time a simulated `duration` takes at speed `factor`.
    static func wallTime(forSimulated duration: Duration, factor: Double) -> Duration {
        scale(duration, by: 1 / factor)
    }

    /// `duration * factor`, computed in milliseconds-and-below precision without overflow for sane inputs.
    static func scale(_ duration: Duration, by factor: Double) -> Duration {
        let (seconds, attoseconds) = duration.components
        let total = (Double(seconds) + Double(attoseconds) / 1e18) * factor
        guard total.isFinite else { return .seconds(Int64.max / 2) }
        let whole = total.rounded(.towardZero)
        guard abs(whole) < 9e18 else { return .seconds(Int64(whole > 0 ? Int64.max / 2 : Int64.min / 2)) }
        return .seconds(Int64(whole)) + .nanoseconds(Int64(((total - whole) * 1e9).rounded()))
    }
}
