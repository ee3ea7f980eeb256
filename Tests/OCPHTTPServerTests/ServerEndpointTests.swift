import Foundation
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

/// Every endpoint of reference section 1 (and `GET /api/v2/ob/clusters/{id}`) and every error code,
/// through the HTTP client against `runbook serve` on loopback. The simulator runs on a manual
/// clock, so the test decides when time moves.
@Suite struct ServerEndpointTests {
    static let pairWithTwoStandbys = SimulationSetup(clusters: [
        ClusterSpec(id: 5, name: "hz", type: "PRIMARY", status: "STOPPED"),
        ClusterSpec(id: 6, name: "sh", type: "STANDBY", primary: 5, delayTime: 2),
        ClusterSpec(id: 7, name: "sz", type: "STANDBY", primary: 5),
    ])

    @Test func clusterEndpointsAndEnvelopes() async throws {
        let clock = ManualClock()
        let simulator = OCPSimulator(setup: Self.pairWithTwoStandbys, clock: clock, options: .startingNow())
        try await LiveServer.with(simulator) { server in
            try await using(try server.client()) { client async throws in
                let page = try await client.clusters(ClusterQuery(page: 1, size: 2))
                #expect(page.contents.map(\.id) == [5, 6])
                #expect(page.page.totalElements == 3)
                #expect(page.page.totalPages == 2)
                let standby = try await client.cluster(id: 7)
                #expect(standby.name == "sz")
                #expect(standby.type == .standby)

                #expect(try await client.failoverPreCheck(clusterId: 6).valid)
                let switchover = try await client.switchoverPreCheck(clusterId: 6)
                #expect(!switchover.valid)
                #expect(!switchover.messages.isEmpty)

                let unknown = await failure { () async throws(OCPError) in
                    try await client.failoverPreCheck(clusterId: 99)
                }
                #expect(unknown?.kind == .api)
                #expect(unknown?.httpStatus == 404)
                #expect(unknown?.code == OCPErrorCode.clusterNotFound)
                #expect(unknown?.traceId?.count == 16)
                #expect(unknown?.call.description == "POST /api/v2/ob/clusters/99/failoverPreCheck")

                let primary = await failure { () async throws(OCPError) in try await client.failover(clusterId: 5) }
                #expect(primary?.httpStatus == 400)
                #expect(primary?.code == OCPErrorCode.clusterStateInvalid)

                let tooBig = await failure { () async throws(OCPError) in
                    try await client.clusters(ClusterQuery(size: 2001))
                }
                #expect(tooBig?.httpStatus == 400)
                #expect(tooBig?.code == OCPErrorCode.illegalArgument)
                #expect(server.log.count("POST", endingWith: "/failover") == 1)
            }

            // The undocumented single-cluster GET, and the envelope as OCP writes it.
            let one = try await RawHTTP.send("GET", server.url + "/api/v2/ob/clusters/6")
            #expect(one.status == 200)
            #expect(one.headers.first(name: "Content-Type") == "application/json")
            let json = try #require(one.json)
            #expect((json["data"] as? [String: Any])?["name"] as? String == "sh")
            #expect(json["successful"] as? Bool == true)
            #expect(json["status"] as? Int == 200)
            #expect(json["duration"] is Int)
            #expect(json["server"] as? String == "127.0.0.1")
            let traceId = try #require(json["traceId"] as? String)
            #expect(traceId.count == 16 && traceId.allSatisfy(\.isHexDigit))
            let timestamp = try #require(json["timestamp"] as? String)
            #expect(timestamp.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d/) != nil)

            let nowhere = try await RawHTTP.send("GET", server.url + "/api/v2/nowhere")
            #expect(nowhere.status == 404)
            #expect(nowhere.json?["successful"] as? Bool == false)
            #expect(nowhere.error?["code"] as? String == OCPErrorCode.notFound)
            #expect(server.log.records.last?.errorCode == OCPErrorCode.notFound)
        }
    }

