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
public actor OCPSimulator<C: Clock>: OCPClient where C.Duration == Duration {
    /// The clock simulated time is read from.
    public nonisolated let clock: C
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

    /// What one call did: its outcome, trace id and the time it answered.
    struct Answer<T: Sendable>: Sendable {
        var result: Result<T, SimulatorRefusal>
        var call: OCPCall
        var traceId: String
        var timestamp: OCPTimestamp
        var durationMs: Double

        var httpStatus: Int {
            switch result {
            case .success: 200
            case .failure(let refusal): refusal.status
            }
        }

        func error(from refusal: SimulatorRefusal) -> OCPError {
            let kind: OCPError.Kind = refusal.status == 401 || refusal.status == 403 ? .unauthorized : .api
            return OCPError(
                kind, call: call, httpStatus: refusal.status, code: refusal.code, message: refusal.message,
                traceId: traceId)
        }

        func value() throws(OCPError) -> T {
            switch result {
            case .success(let v): return v
            case .failure(let refusal): throw error(from: refusal)
            }
        }
    }

    /// Runs one call from outside the actor. On a ``SimulationClock`` the call counts as work in flight
    /// from before it queues on the actor until it answers, so `instant` time waits for it.
    nonisolated func call<T: Sendable>(
        _ endpoint: OCPEndpoint, id: Int? = nil, subtaskId: Int? = nil, query: String? = nil,
        _ body: @Sendable (inout SimulatorModel) throws(SimulatorRefusal) -> T
    ) async -> Answer<T> {
        let busyClock = clock as? SimulationClock
        busyClock?.beginBusy()
        defer { busyClock?.endBusy() }
        return await run(endpoint, id: id, subtaskId: subtaskId, query: query, body)
    }

    /// Runs one call: advance time, answer an injected API fault if one is due, else `body`; record it.
    func run<T: Sendable>(
        _ endpoint: OCPEndpoint, id: Int? = nil, subtaskId: Int? = nil, query: String? = nil,
        _ body: (inout SimulatorModel) throws(SimulatorRefusal) -> T
    ) -> Answer<T> {
        let started = ContinuousClock.now
        let call = OCPCall(endpoint, id: id, subtaskId: subtaskId, query: query)
        model.advance(to: elapsed)
        let traceId = model.nextTraceId()
        let result: Result<T, SimulatorRefusal>
        if let injected = model.takeAPIFault(endpoint, call: call) {
            result = .failure(injected)
        } else {
            do throws(SimulatorRefusal) {
                result = .success(try body(&model))
            } catch {
                result = .failure(error)
            }
        }
        let spent = started.duration(to: ContinuousClock.now)
        var answer = Answer(
            result: result, call: call, traceId: traceId, timestamp: model.timestamp(model.now),
            durationMs: spent.secondsDouble * 1000)
        answer.durationMs = (answer.durationMs * 1000).rounded() / 1000
        var errorCode: String?
        if case .failure(let refusal) = result { errorCode = refusal.code }
        OCPCallLog.current?.record(
            OCPCallRecord(
                method: call.method, path: call.path, status: answer.httpStatus, traceId: traceId, errorCode: errorCode,
                durationMs: answer.durationMs))
        return answer
    }

    // MARK: - OCPClient

    public nonisolated func failoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await call(.failoverPreCheck, id: clusterId) { m throws(SimulatorRefusal) in try m.failoverPreCheck(clusterId) }
            .value()
    }

    public nonisolated func failover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await call(.failover, id: clusterId) { m throws(SimulatorRefusal) in
            let id = try m.failover(clusterId)
            return try m.createdAnswer(id)
        }.value()
    }

    public nonisolated func switchoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await call(.switchoverPreCheck, id: clusterId) { m throws(SimulatorRefusal) in try m.switchoverPreCheck(clusterId) }
            .value()
    }

    public nonisolated func switchover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await call(.switchover, id: clusterId) { m throws(SimulatorRefusal) in
            let id = try m.switchover(clusterId)
            return try m.createdAnswer(id)
        }.value()
    }

    public nonisolated func clusters(_ query: ClusterQuery) async throws(OCPError) -> Page<Cluster> {
        try await call(.listClusters, query: query.queryString) { m throws(SimulatorRefusal) in try m.clusterPage(query) }
            .value()
    }

    /// `GET /api/v2/ob/clusters/{id}`: a convenience OCP does not document (a client must not rely on
    /// it; ``OCPClient/cluster(id:)`` uses the list).
    public nonisolated func getCluster(id: Int) async throws(OCPError) -> Cluster {
        try await call(.getCluster, id: id) { m throws(SimulatorRefusal) in try m.cluster(id: id) }.value()
    }

    public nonisolated func tasks(_ query: TaskQuery) async throws(OCPError) -> Page<TaskInstance> {
        try await call(.listTasks, query: query.queryString) { m throws(SimulatorRefusal) in try m.taskPage(query) }.value()
    }

    public nonisolated func task(id: Int) async throws(OCPError) -> TaskInstance {
        try await call(.getTask, id: id) { m throws(SimulatorRefusal) in try m.task(id) }.value()
    }

    public nonisolated func retryTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await call(.retryTask, id: id) { m throws(SimulatorRefusal) in
            try m.retryTask(id)
            return try m.task(id)
        }.value()
    }

    public nonisolated func rollbackTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await call(.rollbackTask, id: id) { m throws(SimulatorRefusal) in
            try m.rollbackTask(id)
            return try m.task(id)
        }.value()
    }

    public nonisolated func subtaskLog(taskId: Int, subtaskId: Int) async throws(OCPError) -> String {
        try await call(.subtaskLog, id: taskId, subtaskId: subtaskId) { m throws(SimulatorRefusal) in
            try m.subtaskLog(taskId, subtaskId)
        }.value()
    }

    public nonisolated func retrySubtask(taskId: Int, subtaskId: Int) async throws(OCPError) -> SubtaskInstance {
        try await call(.retrySubtask, id: taskId, subtaskId: subtaskId) { m throws(SimulatorRefusal) in
            let index = try m.retrySubtask(taskId, subtaskId)
            guard let task = m.tasks[taskId] else { throw .taskNotFound(taskId) }
            return m.subtask(task, index, detail: true)
        }.value()
    }

    public nonisolated func skipSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        try await call(.skipSubtask, id: taskId, subtaskId: subtaskId) { m throws(SimulatorRefusal) in
            try m.skipSubtask(taskId, subtaskId)
        }.value()
    }

    public nonisolated func cancelSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        try await call(.cancelSubtask, id: taskId, subtaskId: subtaskId) { m throws(SimulatorRefusal) in
            try m.cancelSubtask(taskId, subtaskId)
        }.value()
    }
}

extension SimulatorModel {
    /// The POST answer of a task just created.
    func createdAnswer(_ id: Int) throws(SimulatorRefusal) -> TaskInstance {
        guard let t = tasks[id] else { throw .taskNotFound(id) }
        return instance(t, form: .created)
    }
}

extension OCPSimulator where C == SimulationClock {
    /// A simulator of `setup` on a ``SimulationClock`` at the setup's speed.
    public init(setup: SimulationSetup = SimulationSetup(), options: SimulatorOptions = SimulatorOptions()) {
        self.init(setup: setup, clock: SimulationClock(speed: setup.speed), options: options)
    }
}
