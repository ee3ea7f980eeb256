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

/// Every runbook of `examples/` checks clean and runs to the outcome it is written for, on the
/// embedded simulator at `instant` speed.
@Suite struct ExampleTests {
    @Test(arguments: Engine.exampleNames)
    func checksCleanWithTheSchemaModeline(name: String) throws {
        let bytes = try Engine.exampleBytes(name)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.hasPrefix("# yaml-language-server: $schema=../docs/runbook.schema.json\n"))
        let result = RunbookChecker.check(bytes: bytes, file: "examples/\(name)")
        #expect(result.diagnostics.map { $0.rendered(source: nil) } == [])
        #expect(result.runbook != nil)
    }

    @Test func everyExampleIsListed() throws {
        let files = try FileManager.default.contentsOfDirectory(
            atPath: TestFiles.packageRoot.appendingPathComponent("examples").path
        ).filter { $0.hasSuffix(".yaml") }
        #expect(Set(files) == Set(Engine.exampleNames))
    }

    @Test(arguments: [
        ("failover-drill.yaml", RunOutcome.passed), ("switchover-rehearsal.yaml", .passed),
        ("failover-with-fault.yaml", .passed), ("rollback-refused.yaml", .failed), ("fleet-failover.yaml", .passed),
        ("tenant-switchover.yaml", .passed), ("tenant-region-loss.yaml", .passed), ("region-loss-rto.yaml", .passed),
    ])
    func runsToItsOutcome(name: String, outcome: RunOutcome) async throws {
        let run = await Engine.run(try Engine.example(name))
        #expect(run.finished.outcome == outcome, "\(run.finished.reason ?? "")")
        #expect(run.started?.title == (try Engine.example(name)).title)
        // Every step of the file left one finished record, however it ended.
        #expect(run.finished.counts.total == run.steps.count)
        #expect(run.records.first.map { if case .runStarted = $0 { true } else { false } } == true)
        #expect(run.records.last == .runFinished(run.finished))
    }

    // MARK: - Each example's key records

    @Test func regionLossRTOMeetsItsObjectivesAndABreachFails() async throws {
        let runbook = try Engine.example("region-loss-rto.yaml")
        #expect(runbook.simulate?.speed == .factor(60))
        let run = await Engine.run(runbook)
        #expect(run.finished.outcome == .passed, "\(run.finished.reason ?? "")")
        let evidence = try #require(run.finished.evidence)
        #expect(evidence.objectives.map(\.verdict) == [.met, .met])
        let measured = try #require(evidence.recoveryTimeMs)
        #expect(measured > 40_000 && measured < 60_000)
        #expect(evidence.dataLossMs == 800)
        // The same drill with proxies that take 12 minutes to reroute breaches the RTO, and says so.
        let slow = try Engine.example("region-loss-rto.yaml", replacing: "reroute: 40s", with: "reroute: 12m")
        let breached = await Engine.run(slow)
        #expect(breached.finished.outcome == .failed)
        #expect(breached.finished.reason?.contains("objective 10m: breached by 2m") == true, "\(breached.finished.reason ?? "")")
    }

    @Test func failoverDrill() async throws {
        let runbook = try Engine.example("failover-drill.yaml")
        // Written to show its progress for a few seconds; run here at instant speed.
        #expect(runbook.simulate?.speed == .factor(30))
        let run = await Engine.run(runbook)
        #expect(run.finished.outcome == .passed)
        #expect(run.outcomes == (0..<7).map { "steps[\($0)]: passed" })
        #expect(try run.calls("steps[0]") == ["POST /api/v2/ob/clusters/6/failoverPreCheck"])
        // Every call is in the log with its answer's status, trace id and duration.
        let calls = run.steps.flatMap(\.calls)
        #expect(calls.count > 20)
        #expect(calls.allSatisfy { $0.status == 200 && $0.durationMs >= 0 && $0.attempt == 1 })
        #expect(calls.allSatisfy { $0.traceId?.wholeMatch(of: /[0-9a-f]{16}/) != nil })
        #expect(Set(calls.compactMap(\.traceId)).count == calls.count)
        // Steps know where they are written.
        #expect(run.steps.map(\.location.line) == [10, 11, 14, 15, 17, 18, 21])
        #expect(run.steps.allSatisfy { $0.location.file == "examples/failover-drill.yaml" && $0.location.column == 5 })
        #expect(try run.step("steps[0]").observed.precheckMessages == [])
        #expect(try run.step("steps[2]").observed.taskId == 171603)
        let wait = try run.step("steps[3]")
        #expect(wait.phrase == "await task status: SUCCESSFUL")
        #expect(wait.observed.taskStatus == "SUCCESSFUL")
        // The wait saw every subtask of the chain end SUCCESSFUL, in execution order.
        let ended = wait.observed.subtaskTransitions.filter { $0.to == "SUCCESSFUL" }.map(\.subtask)
        #expect(
            ended == [
                "Mc lock ob clusters", "Failover to Primary Check", "Failover to Primary", "Update OB cluster status",
                "Wait node", "Mc ob failover update mc ob cluster", "Sync all cluster info", "Remove standby cluster",
                "Mc unlock ob clusters",
            ])
        #expect(wait.durationMs >= 104_000 && wait.durationMs < 110_000)
        #expect(try run.step("steps[6]").observed.clusters.map(\.type) == ["PRIMARY"])
        #expect(run.finished.recoveries.count == 1)
        let recovery = try #require(run.finished.recoveries.first)
        #expect(recovery.action == "failover" && recovery.clusterId == 6 && recovery.taskId == 171603)
        #expect(recovery.taskStatus == "SUCCESSFUL" && recovery.calledAtMs == 0)
        #expect(recovery.recoveryMs == 104_000)
        #expect(run.started?.variables == ["standby": .number(6), "rto": .string("30m")])
    }

    /// The runner's speed override (`runbook run --speed`) replaces the file's 30x.
    @Test func anEmbeddedRunRidesOutAFlakyAPIAsARunOverHTTPDoes() async throws {
        // A 503 on a pre-check, a 502 on a read and a 429 on the failover: the client sends each
        // again, as the HTTP client would, and says so on the attempt it followed.
        let runbook = try Engine.check(
            """
            runbook: flaky
            simulate:
              faults:
                - endpoint: POST /api/v2/ob/clusters/{id}/failoverPreCheck
                  status: 503
                - endpoint: GET /api/v2/ob/clusters
                  status: 502
                - endpoint: POST /api/v2/ob/clusters/{id}/failover
                  status: 429
                - endpoint: POST /api/v2/tasks/instances/{taskId}/retry
                  status: 500
            steps:
              - precheck failover cluster: 6
              - assert cluster 6 type: STANDBY
              - failover cluster: 6
              - await task status: SUCCESS
              - retry task:
                continue on failure: true
            """)
        let memory = MemoryStepLog()
        let finished = await RunbookRunner.run(
            runbook, target: .embedded, log: StepLog([memory]),
            configuration: RunConfiguration(user: "tester", fileSHA256: "ab"), speed: .instant)
        #expect(finished.outcome == .passed, "\(finished.reason ?? "")")
        let steps = await memory.records.compactMap { if case .stepFinished(let s) = $0 { s } else { nil } }
        for (label, status) in [("steps[0]", 503), ("steps[1]", 502), ("steps[2]", 429)] {
            let calls = try #require(steps.first { $0.position.label == label }?.calls)
            #expect(calls.map(\.status) == [status, 200], "\(label): \(calls)")
            #expect(calls.map(\.attempt) == [1, 2], "\(label)")
            #expect(calls.first?.note?.hasPrefix("HTTP \(status): ") == true, "\(label): \(calls)")
        }
        // A 500 on a call that changes state is not sent again (it started nothing to find).
        let retry = try #require(steps.first { $0.position.label == "steps[4]" })
        #expect(retry.outcome == .continued)
        #expect(retry.calls.filter { $0.method == "POST" }.map(\.status) == [500])
    }

    @Test func runnerOverridesTheFileSpeed() async throws {
        let runbook = try Engine.example("failover-drill.yaml")
        let memory = MemoryStepLog()
        let finished = await RunbookRunner.run(
            runbook, target: .embedded, log: StepLog([memory]),
            configuration: RunConfiguration(user: "tester", fileSHA256: "ab"), speed: .instant)
        #expect(finished.outcome == .passed)
        // On the instant clock simulated time is exact: the same as any other instant run of the
        // drill, to the millisecond (at 30x it would follow the wall clock's jitter).
        let instant = await Engine.run(runbook)
        #expect(finished.durationMs == instant.finished.durationMs)
        #expect(finished.durationMs >= 104_000)
        let started = try #require(await memory.records.first)
        guard case .runStarted(let record) = started else {
            Issue.record("the first record is \(started.kindName)")
            return
        }
        #expect(record.simulationSpeed == "instant")
        #expect(record.target == "embedded")
        #expect(record.sha256 == "ab")
    }

    @Test func switchoverRehearsal() async throws {
        let run = await Engine.run(try Engine.example("switchover-rehearsal.yaml"))
        #expect(run.finished.outcome == .passed)
        #expect(run.steps.filter { $0.outcome == .passed }.count == 12)
        #expect(try run.step("on failure[0]").outcome == .skipped)
        #expect(run.finished.recoveries.map(\.action) == ["switchover", "switchover"])
        #expect(run.finished.recoveries.map(\.clusterId) == [6, 5])
        #expect(run.finished.recoveries.map(\.recoveryMs) == [96_000, 96_000])
        #expect(try run.step("steps[6]").message?.hasPrefix("cluster 6 is primary since 2022-09-05T13:4") == true)
        // Roles are back where they started.
        #expect(try await run.simulator.cluster(id: 5).type == .primary)
        #expect(try await run.simulator.cluster(id: 6).type == .standby)
        let tasks = try await run.tasks()
        #expect(tasks.map(\.name) == ["Switchover OB cluster", "Switchover OB cluster"])
        #expect(tasks.map(\.status) == [.successful, .successful])
    }

    @Test func failoverWithFault() async throws {
        let run = await Engine.run(try Engine.example("failover-with-fault.yaml"))
        #expect(run.finished.outcome == .passed)
        #expect(run.finished.counts == StepCounts(passed: 6, continued: 1))
        let first = try run.step("steps[1]")
        #expect(first.phrase == "first attempt (fails at the check)")
        #expect(first.outcome == .continued)
        let message = try #require(first.message)
        #expect(message.hasPrefix(#"task 171603 FAILED: subtask "Failover to Primary Check" failed (run 1)"#))
        #expect(message.contains("ERROR primary OBServer 10.0.0.1:2882 is still alive"))
        // Fails fast: as soon as the check failed (lock 2 s + check 10 s, each picked up 1 s later), not at the timeout.
        #expect(first.durationMs >= 14_000 && first.durationMs < 16_000)
        #expect(try run.calls("steps[3]") == ["POST /api/v2/tasks/instances/171603/retry"])
        #expect(try run.step("steps[4]").outcome == .passed)
        let recovery = try #require(run.finished.recoveries.first)
        #expect(recovery.taskStatus == "SUCCESSFUL")
        // From the call to the end of the retried task: the failed check, then the whole chain again from it.
        #expect(try #require(recovery.recoveryMs) > 104_000)
    }

    @Test func rollbackRefused() async throws {
        let run = await Engine.run(try Engine.example("rollback-refused.yaml"))
        #expect(run.finished.outcome == .failed)
        #expect(
            run.outcomes == [
                "steps[0]: passed", "steps[1]: failed", "on failure[0]: passed", "on failure[1]: failed",
                "on failure[2]: skipped", "finally[0]: passed", "finally[1]: passed",
            ])
        #expect(run.finished.reason == "step steps[1] 'await task drill status: SUCCESSFUL' failed (examples/rollback-refused.yaml:17:5)")
        #expect(
            try run.step("steps[1]").message?.contains("the standby has not caught up with the log of its primary")
                == true)
        #expect(try run.step("on failure[0]").message == "the failover of cluster 6 failed; rolling task 171603 back")
        let refused = try run.step("on failure[1]")
        #expect(refused.calls.map(\.status) == [400])
        #expect(refused.calls.map(\.errorCode) == ["TSK10009"])
        #expect(refused.message?.contains("TSK10009") == true)
        #expect(try await run.simulator.cluster(id: 6).type == .standby)
    }

    @Test func fleetFailover() async throws {
        let run = await Engine.run(try Engine.example("fleet-failover.yaml"))
        #expect(run.finished.outcome == .passed)
        let tasks = try await run.tasks()
        #expect(tasks.count == 20)
        #expect(Set(tasks.compactMap(\.clusterId)) == Set((1...20).map { 2 * $0 }))
        #expect(tasks.allSatisfy { $0.status == .successful })
        // Every item starts at the same simulated instant and, the failovers being alike, ends at the same one.
        #expect(Set(tasks.compactMap(\.startTime)).count == 1)
        #expect(Set(tasks.compactMap(\.finishTime)).count == 1)
        #expect(try Engine.maxOverlap(tasks) == 20)
        #expect(run.finished.recoveries.count == 20)
        #expect(run.finished.recoveries.map(\.clusterId) == (1...20).map { 2 * $0 })
        #expect(run.finished.recoveries.allSatisfy { $0.recoveryMs == 104_000 })
        // The whole fleet takes as long as one failover (and one poll), not twenty.
        #expect(run.finished.durationMs < 110_000)
        #expect(run.finished.counts.passed == 20 * 4 + 1 + 20 + 1)
    }
}
