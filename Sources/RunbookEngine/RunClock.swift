import Foundation

/// The clock a run's time comes from: deadlines, sleeps, polling intervals, the durations in the
/// step log and its timestamps.
///
/// Against a real OCP it is the wall clock (``ContinuousClock``); against the embedded simulator it
/// is the simulator's clock, so a 25-minute failover rehearses in milliseconds at `instant` speed.
public protocol RunClock: Clock, Sendable where Duration == Swift.Duration {
    /// The calendar date of an instant, for the step log's timestamps.
    func date(of instant: Instant) -> Date
    /// A branch of the run (`steps`, `finally`, one item of a parallel loop) starts running. A
    /// clock that moves time only when every branch is asleep on it counts branches; others need
    /// not (the default does nothing).
    func enterBranch()
    /// A branch stops running: it ended, or it waits on something other than this clock.
    func leaveBranch()
}

extension RunClock {
    public func enterBranch() {}
    public func leaveBranch() {}
}

extension ContinuousClock: RunClock {
    public func date(of instant: ContinuousClock.Instant) -> Date {
        Date().addingTimeInterval(instant.duration(to: now).secondsDouble * -1)
    }
}
