import RunbookTestSupport
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

/// Reference section 4: retry task, rollback task, retry / skip / cancel subtask, each allowed only in
/// the states the reference gives.
@Suite struct SimulatorOperationsTests {
    /// A task brought into one state.
    enum Fixture: String, CaseIterable, Sendable {
        /// A failover, its check subtask RUNNING.
        case running
        /// A failover that ended SUCCESSFUL.
        case successful
        /// A failover whose check failed (the primary runs): FAILED, prohibitRollback true.
        case failedProhibited
        /// A switchover whose "Switchover to primary" failed: FAILED, prohibitRollback false.
        case failedRollbackable
        /// That switchover being rolled back: the undo of "Switchover to primary" RUNNING.
        case rollingBack
        /// That rollback with its running undo cancelled: FAILED, operation ROLLBACK.
        case failedInRollback
    }

    static func make(_ fixture: Fixture) async throws -> (SimulatorHarness, TaskInstance) {
        switch fixture {
        case .running:
            let h = SimulatorHarness()
            let t = try await h.simulator.failover(clusterId: 6)
            h.advance(.seconds(5))
            return (h, try await h.simulator.task(id: t.id))
        case .successful:
            let h = SimulatorHarness()
            let t = try await h.simulator.failover(clusterId: 6)
            return (h, try await h.runToEnd(t.id))
        case .failedProhibited:
            let h = SimulatorHarness(clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"))
            let t = try await h.simulator.failover(clusterId: 6)
            return (h, try await h.runToEnd(t.id))
        case .failedRollbackable, .rollingBack, .failedInRollback:
            let h = SimulatorHarness(
                clusters: SimulatorHarness.pair(primaryStatus: "RUNNING"),
                faults: [.subtask(SubtaskFault(subtask: "Switchover to primary", fail: 1, message: "role change timed out"))])
            let t = try await h.simulator.switchover(clusterId: 6)
            let failed = try await h.runToEnd(t.id)
            if fixture == .failedRollbackable { return (h, failed) }
            _ = try await h.simulator.rollbackTask(id: t.id)
            let rolling = try await h.simulator.task(id: t.id)
            if fixture == .rollingBack { return (h, rolling) }
            let undoing = try #require(rolling.subtasks?.first { $0.status == .running })
            try await h.simulator.cancelSubtask(taskId: t.id, subtaskId: undoing.id)
            h.advance(.seconds(1))
            return (h, try await h.simulator.task(id: t.id))
        }
    }

    @Test(arguments: Fixture.allCases)
    func fixturesAreInTheirStates(fixture: Fixture) async throws {
        let (_, t) = try await Self.make(fixture)
        switch fixture {
        case .running:
            #expect(t.status == .running && t.status(of: "Failover to Primary Check") == .running)
        case .successful:
            #expect(t.status == .successful)
        case .failedProhibited:
            #expect(t.status == .failed && t.prohibitRollback == true && t.operation == .execute)
        case .failedRollbackable:
            #expect(t.status == .failed && t.prohibitRollback == false)
            #expect(t.status(of: "Switchover to primary") == .failed)
        case .rollingBack:
            #expect(t.status == .running && t.operation == .rollback)
        case .failedInRollback:
            #expect(t.status == .failed && t.operation == .rollback)
            #expect(t.status(of: "Switchover to primary") == .failed)
        }
    }

    // MARK: - Task operations: allowed states

    /// nil: allowed; else the code (HTTP 400).
    static let retryTaskTable: [(Fixture, String?)] = [
        (.running, OCPErrorCode.operationNotSupported),
        (.successful, OCPErrorCode.operationNotSupported),
        (.failedProhibited, nil),
        (.failedRollbackable, nil),
        (.rollingBack, OCPErrorCode.operationNotSupported),
        (.failedInRollback, OCPErrorCode.operationNotSupported),
    ]

    @Test(arguments: retryTaskTable)
    func retryTaskOnlyOnAFailedTaskNotInRollback(fixture: Fixture, code: String?) async throws {
        let (h, t) = try await Self.make(fixture)
        let log = OCPCallLog()
        let error = await OCPCallLog.$current.withValue(log) {
            await h.error { () async throws(OCPError) in try await h.simulator.retryTask(id: t.id) }
        }
        #expect(error?.code == code)
        #expect(log.calls.first?.status == (code == nil ? 200 : 400))
        #expect(log.calls.first?.path == "/api/v2/tasks/instances/\(t.id)/retry")
        let after = try await h.simulator.task(id: t.id)
        if code == nil {
            #expect(after.status == .running && after.operation == .retry && after.finishTime == nil)
            let failed = t.subtasks?.filter { $0.status == .failed }.map(\.id) ?? []
            #expect(!failed.isEmpty)
            for id in failed {
                let s = try #require(after.subtasks?.first { $0.id == id })
                #expect(s.status == .ready && s.operation == .retry && s.runTime == 2)
            }
        } else {
            #expect(error?.httpStatus == 400)
            #expect(after == t)
        }
    }

    static let rollbackTable: [(Fixture, String?)] = [
        (.running, OCPErrorCode.cannotRollback),
        (.successful, OCPErrorCode.cannotRollback),
        (.failedProhibited, OCPErrorCode.cannotRollback),
        (.failedRollbackable, nil),
        (.rollingBack, OCPErrorCode.cannotRollback),
        (.failedInRollback, nil),
    ]

    @Test(arguments: rollbackTable)
    func rollbackOnlyOnAFailedTaskWhoseProhibitRollbackIsFalse(fixture: Fixture, code: String?) async throws {
        let (h, t) = try await Self.make(fixture)
        let error = await h.error { () async throws(OCPError) in try await h.simulator.rollbackTask(id: t.id) }
        #expect(error?.code == code)
        let after = try await h.simulator.task(id: t.id)
        if code == nil {
            #expect(after.status == .running && after.operation == .rollback)
            #expect(try await h.runToEnd(t.id).status == .successful)
        } else {
            #expect(error?.httpStatus == 400)
            #expect(after == t)
        }
        if fixture == .failedProhibited {
            #expect(error?.message.contains("'Failover to Primary Check'") == true)
        }
    }

    @Test func unknownTaskIsTSK10001Everywhere() async throws {
        let h = SimulatorHarness()
        var errors: [OCPError?] = []
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.task(id: 1) })
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.retryTask(id: 1) })
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.rollbackTask(id: 1) })
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.subtaskLog(taskId: 1, subtaskId: 2) })
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.retrySubtask(taskId: 1, subtaskId: 2) })
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.skipSubtask(taskId: 1, subtaskId: 2) })
        errors.append(await h.error { () async throws(OCPError) in try await h.simulator.cancelSubtask(taskId: 1, subtaskId: 2) })
        for error in errors {
            #expect(error?.httpStatus == 404)
            #expect(error?.code == OCPErrorCode.taskNotFound)
            #expect(error?.message == "The 1 task does not exist.")
        }
        let t = try await h.simulator.failover(clusterId: 6)
        let sub = await h.error { () async throws(OCPError) in try await h.simulator.skipSubtask(taskId: t.id, subtaskId: 1) }
        #expect(sub?.httpStatus == 404)
    }

    // MARK: - Subtask operations: allowed states

    /// Which subtask of a fixture an operation targets.
    enum Pick: String, Sendable {
        case failed, running, pending, successful, ready
    }

    enum SubtaskOperation: String, Sendable {
        case retry, skip, cancel
    }

    static let subtaskTable: [(Fixture, Pick, SubtaskOperation, String?)] = [
        // retry subtask: only FAILED, not during rollback.
        (.failedProhibited, .failed, .retry, nil),
        (.failedRollbackable, .failed, .retry, nil),
        (.failedInRollback, .failed, .retry, OCPErrorCode.operationNotSupported),
        (.running, .running, .retry, OCPErrorCode.operationNotSupported),
        (.running, .pending, .retry, OCPErrorCode.operationNotSupported),
        (.successful, .successful, .retry, OCPErrorCode.operationNotSupported),
        // skip subtask: only FAILED.
        (.failedProhibited, .failed, .skip, nil),
        (.failedInRollback, .failed, .skip, nil),
        (.running, .running, .skip, OCPErrorCode.cannotSkip),
        (.running, .pending, .skip, OCPErrorCode.cannotSkip),
        (.running, .successful, .skip, OCPErrorCode.cannotSkip),
        // cancel subtask: only RUNNING.
        (.running, .running, .cancel, nil),
        (.rollingBack, .running, .cancel, nil),
        (.running, .pending, .cancel, OCPErrorCode.operationNotSupported),
        (.running, .successful, .cancel, OCPErrorCode.operationNotSupported),
        (.failedProhibited, .failed, .cancel, OCPErrorCode.operationNotSupported),
    ]

    @Test(arguments: subtaskTable)
    func subtaskOperationsOnlyInTheirStates(fixture: Fixture, pick: Pick, operation: SubtaskOperation, code: String?)
        async throws
    {
        let (h, t) = try await Self.make(fixture)
        let subtask = try #require(t.subtasks?.first { $0.status.rawValue == pick.rawValue.uppercased() })
        let log = OCPCallLog()
        let error = await OCPCallLog.$current.withValue(log) {
            await h.error { () async throws(OCPError) in
                switch operation {
                case .retry: _ = try await h.simulator.retrySubtask(taskId: t.id, subtaskId: subtask.id)
                case .skip: try await h.simulator.skipSubtask(taskId: t.id, subtaskId: subtask.id)
                case .cancel: try await h.simulator.cancelSubtask(taskId: t.id, subtaskId: subtask.id)
                }
            }
        }
        #expect(error?.code == code)
        #expect(log.calls.first?.path == "/api/v2/tasks/instances/\(t.id)/subtasks/\(subtask.id)/\(operation.rawValue)")
        let after = try await h.simulator.task(id: t.id)
        let s = try #require(after.subtasks?.first { $0.id == subtask.id })
        guard code == nil else {
            #expect(error?.httpStatus == 400)
            #expect(after == t)
            return
        }
        #expect(after.status == .running)
        switch operation {
        case .retry:
            #expect(s.status == .ready && s.operation == .retry && s.runTime == subtask.runTime.map { $0 + 1 })
            #expect(after.operation == .retry)
        case .skip:
            if t.operation == .rollback {
                #expect(s.status == .pending && s.operation == .rollbackSkip)
            } else {
                #expect(s.status == .successful && s.operation == .skip)
            }
        case .cancel:
            #expect(s.status == .canceling && s.operation == .cancel)
        }
    }

    // MARK: - Behaviour after each operation

    @Test func retriedTaskRunsTheFailedSubtaskAgainAndSucceeds() async throws {
        let h = SimulatorHarness(
            clusters: nil,
            faults: [.subtask(SubtaskFault(subtask: "Sync all cluster info", fail: 1, message: "sync timed out"))])
        let t = try await h.simulator.failover(clusterId: 6)
        let failed = try await h.runToEnd(t.id)
        #expect(failed.status == .failed)
        #expect(failed.status(of: "Sync all cluster info") == .failed)
        #expect(failed.status(of: "Remove standby cluster") == .pending)
        #expect(try await h.log(failed, "Sync all cluster info").contains("ERROR sync timed out"))
        _ = try await h.simulator.retryTask(id: t.id)
        let done = try await h.runToEnd(t.id)
        #expect(done.status == .successful)
        #expect(done.operation == .retry)
        let sync = try h.subtask(done, "Sync all cluster info")
        #expect(sync.runTime == 2 && sync.status == .successful)
        #expect(done.subtasks?.filter { $0.name != "Sync all cluster info" }.allSatisfy { $0.runTime == 1 } == true)
        let log = try await h.log(done, "Sync all cluster info")
        #expect(log.contains("run 1 FAILED") && log.contains("retry requested (run 2)") && log.contains("run 2 SUCCESSFUL"))
    }

    @Test func rollbackUndoesInReverseOrderAndRestoresTheClusters() async throws {
        let (h, failed) = try await Self.make(.failedRollbackable)
        let old = try await h.cluster(5)
        #expect(old.type == .standby)  // "Switchover to standby" ran.
        #expect(try await h.cluster(6).type == .standby)
        let started = try await h.simulator.rollbackTask(id: failed.id)
        var undone: [String] = started.subtasks?.filter { $0.status == .running }.map(\.name) ?? []
        let final = try await h.runToEnd(failed.id) { task in
            #expect(task.operation == .rollback)
            for s in task.subtasks ?? [] where s.status == .running {
                #expect(s.operation == .rollback)
                if undone.last != s.name { undone.append(s.name) }
            }
        }
        #expect(final.status == .successful)
        #expect(final.finishTime != nil)
        #expect(final.subtasks?.allSatisfy { $0.status == .pending } == true)
        #expect(
            undone == [
                "Switchover to primary", "Switchover to primary check", "Switchover to standby", "Prepare switchover",
                "Mc lock ob clusters",
            ])
        // Each undo step takes its time: five of 2 s.
        let took = try #require(final.finishTime).millisecondsSince1970 - (try #require(failed.finishTime)).millisecondsSince1970
        #expect(took == 10_000)
        let p = try await h.cluster(5)
        let s = try await h.cluster(6)
        #expect(p.type == .primary && p.status == .running && p.standbyClusters?.map(\.id) == [6])
        #expect(s.type == .standby && s.status == .running && s.primaryCluster?.id == 5)
        // Nothing holds the clusters: a new switchover starts.
        #expect(try await h.simulator.switchover(clusterId: 6).status == .running)
    }

    @Test func rollbackOfAFailoverWhoseLockFailed() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.subtask(SubtaskFault(subtask: "Mc lock ob clusters", fail: 1, message: "MC busy"))])
        let t = try await h.simulator.failover(clusterId: 6)
        let failed = try await h.runToEnd(t.id)
        #expect(failed.status == .failed && failed.prohibitRollback == false)
        _ = try await h.simulator.rollbackTask(id: t.id)
        let rolled = try await h.runToEnd(t.id)
        #expect(rolled.status == .successful && rolled.operation == .rollback)
        #expect(try await h.cluster(6).type == .standby)
        #expect(try await h.cluster(6).status == .running)
    }

    @Test func cancelIsCancelingThenFailedWithTSK10014() async throws {
        let (h, t) = try await Self.make(.running)
        let check = try h.subtask(t, "Failover to Primary Check")
        try await h.simulator.cancelSubtask(taskId: t.id, subtaskId: check.id)
        let canceling = try await h.simulator.task(id: t.id)
        #expect(canceling.status(of: "Failover to Primary Check") == .canceling)
        #expect(canceling.status == .running)
        h.advance(.seconds(1))
        let after = try await h.simulator.task(id: t.id)
        #expect(after.status(of: "Failover to Primary Check") == .failed)
        #expect(after.status == .failed)
        #expect(try await h.log(after, "Failover to Primary Check").contains("TSK10014"))
        // The canceled run never finishes later.
        h.advance(.seconds(60))
        #expect(try await h.simulator.task(id: t.id).status(of: "Failover to Primary Check") == .failed)
    }

    @Test func skippedSubtaskCountsAsDone() async throws {
        let h = SimulatorHarness(
            clusters: nil, faults: [.subtask(SubtaskFault(subtask: "Remove standby cluster", hang: true))])
        let t = try await h.simulator.failover(clusterId: 6)
        let failed = try await h.runToEnd(t.id)
        #expect(failed.status == .failed)
        let remove = try h.subtask(failed, "Remove standby cluster")
        try await h.simulator.skipSubtask(taskId: t.id, subtaskId: remove.id)
        let skipped = try await h.simulator.task(id: t.id)
        #expect(skipped.status(of: "Remove standby cluster") == .successful)
        #expect(skipped.subtask(named: "Remove standby cluster")?.operation == .skip)
        #expect(skipped.status(of: "Mc unlock ob clusters") == .ready)
        let done = try await h.runToEnd(t.id)
        #expect(done.status == .successful)
        // Skipped means not done: the standby is PRIMARY, but the link to the old primary stays.
        let c6 = try await h.cluster(6)
        #expect(c6.type == .primary && c6.primaryCluster?.id == 5 && c6.status == .running)
    }

    @Test func skipDuringAFailedRollbackLetsTheRollbackFinish() async throws {
        let (h, t) = try await Self.make(.failedInRollback)
        let failed = try #require(t.subtasks?.first { $0.status == .failed })
        try await h.simulator.skipSubtask(taskId: t.id, subtaskId: failed.id)
        let done = try await h.runToEnd(t.id)
        #expect(done.status == .successful && done.operation == .rollback)
        #expect(done.subtasks?.allSatisfy { $0.status == .pending } == true)
        #expect(done.subtask(named: failed.name)?.operation == .rollbackSkip)
    }

    @Test func retrySubtaskAnswersTheSubtask() async throws {
        let (h, t) = try await Self.make(.failedProhibited)
        let check = try h.subtask(t, "Failover to Primary Check")
        let answer = try await h.simulator.retrySubtask(taskId: t.id, subtaskId: check.id)
        #expect(answer.id == check.id && answer.status == .ready && answer.runTime == 2 && answer.operation == .retry)
        let task = try await h.simulator.task(id: t.id)
        #expect(task.status == .running && task.operation == .retry)
        // The primary still runs, so the check fails again.
        #expect(try await h.runToEnd(t.id).status == .failed)
    }
}
