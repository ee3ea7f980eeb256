import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import RunbookTestSupport
import Synchronization
import Testing

@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import RunbookSupport

/// What the client does when the network or OCP is hostile: answers that trickle in, callers
/// that are cancelled, effects that show late, and rate limits. No test waits on the client's
/// pauses (they go to a ``SleepRecorder``), and none asserts how long anything took.
@Suite struct HTTPSafetyTests {
    /// A client of `url` whose pauses are recorded, not slept.
    static func client(
        _ url: String, readTimeout: Duration = .seconds(20), window: Duration? = nil,
        retry: OCPConnection.RetryPolicy = OCPConnection.RetryPolicy(baseDelay: .milliseconds(1)),
        sleeps: SleepRecorder = SleepRecorder()
    ) throws -> HTTPOCPClient {
        try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL(url), connectTimeout: .seconds(5), readTimeout: readTimeout,
                retry: retry, reconciliationWindow: window),
            sleep: { sleeps.record($0) })
    }

    /// Runs `body` with a fresh call log; returns its result and the notes of the log.
    static func logged<T: Sendable>(_ body: () async throws(OCPError) -> T) async -> (Result<T, OCPError>, [String])
    {
        let calls = OCPCallLog()
        let result: Result<T, OCPError> = await OCPCallLog.$current.withValue(calls) {
            do throws(OCPError) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return (result, calls.calls.flatMap(\.notes))
    }

    static func envelope<T: Codable & Sendable & Hashable>(_ data: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let value = OCPEnvelope<T>.success(
            data, timestamp: OCPTimestamp(date: Date()), traceId: "0123456789abcdef", server: "test")
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// A body of 100 bytes: at one byte every 50 ms it takes 5 s, far past a 300 ms read
    /// timeout, while no byte is ever 300 ms late.
    static let slowBody = String(repeating: " ", count: 98) + "{}"

    // MARK: - 1. The read timeout bounds the whole answer

    @Test func aTrickledAnswerToAReadTimesOut() async throws {
        let server = TrickleServer { _, _ in .trickle(Self.slowBody, every: .milliseconds(50)) }
        try await server.with { port in
            let client = try Self.client(
                "http://127.0.0.1:\(port)", readTimeout: .milliseconds(300),
                retry: OCPConnection.RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)))
            let error = try await using(client) { client async throws in
                await failure { () async throws(OCPError) in try await client.task(id: 171603) }
            }
            let found = try #require(error)
            #expect(found.kind == .timeout)
            // (The client's own deadline, or on a machine so loaded that a byte came 300 ms late,
            // AsyncHTTPClient's idle timer: a read timeout either way.)
            #expect(found.message.contains("within the read timeout (300ms)"), "\(found)")
            #expect(found.message.contains("after 2 attempts"), "\(found)")
            #expect(server.count("GET", "/api/v2/tasks/instances/171603") == 2)
            // Each attempt gave up on its answer: neither body was sent in full.
            #expect(server.trickled < 2 * Self.slowBody.utf8.count)
            #expect(Wording.problems(in: found, returned: [200]).isEmpty, "\(found)")
        }
    }

    @Test func aTrickledAnswerToAFailoverIsReconciledNotResent() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let task = try await simulator.failover(clusterId: 6)
        let detail = try Self.envelope(task)
        let list = try Self.envelope(
            Page(contents: [task], page: .init(totalElements: 1, totalPages: 1, number: 1, size: 20)))
        let server = TrickleServer { method, uri in
            if method == "POST" { return .trickle(Self.slowBody, every: .milliseconds(50)) }
            return uri.hasPrefix("/api/v2/tasks/instances?") ? .json(list) : .json(detail)
        }
        try await server.with { port in
            let client = try Self.client("http://127.0.0.1:\(port)", readTimeout: .milliseconds(300))
            let (result, notes) = await Self.logged { () async throws(OCPError) in
                try await client.failover(clusterId: 6)
            }
            await client.shutdown()
            #expect(try result.get().id == task.id)
            #expect(server.count("POST", "/api/v2/ob/clusters/6/failover") == 1)
            #expect(
                notes.contains {
                    $0.hasPrefix("after ") && $0.contains("within the read timeout (300ms): found task \(task.id)")
                }, "\(notes)")
        }
    }

    // MARK: - 2. Cancellation

    /// A failover POST that reaches the simulator (when `takesEffect`), then hangs until released.
    final class Held: Sendable {
        let arrived = Gate()
        let release = Gate()
        let takesEffect: Bool

        init(takesEffect: Bool) { self.takesEffect = takesEffect }

        var interposer: OCPServer.Interposer {
            { [self] head, forward in
                guard head.method == "POST", head.path.hasSuffix("/failover") else { return await forward() }
                if takesEffect {
                    let answer = await forward()
                    arrived.open()
                    await release.wait()
                    return answer
                }
                arrived.open()
                await release.wait()
                return Misbehaving.answer(503, body: Misbehaving.errorBody(503))
            }
        }
    }

    @Test func aCancelledFailoverThatTookEffectReturnsTheTaskItStarted() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let held = Held(takesEffect: true)
        try await LiveServer.with(simulator, interposer: held.interposer) { server in
            let client = try Self.client(server.url)
            let call = Task { await Self.logged { () async throws(OCPError) in try await client.failover(clusterId: 6) } }
            await held.arrived.wait()
            call.cancel()
            let (result, notes) = await call.value
            held.release.open()
            await client.shutdown()
            let task = try result.get()
            #expect(task.name == "Failover OB cluster")
            #expect(try await simulator.tasks(TaskQuery()).contents.map(\.id) == [task.id])
            #expect(server.log.count("POST", endingWith: "/failover") == 1)
            // The attempt stopped on the cancellation (not on the 20 s read timeout), and the
            // client then looked, shielded from it.
            #expect(
                notes.contains {
                    $0.hasPrefix("after the call was stopped while it was out (a deadline, or an interruption): found task \(task.id)")
                }, "\(notes)")
            #expect(notes.contains("stopped while out (the step's deadline passed, or the run was interrupted)"), "\(notes)")
        }
    }

    @Test func aCancelledFailoverWithNoEffectThrowsCancelledSayingWhatWasFound() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let held = Held(takesEffect: false)
        try await LiveServer.with(simulator, interposer: held.interposer) { server in
            let sleeps = SleepRecorder()
            let client = try Self.client(server.url, window: .seconds(5), sleeps: sleeps)
            let call = Task { await Self.logged { () async throws(OCPError) in try await client.failover(clusterId: 6) } }
            await held.arrived.wait()
            call.cancel()
            let (result, notes) = await call.value
            held.release.open()
            await client.shutdown()
            guard case .failure(let error) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(error.kind == .cancelled)
            #expect(error.message.hasPrefix("the call was stopped while it was out"), "\(error)")
            #expect(error.message.contains("no sign that the call took effect"), "\(error)")
            #expect(error.message.contains("not re-sent"), "\(error)")
            let looks = server.log.count("GET", endingWith: "/tasks/instances")
            #expect(looks >= 2)
            #expect(
                notes.contains { $0.contains("no sign that the call took effect (\(looks) looks over") }, "\(notes)")
            #expect(server.log.count("POST", endingWith: "/failover") == 1)
            #expect(try await simulator.tasks(TaskQuery()).contents.isEmpty)
            #expect(Wording.problems(in: error, returned: server.log.records.map(\.status)).isEmpty, "\(error)")
        }
    }

    @Test func aCancelledReadStopsAndIsNotRetried() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let arrived = Gate()
        let release = Gate()
        let interposer: OCPServer.Interposer = { head, forward in
            arrived.open()
            await release.wait()
            return await forward()
        }
        try await LiveServer.with(simulator, interposer: interposer) { server in
            let client = try Self.client(server.url)
            let call = Task { await failure { () async throws(OCPError) in try await client.task(id: 171603) } }
            await arrived.wait()
            call.cancel()
            let error = await call.value
            release.open()
            await client.shutdown()
            #expect(error?.kind == .cancelled)
            await server.log.wait { $0.count >= 1 }
            #expect(server.log.records.count == 1)
        }
    }

    // MARK: - 3. Reconciliation looks for the window

    @Test func anEffectThatShowsLateIsFoundOnALaterLook() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let listReads = Mutex(0)
        let empty = try Self.envelope(
            Page<TaskInstance>(contents: [], page: .init(totalElements: 0, totalPages: 0, number: 1, size: 20)))
        // The failover takes effect but its answer is lost (502); the task list shows it only from
        // its third read on.
        let interposer: OCPServer.Interposer = { head, forward in
            if head.method == "POST", head.path.hasSuffix("/failover") {
                _ = await forward()
                return Misbehaving.answer(502, body: "<html><body>502 Bad Gateway</body></html>")
            }
            if head.method == "GET", head.path == "/api/v2/tasks/instances" {
                let n = listReads.withLock { n in
                    n += 1
                    return n
                }
                if n < 3 { return OCPServer.Core.response(status: 200, headers: [], body: Array(empty.utf8)) }
            }
            return await forward()
        }
        try await LiveServer.with(simulator, interposer: interposer) { server in
            let sleeps = SleepRecorder()
            let client = try Self.client(server.url, sleeps: sleeps)
            let (result, notes) = await Self.logged { () async throws(OCPError) in
                try await client.failover(clusterId: 6)
            }
            await client.shutdown()
            let task = try result.get()
            #expect(task.name == "Failover OB cluster")
            #expect(server.log.count("POST", endingWith: "/failover") == 1)
            #expect(server.log.count("GET", endingWith: "/tasks/instances") == 3)
            #expect(
                notes.contains { $0.hasPrefix("after HTTP 502: found task \(task.id)") && $0.contains("found on look 3") },
                "\(notes)")
            // Two pauses between three looks, through the injected sleep.
            #expect(sleeps.all.count == 2, "\(sleeps.all)")
        }
    }

    @Test func withNoSignTheClientLooksForTheWholeWindow() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let bad = Misbehaving("POST", "/clusters/6/failover", .status(502))
        try await LiveServer.with(simulator, interposer: bad.interposer) { server in
            let sleeps = SleepRecorder()
            let window = Duration.seconds(5)
            let client = try Self.client(
                server.url, window: window, retry: OCPConnection.RetryPolicy(baseDelay: .milliseconds(500)),
                sleeps: sleeps)
            let (result, notes) = await Self.logged { () async throws(OCPError) in
                try await client.failover(clusterId: 6)
            }
            await client.shutdown()
            guard case .failure(let error) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            let looks = server.log.count("GET", endingWith: "/tasks/instances")
            // Backoff from 0.5 s, doubling: several looks, and pauses that add up to the window
            // (less the time the looks took).
            #expect(looks >= 4, "\(looks) looks")
            #expect(sleeps.all.count == looks - 1)
            let paused = sleeps.all.reduce(Duration.zero, +)
            #expect(paused <= window && paused > window - .seconds(2), "\(sleeps.all)")
            #expect(error.kind == .api)
            #expect(error.httpStatus == 502)
            #expect(error.message.contains("no sign that the call took effect (\(looks) looks over"), "\(error)")
            #expect(notes.contains { $0.hasPrefix("after HTTP 502: OCP shows no sign") }, "\(notes)")
            #expect(server.log.count("POST", endingWith: "/failover") == 1)
            #expect(Wording.problems(in: error, returned: server.log.records.map(\.status)).isEmpty, "\(error)")
        }
    }

    @Test func theWindowDefaultsToTheReadTimeoutPlusAMarginAndIsValidated() async throws {
        let url = try OCPConnection.BaseURL("http://127.0.0.1:1")
        #expect(OCPConnection(baseURL: url).reconciliationWindow == .seconds(40))
        #expect(OCPConnection(baseURL: url, readTimeout: .seconds(5)).reconciliationWindow == .seconds(15))
        var set = OCPConnection(baseURL: url, reconciliationWindow: .seconds(3))
        #expect(set.reconciliationWindow == .seconds(3))
        set.readTimeout = .seconds(99)
        #expect(set.reconciliationWindow == .seconds(3))
        #expect(OCPConnection.RetryPolicy().maxRateLimitedAttempts == 100)

        func refusal(_ connection: OCPConnection) async -> String? {
            do {
                try await HTTPOCPClient(connection: connection).shutdown()
                return nil
            } catch {
                return error.description
            }
        }
        #expect(await refusal(OCPConnection(baseURL: url, reconciliationWindow: .seconds(-1)))?.contains("reconciliation window") == true)
        #expect(await refusal(OCPConnection(baseURL: url, readTimeout: .zero))?.contains("read timeout") == true)
        #expect(await refusal(OCPConnection(baseURL: url, connectTimeout: .seconds(100_000)))?.contains("connect timeout") == true)
        #expect(
            await refusal(OCPConnection(baseURL: url, retry: .init(maxRateLimitedAttempts: 0)))?.contains("rate-limited") == true)
        #expect(await refusal(OCPConnection(baseURL: url, retry: .init(maxAttempts: 0)))?.contains("attempts") == true)
        #expect(await refusal(OCPConnection(baseURL: url, reconciliationWindow: .zero)) == nil)
    }

    // MARK: - 4. Rate limits

    @Test func aFailoverRefusedWith429IsSentAgainAndTheRefusalsAreBounded() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let interposer: OCPServer.Interposer = { head, forward in
            guard head.method == "POST" else { return await forward() }
            return Misbehaving.answer(429, body: Misbehaving.errorBody(429))
        }
        try await LiveServer.with(simulator, interposer: interposer) { server in
            let sleeps = SleepRecorder()
            let client = try Self.client(
                server.url, retry: OCPConnection.RetryPolicy(baseDelay: .milliseconds(1), maxRateLimitedAttempts: 3),
                sleeps: sleeps)
            let (result, notes) = await Self.logged { () async throws(OCPError) in
                try await client.failover(clusterId: 6)
            }
            await client.shutdown()
            guard case .failure(let error) = result else {
                Issue.record("expected a failure, got \(result)")
                return
            }
            #expect(error.httpStatus == 429)
            #expect(error.message.contains("did not take the call, 3 times in a row"), "\(error)")
            #expect(server.log.count("POST", endingWith: "/failover") == 3)
            // Each wait is the server's Retry-After (1 s) and up to as much again of jitter.
            #expect(sleeps.all.filter { $0 >= .seconds(1) && $0 <= .seconds(2) }.count >= 2, "\(sleeps.all)")
            #expect(notes.filter { $0.hasPrefix("HTTP 429: OCP did not take the call") }.count == 2, "\(notes)")
            #expect(try await simulator.tasks(TaskQuery()).contents.isEmpty)
            #expect(Wording.problems(in: error, returned: server.log.records.map(\.status)).isEmpty, "\(error)")
        }
    }
}

