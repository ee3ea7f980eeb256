import Foundation
import OCPSimulation
import RunbookEngine

/// The simulator's clock as a run's clock: an embedded run's time (sleeps, deadlines, polling,
/// the step log's durations) is the simulator's, and its timestamps are `origin` plus simulated
/// time, the same timeline as the simulator's OCP timestamps.
public struct SimulatedRunClock: RunClock {
    public typealias Instant = SimulationInstant
    public typealias Duration = Swift.Duration

    /// The simulator's clock.
    public let clock: SimulationClock
    /// The calendar date of simulated time zero.
    public let origin: Date

    public init(_ clock: SimulationClock, origin: Date) {
        self.clock = clock
        self.origin = origin
    }

    public var now: SimulationInstant { clock.now }
    public var minimumResolution: Duration { clock.minimumResolution }

    public func sleep(until deadline: SimulationInstant, tolerance: Duration? = nil) async throws {
        try await clock.sleep(until: deadline, tolerance: tolerance)
    }

    public func date(of instant: SimulationInstant) -> Date {
        origin.addingTimeInterval(instant.offset.secondsDouble)
    }

    /// A branch holds the instant clock's time still while it runs.
    public func enterBranch() { clock.beginBusy() }
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
