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
        #expect(limiter.admit("open") == .init(allowed: true, remaining: 1, resetSeconds: 1))
        #expect(limiter.admit("open") == .init(allowed: true, remaining: 0, resetSeconds: 1))
        let refused = limiter.admit("open")
        #expect(!refused.allowed)
        #expect(
            refused.headers(limit: 2).map(\.0) == [
                "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "Retry-After",
            ])
        // Another caller has a window of its own.
        #expect(limiter.admit("user admin") == .init(allowed: true, remaining: 1, resetSeconds: 1))
        time.advance(.milliseconds(700))
        #expect(limiter.admit("open").allowed)
    }

    @Test func aFloodOfRefusedCredentialsSpendsNoCallersBudget() async throws {
        let time = TestTime()
        let limiter = RateLimiter(limit: 3, now: time.read)
        let ak = "flood-ak"
        let credentials = ServerCredentials(
            basic: .init(user: "admin", password: "right"), accessKeys: [ak: "flood-secret"])
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        func basic(_ text: String) -> (String, String) {
            ("Authorization", "Basic " + Data(text.utf8).base64EncodedString())
        }
        try await LiveServer.with(simulator, credentials: credentials, rateLimiter: limiter) { server in
            let url = server.url + "/api/v2/ob/clusters"
            // The clock stands still: everything below happens in one window.
            let flood: [[(String, String)]] = [
                [], [basic("admin:wrong")], [basic("root:right")], [("Authorization", "Basic !!!")],
                [("Authorization", "OCP-ACCESS-KEY-HMACSHA1 \(ak):AAAA"), ("Date", AKSKSigner.httpDate(Date()))],
                [("Authorization", "OCP-ACCESS-KEY-HMACSHA1 unknown:AAAA"), ("Date", AKSKSigner.httpDate(Date()))],
            ]
            for round in 0..<5 {
                for headers in flood {
                    let refused = try await RawHTTP.send("GET", url, headers: headers)
                    #expect(refused.status == 401, "round \(round): \(headers.map(\.0))")
                    #expect(refused.headers.first(name: "RateLimit-Remaining") == nil)
                }
            }
            // The real client still has its whole budget: every request within the limit is admitted.
            for remaining in [2, 1, 0] {
                let admitted = try await RawHTTP.send("GET", url, headers: [basic("admin:right")])
                #expect(admitted.status == 200)
                #expect(admitted.headers.first(name: "RateLimit-Remaining") == String(remaining))
            }
            let over = try await RawHTTP.send("GET", url, headers: [basic("admin:right")])
            #expect(over.status == 429)
            #expect(over.error?["code"] as? String == ServerErrorCode.rateLimited)
            // The access key is another caller, with a window of its own.
            let signer = AKSKSigner(accessKeyId: ak, accessKeySecret: "flood-secret")
            try await using(try server.client(authentication: .accessKey(signer))) { client async throws in
                #expect(try await client.clusters(ClusterQuery()).contents.count == 4)
            }
            let statuses = server.log.records.map(\.status)
            #expect(statuses.filter { $0 == 401 }.count == 30)
            #expect(statuses.suffix(5) == [200, 200, 200, 429, 200])
            #expect(server.log.records.last?.principal == "key \(ak)")
        }
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
                #expect(try await client.clusters(ClusterQuery()).contents.count == 4)
                #expect(try await client.failoverPreCheck(clusterId: 6).valid)
                let task = try await client.failover(clusterId: 6)
                #expect(task.status == .running)
            }
            // Each pause is the window's 1 s; after a 429, up to as much again of jitter.
            #expect(pauses.withLock { $0 }.count == 2)
            #expect(pauses.withLock { $0 }.allSatisfy { $0 >= .seconds(1) && $0 <= .seconds(2) })
            #expect(server.log.count("POST", endingWith: "/failover") == 2)
            #expect(server.log.records.filter { $0.path.hasSuffix("/failover") }.map(\.status) == [429, 200])
            #expect(server.log.records.count { $0.status == 429 } == 2)
        }
    }
}
