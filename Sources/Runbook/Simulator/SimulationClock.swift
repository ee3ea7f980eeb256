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
/// - `.instant`: virtual time. It stands still until someone sleeps; a sleep moves it forward to the
///   sleeper's deadline at once (`now = max(now, deadline)`), yields, and returns. A 30-minute await
///   takes microseconds. Concurrent sleepers each push time forward, so with many concurrent waiters
///   time moves faster than any one of them asked for; nothing ever waits on the wall clock.
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
        /// Instant mode: the current virtual time.
        let virtualNow = Mutex<Duration>(.zero)
        /// Factor mode: the wall-clock instant the simulation started.
        let wallStart: ContinuousClock.Instant

        init(wallStart: ContinuousClock.Instant) {
            self.wallStart = wallStart
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

    public var now: SimulationInstant {
        switch speed {
        case .instant:
            return SimulationInstant(offset: storage.virtualNow.withLock { $0 })
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
            storage.virtualNow.withLock { now in
                if deadline.offset > now { now = deadline.offset }
            }
            await Task.yield()
            try Task.checkCancellation()
        case .factor(let f):
            let remaining = now.duration(to: deadline)
            guard remaining > .zero else { return }
            try await Task.sleep(for: Self.wallTime(forSimulated: remaining, factor: f))
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
