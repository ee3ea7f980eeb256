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

/// Many failovers at once against one simulator, as `in parallel for each` will run them.
@Suite struct SimulatorFleetTests {
    @Test func aThousandFailoversSideBySideOnAManualClock() async throws {
        let h = SimulatorHarness(clusters: SimulationSetup.pairs(1000))
        let ids = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<1000 {
                group.addTask { try await h.simulator.failover(clusterId: 2 + 2 * i).id }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(Set(ids).count == 1000)
        h.advance(.seconds(103))
        #expect(try await h.simulator.tasks(TaskQuery(status: .running, size: 2000)).page.totalElements == 1000)
        h.advance(.seconds(1))
        let done = try await h.simulator.tasks(TaskQuery(status: .successful, size: 2000))
        #expect(done.page.totalElements == 1000)
        let clusters = try await h.simulator.clusters(ClusterQuery(size: 2000))
        #expect(clusters.contents.filter { $0.type == .primary }.count == 2000)
        #expect(clusters.contents.allSatisfy { $0.standbyClusters == [] })
    }

    /// How many drills the instant-clock fleet runs: 200, or `RUNBOOK_FLEET_SIZE` (1000 for the figures
    /// in docs/simulator.md, measured with `swift test -c release`).
    static let fleet = ProcessInfo.processInfo.environment["RUNBOOK_FLEET_SIZE"].flatMap(Int.init) ?? 200

    @Test func pollingDrillsSideBySideOnAnInstantClock() async throws {
        let fleet = Self.fleet
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: SimulationSetup(clusters: SimulationSetup.pairs(fleet)), clock: clock)
        let log = OCPCallLog()
        let results = try await OCPCallLog.$current.withValue(log) {
            try await withThrowingTaskGroup(of: TaskStatus.self) { group in
                for i in 0..<fleet {
                    // Every drill starts at time 0: each branch takes its place before it is spawned.
                    clock.beginBusy()
                    group.addTask {
                        defer { clock.endBusy() }
                        let task = try await simulator.failover(clusterId: 2 + 2 * i)
                        var status = task.status
                        while status == .running {
                            try await clock.sleep(for: .seconds(1))
                            status = try await simulator.task(id: task.id).status
                        }
                        return status
                    }
                }
                return try await group.reduce(into: [TaskStatus]()) { $0.append($1) }
            }
        }
        #expect(results.count == fleet && results.allSatisfy { $0 == .successful })
        // Time moved a second at a time for everyone: the fleet took the 104 s one failover takes
        // (plus the last poll), not one sleep after another, and each drill polled about 104 times.
        #expect(clock.now.offset >= .seconds(104) && clock.now.offset <= .seconds(110))
        #expect(log.calls.count >= fleet * 100 && log.calls.count <= fleet * 107)
    }
}
