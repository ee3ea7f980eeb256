import Testing

@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport
@testable import RunbookYAML

/// A simulator on a manual clock, with helpers to move time and read state.
package struct SimulatorHarness {
    package let clock = ManualClock()
    package let simulator: OCPSimulator<ManualClock>

    package init(_ setup: SimulationSetup = SimulationSetup(), options: SimulatorOptions = SimulatorOptions()) {
        simulator = OCPSimulator(setup: setup, clock: clock, options: options)
    }

    package init(clusters: [ClusterSpec]?, faults: [FaultSpec] = []) {
        self.init(SimulationSetup(clusters: clusters, faults: faults))
    }

    /// A primary 5 `hz` with `primaryStatus` and its standby 6 `sh` (and optionally more standbys of 5).
    package static func pair(
        primaryStatus: String = "STOPPED", syncStatus: String = "VALID", standbyStatus: String = "RUNNING",
        extraStandbys: [Int] = []
    ) -> [ClusterSpec] {
        [
            ClusterSpec(id: 5, name: "hz", type: "PRIMARY", status: primaryStatus),
            ClusterSpec(id: 6, name: "sh", type: "STANDBY", status: standbyStatus, primary: 5, syncStatus: syncStatus),
        ] + extraStandbys.map { ClusterSpec(id: $0, name: "sb\($0)", type: "STANDBY", primary: 5) }
    }

    package func advance(_ duration: Duration) {
        clock.advance(by: duration)
    }

    /// Moves time to the next simulated event, if any; returns whether there was one.
    @discardableResult
    package func step() async -> Bool {
        guard let next = await simulator.nextEventTime() else { return false }
        clock.advance(to: SimulationInstant(offset: next))
        return true
    }

    /// Steps from event to event until the task ends (or `limit` steps), calling `each` after every step.
    @discardableResult
    package func runToEnd(
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

    package func cluster(_ id: Int) async throws -> Cluster {
        try await simulator.send(OCPOperation<Cluster>(.getCluster, [id]))
    }

    package func subtask(_ task: TaskInstance, _ name: String) throws -> SubtaskInstance {
        try #require(task.subtask(named: name), "no subtask \(name)")
    }

    package func log(_ task: TaskInstance, _ name: String) async throws -> String {
        try await simulator.subtaskLog(taskId: task.id, subtaskId: try subtask(task, name).id)
    }

    /// The error a call throws, or nil if it succeeds.
    package func error<T>(_ body: () async throws(OCPError) -> T) async -> OCPError? {
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
    package var statusLine: [String] { subtasksInExecutionOrder.map { "\($0.name): \($0.status)" } }

    package func status(of name: String) -> SubtaskStatus? { subtask(named: name)?.status }
}
