import Foundation
import Hummingbird
import HummingbirdTesting
import ProbeRunners
import Probes
import RunbookTestSupport
import Testing

/// Real probes against a real local HTTP server, real TCP ports and real programs.
@Suite struct LiveProbeClientTests {
    /// A service to probe: `/ok`, `/status/CODE`, `/slow` (answers after 2 s), `/echo` (the
    /// method and the `X-Probe` header, back).
    static func withService(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.get("/ok") { _, _ in "healthy" }
        router.get("/status/:code") { _, context -> Response in
            let code = context.parameters.get("code").flatMap(Int.init) ?? 500
            return Response(status: HTTPResponse.Status(code: code))
        }
        router.get("/slow") { _, _ -> String in
            try await Task.sleep(for: .seconds(2))
            return "late"
        }
        router.get("/trickle") { _, _ -> Response in
            // The head at once, then a byte every 100 ms for 2 s.
            let body = ResponseBody { writer in
                for _ in 0..<20 {
                    try await Task.sleep(for: .milliseconds(100))
                    try await writer.write(ByteBuffer(string: "."))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, body: body)
        }
        router.on("/echo", method: .head) { _, _ in Response(status: .noContent) }
        router.post("/echo") { request, _ in "\(request.method) \(request.headers[.init("X-Probe")!] ?? "-")" }
        let app = Application(router: router)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await body(port)
        }
    }

    static let client: LiveProbeClient = {
        // A client with no CA file cannot fail to be made.
        (try? LiveProbeClient(redact: { $0.replacingOccurrences(of: "s3cret", with: "***") }))
            ?? { preconditionFailure("the client could not be made") }()
    }()

    static func probe(_ spec: ProbeSpec) async -> (ProbeObservation, Bool, String?) {
        let observation = await client.probe(spec)
        let verdict = spec.verdict(of: observation)
        return (observation, verdict.passed, verdict.reason)
    }

