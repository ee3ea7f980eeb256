import OCPModel
import RunbookSupport

/// The simulator as `runbook serve` runs it at `--speed instant`.
///
/// A server has no sleepers of its own to move virtual time, so time moves with requests: each
/// `GET` first moves simulated time to the next scheduled event (a subtask being picked up,
/// finishing, timing out, a cancel taking effect), and at least ``step`` forward (default 30 s);
/// with nothing scheduled, time stands still. `POST`s do not move time: an action applies to the
/// state its caller last saw. A client polling a failover (1 min 44 s simulated) sees it end after
/// four reads; a subtask that hangs until its 30-minute timeout fails on the next read.
public struct SteppedSimulator: OCPClient {
    /// The simulator, on a ``ManualClock`` that only this value's reads move.
    public let simulator: OCPSimulator<ManualClock>
    /// The least a `GET` moves time when something is scheduled.
    public let step: Duration

    /// A simulator of `setup` at time zero, whose `GET`s move time at least `step` (30 s by
    /// default) when something is scheduled. Its timestamps start at `options`' epoch, by default
    /// the moment it is made.
    public init(setup: SimulationSetup, options: SimulatorOptions = .startingNow(), step: Duration = .seconds(30)) {
        simulator = OCPSimulator(setup: setup, clock: ManualClock(), options: options)
        self.step = step
    }

    /// The OCP timestamp of the present simulated moment.
    public var currentTimestamp: OCPTimestamp { simulator.currentTimestamp }

    /// Answers one request as ``OCPSimulator/send(_:)`` does, after moving time (``advance()``)
    /// when it is a `GET`. Throws the simulator's ``OCPError`` for a refused call.
    public func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        if operation.request.endpoint.method == "GET" { await advance() }
        return try await simulator.send(operation)
    }

    /// A service's answer (``OCPSimulator/serviceAnswer(path:)``), time moved first as for a `GET`.
    public func serviceAnswer(path: String) async -> (status: Int, body: String)? {
        await advance()
        return await simulator.serviceAnswer(path: path)
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
