import Foundation
import OCPHTTP
import OCPModel
import OCPSimulation
import ProbeRunners
import Probes
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookTestSupport
import Testing

/// The brief's region-loss drill over a real wire: OCP calls and `probe http` both go over HTTP
/// to a served simulator, which answers the service from its state; the probes are real ones.
@Suite struct EvidenceHTTPTests {
    /// Real probes, with an instant clock held still while each is on the wire (as calls are).
    struct HeldProbes: ProbeClient {
        let base: LiveProbeClient
        let clock: SimulationClock

        func probe(_ spec: ProbeSpec) async -> ProbeObservation {
            clock.beginBusy()
            defer { clock.endBusy() }
            return await base.probe(spec)
        }
    }

    static func drill(port: Int) -> String {
        """
        runbook: Region loss drill - Shanghai takes over, over the wire
        objectives:
          recovery time: 10m
          data loss: 5s
        watch:
          - probe http: http://127.0.0.1:\(port)/healthz/orders
            every: 5s
        steps:
          - outage: Hangzhou region lost
          - precheck failover tenant: 2000025
          - failover tenants of cluster: 3000010
            as: takeover
          - await task takeover status: SUCCESS
          - await probe http: http://127.0.0.1:\(port)/healthz/orders
            expect status: 200
            timeout: 15m
          - recovered: orders answers from Shanghai
          - probe tcp: 127.0.0.1:\(port)
          - probe command: [/bin/sh, -c, "exit 0"]
        """
    }

    @Test func theRegionLossDrillMeasuresItsRecoveryOverHTTP() async throws {
        let setup = SimulationSetup(
            clusters: [ClusterSpec(id: 3_000_009, name: "ob-hz"), ClusterSpec(id: 3_000_010, name: "ob-sh")],
            tenants: [
                TenantSpec(id: 2_000_022, name: "orders", cluster: 3_000_009, role: "PRIMARY", reachable: false),
                TenantSpec(
                    id: 2_000_025, name: "orders", cluster: 3_000_010, role: "STANDBY", primary: 2_000_022,
                    lag: .milliseconds(800)),
            ],
            services: [
                ServiceSpec(probe: .http(url: "http://serve/healthz/orders"), server: .tenant(name: "orders"), reroute: .seconds(40))
            ])
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: setup, clock: clock)
        let outcome: (RunFinished, Int64?, Int) = try await LiveServer.with(
            simulator, services: { await simulator.serviceAnswer(path: $0) }
        ) { server in
            let runbook = try Engine.check(Self.drill(port: server.port))
            let http = try server.client(retry: OCPConnection.RetryPolicy(maxAttempts: 1))
            var configuration = RunConfiguration(user: "tester")
            configuration.probes = HeldProbes(base: try LiveProbeClient(), clock: clock)
            let interpreter = Interpreter(
                runbook: runbook, client: WrappedClient.holding(clock, around: http),
                clock: SimulatedRunClock(clock, origin: Date()), log: StepLog([]), configuration: configuration)
            let finished = await interpreter.run()
            await http.shutdown()
            let since = await simulator.servingSince(tenantNamed: "orders")
            return (finished, since?.milliseconds, server.log.count("GET", endingWith: "/healthz/orders"))
        }
        let (finished, since, served) = outcome
        #expect(finished.outcome == .passed, "\(finished.reason ?? "")")
        let evidence = try #require(finished.evidence)
        let truth = try #require(since) + 40_000
        let measured = try #require(evidence.recoveryTimeMs)
        #expect(abs(measured - truth) <= max(1_000, truth / 50), "measured \(measured) ms, truth \(truth) ms")
        #expect(evidence.objectives.map(\.verdict) == [.met, .met])
        #expect(evidence.downtime.first?.windows.count == 1)
        // The service was asked over the wire: the watch's and the await's attempts.
        #expect(served > 10)
    }
}
