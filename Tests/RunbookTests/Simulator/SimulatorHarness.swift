import Testing

@testable import Runbook

/// A simulator on a manual clock, with helpers to move time and read state.
struct SimulatorHarness {
    let clock = ManualClock()
    let simulator: OCPSimulator<ManualClock>

    init(_ setup: SimulationSetup = SimulationSetup(), options: SimulatorOptions = SimulatorOptions()) {
        simulator = OCPSimulator(setup: setup, clock: clock, options: options)
    }

    init(clusters: [ClusterSpec]?, faults: [FaultSpec] = []) {
        self.init(SimulationSetup(clusters: clusters, faults: faults))
    }

    /// A primary 5 `hz` with `primaryStatus` and its standby 6 `sh` (and optionally more standbys of 5).
    static func pair(
        primaryStatus: String = "STOPPED", syncStatus: String = "VALID", standbyStatus: String = "RUNNING",
        extraStandbys: [Int] = []
    ) -> [ClusterSpec] {
        [
            ClusterSpec(id: 5, name: "hz", type: "PRIMARY", status: primaryStatus),
            ClusterSpec(id: 6, name: "sh", type: "STANDBY", status: standbyStatus, primary: 5, syncStatus: syncStatus),
        ] + extraStandbys.map { ClusterSpec(id: $0, name: "sb\($0)", type: "STANDBY", primary: 5) }
    }

    func advance(_ duration: Duration) {
        clock.advance(by: duration)
    }

    /// Moves time to the next simulated event, if any; returns whether there was one.
    @discardableResult
    func step() async -> Bool {
        guard let next = await simulator.nextEventTime() else { return false }
        clock.advance(to: SimulationInstant(offset: next))
        return true
    }

    /// Steps from event to event until the task ends (or `limit` steps), calling `each` after every step.
    @discardableResult
    func runToEnd(
        _ taskId: Int, limit: Int = 500, each: (TaskInstance) throws -> Void = { _ in }
    ) async throws -> TaskInstance {
        var task = try await simulator.task(id: taskId)
        var steps = 0
        while !task.status.isTerminal, steps < limit {
            guard await step() else { break }
            task = try await simulator.task(id: taskId)
            try each(task)
            steps += 1
        }
        return task
    }

    func cluster(_ id: Int) async throws -> Cluster {
        try await simulator.getCluster(id: id)
    }

    func subtask(_ task: TaskInstance, _ name: String) throws -> SubtaskInstance {
        try #require(task.subtask(named: name), "no subtask \(name)")
    }

    func log(_ task: TaskInstance, _ name: String) async throws -> String {
        try await simulator.subtaskLog(taskId: task.id, subtaskId: try subtask(task, name).id)
    }

    /// The error a call throws, or nil if it succeeds.
    func error<T>(_ body: () async throws(OCPError) -> T) async -> OCPError? {
        do throws(OCPError) {
            _ = try await body()
            return nil
        } catch {
            return error
        }
    }
}

extension TaskInstance {
    /// `name: STATUS` for each subtask in execution order.
    var statusLine: [String] { subtasksInExecutionOrder.map { "\($0.name): \($0.status)" } }

    func status(of name: String) -> SubtaskStatus? { subtask(named: name)?.status }
}
