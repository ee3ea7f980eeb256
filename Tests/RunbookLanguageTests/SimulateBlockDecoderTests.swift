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
                "s.yaml:15:5: error: a cluster needs a 'type' (PRIMARY or STANDBY)",
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
