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

/// `runbook serve --speed instant`: time moves with reads.
@Suite struct SteppedSimulatorTests {
    static func status(_ answer: ServedResponse) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        return (json?["data"] as? [String: Any])?["status"] as? String
    }

    @Test func aPolledFailoverEndsAfterFourReads() async throws {
        let stepped = SteppedSimulator(setup: SimulationSetup(), options: SimulatorOptions())
        // Nothing is scheduled: reads do not move time.
        _ = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "GET", path: "/api/v2/ob/clusters")
        #expect(stepped.simulator.elapsed == .zero)
        let post = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "POST", path: "/api/v2/ob/clusters/6/failover")
        #expect(post.status == 200)
        #expect(stepped.simulator.elapsed == .zero)

        var seen: [String] = []
        var elapsed: [Duration] = []
        while seen.last != "SUCCESSFUL", seen.count < 20 {
            let read = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "GET", path: "/api/v2/tasks/instances/171603")
            seen.append(try #require(try Self.status(read)))
            elapsed.append(stepped.simulator.elapsed)
        }
        #expect(seen == ["RUNNING", "RUNNING", "RUNNING", "SUCCESSFUL"])
        #expect(elapsed == [.seconds(30), .seconds(60), .seconds(90), .seconds(120)])
        // Once it ended, time stands still again; POSTs never move it.
        _ = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "GET", path: "/api/v2/tasks/instances/171603")
        _ = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "POST", path: "/api/v2/ob/clusters/6/failoverPreCheck")
        #expect(stepped.simulator.elapsed == .seconds(120))
    }

    @Test func aHungSubtaskFailsOnTheNextRead() async throws {
        let setup = SimulationSetup(faults: [.subtask(SubtaskFault(subtask: "Failover to Primary Check", hang: true))])
        let stepped = SteppedSimulator(setup: setup, options: SimulatorOptions())
        _ = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "POST", path: "/api/v2/ob/clusters/6/failover")
        let first = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "GET", path: "/api/v2/tasks/instances/171603")
        #expect(try Self.status(first) == "RUNNING")
        // The check started at 4 s and hangs until its 1800 s timeout: one read jumps there.
        let second = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "GET", path: "/api/v2/tasks/instances/171603")
        #expect(try Self.status(second) == "FAILED")
        #expect(stepped.simulator.elapsed == .seconds(1804))
    }

    @Test func aCancelActsOnTheStateLastRead() async throws {
        let stepped = SteppedSimulator(setup: SimulationSetup(), options: SimulatorOptions(), step: .seconds(5))
        _ = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "POST", path: "/api/v2/ob/clusters/6/failover")
        // One read: 5 s in, the check (4 s to 14 s) is running.
        _ = await served(stepped, timestamp: { stepped.currentTimestamp }, method: "GET", path: "/api/v2/tasks/instances/171603")
        let task = try await stepped.simulator.task(id: 171603)
        let running = try #require(task.subtasksInExecutionOrder.first { $0.status == .running })
        #expect(running.name == "Failover to Primary Check")
        let cancel = await served(
            stepped, timestamp: { stepped.currentTimestamp }, method: "POST",
            path: "/api/v2/tasks/instances/171603/subtasks/\(running.id)/cancel")
        #expect(cancel.status == 200)
    }

    @Test func realtimeAndFactorsRunOnAFactorClock() {
        let configuration = ServeConfiguration(port: 0)
        let instant = OCPServer.simulator(configuration: configuration, setup: SimulationSetup(), speed: .instant)
        #expect(instant.core.client is SteppedSimulator)
        let fast = OCPServer.simulator(configuration: configuration, setup: SimulationSetup(), speed: .factor(60))
        #expect((fast.core.client as? OCPSimulator<SimulationClock>)?.clock.speed == .factor(60))
    }
}
