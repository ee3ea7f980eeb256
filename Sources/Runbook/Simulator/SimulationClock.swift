import Synchronization

/// A point in simulated time: how long after the start of the simulation.
public struct SimulationInstant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The time since the simulation started.
    public var offset: Duration

    public init(offset: Duration) {
        self.offset = offset
    }

    /// The start of the simulation.
    public static let zero = SimulationInstant(offset: .zero)

    public func advanced(by duration: Duration) -> SimulationInstant {
        SimulationInstant(offset: offset + duration)
    }

    public func duration(to other: SimulationInstant) -> Duration {
        other.offset - offset
    }

    public static func < (lhs: SimulationInstant, rhs: SimulationInstant) -> Bool {
        lhs.offset < rhs.offset
    }

    /// `T+1m30s`.
    public var description: String { "T+" + DurationText.format(offset) }
}

/// The clock of an embedded simulation, built from a ``SimulationSpeed``.
///
/// - `.instant`: virtual time that never waits on the wall clock. A sleeper suspends; once the tasks
///   ready to run have run (a few scheduler rounds with no new sleeper, no simulator call in flight
///   and no woken sleeper still to run), a low-priority driver moves time to the earliest deadline
///   and wakes the sleepers due. One runbook's 30-minute await takes microseconds, and a thousand
///   concurrent drills polling every second see time advance a second at a time, as on a real
///   clock. Work the clock cannot see (a task not yet started, real I/O) does not hold time back:
///   use ``beginBusy()`` / ``endBusy()`` or ``whileBusy(_:)`` for that.
/// - `.factor(f)`: simulated time runs `f` times as fast as the wall clock (`f == 1` is real time).
///   A sleep of `d` simulated time waits `d / f` of wall-clock time.
///
/// Copies share one timeline. Sleeps honour task cancellation (they throw `CancellationError`).
public struct SimulationClock: Clock, Sendable {
    public typealias Instant = SimulationInstant
    public typealias Duration = Swift.Duration

    /// The pace this clock was built with.
    public let speed: SimulationSpeed
    private let storage: Storage

    private final class Storage: Sendable {
        /// Instant mode: virtual time and the sleepers waiting on it.
        let virtual = Mutex(VirtualTime())
        /// Factor mode: the wall-clock instant the simulation started.
        let wallStart: ContinuousClock.Instant

        init(wallStart: ContinuousClock.Instant) {
            self.wallStart = wallStart
        }
    }

    /// Instant mode's timeline: the present, the sleepers waiting on it and the work it waits for.
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
        /// Bumped whenever a sleeper registers, work ends or time moves: the driver moves time only
        /// after it has seen the same value for ``quietRounds`` scheduler rounds.
        var generation = 0
        /// Work in flight that time must wait for (simulator calls queued or running).
        var busy = 0
        /// Whether a driver task is running.
        var driving = false
        /// Sleepers woken by the driver that have not run yet: time waits for them.
        var woken: Set<Int> = []

