/// What `runbook serve` puts behind HTTP: something that answers an OCP request with a whole
/// envelope. ``OCPSimulator`` is one on any clock; ``SteppedSimulator`` is the `instant` one.
public protocol OCPResponder: Sendable {
    /// Answers one request (see ``OCPSimulator/respond(method:path:query:)``).
    func respond(method: String, path: String, query: [String: String]) async -> SimulatorResponse
    /// The OCP timestamp of the present, for envelopes the server writes itself.
    var currentTimestamp: OCPTimestamp { get }
}

extension OCPSimulator: OCPResponder {}

/// The simulator served at `--speed instant`.
///
/// A server has no sleepers of its own to move virtual time, so time moves with requests: each
/// `GET` first moves simulated time to the next scheduled event (a subtask being picked up,
/// finishing, timing out, a cancel taking effect), and at least ``step`` forward (default 30 s);
/// with nothing scheduled, time stands still. `POST`s do not move time: an action applies to the
/// state its caller last saw. A client polling a failover (1 min 44 s simulated) sees it end after
/// four reads; a subtask that hangs until its 30-minute timeout fails on the next read.
public struct SteppedSimulator: OCPResponder {
    public let simulator: OCPSimulator<ManualClock>
    /// The least a `GET` moves time when something is scheduled.
    public let step: Duration

    public init(setup: SimulationSetup, options: SimulatorOptions = .startingNow(), step: Duration = .seconds(30)) {
        simulator = OCPSimulator(setup: setup, clock: ManualClock(), options: options)
        self.step = step
    }

    public var currentTimestamp: OCPTimestamp { simulator.currentTimestamp }

    public func respond(method: String, path: String, query: [String: String]) async -> SimulatorResponse {
        if method.uppercased() == "GET" { await advance() }
        return await simulator.respond(method: method, path: path, query: query)
    }

    /// Moves time as one `GET` does: to the next event, at least ``step`` ahead; not at all when
    /// nothing is scheduled.
    public func advance() async {
        guard let next = await simulator.nextEventTime() else { return }
        let clock = simulator.clock
        let target = max(clock.now.offset + step, next)
        clock.advance(to: SimulationInstant(offset: target))
    }
}

extension OCPServer {
    /// The simulator for `runbook serve`: `setup`'s clusters and faults, at `speed` (`instant`
    /// steps time per read, see ``SteppedSimulator``; `realtime` and `Nx` run on a factor clock).
    /// Timestamps start at the present.
    public static func simulator(
        setup: SimulationSetup, speed: SimulationSpeed, options: SimulatorOptions = .startingNow(),
        instantStep: Duration = .seconds(30)
    ) -> any OCPResponder {
        switch speed {
        case .instant:
            return SteppedSimulator(setup: setup, options: options, step: instantStep)
        case .factor:
            return OCPSimulator(setup: setup, clock: SimulationClock(speed: speed), options: options)
        }
    }
}
