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

@Suite struct SimulateBlockDecoderTests {
    private func decode(_ yaml: String, path: String? = "simulate") throws -> SimulateBlockDecoder.Outcome {
        let root = try #require(try YAMLLoader().load(yaml, file: "s.yaml"))
        return SimulateBlockDecoder.decode(root, path: path)
    }

    private func at(_ line: Int, _ column: Int) -> Location { SourceLocation(file: "s.yaml", line: line, column: column) }

    @Test func decodesTheBriefsSimulateBlock() throws {
        let yaml = ExamplesTests.briefSimulate.split(separator: "\n", omittingEmptySubsequences: false).dropFirst()
            .map { $0.hasPrefix("  ") ? String($0.dropFirst(2)) : String($0) }.joined(separator: "\n")
        let outcome = try decode(yaml)
        #expect(outcome.diagnostics.isEmpty)
        #expect(
            outcome.block
                == SimulateBlock(
                    speed: .factor(60),
                    clusters: [
                        SimulateBlock.Cluster(id: 5, name: "ob-prod-hz", type: .primary, status: .stopped, location: at(3, 5)),
                        SimulateBlock.Cluster(
                            id: 6, name: "ob-prod-sh", type: .standby, primary: 5, delayTime: 2, syncStatus: .valid,
                            location: at(7, 5)),
                    ],
                    faults: [
                        .subtask(
                            SimulateBlock.SubtaskFault(
                                subtask: "Failover to Primary Check", fail: 1,
                                message: "primary OBServer 10.0.0.1:2882 is still alive", location: at(14, 5))),
                        .subtask(SimulateBlock.SubtaskFault(subtask: "Remove standby cluster", hang: true, location: at(17, 5))),
                        .subtask(
                            SimulateBlock.SubtaskFault(subtask: "Failover to Primary", cluster: 7, takes: .seconds(1200), location: at(19, 5))),
                    ]))
    }

    @Test func decodesAPIFaultsWithDefaultTimes() throws {
        let outcome = try decode(
            """
            faults:
              - endpoint: GET /api/v2/tasks/instances/{id}
                status: 503
                times: 2
              - endpoint: POST  /api/v2/ob/clusters/{clusterId}/failover
                status: 409
            """)
        #expect(outcome.diagnostics.isEmpty)
        #expect(
            outcome.block?.faults == [
                .api(SimulateBlock.APIFault(endpoint: "GET /api/v2/tasks/instances/{taskId}", status: 503, times: 2, location: at(2, 5))),
                .api(SimulateBlock.APIFault(endpoint: "POST /api/v2/ob/clusters/{id}/failover", status: 409, times: 1, location: at(5, 5))),
            ])
        #expect(outcome.block?.clusters == nil)
        #expect(outcome.block?.speed == .instant)
    }

    @Test func topologyFileHasTheSameKeysAtTheTop() {
        let good = SimulateBlockDecoder.decodeTopology(
            bytes: Array("speed: realtime\nclusters:\n  - id: 1\n    type: PRIMARY\n".utf8), file: "t.yaml")
        #expect(good.diagnostics.isEmpty)
        #expect(good.block?.speed == .realtime)
        #expect(good.block?.clusters?.first?.name == "obcluster-1")

        let bad = SimulateBlockDecoder.decodeTopology(bytes: Array("speeed: 2x\n".utf8), file: "t.yaml")
        #expect(bad.block == nil)
        #expect(bad.diagnostics.map(\.description) == ["t.yaml:1:1: error: unknown key 'speeed' in the topology; did you mean 'speed'?"])

        let empty = SimulateBlockDecoder.decodeTopology(bytes: [], file: "t.yaml")
        #expect(empty.diagnostics.map(\.id) == ["simulate.empty"])
        let broken = SimulateBlockDecoder.decodeTopology(bytes: Array("a: [".utf8), file: "t.yaml")
        #expect(broken.diagnostics.map(\.id) == ["yaml.syntax"])
    }

    @Test func checksClusterSpecs() throws {
        let outcome = try decode(
            """
            clusters:
              - id: 5
                name: a
                type: STANDBY
                primary: 6
              - id: 6
                name: a
                type: STANDBY
                primary: 6
              - id: 7
                type: PRIMARY
                primary: 5
                delayTime: -1
                syncStatus: valid
              - name: nameless
            """)
        #expect(outcome.block == nil)
        #expect(
            outcome.diagnostics.map(\.description) == [
                "s.yaml:5:14: error: cluster 6 is a STANDBY, but a standby's primary must be PRIMARY",
                "s.yaml:7:11: error: cluster name 'a' is already used at line 2",
                "s.yaml:9:14: error: cluster 6 cannot be its own primary",
                "s.yaml:12:14: error: only a STANDBY cluster has a 'primary'",
                "s.yaml:13:16: error: 'delayTime' must be at least 0, not -1",
                "s.yaml:14:17: error: unknown sync status 'valid'; did you mean 'VALID'?",
                "s.yaml:15:5: error: a cluster needs an 'id'",
            ])
    }

    @Test func aClusterWithoutATypeIsAFourXCluster() throws {
        let outcome = try decode("clusters:\n  - {id: 3000009, name: ob-hz, obVersion: 4.2.5.3, obproxy: proxy-a}\n")
        let cluster = try #require(outcome.block?.clusters?.first)
        #expect(outcome.diagnostics.isEmpty)
        #expect(cluster.type == .primary && cluster.obVersion == "4.2.5.3" && cluster.obproxy == "proxy-a")
    }

    @Test func readsTenantsAndTheirFaults() throws {
        let outcome = try decode(
            """
            tenants:
              - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY, reachable: false}
              - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022, lag: 800ms, serviceName: svc}
            clusters:
              - {id: 3000009, name: ob-hz}
              - {id: 3000010, name: ob-sh}
            faults:
              - {subtask: Failover to primary tenant, tenant: 2000025, fail: 1}
            """)
        #expect(outcome.diagnostics.isEmpty)
        let tenants = try #require(outcome.block?.tenants)
        #expect(tenants.map(\.id) == [2_000_022, 2_000_025])
        #expect(tenants[0].role == .primary && !tenants[0].reachable && tenants[0].primary == nil)
        #expect(tenants[1].role == .standby && tenants[1].primary == 2_000_022 && tenants[1].lag == .milliseconds(800))
        #expect(tenants[1].serviceName == "svc" && tenants[1].reachable)
        guard case .subtask(let fault)? = outcome.block?.faults.first else {
            Issue.record("no subtask fault")
            return
        }
        #expect(fault.tenant == 2_000_025 && fault.subtask == "Failover to primary tenant")
    }

    @Test func tenantsWithoutClustersNameTheDefaultTopologysClusters() throws {
        let outcome = try decode("tenants:\n  - {id: 2000030, name: t, cluster: 3000010, role: PRIMARY}\n")
        #expect(outcome.diagnostics.isEmpty && outcome.block?.clusters == nil)
        #expect(SimulateBlock.defaultClusterIds == SimulationSetup.defaultClusters.map(\.id))
    }

    @Test func checksTenantSpecs() throws {
        let outcome = try decode(
            """
            clusters:
              - {id: 3000009, name: ob-hz}
            tenants:
              - {id: 2000022, cluster: 3000009, role: PRIMARY, lag: 1s}
              - {id: 2000022, cluster: 3000009, role: STANDBY, primary: 2000099}
              - {id: 3000009, cluster: 3000011, role: STANDBY}
              - {id: 2000040, cluster: 3000009, role: CLONE}
              - {id: 2000041, cluster: 3000009, role: PRIMARY, primary: 2000022}
              - {name: nameless}
            """)
        #expect(outcome.block == nil)
        #expect(
            outcome.diagnostics.map(\.description) == [
                "s.yaml:4:57: error: only a STANDBY tenant has a 'lag' behind its primary",
                "s.yaml:5:10: error: tenant id 2000022 is already used at line 4",
                "s.yaml:5:61: error: there is no tenant 2000099 in 'simulate.tenants' (ids: 2000022, 2000041, 3000009)",
                "s.yaml:6:5: error: a STANDBY tenant needs 'primary': the OCP id of the tenant it follows",
                "s.yaml:6:10: error: tenant id 3000009 is also a cluster id: OCP numbers tenants and clusters apart (tenant 2000022, cluster 3000009), so give the tenant its own id",
                "s.yaml:6:28: error: there is no cluster 3000011 to host tenant 3000009 (cluster ids: 3000009)",
                "s.yaml:7:43: error: a simulated tenant is PRIMARY or STANDBY, not CLONE",
                "s.yaml:8:61: error: only a STANDBY tenant has a 'primary'",
                "s.yaml:9:5: error: a tenant needs an 'id': its OCP tenant id, such as 2000022",
                "s.yaml:9:5: error: a tenant needs a 'cluster': the OCP id of the cluster that hosts it",
                "s.yaml:9:5: error: a tenant needs a 'role' (PRIMARY or STANDBY)",
            ])
    }

    @Test func aFaultOnASubtaskNoTaskHasCanNeverFire() throws {
        let outcome = try decode("faults:\n  - subtask: Failover to primary\n    fail: 1\n  - subtask: Wait for quorum\n    fail: 1\n")
        #expect(outcome.block == nil)
        #expect(
            outcome.diagnostics.map(\.description) == [
                "s.yaml:2:14: error: subtask 'Failover to primary' differs from OCP's 'Failover to Primary' only in case or spacing, and OCP matches names exactly: did you mean 'Failover to Primary'?",
                "s.yaml:4:14: error: subtask 'Wait for quorum' is not in OCP's failover or switchover task: the fault can never fire",
            ])
    }
}
