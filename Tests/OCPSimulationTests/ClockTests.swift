import Synchronization
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

/// Records which sleepers woke, in order.
private final class Woken: Sendable {
    private let list = Mutex<[Int]>([])
    func withLock<T>(_ body: (inout [Int]) -> T) -> T { list.withLock { body(&$0) } }
}

@Suite struct ClockTests {
    // MARK: - SimulationClock

    @Test func instantClockJumpsToTheDeadline() async throws {
        let clock = SimulationClock(speed: .instant)
        #expect(clock.now == .zero)
        // Thirty simulated minutes: the sleep returns at once (on a wall clock it would hang the run).
        try await clock.sleep(for: .seconds(1800))
        #expect(clock.now.offset == .seconds(1800))
        try await clock.sleep(until: SimulationInstant(offset: .seconds(60)), tolerance: nil)
        #expect(clock.now.offset == .seconds(1800))  // never backwards
    }

    @Test func instantClockWakesConcurrentSleepersInDeadlineOrder() async throws {
        let clock = SimulationClock(speed: .instant)
        let woke = Woken()
        // Both branches take their places before they are spawned, so time holds until each sleeps.
        clock.beginBusy()
        clock.beginBusy()
        async let a: Void = {
            defer { clock.endBusy() }
            try await clock.sleep(for: .seconds(10))
            woke.withLock { $0.append(Int(clock.now.offset.components.seconds)) }
        }()
        async let b: Void = {
            defer { clock.endBusy() }
            try await clock.sleep(for: .seconds(5))
            woke.withLock { $0.append(Int(clock.now.offset.components.seconds)) }
            try await clock.sleep(for: .seconds(10))
            woke.withLock { $0.append(Int(clock.now.offset.components.seconds)) }
        }()
        _ = try await (a, b)
        #expect(woke.withLock { $0 } == [5, 10, 15])
        #expect(clock.now.offset == .seconds(15))
    }

    @Test func instantClockCopiesShareTime() async throws {
        let clock = SimulationClock(speed: .instant)
        let copy = clock
        try await copy.sleep(for: .seconds(5))
        #expect(clock.now.offset == .seconds(5))
    }

