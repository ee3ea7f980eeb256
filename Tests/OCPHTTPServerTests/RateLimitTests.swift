import Foundation
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

/// A clock for the rate limiter that moves only when told.
final class TestTime: Sendable {
    private let now = Mutex(Duration.zero)
    var read: @Sendable () -> Duration { { self.now.withLock { $0 } } }
    func advance(_ d: Duration) { now.withLock { $0 += d } }
}

@Suite struct RateLimitTests {
    @Test func aWindowOfOneSecond() {
        let time = TestTime()
        time.advance(.milliseconds(10_300))
        let limiter = RateLimiter(limit: 2, now: time.read)
        #expect(limiter.admit() == .init(allowed: true, remaining: 1, resetSeconds: 1))
        #expect(limiter.admit() == .init(allowed: true, remaining: 0, resetSeconds: 1))
        let refused = limiter.admit()
        #expect(!refused.allowed)
        #expect(
            refused.headers(limit: 2).map(\.0) == [
                "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After",
            ])
        time.advance(.milliseconds(700))
        #expect(limiter.admit().allowed)
    }

    @Test func overHTTPTheServerAnswers429AndTheClientPacesItself() async throws {
        let time = TestTime()
        let limiter = RateLimiter(limit: 2, now: time.read)
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        try await LiveServer.with(simulator, rateLimiter: limiter) { server in
            let first = try await RawHTTP.send("GET", server.url + "/api/v2/ob/clusters")
            #expect(first.status == 200)
            #expect(first.headers.first(name: "RateLimit-Limit") == "2")
            #expect(first.headers.first(name: "RateLimit-Remaining") == "1")
            _ = try await RawHTTP.send("GET", server.url + "/api/v2/ob/clusters")
            let refused = try await RawHTTP.send("POST", server.url + "/api/v2/ob/clusters/6/failover")
            #expect(refused.status == 429)
            #expect(refused.headers.first(name: "RateLimit-Remaining") == "0")
            #expect(refused.headers.first(name: "RateLimit-Reset") == "1")
            #expect(refused.headers.first(name: "Retry-After") == "1")
            #expect(refused.error?["code"] as? String == ServerErrorCode.rateLimited)
            #expect(try await simulator.tasks(TaskQuery()).contents.isEmpty)

            // The client: a read refused with 429 waits for the reset (its pause moves the limiter's
            // clock), then goes on; after an answer saying none are left, it waits before the
            // failover POST instead of having it refused.
            let pauses = Mutex<[Duration]>([])
            let client = try HTTPOCPClient(
                connection: OCPConnection(baseURL: try OCPConnection.BaseURL(server.url)),
                sleep: { d in
                    pauses.withLock { $0.append(d) }
                    time.advance(d)
                },
                // The client's clock is the limiter's: both move only when the client pauses.
                now: { Date(timeIntervalSince1970: 1_800_000_000 + time.read().secondsDouble) })
            try await using(client) { client async throws in
                #expect(try await client.clusters(ClusterQuery()).contents.count == 2)
                #expect(try await client.failoverPreCheck(clusterId: 6).valid)
                let task = try await client.failover(clusterId: 6)
                #expect(task.status == .running)
            }
            #expect(pauses.withLock { $0 } == [.seconds(1), .seconds(1)])
            #expect(server.log.count("POST", endingWith: "/failover") == 2)
            #expect(server.log.records.filter { $0.path.hasSuffix("/failover") }.map(\.status) == [429, 200])
            #expect(server.log.records.count { $0.status == 429 } == 2)
        }
    }
}