/// A clock for the rate limiter that moves only when the clients pause.
final class PausedTime: Sendable {
    private let now = Mutex(Duration.zero)
    var read: @Sendable () -> Duration { { self.now.withLock { $0 } } }
    func advance(_ d: Duration) { now.withLock { $0 += d } }
}

@Suite struct RateLimitedFleetTests {
    /// Twenty failovers at once through one client against a server that allows five requests a
    /// second: every cluster fails over, and each failover POST reaches the server once per
    /// success: any 429s, then exactly one 200.
    @Test func aRateLimitedFleetFailsOverEveryClusterOnce() async throws {
        let count = 20
        let setup = SimulationSetup(clusters: SimulationSetup.pairs(count))
        let simulator = OCPSimulator(setup: setup, clock: ManualClock(), options: .startingNow())
        let time = PausedTime()
        let limiter = RateLimiter(limit: 5, now: time.read)
        try await LiveServer.with(simulator, rateLimiter: limiter) { server in
            let client = try HTTPOCPClient(
                connection: OCPConnection(baseURL: try OCPConnection.BaseURL(server.url), readTimeout: .seconds(20)),
                // A pause moves the limiter's clock, and the client's: no test waits.
                sleep: { time.advance($0) },
                now: { Date(timeIntervalSince1970: 1_800_000_000 + time.read().secondsDouble) })
            let standbys = (0..<count).map { 2 + 2 * $0 }
            let results = await withTaskGroup(of: (Int, Result<TaskInstance, OCPError>).self) { group in
                for id in standbys {
                    group.addTask {
                        do throws(OCPError) {
                            return (id, .success(try await client.failover(clusterId: id)))
                        } catch {
                            return (id, .failure(error))
                        }
                    }
                }
                var all: [Int: Result<TaskInstance, OCPError>] = [:]
                for await (id, result) in group { all[id] = result }
                return all
            }
            await client.shutdown()
            for id in standbys {
                let task = try #require(try results[id]?.get())
                #expect(task.clusterId == id)
                let statuses = server.log.records.filter { $0.path == "/api/v2/ob/clusters/\(id)/failover" }.map(\.status)
                #expect(statuses.last == 200 && statuses.dropLast().allSatisfy { $0 == 429 }, "cluster \(id): \(statuses)")
            }
            let tasks = try await simulator.tasks(TaskQuery(size: 100)).contents
            #expect(Set(tasks.compactMap(\.clusterId)) == Set(standbys))
            #expect(tasks.count == count)
            #expect(server.log.records.count { $0.status == 200 } == count)
        }
    }
}