    @Test func instantClockHonoursCancellation() async {
        let clock = SimulationClock(speed: .instant)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            try await clock.sleep(for: .seconds(10))
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.now == .zero)
    }

    @Test func instantClockCancelsAWaitingSleeper() async throws {
        let clock = SimulationClock(speed: .instant)
        // While work is in flight, time holds still, so the sleeper is still waiting when cancelled.
        let result = await clock.whileBusy { () async -> Result<Void, any Error> in
            clock.beginBusy()
            let sleeper = Task {
                defer { clock.endBusy() }
                try await clock.sleep(for: .seconds(3600))
            }
            await clock.sleepers(1)
            sleeper.cancel()
            return await sleeper.result
        }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.now == .zero)
        // The clock still works afterwards.
        try await clock.sleep(for: .seconds(2))
        #expect(clock.now.offset == .seconds(2))
    }

    @Test func instantTimeWaitsForWorkInFlight() async throws {
        let clock = SimulationClock(speed: .instant)
        clock.beginBusy()
        async let sleeper: Void = {
            defer { clock.endBusy() }
            try await clock.sleep(for: .seconds(10))
        }()
        let during = await clock.whileBusy { () async -> SimulationInstant in
            // The sleeper has given up its place, yet time holds while this work runs.
            await clock.sleepers(1)
            return clock.now
        }
        try await sleeper
        #expect(during == .zero)
        #expect(clock.now.offset == .seconds(10))
    }

    @Test(arguments: [
        (Duration.seconds(60), 60.0, Duration.seconds(1)),
        (Duration.seconds(1), 1.0, Duration.seconds(1)),
        (Duration.milliseconds(1500), 2.5, Duration.milliseconds(600)),
    ])
    func factorClockScalesWallTime(simulated: Duration, factor: Double, wall: Duration) {
        #expect(SimulationClock.wallTime(forSimulated: simulated, factor: factor) == wall)
        #expect(SimulationClock.scale(wall, by: factor) == simulated)
    }

    @Test func factorClockRunsFasterThanTheWall() {
        let before = ContinuousClock.now
        let clock = SimulationClock(speed: .factor(1000))
        let after = ContinuousClock.now
        // Spin (no sleep) until one simulated second has passed: about a millisecond of wall time.
        while clock.now.offset < .seconds(1) {}
        let simulated = clock.now.offset
        let end = ContinuousClock.now
        // Simulated time never runs ahead of 1000 times the wall time that passed.
        #expect(simulated <= SimulationClock.scale(before.duration(to: end), by: 1000))
        #expect(simulated >= .seconds(1))
        _ = after
    }

    @Test func badFactorsRunAtRealTime() {
        #expect(SimulationClock(speed: .factor(0)).speed == .realtime)
        #expect(SimulationClock(speed: .factor(-3)).speed == .realtime)
        #expect(SimulationClock(speed: .factor(.infinity)).speed == .realtime)
        #expect(SimulationClock(speed: .factor(60)).speed == .factor(60))
    }

    @Test(arguments: [("instant", SimulationSpeed.instant), ("realtime", .factor(1)), ("60x", .factor(60)), ("2.5x", .factor(2.5))])
    func speedParses(text: String, speed: SimulationSpeed) {
        #expect(SimulationSpeed(text) == speed)
        #expect(SimulationSpeed(speed.description) == speed)
    }

    // MARK: - ManualClock

    @Test func manualClockWakesSleepersWhenTimePasses() async throws {
        let clock = ManualClock()
        let woke = Woken()
        let a = Task {
            try await clock.sleep(for: .seconds(10))
            woke.withLock { $0.append(10) }
        }
        let b = Task {
            try await clock.sleep(for: .seconds(30))
            woke.withLock { $0.append(30) }
        }
        await clock.sleepers(2)
        #expect(clock.nextDeadline == SimulationInstant(offset: .seconds(10)))
        clock.advance(by: .seconds(9))
        #expect(clock.sleeperCount == 2)
        clock.advance(by: .seconds(1))
        try await a.value
        #expect(woke.withLock { $0 } == [10])
        #expect(clock.sleeperCount == 1)
        clock.advance(by: .seconds(60))
        try await b.value
        #expect(woke.withLock { $0 } == [10, 30])
        #expect(clock.now.offset == .seconds(70))
    }

    @Test func manualClockSleepInThePastReturnsAtOnce() async throws {
        let clock = ManualClock(at: .seconds(5))
        try await clock.sleep(until: SimulationInstant(offset: .seconds(5)), tolerance: nil)
        #expect(clock.sleeperCount == 0)
    }

    @Test func manualClockCancellationEndsTheSleep() async {
        let clock = ManualClock()
        let task = Task { try await clock.sleep(for: .seconds(3600)) }
        await clock.sleepers(1)
        task.cancel()
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(clock.sleeperCount == 0)
        #expect(clock.now == .zero)
    }

    // MARK: - The simulator on these clocks

    @Test func simulatorStateIsAFunctionOfSimulatedTime() async throws {
        let clock = SimulationClock(speed: .instant)
        let sim = OCPSimulator(setup: SimulationSetup(), clock: clock)
        let t = try await sim.failover(clusterId: 6)
        try await clock.sleep(for: .seconds(30))
        #expect(try await sim.task(id: t.id).status == .running)
        try await clock.sleep(for: .seconds(74))
        let done = try await sim.task(id: t.id)
        #expect(done.status == .successful)
        #expect(done.finishTime == SimulatorOptions.seedEpoch.adding(.seconds(104)))
        #expect(sim.currentTimestamp == SimulatorOptions.seedEpoch.adding(.seconds(104)))
    }

    @Test func simulatorOnASimulationClockFromTheSetupSpeed() async throws {
        let sim = OCPSimulator(setup: SimulationSetup(speed: .factor(60)))
        #expect(sim.clock.speed == .factor(60))
        let instant = OCPSimulator(setup: SimulationSetup())
        #expect(instant.clock.speed == .instant)
    }

    @Test func timestampsUseTheConfiguredEpochAndOffset() async throws {
        let epoch = try #require(OCPTimestamp("2025-01-01T00:00:00.000Z"))
        let clock = ManualClock()
        let sim = OCPSimulator(setup: SimulationSetup(), clock: clock, options: SimulatorOptions(epoch: epoch))
        clock.advance(by: .milliseconds(1234))
        let t = try await sim.failover(clusterId: 6)
        #expect(t.startTime?.description == "2025-01-01T00:00:01.234+00:00")
        #expect(SimulatorOptions.startingNow().epoch.utcOffsetSeconds == 8 * 3600)
    }
}