        /// Moves time to the earliest deadline and removes the sleepers due then.
        mutating func advance() -> [Sleeper] {
            while let (_, id) = queue.pop(notAfter: .seconds(Int64.max / 4)) {
                guard let first = sleepers[id] else { continue }
                if first.deadline > now { now = first.deadline }
                var due = [first]
                sleepers[id] = nil
                woken.insert(id)
                while let next = queue.nextTime, next <= now, let (_, other) = queue.pop(notAfter: now) {
                    if let s = sleepers.removeValue(forKey: other) {
                        due.append(s)
                        woken.insert(other)
                    }
                }
                generation += 1
                return due
            }
            return []
        }
    }

    /// Scheduler rounds without new sleepers or finished work before virtual time moves.
    static let quietRounds = 4

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

    public var now: SimulationInstant {
        switch speed {
        case .instant:
            return SimulationInstant(offset: storage.virtual.withLock { $0.now })
        case .factor(let f):
            let wall = storage.wallStart.duration(to: ContinuousClock.now)
            return SimulationInstant(offset: Self.scale(wall, by: f))
        }
    }

    public var minimumResolution: Duration { .milliseconds(1) }

    public func sleep(until deadline: SimulationInstant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        switch speed {
        case .instant:
            try await sleepVirtually(until: deadline.offset)
        case .factor(let f):
            let remaining = now.duration(to: deadline)
            guard remaining > .zero else { return }
            try await Task.sleep(for: Self.wallTime(forSimulated: remaining, factor: f))
        }
    }

    /// Instant mode: suspends until virtual time reaches `deadline`. A driver task moves time to the
    /// earliest deadline once the scheduler has been quiet (no new sleeper, no work in flight) for
    /// ``quietRounds`` rounds, and wakes the sleepers due.
    private func sleepVirtually(until deadline: Duration) async throws {
        let storage = self.storage
        let id: Int? = storage.virtual.withLock { v in
            guard deadline > v.now else { return nil }
            v.nextId += 1
            return v.nextId
        }
        guard let id else {
            await Task.yield()
            return
        }
        defer {
            // This task runs again: time may move once it sleeps again or its work ends.
            storage.virtual.withLock { v in
                if v.woken.remove(id) != nil { v.generation += 1 }
            }
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Action { case wait, resume, cancel, drive }
                let action: Action = storage.virtual.withLock { v in
                    if v.cancelledEarly.remove(id) != nil { return .cancel }
                    if deadline <= v.now { return .resume }
                    v.sleepers[id] = VirtualTime.Sleeper(deadline: deadline, continuation: continuation)
                    v.queue.push(id, at: deadline)
                    v.generation += 1
                    if v.driving { return .wait }
                    v.driving = true
                    return .drive
                }
                switch action {
                case .wait: break
                case .resume: continuation.resume()
                case .cancel: continuation.resume(throwing: CancellationError())
                case .drive:
                    // Low priority: the driver runs after the tasks that are ready to run, so it sees them
                    // reach their next sleep (or call) before it moves time.
                    Task.detached(priority: .low) { await Self.drive(storage) }
                }
            }
        } onCancel: {
            let sleeper: VirtualTime.Sleeper? = storage.virtual.withLock { v in
                if let found = v.sleepers.removeValue(forKey: id) { return found }
                v.cancelledEarly.insert(id)
                return nil
            }
            sleeper?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Moves virtual time while anyone sleeps; ends when no sleeper is left.
    private static func drive(_ storage: Storage) async {
        var seen = -1
        var quiet = 0
        while true {
            await Task.yield()
            enum Step { case wait, stop, wake([VirtualTime.Sleeper]) }
            let step: Step = storage.virtual.withLock { v in
                if v.sleepers.isEmpty {
                    v.driving = false
                    return .stop
                }
                if v.busy > 0 || !v.woken.isEmpty || v.generation != seen {
                    seen = v.generation
                    quiet = 0
                    return .wait
                }
                quiet += 1
                guard quiet >= quietRounds else { return .wait }
                quiet = 0
                return .wake(v.advance())
            }
            switch step {
            case .stop: return
            case .wait: continue
            case .wake(let due): for sleeper in due { sleeper.continuation.resume() }
            }
        }
    }

    /// Runs `body` as work virtual time waits for: in `.instant` mode no sleeper's deadline is reached
    /// while it runs. The embedded simulator wraps each call in it, so time does not move while calls
    /// are queued on the simulator; other in-process work that must finish "at this instant" can too.
    public func whileBusy<T, E: Error>(_ body: () async throws(E) -> T) async throws(E) -> T {
        beginBusy()
        defer { endBusy() }
        return try await body()
    }

    /// Marks one unit of work in flight (see ``whileBusy(_:)``); pair it with ``endBusy()``. For example,
    /// call it once per branch before starting concurrent branches, and let each branch call
    /// ``endBusy()`` once it runs, so every branch starts at the same simulated instant.
    public func beginBusy() {
        if case .instant = speed { storage.virtual.withLock { $0.busy += 1 } }
    }

    /// Ends one unit of work begun with ``beginBusy()``.
    public func endBusy() {
        if case .instant = speed {
            storage.virtual.withLock { v in
                v.busy -= 1
                v.generation += 1
            }
        }
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
