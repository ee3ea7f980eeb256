import Foundation
import HTTPTypes
import Hummingbird
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

/// How the server misbehaves on the first request of the endpoint under test.
enum Misbehaviour: Sendable, CustomStringConvertible {
    /// Answers this status without passing the request on (OCP or a gateway refused it).
    case status(Int)
    /// Passes the request on (it takes effect), then answers this status instead (the answer is lost).
    case statusAfterEffect(Int)
    /// Passes the request on, sends half of the answer and closes the connection.
    case dropMidAnswer
    /// Passes the request on and answers only after the client's read timeout.
    case lateAnswer
    /// Passes the request on and answers 200 with a body that is not JSON.
    case malformedJSON
    /// Answers HTTP 200 with `successful: false` and OCP's error, without passing the request on.
    case unsuccessful200

    /// The client's read timeout: short enough for a late answer to pass it, long enough for a
    /// loaded machine to answer every other request in time.
    var readTimeout: Duration {
        if case .lateAnswer = self { return .seconds(2) }
        return .seconds(20)
    }

    var description: String {
        switch self {
        case .status(let s): "answers \(s)"
        case .statusAfterEffect(let s): "takes effect, answers \(s)"
        case .dropMidAnswer: "takes effect, drops the connection mid-answer"
        case .lateAnswer: "takes effect, answers past the read timeout"
        case .malformedJSON: "takes effect, answers malformed JSON"
        case .unsuccessful200: "answers successful: false with HTTP 200"
        }
    }
}

/// Opens once; waiters before that wait, waiters after pass.
final class Gate: Sendable {
    private let state = Mutex<(open: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func wait() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let pass = state.withLock { s in
                if !s.open { s.waiting.append(c) }
                return s.open
            }
            if pass { c.resume() }
        }
    }

    func open() {
        let waiting = state.withLock { s in
            s.open = true
            defer { s.waiting = [] }
            return s.waiting
        }
        for c in waiting { c.resume() }
    }
}

/// A server that misbehaves once, on the first request of one endpoint.
final class Misbehaving: Sendable {
    let method: String
    let pathSuffix: String
    let misbehaviour: Misbehaviour
    let gate = Gate()
    private let done = Mutex(false)

    init(_ method: String, _ pathSuffix: String, _ misbehaviour: Misbehaviour) {
        self.method = method
        self.pathSuffix = pathSuffix
        self.misbehaviour = misbehaviour
    }

    struct Dropped: Error {}

    var interposer: OCPServer.Interposer {
        { [self] head, forward in
            let first =
                head.method == method && head.path.hasSuffix(pathSuffix)
                && done.withLock { d in
                    defer { d = true }
                    return !d
                }
            guard first else { return await forward() }
            switch misbehaviour {
            case .status(let status):
                return Self.answer(status, body: Self.errorBody(status))
            case .statusAfterEffect(let status):
                _ = await forward()
                return Self.answer(status, body: "<html><body>\(status) Bad Gateway</body></html>")
            case .dropMidAnswer:
                let full = try await Self.bytes(of: await forward())
                let half = ByteBuffer(bytes: full.prefix(full.count / 2))
                return Response(
                    status: .ok, headers: [.contentType: "application/json"],
                    body: ResponseBody(contentLength: full.count) { writer in
                        try await writer.write(half)
                        throw Dropped()
                    })
            case .lateAnswer:
                let answer = await forward()
                await gate.wait()
                return answer
            case .malformedJSON:
                _ = await forward()
                return Self.answer(200, body: #"{"data": {"id": 171603, "name": "Failover OB cl"#)
            case .unsuccessful200:
                return Self.answer(
                    200,
                    body:
                        #"{"successful":false,"status":409,"traceId":"0123456789abcdef","timestamp":"2026-01-02T03:04:05.678+08:00","duration":1,"server":"10.0.0.1","error":{"code":"OBE11020","message":"The cluster's last operation task is still in progress."}}"#
                )
            }
        }
    }

    static func errorBody(_ status: Int) -> String {
        #"{"successful":false,"status":\#(status),"traceId":"00000000000000aa","timestamp":"2026-01-02T03:04:05.678+08:00","duration":0,"server":"10.0.0.1","error":{"code":"INJECTED_\#(status)","message":"injected \#(status)"}}"#
    }

    static func answer(_ status: Int, body: String) -> Response {
        var headers = [("Content-Type", "application/json")]
        if status == 429 || status == 503 { headers.append(("Retry-After", "1")) }
        if status == 429 {
            headers += [("RateLimit-Limit", "10"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "1")]
        }
        return OCPServer.Core.response(status: status, headers: headers, body: Array(body.utf8))
    }

    static func bytes(of response: Response) async throws -> [UInt8] {
        final class Collect: ResponseBodyWriter {
            var bytes: [UInt8] = []
            func write(_ buffer: ByteBuffer) async throws { bytes += buffer.readableBytesView }
            func finish(_ trailingHeaders: HTTPFields?) async throws {}
        }
        let collector = Collect()
        try await response.body.write(collector)
        return collector.bytes
    }
}

/// The fault table of issue 6: whatever the server does wrong, each case ends in a clear error or a
/// correct retry, and a failover POST reaches the server at most once (counted from the server's
/// request log).
@Suite struct HTTPFaultTableTests {
    /// What the call should end in.
    enum Expected: Sendable {
        /// Succeeds after `requests` requests reached the server.
        case succeeds(requests: Int)
        /// Fails with this kind and HTTP status after `requests` requests.
        case fails(OCPError.Kind, status: Int?, requests: Int)
    }

