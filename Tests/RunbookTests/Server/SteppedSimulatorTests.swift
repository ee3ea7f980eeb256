import Foundation
import Testing

@testable import Runbook

/// `runbook serve --speed instant`: time moves with reads.
@Suite struct SteppedSimulatorTests {
    static func status(_ answer: SimulatorResponse) throws -> String? {
        let json = try JSONSerialization.jsonObject(with: Data(answer.body)) as? [String: Any]
        return (json?["data"] as? [String: Any])?["status"] as? String
    }

    @Test func aPolledFailoverEndsAfterFourReads() async throws {
        let served = SteppedSimulator(setup: SimulationSetup(), options: SimulatorOptions())
        // Nothing is scheduled: reads do not move time.
        _ = await served.respond(method: "GET", path: "/api/v2/ob/clusters", query: [:])
        #expect(served.simulator.elapsed == .zero)
        let post = await served.respond(method: "POST", path: "/api/v2/ob/clusters/6/failover", query: [:])
        #expect(post.status == 200)
        #expect(served.simulator.elapsed == .zero)

        var seen: [String] = []
        var elapsed: [Duration] = []
        while seen.last != "SUCCESSFUL", seen.count < 20 {
            let read = await served.respond(method: "GET", path: "/api/v2/tasks/instances/171603", query: [:])
            seen.append(try #require(try Self.status(read)))
            elapsed.append(served.simulator.elapsed)
        }
        #expect(seen == ["RUNNING", "RUNNING", "RUNNING", "SUCCESSFUL"])
        #expect(elapsed == [.seconds(30), .seconds(60), .seconds(90), .seconds(120)])
        // Once it ended, time stands still again; POSTs never move it.
        _ = await served.respond(method: "GET", path: "/api/v2/tasks/instances/171603", query: [:])
        _ = await served.respond(method: "POST", path: "/api/v2/ob/clusters/6/failoverPreCheck", query: [:])
        #expect(served.simulator.elapsed == .seconds(120))
    }

    @Test func aHungSubtaskFailsOnTheNextRead() async throws {
        let setup = SimulationSetup(faults: [.subtask(SubtaskFault(subtask: "Failover to Primary Check", hang: true))])
        let served = SteppedSimulator(setup: setup, options: SimulatorOptions())
        _ = await served.respond(method: "POST", path: "/api/v2/ob/clusters/6/failover", query: [:])
        let first = await served.respond(method: "GET", path: "/api/v2/tasks/instances/171603", query: [:])
        #expect(try Self.status(first) == "RUNNING")
        // The check started at 4 s and hangs until its 1800 s timeout: one read jumps there.
        let second = await served.respond(method: "GET", path: "/api/v2/tasks/instances/171603", query: [:])
        #expect(try Self.status(second) == "FAILED")
        #expect(served.simulator.elapsed == .seconds(1804))
    }

    @Test func aCancelActsOnTheStateLastRead() async throws {
        let served = SteppedSimulator(setup: SimulationSetup(), options: SimulatorOptions(), step: .seconds(5))
        _ = await served.respond(method: "POST", path: "/api/v2/ob/clusters/6/failover", query: [:])
        // One read: 5 s in, the check (4 s to 14 s) is running.
        _ = await served.respond(method: "GET", path: "/api/v2/tasks/instances/171603", query: [:])
        let task = try await served.simulator.task(id: 171603)
        let running = try #require(task.subtasksInExecutionOrder.first { $0.status == .running })
        #expect(running.name == "Failover to Primary Check")
        let cancel = await served.respond(
            method: "POST", path: "/api/v2/tasks/instances/171603/subtasks/\(running.id)/cancel", query: [:])
        #expect(cancel.status == 200)
    }

    @Test func realtimeAndFactorsRunOnAFactorClock() {
        #expect(OCPServer.simulator(setup: SimulationSetup(), speed: .instant) is SteppedSimulator)
        let fast = OCPServer.simulator(setup: SimulationSetup(), speed: .factor(60))
        #expect((fast as? OCPSimulator<SimulationClock>)?.clock.speed == .factor(60))
    }
}
