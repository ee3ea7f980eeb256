import Foundation
import Synchronization
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

/// The request log of a server under test, with a way to wait for lines without sleeping.
package final class RequestLogRecorder: Sendable {
    private struct Waiter {
        var predicate: @Sendable ([ServedRequest]) -> Bool
        var continuation: CheckedContinuation<Void, Never>
    }

    private let state = Mutex<(records: [ServedRequest], waiters: [Waiter])>(([], []))

    package func record(_ request: ServedRequest) {
        let ready: [CheckedContinuation<Void, Never>] = state.withLock { s in
            s.records.append(request)
            let records = s.records
            let (due, rest) = (s.waiters.filter { $0.predicate(records) }, s.waiters.filter { !$0.predicate(records) })
            s.waiters = rest
            return due.map(\.continuation)
        }
        for c in ready { c.resume() }
    }

    package var records: [ServedRequest] { state.withLock { $0.records } }

    /// How many requests of `method` reached the server on a path ending with `suffix` (query ignored).
    package func count(_ method: String, endingWith suffix: String) -> Int {
        records.count {
            $0.method == method && ($0.path.split(separator: "?").first.map(String.init) ?? "").hasSuffix(suffix)
        }
    }

    /// Returns once the log satisfies `predicate` (at once when it already does).
    package func wait(until predicate: @escaping @Sendable ([ServedRequest]) -> Bool) async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let now: Bool = state.withLock { s in
                if predicate(s.records) { return true }
                s.waiters.append(Waiter(predicate: predicate, continuation: c))
                return false
            }
            if now { c.resume() }
        }
    }
}

/// A `runbook serve` running in process on an ephemeral loopback port.
package struct LiveServer: Sendable {
    package let port: Int
    package let log: RequestLogRecorder

    package var url: String { "http://127.0.0.1:\(port)" }

    package struct StartFailure: Error {}

    /// Starts a server for `client`, runs `body` with it and stops it, even when `body` throws.
    package static func with<T: Sendable>(
        _ client: any OCPClient, credentials: ServerCredentials = ServerCredentials(),
        interposer: OCPServer.Interposer? = nil, rateLimiter: RateLimiter? = nil,
        idleTimeout: Duration? = ServeConfiguration.defaultIdleTimeout,
        services: OCPServer.ServiceResponder? = nil,
        now: @escaping @Sendable () -> Date = { Date() },
        _ body: (LiveServer) async throws -> T
    ) async throws -> T {
        let log = RequestLogRecorder()
        let server = OCPServer(
            configuration: ServeConfiguration(
                host: "127.0.0.1", port: 0, credentials: credentials, idleTimeout: idleTimeout),
            client: client, requestLog: { log.record($0) }, interposer: interposer, rateLimiter: rateLimiter,
            services: services, now: now)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            do {
                try await server.run { port in
                    continuation.yield(port)
                    continuation.finish()
                }
            } catch {
                continuation.finish()
            }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            task.cancel()
            throw StartFailure()
        }
        let live = LiveServer(port: port, log: log)
        do {
            let result = try await body(live)
            task.cancel()
            await task.value
            return result
        } catch {
            task.cancel()
            await task.value
            throw error
        }
    }

    /// An HTTP client of this server that never sleeps between attempts.
    package func client(
        authentication: OCPConnection.Authentication = .none, readTimeout: Duration = .seconds(10),
        retry: OCPConnection.RetryPolicy = OCPConnection.RetryPolicy(baseDelay: .milliseconds(1)),
        sleeps: SleepRecorder? = nil, now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> HTTPOCPClient {
        try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL(url), authentication: authentication, connectTimeout: .seconds(5),
                readTimeout: readTimeout, retry: retry),
            sleep: { d in sleeps?.record(d) }, now: now)
    }
}

/// Remembers the pauses a client asked for instead of waiting.
package final class SleepRecorder: Sendable {
    package init() {}
    private let pauses = Mutex<[Duration]>([])
    package func record(_ d: Duration) { pauses.withLock { $0.append(d) } }
    package var all: [Duration] { pauses.withLock { $0 } }
}

/// Runs `body` with a client, shutting the client down afterwards.
package func using<T>(_ client: HTTPOCPClient, _ body: (HTTPOCPClient) async throws -> T) async throws -> T {
    do {
        let result = try await body(client)
        await client.shutdown()
        return result
    } catch {
        await client.shutdown()
        throw error
    }
}