    static let readCases: [(Misbehaviour, Expected)] = [
        (.status(500), .fails(.api, status: 500, requests: 1)),
        (.status(502), .succeeds(requests: 2)),
        (.status(503), .succeeds(requests: 2)),
        (.status(429), .succeeds(requests: 2)),
        (.dropMidAnswer, .succeeds(requests: 2)),
        (.lateAnswer, .succeeds(requests: 2)),
        (.malformedJSON, .fails(.invalidResponse, status: 200, requests: 1)),
        // The HTTP status is the one returned (200), never the envelope's.
        (.unsuccessful200, .fails(.api, status: 200, requests: 1)),
    ]

    @Test(arguments: readCases)
    func taskRead(_ misbehaviour: Misbehaviour, _ expected: Expected) async throws {
        let clock = ManualClock()
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: clock, options: .startingNow())
        let task = try await simulator.failover(clusterId: 6)
        let bad = Misbehaving("GET", "/instances/\(task.id)", misbehaviour)
        try await LiveServer.with(simulator, interposer: bad.interposer) { server in
            let sleeps = SleepRecorder()
            let client = try server.client(readTimeout: misbehaviour.readTimeout, sleeps: sleeps)
            let result = await failure { () async throws(OCPError) in try await client.task(id: task.id) }
            bad.gate.open()
            await client.shutdown()
            let count = expected.requests
            await server.log.wait { $0.count { $0.method == "GET" } >= count }
            #expect(server.log.count("GET", endingWith: "/instances/\(task.id)") == count)
            switch expected {
            case .succeeds:
                #expect(result == nil, "\(result?.description ?? "")")
            case .fails(let kind, let status, _):
                let error = try #require(result)
                #expect(error.kind == kind)
                #expect(error.httpStatus == status)
                #expect(error.call.description == "GET /api/v2/tasks/instances/\(task.id)")
                let returned = server.log.records.map(\.status)
                #expect(Wording.problems(in: error, returned: returned).isEmpty, "\(error)")
            }
            // The 429's Retry-After (1 s), and up to as much again of jitter.
            if case .status(429) = misbehaviour {
                #expect(sleeps.all.first.map { $0 >= .seconds(1) && $0 <= .seconds(2) } == true, "\(sleeps.all)")
            }
        }
    }

    /// What a failover POST should end in: `found` means the client found the task the call
    /// started and returned it (with a note saying so).
    enum PostExpected: Sendable {
        case found
        /// OCP refused it with 429 (it did not take it); the client waited and sent it again.
        case sentAgainAfter429
        case fails(OCPError.Kind, status: Int?, started: Bool)
    }

