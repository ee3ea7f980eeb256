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

/// Golden dumps of the tree (``RunbookDocument/outline``), `@line:col` on every node.
@Suite struct RunbookParserTests {
    @Test func theBriefsFirstRunbook() throws {
        let runbook = try #require(
            RunbookChecker.check(ExamplesTests.briefFirstRunbook, file: "examples/failover-drill.yaml").runbook)
        #expect(runbook.document.outline == Self.briefOutline + "\n")
    }

    @Test func everyConstruct() throws {
        let result = RunbookChecker.check(Self.everyConstruct, file: "every.yaml")
        #expect(result.diagnostics.map(\.description) == [])
        let runbook = try #require(result.runbook)
        #expect(runbook.document.outline == Self.everyOutline + "\n")
    }

    @Test func aBrokenStepIsLeftOutAndTheRestIsParsed() throws {
        let root = try YAMLLoader().load(
            """
            runbook: Drill
            steps:
              - failover cluster: 6
              - frobnicate: 1
                as: later
              - await task status: SUCCESS
            """, file: "b.yaml")
        let output = RunbookParser.parse(root, file: "b.yaml")
        let runbook = try #require(output.runbook)
        #expect(runbook.steps.map(\.phrase) == ["failover cluster", "await task status"])
        #expect(runbook.unparsedSteps.map(\.location) == [SourceLocation(file: "b.yaml", line: 4, column: 5)])
        #expect(runbook.unparsedSteps.first?.taskName?.text == "later")
        #expect(output.diagnostics.map(\.id) == ["phrase.unknown"])
    }

    @Test func phraseReferencesAreLocatedInsideTheKey() throws {
        let runbook = try #require(
            RunbookChecker.check(
                """
                runbook: Drill
                vars:
                  standbys: [6]
                steps:
                  - in parallel for each   standby in ${standbys}:
                      - failover cluster ${standby}
                      - await task status: SUCCESS
                """, file: "k.yaml"
            ).runbook)
        guard case .forEach(let block) = runbook.steps[0].action,
            case .action(let failover) = block.body[0].action, failover.kind == .failoverCluster,
            let cluster = failover.subject
        else {
            Issue.record("unexpected tree")
            return
        }
        #expect(block.parallel)
        #expect(block.variable == Name("standby", at: SourceLocation(file: "k.yaml", line: 5, column: 28)))
        #expect(block.list.location == SourceLocation(file: "k.yaml", line: 5, column: 39))
        #expect(cluster.location == SourceLocation(file: "k.yaml", line: 6, column: 26))
        #expect(cluster.kind == .reference(Reference(path: ["standby"], at: cluster.location)))
    }

    static let briefOutline = #"""
            runbook "Fail over ob-prod-sh (cluster 6) to primary" @2:1
              description "Quarterly DR drill for the Shanghai standby."
              var standby @5:3 = 6 @5:12
              var rto @6:3 = "30m" @6:8
              steps
                precheckFailoverCluster @8:5 "precheck failover cluster"
                  cluster ${standby} @8:32
                assertCluster @9:5 "assert cluster ${standby}"
                  cluster ${standby} @9:20
                  type STANDBY @10:13
                  status RUNNING @11:15
                failoverCluster @12:5 "failover cluster"
                  cluster ${standby} @12:23
                awaitTask @13:5 "await task status"
                  timeout ${rto} @14:14
                  task current
                  status SUCCESSFUL (written SUCCESS) @13:24
                assertSubtask @15:5 "assert subtask \"Remove standby cluster\""
                  task current
                  subtask "Remove standby cluster" @15:20
                  status SUCCESSFUL @15:5
                assertSubtask @16:5 "assert subtask \"Failover to Primary\""
                  task current
                  subtask "Failover to Primary" @16:20
                  status SUCCESSFUL @17:15
                  took under 10m @18:19
                assertCluster @19:5 "assert cluster ${standby}"
                  cluster ${standby} @19:20
                  type PRIMARY @20:13
            """#

    static let everyConstruct = #"""
            runbook: Every construct
            description: One of each.
            target: ${env.OCP_URL}
            timeout: 2h
            vars:
              standbys: [6, 8]
              cfg:
                id: 6
                rto: 30m
              label: "drill ${cfg.id} $${literal}"
            simulate:
              speed: realtime
              clusters:
                - id: 5
                  type: PRIMARY
                - id: 6
                  name: ob-sh
                  type: STANDBY
                  primary: 5
                  delayTime: 3
                  syncStatus: SYNCHRONIZING
              faults:
                - subtask: Wait node
                  fail: 2
                  message: boom
                  cluster: 6
                - endpoint: get /api/v2/tasks/instances/{id}
                  status: 503
                  times: 2
            steps:
              - precheck switchover cluster 6
              - switchover cluster: ${cfg.id}
                as: swap
                name: ${label}
                timeout: ${cfg.rto}
              - await subtask "Prepare switchover" of task swap status: RUNNING
                every: 2s
              - cancel subtask "Prepare switchover"
              - retry subtask "Prepare switchover" of task ${swap.id}:
                continue on failure: true
              - skip subtask "Prepare switchover"
              - await task swap status: SUCCESS
              - assert task swap:
                  status: SUCCESSFUL
                  runTime: 1
                  took under: 1h
              - assert subtask "Switchover to primary":
                  after: Switchover to standby
                  runTime: 2
              - assert cluster 6 syncStatus: VALID
              - await cluster 5 status: RUNNING
              - await cluster 6 type: STANDBY
              - in parallel for each c in ${standbys}:
                  - failover cluster: ${c}
                  - await task status: FAILED
                  - retry task
                  - rollback task 171603
                max concurrency: 1
              - sleep: 1.5
              - confirm: go on?
            on failure:
              - note: failed at ${env.STEP}
            finally:
              - for each c in ${standbys}:
                  - assert cluster ${c}: {type: PRIMARY, status: RUNNING}
            """#

    static let everyOutline = #"""
            runbook "Every construct" @1:1
              description "One of each."
              target ${env.OCP_URL} @3:9
              var standbys @6:3 = [6 @6:14, 8 @6:17] @6:13
              var cfg @7:3 = {id: 6 @8:9, rto: "30m" @9:10} @8:5
              var label @10:3 = interpolation("drill ", ${cfg.id} @10:17, " ${literal}") @10:10
              timeout 2h @4:10
              simulate speed realtime
                cluster 5 "obcluster-5" PRIMARY RUNNING delayTime 0 syncStatus VALID @14:7
                cluster 6 "ob-sh" STANDBY RUNNING primary 5 delayTime 3 syncStatus SYNCHRONIZING @16:7
                fault subtask "Wait node" cluster 6 fail 2 message "boom" @23:7
                fault endpoint "GET /api/v2/tasks/instances/{taskId}" status 503 times 2 @27:7
              steps
                precheckSwitchoverCluster @31:5 "precheck switchover cluster 6"
                  cluster 6 @31:33
                switchoverCluster @32:5 "switchover cluster"
                  name ${label} @34:11
                  timeout ${cfg.rto} @35:14
                  as swap @33:9
                  cluster ${cfg.id} @32:25
                awaitSubtask @36:5 "await subtask \"Prepare switchover\" of task swap status"
                  every 2s @37:12
                  task named swap @36:48
                  subtask "Prepare switchover" @36:19
                  status RUNNING @36:61
                cancelSubtask @38:5 "cancel subtask \"Prepare switchover\""
                  task current
                  subtask "Prepare switchover" @38:20
                retrySubtask @39:5 "retry subtask \"Prepare switchover\" of task ${swap.id}"
                  continue on failure
                  task id ${swap.id} @39:48
                  subtask "Prepare switchover" @39:19
                skipSubtask @41:5 "skip subtask \"Prepare switchover\""
                  task current
                  subtask "Prepare switchover" @41:18
                awaitTask @42:5 "await task swap status"
                  task named swap @42:16
                  status SUCCESSFUL (written SUCCESS) @42:29
                assertTask @43:5 "assert task swap"
                  task named swap @43:17
                  status SUCCESSFUL @44:15
                  runTime 1 @45:7
                  took under 1h @46:19
                assertSubtask @47:5 "assert subtask \"Switchover to primary\""
                  task current
                  subtask "Switchover to primary" @47:20
                  after "Switchover to standby" @48:14
                  runTime 2 @49:7
                assertCluster @50:5 "assert cluster 6 syncStatus"
                  cluster 6 @50:20
                  syncStatus VALID @50:34
                awaitCluster @51:5 "await cluster 5 status"
                  cluster 5 @51:19
                  status RUNNING @51:29
                awaitCluster @52:5 "await cluster 6 type"
                  cluster 6 @52:19
                  type STANDBY @52:27
                parallelForEach @53:5 "in parallel for each c in ${standbys}"
                  max concurrency 1 @58:22
                  variable c @53:26
                  list ${standbys} @53:31
                  failoverCluster @54:9 "failover cluster"
                    cluster ${c} @54:27
                  awaitTask @55:9 "await task status"
                    task current
                    status FAILED @55:28
                  retryTask @56:9 "retry task"
                    task current
                  rollbackTask @57:9 "rollback task 171603"
                    task id 171603 @57:23
                sleep @59:5 "sleep"
                  duration 1.5s @59:12
                confirm @60:5 "confirm"
                  text "go on?" @60:14
              on failure
                note @62:5 "note"
                  text interpolation("failed at ", ${env.STEP} @62:21) @62:11
              finally
                forEach @64:5 "for each c in ${standbys}"
                  variable c @64:14
                  list ${standbys} @64:19
                  assertCluster @65:9 "assert cluster ${c}"
                    cluster ${c} @65:24
                    type PRIMARY @65:37
                    status RUNNING @65:54
            """#
}