    @Test func taskEndpointsAndTheirRefusals() async throws {
        let clock = ManualClock()
        let simulator = OCPSimulator(setup: Self.pairWithTwoStandbys, clock: clock, options: .startingNow())
        try await LiveServer.with(simulator) { server in
            try await using(try server.client()) { client async throws in
                let started = try await client.failover(clusterId: 6)
                #expect(started.name == "Failover OB cluster")
                #expect(started.status == .running)
                #expect(started.creator == .name("admin"))
                #expect(started.subtasks?.count == 9)

                // Another failover on the same primary: in progress before the lock, locked after.
                let inProgress = await failure { () async throws(OCPError) in try await client.failover(clusterId: 7) }
                #expect(inProgress?.httpStatus == 409)
                #expect(inProgress?.code == OCPErrorCode.clusterTaskInProgress)
                clock.advance(by: .seconds(3))
                let locked = await failure { () async throws(OCPError) in try await client.switchover(clusterId: 7) }
                #expect(locked?.httpStatus == 409)
                #expect(locked?.code == OCPErrorCode.clusterLocked)

                let listed = try await client.tasks(TaskQuery(clusterId: 6, name: "Failover"))
                #expect(listed.contents.map(\.id) == [started.id])
                let detail = try await client.task(id: started.id)
                #expect(detail.creator?.userName == "admin")
                #expect(detail.createTime != nil)

                let missing = await failure { () async throws(OCPError) in try await client.task(id: 999) }
                #expect(missing?.httpStatus == 404)
                #expect(missing?.code == OCPErrorCode.taskNotFound)
                let retryRunning = await failure { () async throws(OCPError) in
                    try await client.retryTask(id: started.id)
                }
                #expect(retryRunning?.httpStatus == 400)
                #expect(retryRunning?.code == OCPErrorCode.operationNotSupported)

                let order = detail.subtasksInExecutionOrder
                let check = try #require(order.first { $0.name == "Failover to Primary Check" })
                let last = try #require(order.last)
                let skipPending = await failure { () async throws(OCPError) in
                    try await client.skipSubtask(taskId: started.id, subtaskId: last.id)
                }
                #expect(skipPending?.code == OCPErrorCode.cannotSkip)
                let retryPending = await failure { () async throws(OCPError) in
                    try await client.retrySubtask(taskId: started.id, subtaskId: last.id)
                }
                #expect(retryPending?.code == OCPErrorCode.operationNotSupported)
                let cancelPending = await failure { () async throws(OCPError) in
                    try await client.cancelSubtask(taskId: started.id, subtaskId: last.id)
                }
                #expect(cancelPending?.code == OCPErrorCode.operationNotSupported)

                // Cancel the running check: CANCELING, then FAILED with TSK10014 in its log.
                clock.advance(by: .seconds(2))
                #expect(try await client.task(id: started.id).subtask(named: check.name)?.status == .running)
                try await client.cancelSubtask(taskId: started.id, subtaskId: check.id)
                clock.advance(by: .seconds(1))
                let cancelled = try await client.task(id: started.id)
                #expect(cancelled.status == .failed)
                let log = try await client.subtaskLog(taskId: started.id, subtaskId: check.id)
                #expect(log.contains(OCPErrorCode.subtaskCanceled))
                // The check prohibits rollback once it ran.
                let rollback = await failure { () async throws(OCPError) in
                    try await client.rollbackTask(id: started.id)
                }
                #expect(rollback?.httpStatus == 400)
                #expect(rollback?.code == OCPErrorCode.cannotRollback)

                let retried = try await client.retrySubtask(taskId: started.id, subtaskId: check.id)
                #expect(retried.operation == .retry)
                #expect(retried.runTime == 2)
                clock.advance(by: .seconds(3600))
                let done = try await client.task(id: started.id)
                #expect(done.status == .successful)
                #expect(try await client.cluster(id: 6).type == .primary)
            }
            // One line per call, the POSTs among them.
            #expect(server.log.count("POST", endingWith: "/clusters/6/failover") == 1)
            #expect(server.log.count("POST", endingWith: "/clusters/7/failover") == 1)
            #expect(server.log.count("POST", endingWith: "/cancel") == 2)
            #expect(server.log.records.allSatisfy { $0.traceId?.count == 16 })
        }
    }

    @Test func retriesRollbacksSkipsTimeoutsAndInjectedFaults() async throws {
        let clock = ManualClock()
        let setup = SimulationSetup(faults: [
            .subtask(SubtaskFault(subtask: "Mc lock ob clusters", fail: 1, message: "lock service unavailable")),
            .subtask(SubtaskFault(subtask: "Remove standby cluster", hang: true)),
            .api(APIFault(endpoint: "GET /api/v2/tasks/instances/{taskId}", status: 503, times: 2)),
            .api(APIFault(endpoint: "POST /api/v2/ob/clusters/{id}/switchover", status: 500)),
        ])
        let simulator = OCPSimulator(setup: setup, clock: clock, options: .startingNow())
        try await LiveServer.with(simulator) { server in
            let sleeps = SleepRecorder()
            try await using(try server.client(sleeps: sleeps)) { client async throws in
                let task = try await client.failover(clusterId: 6)
                clock.advance(by: .seconds(10))
                // Two injected 503s, each honouring Retry-After: 1, then the answer.
                let failed = try await client.task(id: task.id)
                #expect(failed.status == .failed)
                #expect(sleeps.all == [.seconds(1), .seconds(1)])
                #expect(server.log.count("GET", endingWith: "/instances/\(task.id)") == 3)
                let lock = try #require(failed.subtask(named: "Mc lock ob clusters"))
                #expect(
                    try await client.subtaskLog(taskId: task.id, subtaskId: lock.id).contains(
                        "lock service unavailable"))

                // The lock prohibits no rollback: roll back, then start again and retry.
                let rolledBack = try await client.rollbackTask(id: task.id)
                #expect(rolledBack.operation == .rollback)
                clock.advance(by: .seconds(60))
                #expect(try await client.task(id: task.id).status == .successful)

                let second = try await client.failover(clusterId: 6)
                clock.advance(by: .seconds(10))
                #expect(try await client.task(id: second.id).status == .failed)
                let retried = try await client.retryTask(id: second.id)
                #expect(retried.operation == .retry)
                // "Remove standby cluster" hangs until its 30-minute timeout: TSK10012.
                clock.advance(by: .seconds(3600))
                let hung = try await client.task(id: second.id)
                #expect(hung.status == .failed)
                let remove = try #require(hung.subtask(named: "Remove standby cluster"))
                #expect(
                    try await client.subtaskLog(taskId: second.id, subtaskId: remove.id).contains(
                        OCPErrorCode.subtaskTimeout))
                try await client.skipSubtask(taskId: second.id, subtaskId: remove.id)
                clock.advance(by: .seconds(60))
                #expect(try await client.task(id: second.id).status == .successful)

                // An injected 500 on a POST that starts work: OCP's error, and the POST was sent once.
                let refused = await failure { () async throws(OCPError) in try await client.switchover(clusterId: 6) }
                #expect(refused?.httpStatus == 500)
                #expect(refused?.code == OCPErrorCode.injected)
                #expect(server.log.count("POST", endingWith: "/switchover") == 1)
            }
        }
    }
}
