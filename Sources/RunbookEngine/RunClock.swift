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
    /// Runs `answer`, a person's answer to a `confirm`: the time the person takes passes on the
    /// run's clock one second for one second, whatever the clock's pace (a simulator at 60x must
    /// not see an hour pass while someone reads a question for a minute).
    func personAnswers<T: Sendable>(_ answer: @Sendable () async -> T) async -> T
}

extension RunClock {
    /// Does nothing: this clock does not count branches.
    public func enterBranch() {}
    /// Does nothing: this clock does not count branches.
    public func leaveBranch() {}
    /// Runs `answer` and returns what it returns: on a clock that keeps the wall clock's pace, the
    /// person's time passes as it does.
    public func personAnswers<T: Sendable>(_ answer: @Sendable () async -> T) async -> T { await answer() }
}

extension ContinuousClock: RunClock {
    /// The calendar date of `instant`: now on the wall clock, less the time since `instant`.
    public func date(of instant: ContinuousClock.Instant) -> Date {
        Date().addingTimeInterval(instant.duration(to: now).secondsDouble * -1)
    }
}