    static let failoverCases: [(Misbehaviour, PostExpected)] = [
        (.status(500), .fails(.api, status: 500, started: false)),
        (.status(502), .fails(.api, status: 502, started: false)),
        (.status(503), .fails(.api, status: 503, started: false)),
        (.status(429), .sentAgainAfter429),
        (.statusAfterEffect(502), .found),
        (.statusAfterEffect(504), .found),
        (.dropMidAnswer, .found),
        (.lateAnswer, .found),
        (.malformedJSON, .found),
        (.unsuccessful200, .fails(.api, status: 200, started: false)),
    ]

    @Test(arguments: failoverCases)
    func failoverPost(_ misbehaviour: Misbehaviour, _ expected: PostExpected) async throws {
        let clock = ManualClock()
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: clock, options: .startingNow())
        let bad = Misbehaving("POST", "/clusters/6/failover", misbehaviour)
        try await LiveServer.with(simulator, interposer: bad.interposer) { server in
            let sleeps = SleepRecorder()
            let client = try server.client(readTimeout: misbehaviour.readTimeout, sleeps: sleeps)
            let calls = OCPCallLog()
            let result: Result<TaskInstance, OCPError> = await OCPCallLog.$current.withValue(calls) {
                do throws(OCPError) {
                    return .success(try await client.failover(clusterId: 6))
                } catch {
                    return .failure(error)
                }
            }
            bad.gate.open()
            await client.shutdown()
            await server.log.wait { $0.contains { $0.method == "POST" } }
            // At most once to a server that may have taken it, whatever happened: only a 429 (OCP
            // did not take it) is followed by another POST.
            let posts = server.log.records.filter { $0.method == "POST" && $0.path.hasSuffix("/failover") }
            #expect(posts.filter { $0.status != 429 }.count == 1, "\(posts.map(\.status))")
            let tasks = try await simulator.tasks(TaskQuery())
            let notes = calls.calls.flatMap(\.notes)
            // The step log records each POST that was sent, once, the client's conclusion on it:
            // no record of a call that was never sent.
            let recorded = calls.calls.filter { $0.method == "POST" && $0.path.hasSuffix("/failover") }
            #expect(recorded.count == posts.count, "\(recorded)")
            let noteOnly = calls.calls.filter { $0.isNoteOnly }
            #expect(noteOnly.isEmpty, "\(noteOnly)")
            switch expected {
            case .found:
                let task = try result.get()
                #expect(task.name == "Failover OB cluster")
                #expect(tasks.contents.map(\.id) == [task.id])
                // The step log says what the client found, and after what.
                #expect(notes.contains { $0.hasPrefix("after ") && $0.contains("found task \(task.id)") }, "\(notes)")
            case .sentAgainAfter429:
                let task = try result.get()
                #expect(posts.map(\.status) == [429, 200])
                #expect(tasks.contents.map(\.id) == [task.id])
                // It waited as the 429's Retry-After said (1 s), and up to as much again of jitter.
                #expect(sleeps.all.contains { $0 >= .seconds(1) && $0 <= .seconds(2) }, "\(sleeps.all)")
                #expect(notes.contains { $0.hasPrefix("HTTP 429: OCP did not take the call") }, "\(notes)")
            case .fails(let kind, let status, let started):
                guard case .failure(let error) = result else {
                    Issue.record("expected a failure, got \(result)")
                    return
                }
                #expect(error.kind == kind)
                #expect(error.httpStatus == status)
                #expect(
                    error.message.contains("not re-sent") || error.message.contains("not sent again") || error.code == "OBE11020",
                    "\(error)")
                #expect(tasks.contents.isEmpty != started)
                let returned = server.log.records.map(\.status)
                #expect(Wording.problems(in: error, returned: returned).isEmpty, "\(error)")
            }
        }
    }
}

extension HTTPFaultTableTests.Expected {
    var requests: Int {
        switch self {
        case .succeeds(let n): n
        case .fails(_, _, let n): n
        }
    }
}
