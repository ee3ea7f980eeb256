import Foundation
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

/// The tenant endpoints over the wire: the HTTP client and `serve` answer them as the embedded
/// simulator does, with their bodies; an ambiguous tenant switchover or failover is reconciled
/// through `GET /api/v2/tasks/instances?tenantId=...` and never sent twice.
@Suite struct TenantHTTPTests {
    static let pair = TenantPair(primary: 2_000_022, standby: 2_000_025)

    /// The default pair with its primary lost (a failover is allowed), or as it is.
    static func setup(lost: Bool) -> SimulationSetup {
        SimulationSetup(
            tenants: SimulationSetup.defaultTenants.map { t in
                var spec = t
                if lost, t.role == "PRIMARY" { spec.reachable = false }
                return spec
            })
    }

    static func client(_ server: LiveServer, window: Duration? = nil) throws -> HTTPOCPClient {
        try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL(server.url), connectTimeout: .seconds(5), readTimeout: .seconds(20),
                retry: OCPConnection.RetryPolicy(baseDelay: .milliseconds(1)), reconciliationWindow: window),
            sleep: { _ in })
    }

    /// The same calls, embedded and over HTTP, on two simulators of one setup and one epoch.
    @Test func everyTenantEndpointAnswersOverHTTPAsEmbedded() async throws {
        let options = SimulatorOptions.startingNow()
        for lost in [false, true] {
            let embedded = OCPSimulator(setup: Self.setup(lost: lost), clock: ManualClock(), options: options)
            let served = OCPSimulator(setup: Self.setup(lost: lost), clock: ManualClock(), options: options)
            try await LiveServer.with(served) { server in
                let http = try Self.client(server)
                try await using(http) { http async throws in
                    #expect(
                        try await http.tenants(TenantQuery.lookup) == (try await embedded.tenants(TenantQuery.lookup)))
                    #expect(
                        try await http.tenants(clusterId: 3_000_010)
                            == (try await embedded.tenants(clusterId: 3_000_010)))
                    #expect(
                        try await http.tenant(clusterId: 3_000_010, tenantId: 2_000_025)
                            == (try await embedded.tenant(clusterId: 3_000_010, tenantId: 2_000_025)))
                    #expect(
                        try await http.tenantSwitchoverPreCheck(clusterId: 3_000_009, pair: Self.pair)
                            == (try await embedded.tenantSwitchoverPreCheck(clusterId: 3_000_009, pair: Self.pair)))
                    #expect(
                        try await http.tenantsSwitchoverPreCheck(clusterId: 3_000_009, pairs: [Self.pair])
                            == (try await embedded.tenantsSwitchoverPreCheck(clusterId: 3_000_009, pairs: [Self.pair])))
                    #expect(
                        try await http.tenantFailoverPreCheck(clusterId: 3_000_010, tenantId: 2_000_025)
                            == (try await embedded.tenantFailoverPreCheck(clusterId: 3_000_010, tenantId: 2_000_025)))
                    #expect(
                        try await http.tenantsFailoverPreCheck(clusterId: 3_000_010)
                            == (try await embedded.tenantsFailoverPreCheck(clusterId: 3_000_010)))
                    if !lost {
                        // A failover of a tenant whose primary answers: 400 OBE26107, as embedded.
                        let e = await failure { () async throws(OCPError) in
                            try await http.tenantFailover(clusterId: 3_000_010, tenantId: 2_000_025)
                        }
                        let f = await failure { () async throws(OCPError) in
                            try await embedded.tenantFailover(clusterId: 3_000_010, tenantId: 2_000_025)
                        }
                        #expect(e?.httpStatus == 400 && e?.code == "OBE26107" && e?.message == f?.message)
                    }
                    if lost {
                        let items = [TenantFailoverItem(tenantId: 2_000_025, serviceName: "orders_sh")]
                        let a = try await http.tenantsFailover(clusterId: 3_000_010, items: items)
                        let b = try await embedded.tenantsFailover(clusterId: 3_000_010, items: items)
                        #expect(a == b && a.count == 1 && a[0].name == "Failover tenant")
                    } else {
                        let a = try await http.tenantSwitchover(clusterId: 3_000_009, pair: Self.pair)
                        let b = try await embedded.tenantSwitchover(clusterId: 3_000_009, pair: Self.pair)
                        #expect(a == b && a.tenantId == 2_000_022)
                        #expect(
                            try await http.tasks(TaskQuery(tenantId: 2_000_022))
                                == (try await embedded.tasks(TaskQuery(tenantId: 2_000_022))))
                        // The refusal of a held tenant comes through with its status and code.
                        let refused = await failure { () async throws(OCPError) in
                            try await http.tenantSwitchover(clusterId: 3_000_009, pair: Self.pair)
                        }
                        #expect(refused?.httpStatus == 409 && refused?.code == OCPErrorCode.clusterTaskInProgress)
                        // A refusal is a definite answer: it was sent once.
                        #expect(server.log.count("POST", endingWith: "/tenants/2000022/switchover") == 2)
                    }
                }
            }
        }
    }

    @Test func anAmbiguousTenantSwitchoverIsFoundByTenantAndNotSentAgain() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        let bad = Misbehaving("POST", "/tenants/2000022/switchover", .statusAfterEffect(502))
        try await LiveServer.with(simulator, interposer: bad.interposer) { server in
            let client = try Self.client(server)
            let calls = OCPCallLog()
            let result: Result<TaskInstance, OCPError> = await OCPCallLog.$current.withValue(calls) {
                do throws(OCPError) {
                    return .success(try await client.tenantSwitchover(clusterId: 3_000_009, pair: Self.pair))
                } catch {
                    return .failure(error)
                }
            }
            await client.shutdown()
            let task = try result.get()
            #expect(task.name == "Switchover ob tenant for network mode" && task.tenantId == 2_000_022)
            #expect(server.log.count("POST", endingWith: "/tenants/2000022/switchover") == 1)
            let looked = server.log.records.filter { $0.path.hasPrefix("/api/v2/tasks/instances?") }
            #expect(looked.count == 1 && looked[0].path.contains("tenantId=2000022"), "\(looked.map(\.path))")
            let notes = calls.calls.flatMap(\.notes)
            #expect(
                notes.contains {
                    $0.hasPrefix(
                        "after HTTP 502: found task \(task.id) 'Switchover ob tenant for network mode' for tenant 2000022"
                    )
                }, "\(notes)")
        }
    }

    @Test func anAmbiguousBatchFailoverIsFoundForEveryTenant() async throws {
        let (clusters, tenants) = SimulationSetup.tenantRegionLoss(clusters: 1, tenantsPerCluster: 3)
        let simulator = OCPSimulator(
            setup: SimulationSetup(clusters: clusters, tenants: tenants), clock: ManualClock(), options: .startingNow())
        let standby = clusters[1].id
        let bad = Misbehaving("POST", "/clusters/\(standby)/tenants/failover", .dropMidAnswer)
        try await LiveServer.with(simulator, interposer: bad.interposer) { server in
            let client = try Self.client(server)
            let items = tenants.filter { $0.role == "STANDBY" }.map { TenantFailoverItem(tenantId: $0.id) }
            let result = await failure { () async throws(OCPError) in
                let started = try await client.tenantsFailover(clusterId: standby, items: items)
                #expect(started.map(\.tenantId) == items.map(\.tenantId))
                #expect(Set(started.map(\.id)).count == 3)
            }
            await client.shutdown()
            #expect(result == nil, "\(result?.description ?? "")")
            #expect(server.log.count("POST", endingWith: "/tenants/failover") == 1)
            #expect(server.log.records.filter { $0.path.hasPrefix("/api/v2/tasks/instances?") }.count == 3)
        }
    }

    @Test func withNoSignOfTheTaskTheFailoverIsNotSentAgain() async throws {
        let simulator = OCPSimulator(setup: Self.setup(lost: true), clock: ManualClock(), options: .startingNow())
        let bad = Misbehaving("POST", "/tenants/2000025/failover", .status(502))
        try await LiveServer.with(simulator, interposer: bad.interposer) { server in
            let client = try Self.client(server, window: .seconds(2))
            let error = await failure { () async throws(OCPError) in
                try await client.tenantFailover(clusterId: 3_000_010, tenantId: 2_000_025)
            }
            await client.shutdown()
            let found = try #require(error)
            #expect(found.message.contains("OCP shows no sign that the call took effect"), "\(found)")
            #expect(found.message.contains("it was not re-sent"), "\(found)")
            #expect(server.log.count("POST", endingWith: "/tenants/2000025/failover") == 1)
            #expect(try await simulator.tasks(TaskQuery()).contents.isEmpty)
        }
    }

    // MARK: - Runbooks over HTTP

    /// Runs a checked runbook over HTTP against a served simulator of its `simulate:` block, at
    /// `instant` on one clock held while each request is in flight.
    static func runOverHTTP(_ runbook: CheckedRunbook) async throws -> (RunFinished, MemoryStepLog) {
        var block = runbook.simulate ?? SimulateBlock()
        block.speed = .instant
        let runbook = runbook.simulating(block)
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: SimulationSetup(block), clock: clock)
        return try await LiveServer.with(simulator) { server in
            let http = try server.client(retry: OCPConnection.RetryPolicy(maxAttempts: 1))
            let log = MemoryStepLog()
            let interpreter = Interpreter(
                runbook: runbook, client: WrappedClient.holding(clock, around: http),
                clock: SimulatedRunClock(clock, origin: Date()), log: StepLog([log]),
                configuration: RunConfiguration(user: "tester"))
            let finished = await interpreter.run()
            await http.shutdown()
            return (finished, log)
        }
    }

    @Test func theTenantSwitchoverExampleSwitchesOverAndBackOverHTTP() async throws {
        let (finished, log) = try await Self.runOverHTTP(try Engine.example("tenant-switchover.yaml"))
        #expect(finished.outcome == .passed, "\(finished.reason ?? "")")
        #expect(finished.counts == StepCounts(passed: 12, skipped: 1))
        #expect(finished.recoveries.map(\.tenantId) == [2_000_025, 2_000_022])
        #expect(finished.recoveries.allSatisfy { $0.outcome == .completed && $0.lagMs == 1000 })
        let steps = await log.finishedSteps
        let evidence = steps.compactMap(\.observed.tenantActions).flatMap { $0 }
        #expect(evidence.map(\.primary?.tenantId) == [2_000_022, 2_000_025])
        // The two clusters share an OBProxy: no warning.
        #expect(evidence.allSatisfy { $0.warnings == nil })
    }

    @Test func theTenantRegionLossExampleFailsOverEveryTenantOverHTTP() async throws {
        let (finished, log) = try await Self.runOverHTTP(try Engine.example("tenant-region-loss.yaml"))
        #expect(finished.outcome == .passed, "\(finished.reason ?? "")")
        #expect(finished.counts == StepCounts(passed: 8, continued: 1))
        #expect(finished.recoveries.map(\.tenantId) == [2_000_025, 2_000_032])
        #expect(finished.recoveries.map(\.lagMs) == [800, 2000])
        #expect(finished.recoveries.allSatisfy { $0.outcome == .completed })
        let continued = await log.finishedSteps.filter { $0.outcome == .continued }
        #expect(continued.first?.message?.hasPrefix("tenant 2000032: task") == true)
    }

    @Test func theBriefsSwitchoverRunsAsWrittenOverHTTP() async throws {
        let (finished, _) = try await Self.runOverHTTP(try Engine.check(TenantBrief.switchover))
        #expect(finished.outcome == .passed, "\(finished.reason ?? "")")
        #expect(finished.counts.passed == 8)
        #expect(finished.recoveries.count == 2)
    }

    @Test func theBriefsTenantSimulateBlockRunsOverHTTP() async throws {
        let (finished, _) = try await Self.runOverHTTP(try Engine.check(TenantBrief.regionLoss))
        // As written, the batch's await meets payments' failure, once: the run fails naming it.
        #expect(finished.outcome == .failed)
        #expect(finished.reason?.contains("await task takeover status: SUCCESSFUL") == true, "\(finished.reason ?? "")")
        #expect(finished.recoveries.map(\.tenantId) == [2_000_025, 2_000_032])
        // It fails fast: orders' task had not been seen to end when payments' was seen FAILED.
        #expect(finished.recoveries.map(\.outcome) == [.unfinished, .failed])
    }
}