    @Test func httpPassesOnA2xxAndSaysWhyItFails() async throws {
        try await Self.withService { port in
            let (ok, passed, _) = await Self.probe(ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/ok")))
            #expect(ok.outcome == .answered(status: 200, body: "healthy"))
            #expect(passed)
            let (_, down, why) = await Self.probe(ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/status/503")))
            #expect(!down)
            #expect(why == "HTTP 503, not 2xx")
            let (_, wanted, _) = await Self.probe(
                ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/status/503"), expectStatus: [503]))
            #expect(wanted)
            let (_, body, bodyWhy) = await Self.probe(
                ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/ok"), expectText: "ready"))
            #expect(!body)
            #expect(bodyWhy == "HTTP 200, but the body does not contain \"ready\"")
        }
    }

    @Test func httpSendsTheMethodAndHeaders() async throws {
        try await Self.withService { port in
            let spec = ProbeSpec(
                target: .http(url: "http://127.0.0.1:\(port)/echo"), method: "POST",
                headers: [.init(name: "X-Probe", value: "drill")])
            let (observation, passed, _) = await Self.probe(spec)
            #expect(observation.outcome == .answered(status: 200, body: "POST drill"))
            #expect(passed)
        }
    }

    @Test func httpThatDoesNotAnswerInTimeFails() async throws {
        try await Self.withService { port in
            let spec = ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/slow"), timeout: .milliseconds(300))
            let (observation, passed, why) = await Self.probe(spec)
            #expect(observation.outcome == .timedOut)
            #expect(!passed)
            #expect(why == "no whole answer within 300ms")
            #expect(observation.latency < .seconds(2))
        }
    }

    @Test func anAnswerTricklingInPastTheTimeoutTimesOut() async throws {
        try await Self.withService { port in
            let spec = ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/trickle"), timeout: .milliseconds(400))
            let (observation, passed, why) = await Self.probe(spec)
            #expect(observation.outcome == .timedOut, "\(observation.outcome)")
            #expect(!passed)
            #expect(why == "no whole answer within 400ms")
            #expect(observation.latency < .seconds(2))
        }
    }

    @Test func aRefusedConnectionIsSaidInWords() async throws {
        let port = try RawTCP.freePort()
        let (http, _, why) = await Self.probe(ProbeSpec(target: .http(url: "http://127.0.0.1:\(port)/")))
        #expect(http.outcome == .failed("connection refused"))
        #expect(why == "connection refused")
        let (tcp, passed, _) = await Self.probe(ProbeSpec(target: .tcp(host: "127.0.0.1", port: port)))
        #expect(tcp.outcome == .failed("connection refused"))
        #expect(!passed)
    }

    @Test func tcpPassesWhenAConnectionOpens() async throws {
        try await Self.withService { port in
            let (observation, passed, _) = await Self.probe(ProbeSpec(target: .tcp(host: "127.0.0.1", port: port)))
            #expect(observation.outcome == .connected)
            #expect(passed)
        }
    }

    @Test func aProgramsExitStatusAndOutputDecide() async throws {
        let (ran, passed, why) = await Self.probe(
            ProbeSpec(target: .command(argv: ["/bin/sh", "-c", "echo hello s3cret; exit 3"]), expectText: "hello"))
        #expect(ran.outcome == .exited(code: 3, output: "hello ***\n"))
        #expect(!passed)
        #expect(why == "exit status 3, not 0")
        let (_, three, _) = await Self.probe(
            ProbeSpec(target: .command(argv: ["/bin/sh", "-c", "echo hello; exit 3"]), expectText: "hello", expectExit: 3))
        #expect(three)
        // No shell between the probe and the program: `$HOME` stays as written.
        let (echo, _, _) = await Self.probe(ProbeSpec(target: .command(argv: ["echo", "$HOME", "*"])))
        #expect(echo.outcome == .exited(code: 0, output: "$HOME *\n"))
    }

    @Test func aProgramDoesNotInheritTheOCPCredentials() async throws {
        // The credentials runbook reads from the environment are for OCP alone; the rest passes.
        setenv("OCP_ACCESS_KEY_SECRET", "probe-env-test-secret", 1)
        setenv("RUNBOOK_PROBE_ENV_TEST", "kept", 1)
        defer {
            unsetenv("OCP_ACCESS_KEY_SECRET")
            unsetenv("RUNBOOK_PROBE_ENV_TEST")
        }
        let (ran, _, _) = await Self.probe(
            ProbeSpec(
                target: .command(argv: [
                    "/bin/sh", "-c", "echo \"[${OCP_ACCESS_KEY_SECRET-unset}] [${RUNBOOK_PROBE_ENV_TEST-unset}]\"",
                ])))
        #expect(ran.outcome == .exited(code: 0, output: "[unset] [kept]\n"))
    }

    @Test func aMissingProgramIsSaidInWords() async throws {
        let (observation, passed, _) = await Self.probe(ProbeSpec(target: .command(argv: ["runbook-no-such-program"])))
        #expect(observation.outcome == .failed("runbook-no-such-program: no such program, or it cannot be run"))
        #expect(!passed)
    }

    @Test func aTimeoutKillsTheWholeProcessGroup() async throws {
        let marker = "31.\(Int.random(in: 100...999))"
        let spec = ProbeSpec(
            target: .command(argv: ["/bin/sh", "-c", "sleep \(marker) & sleep \(marker); echo never"]),
            timeout: .milliseconds(300))
        let (observation, passed, why) = await Self.probe(spec)
        #expect(observation.outcome == .timedOut)
        #expect(!passed)
        #expect(why == "it did not end within 300ms, and was killed with what it started")
        // Neither the program nor what it started is left running.
        let left = await Self.probe(ProbeSpec(target: .command(argv: ["pgrep", "-f", "sleep \(marker)"])))
        #expect(left.0.outcome == .exited(code: 1, output: ""))
    }

    @Test func outputIsKeptUpToItsBoundAndTheRestDrained() async throws {
        let (observation, passed, _) = await Self.probe(
            ProbeSpec(target: .command(argv: ["/bin/sh", "-c", "head -c 300000 /dev/zero | tr '\\\\0' x"])))
        guard case .exited(let code, let output) = observation.outcome else {
            Issue.record("the program did not end by itself: \(observation.outcome)")
            return
        }
        #expect(code == 0)
        #expect(output.utf8.count == ProbeObservation.capturedBytes)
        #expect(passed)
    }
}
