import Foundation
import OCPSimulation
import RunbookEngine

/// The simulator's clock as a run's clock: an embedded run's time (sleeps, deadlines, polling,
/// the step log's durations) is the simulator's, and its timestamps are `origin` plus simulated
/// time, the same timeline as the simulator's OCP timestamps.
public struct SimulatedRunClock: RunClock {
    /// The simulator's instants: offsets from simulated time zero.
    public typealias Instant = SimulationInstant
    /// Durations are Swift's.
    public typealias Duration = Swift.Duration

    /// The simulator's clock.
    public let clock: SimulationClock
    /// The calendar date of simulated time zero.
    public let origin: Date

    /// The run clock on `clock`, whose simulated time zero is the calendar date `origin` (the
    /// simulator's epoch, so that the step log's timestamps and OCP's agree).
    public init(_ clock: SimulationClock, origin: Date) {
        self.clock = clock
        self.origin = origin
    }

    /// The simulator's present.
    public var now: SimulationInstant { clock.now }
    /// The simulator clock's resolution (1 ms).
    public var minimumResolution: Duration { clock.minimumResolution }

    /// Sleeps on the simulator's clock until `deadline`
    /// (``SimulationClock/sleep(until:tolerance:)``); throws `CancellationError` when the task is
    /// cancelled.
    public func sleep(until deadline: SimulationInstant, tolerance: Duration? = nil) async throws {
        try await clock.sleep(until: deadline, tolerance: tolerance)
    }

    /// The calendar date of `instant`: ``origin`` plus its offset.
    public func date(of instant: SimulationInstant) -> Date {
        origin.addingTimeInterval(instant.offset.secondsDouble)
    }

    /// A branch holds the instant clock's time still while it runs.
    public func enterBranch() { clock.beginBusy() }
    /// A branch that ended, or waits on something other than this clock, gives up its place, so the
    /// instant clock's time may move.
    public func leaveBranch() { clock.endBusy() }

    /// Simulated time stands still while the person answers, then moves on by the wall time they
    /// took: at a factor the clock is held; at `instant` the branch holds time while it waits and
    /// then sleeps that long.
    public func personAnswers<T: Sendable>(_ answer: @Sendable () async -> T) async -> T {
        let started = ContinuousClock.now
        clock.hold()
        let value = await answer()
        let took = started.duration(to: .now)
        clock.release(advancing: took)
        if case .instant = clock.speed { try? await clock.sleep(for: took) }
        return value
    }
}
