import Probes
import Testing

/// What passes a probe, and how a target is written.
@Suite struct ProbeSpecTests {
    @Test(arguments: [
        ("obproxy-sh.example.com:2883", "obproxy-sh.example.com", 2883),
        ("10.0.0.1:80", "10.0.0.1", 80),
        ("[::1]:2883", "::1", 2883),
    ])
    func addressesSplit(_ text: String, _ host: String, _ port: Int) throws {
        let address = try #require(ProbeTarget.address(text))
        #expect(address.host == host && address.port == port)
        #expect(ProbeTarget.tcp(host: host, port: port).description == text)
    }

    @Test(arguments: ["example.com", "example.com:", ":80", "h:0", "h:65536", "h:8o", "::1:80", "[::1]80", "h:+80"])
    func notAddresses(_ text: String) {
        #expect(ProbeTarget.address(text) == nil)
    }

    @Test func anyTwoHundredPassesUnlessStatusesAreGiven() {
        let spec = ProbeSpec(target: .http(url: "http://x/"))
        #expect(spec.verdict(of: ProbeObservation(.answered(status: 204, body: ""), latency: .zero)).passed)
        #expect(spec.verdict(of: ProbeObservation(.answered(status: 301, body: ""), latency: .zero)).reason == "HTTP 301, not 2xx")
        let listed = ProbeSpec(target: .http(url: "http://x/"), expectStatus: [200, 401])
        #expect(listed.verdict(of: ProbeObservation(.answered(status: 401, body: ""), latency: .zero)).passed)
        #expect(
            listed.verdict(of: ProbeObservation(.answered(status: 204, body: ""), latency: .zero)).reason
                == "HTTP 204, not 200 or 401")
    }

    @Test func failuresSayWhy() {
        let spec = ProbeSpec(target: .command(argv: ["true"]), timeout: .seconds(2))
        #expect(spec.verdict(of: ProbeObservation(.timedOut, latency: .seconds(2))).reason == "it did not end within 2s, and was killed with what it started")
        #expect(spec.verdict(of: ProbeObservation(.signalled(9), latency: .zero)).reason == "killed by signal 9")
        #expect(spec.verdict(of: ProbeObservation(.failed("connection refused"), latency: .zero)).reason == "connection refused")
    }
}
