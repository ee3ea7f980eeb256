import Probes
import RunbookTestSupport
import Testing

@testable import OCPModel
@testable import OCPSimulation
@testable import RunbookSupport

/// `simulate: services`: a probe answered from the simulated state, down while nothing can serve
/// it and for the proxies' reroute delay after the role change.
@Suite struct SimulatorServiceTests {
    static let hz = 3_000_009
    static let sh = 3_000_010
    static let orders = ProbeSpec(target: .http(url: "https://orders.example.com/healthz"))
    static let proxy = ProbeSpec(target: .tcp(host: "obproxy-sh.example.com", port: 2883))
    static let client = ProbeSpec(target: .command(argv: ["obclient", "-e", "select 1"]))

    /// The brief's region loss: the Hangzhou primary unreachable, its standby in Shanghai.
    static func regionLoss(reroute: Duration = .seconds(40)) -> SimulationSetup {
        SimulationSetup(
            clusters: [ClusterSpec(id: hz, name: "ob-hz"), ClusterSpec(id: sh, name: "ob-sh")],
            tenants: [
                TenantSpec(id: 2_000_022, name: "orders", cluster: hz, role: "PRIMARY", reachable: false),
                TenantSpec(id: 2_000_025, name: "orders", cluster: sh, role: "STANDBY", primary: 2_000_022, lag: .milliseconds(800)),
            ],
            services: [
                ServiceSpec(probe: orders.target, server: .tenant(name: "orders"), reroute: reroute),
                ServiceSpec(probe: proxy.target, server: .cluster(id: sh)),
                ServiceSpec(probe: client.target, server: .tenant(name: "orders"), answer: "1\n"),
            ])
    }

    @Test func aTenantsServiceIsDownUntilTheRerouteAfterTheFailover() async throws {
        let h = SimulatorHarness(Self.regionLoss())
        #expect(await h.simulator.probe(Self.orders).outcome == .answered(status: 503, body: "simulated: no tenant named orders is a reachable PRIMARY"))
        #expect(await h.simulator.probe(Self.client).outcome == .exited(code: 1, output: "simulated: no tenant named orders is a reachable PRIMARY\n"))
        // The proxy's cluster is RUNNING from the start: it answers at once.
        #expect(await h.simulator.probe(Self.proxy).outcome == .connected)
        let task = try await h.simulator.tenantFailover(clusterId: Self.sh, tenantId: 2_000_025)
        // Step the task, and note when the standby became PRIMARY in OceanBase.
        var promotedAt: Duration?
        try await h.runToEnd(task.id) { _ in }
        let log = await h.simulator.model.serving.tenants["orders"]
        promotedAt = log?.since
        let since = try #require(promotedAt)
        #expect(log?.id == 2_000_025)
        // Before the reroute delay has passed since the role change: still down.
        let ended = h.simulator.elapsed
        #expect(ended >= since)
        if ended < since + .seconds(40) {
            let early = await h.simulator.probe(Self.orders)
            #expect(early.outcome == .answered(status: 503, body: "simulated: the proxies are still rerouting to tenant 2000025 (40s after its role change)"))
        }
        h.clock.advance(to: SimulationInstant(offset: since + .seconds(40) - .milliseconds(1)))
        #expect(await h.simulator.probe(Self.orders).outcome != .answered(status: 200, body: "OK"))
        h.advance(.milliseconds(1))
        #expect(await h.simulator.probe(Self.orders).outcome == .answered(status: 200, body: "OK"))
        #expect(await h.simulator.probe(Self.client).outcome == .exited(code: 0, output: "1\n"))
    }

    @Test func aProbeOfNoServiceFails() async {
        let h = SimulatorHarness(Self.regionLoss())
        let other = ProbeSpec(target: .http(url: "https://payments.example.com/"))
        #expect(
            await h.simulator.probe(other).outcome
                == .failed("simulate: services describes no http probe of https://payments.example.com/"))
        // The same URL with a trailing slash is the same service; the host of an address in any case.
        #expect(await h.simulator.probe(ProbeSpec(target: .http(url: "https://orders.example.com/healthz/"))).outcome
            == .answered(status: 503, body: "simulated: no tenant named orders is a reachable PRIMARY"))
        #expect(await h.simulator.probe(ProbeSpec(target: .tcp(host: "OBPROXY-SH.example.com", port: 2883))).outcome == .connected)
    }

    @Test func aClusterServiceIsDownWhileTheClusterIsNotRunning() async throws {
        let setup = SimulationSetup(
            clusters: SimulatorHarness.pair(),
            services: [ServiceSpec(probe: Self.proxy.target, server: .cluster(id: 6), reroute: .seconds(10))])
        let h = SimulatorHarness(setup)
        #expect(await h.simulator.probe(Self.proxy).outcome == .connected)
        let task = try await h.simulator.failover(clusterId: 6)
        h.advance(.seconds(1))
        // Failing over, the cluster shows FAILOVER: the service is down.
        #expect(await h.simulator.probe(Self.proxy).outcome == .failed("connection refused (simulated: cluster 6 is FAILOVER)"))
        try await h.runToEnd(task.id)
        let updated = await h.simulator.model.clusters[6]?.updateTime
        let back = try #require(updated) + .seconds(10)
        h.clock.advance(to: SimulationInstant(offset: back))
        #expect(await h.simulator.probe(Self.proxy).outcome == .connected)
    }
}
