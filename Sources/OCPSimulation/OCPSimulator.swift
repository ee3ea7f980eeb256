import OCPModel
import Probes
import RunbookSupport

/// The embedded OCP: an ``OCPClient`` that simulates OCP's clusters and task engine in process.
///
/// State is a function of simulated time: every call first advances the model to `clock.now`
/// (starting READY subtasks, finishing runs, timing out hangs, applying cluster effects, in time
/// order), then answers. Any clock works: ``SimulationClock`` for runs (`instant`, `realtime`, `60x`),
/// ``ManualClock`` for tests. When a runbook targets the simulator, its own time (sleeps, timeouts,
/// polling) should run on ``clock`` too.
///
/// Every call is recorded to ``OCPCallLog/current`` (method, path, HTTP status, trace id, error code);
/// a refused call throws an ``OCPError`` of kind `.api` with the reference's HTTP status and code.
public actor OCPSimulator<C: SimulatorClock>: OCPClient {
    /// The clock simulated time is read from.
    public nonisolated let clock: C
    /// Ids, epoch, trace-id seed, names and timings: everything about the simulator that is not its
    /// setup.
    public nonisolated let options: SimulatorOptions
    private let origin: C.Instant
    var model: SimulatorModel

    /// A simulator of `setup` (its clusters, or the default topology, and its faults), whose time 0 is
    /// `clock.now`. The setup's `speed` is not used here: it chooses the clock (see ``SimulationClock``).
    public init(setup: SimulationSetup = SimulationSetup(), clock: C, options: SimulatorOptions = SimulatorOptions()) {
        self.clock = clock
        self.options = options
        origin = clock.now
        model = SimulatorModel(setup: setup, options: options)
    }

    /// Simulated time since the start (time 0 is `clock.now` at init).
    public nonisolated var elapsed: Duration {
        let d = origin.duration(to: clock.now)
        return d > .zero ? d : .zero
    }

    /// The OCP timestamp of the present simulated moment.
    public nonisolated var currentTimestamp: OCPTimestamp {
        options.epoch.adding(elapsed)
    }

    /// The OCP timestamp of a simulated offset (``options``' epoch plus `elapsed`).
    public nonisolated func timestamp(at elapsed: Duration) -> OCPTimestamp {
        options.epoch.adding(elapsed)
    }

    /// When the next simulated event (a subtask starting or ending) is due, as time since the start.
    /// Nil when nothing is scheduled. For tests and for tools that step time to the next change.
    public func nextEventTime() -> Duration? {
        model.advance(to: elapsed)
        return model.nextEventTime
    }

    // MARK: - Calls

    /// Answers one request, as OCP would: advances time, answers an injected API fault if one is
    /// due, else the request, and records the call to ``OCPCallLog/current``. A refusal is an
    /// ``OCPError`` of kind `.api` (`.unauthorized` for 401 and 403) with OCP's HTTP status and code.
    ///
    /// On a ``SimulatorClock`` that counts participants (the `instant` ``SimulationClock``), the call
    /// counts as work in flight from before it queues on the actor until it answers, so simulated
    /// time waits for it.
    public nonisolated func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response {
        clock.beginBusy()
        defer { clock.endBusy() }
        let (result, call, traceId) = await answer(operation.request)
        switch result {
        case .success(let value):
            guard let typed = value as? Response else {
                throw OCPError(
                    .invalidResponse, call: call, message: "the simulator answered \(type(of: value)), not \(Response.self)",
                    traceId: traceId)
            }
            return typed
        case .failure(let refusal):
            let kind: OCPError.Kind = refusal.status == 401 || refusal.status == 403 ? .unauthorized : .api
            throw OCPError(
                kind, call: call, httpStatus: refusal.status, code: refusal.code, message: refusal.message, traceId: traceId)
        }
    }

    /// Runs one request on the model and records it.
    private func answer(_ request: OCPRequest) -> (Result<any Sendable, SimulatorRefusal>, OCPCall, String) {
        let started = ContinuousClock.now
        let call = request.call
        model.advance(to: elapsed)
        let traceId = model.nextTraceId()
        let result: Result<any Sendable, SimulatorRefusal>
        if let injected = model.takeAPIFault(request.endpoint, call: call) {
            result = .failure(injected)
        } else {
            do throws(SimulatorRefusal) {
                result = .success(try model.handle(request))
            } catch {
                result = .failure(error)
            }
        }
        let spent = started.duration(to: ContinuousClock.now)
        var status = 200
        var errorCode: String?
        if case .failure(let refusal) = result {
            status = refusal.status
            errorCode = refusal.code
        }
        OCPCallLog.current?.record(
            OCPCallRecord(
                method: call.method, path: call.path, status: status, traceId: traceId, errorCode: errorCode,
                durationMs: (spent.secondsDouble * 1_000_000).rounded() / 1000, attempt: OCPCallLog.attempt))
        return (result, call, traceId)
    }
}

extension OCPSimulator: ProbeClient {
    /// Answers a probe from the simulated state (`simulate: services`): no network, no program.
    /// Counted as work in flight on an instant clock, like a call.
    public nonisolated func probe(_ spec: ProbeSpec) async -> ProbeObservation {
        clock.beginBusy()
        defer { clock.endBusy() }
        return await answerProbe(spec)
    }

    /// `runbook serve`'s answer to a request outside OCP's API: the HTTP service of
    /// `simulate: services` whose URL has `path` (host and scheme aside), from the simulated state;
    /// nil when no service has that path.
    public func serviceAnswer(path: String) -> (status: Int, body: String)? {
        model.advance(to: elapsed)
        return model.serviceAnswer(path: path)
    }

    /// Since when a tenant of `name` serves (became a reachable PRIMARY), nil when none does: the
    /// truth a measured recovery time is compared with in tests and benchmarks.
    package func servingSince(tenantNamed name: String) -> Duration? {
        model.advance(to: elapsed)
        guard let state = model.serving.tenants[name], state.id != nil else { return nil }
        return state.since
    }

    private func answerProbe(_ spec: ProbeSpec) -> ProbeObservation {
        model.advance(to: elapsed)
        return model.answerProbe(spec, services: model.services)
    }
}

extension OCPSimulator where C == SimulationClock {
    /// A simulator of `setup` on a ``SimulationClock`` at the setup's speed.
    public init(setup: SimulationSetup = SimulationSetup(), options: SimulatorOptions = SimulatorOptions()) {
        self.init(setup: setup, clock: SimulationClock(speed: setup.speed), options: options)
    }
}
