/// The clock an ``OCPSimulator`` reads simulated time from.
///
/// A clock may count *participants* (``SimulationClock`` at `instant` speed moves time only when
/// none is running): the simulator counts each call as one while it is in flight. Clocks that do
/// not count participants keep the default, which does nothing.
public protocol SimulatorClock: Clock, Sendable where Duration == Swift.Duration {
    /// One more participant is running.
    func beginBusy()
    /// One participant fewer is running.
    func endBusy()
}

extension SimulatorClock {
    /// Does nothing: this clock does not count participants.
    public func beginBusy() {}
    /// Does nothing: this clock does not count participants.
    public func endBusy() {}
}

extension ManualClock: SimulatorClock {}

extension SimulationClock: SimulatorClock {}
