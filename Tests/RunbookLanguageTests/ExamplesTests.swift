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
@testable import RunbookYAML

/// Every runbook in `examples/`, and every example of the language brief, checks clean.
@Suite struct ExamplesTests {
    @Test func everyExampleChecksCleanAndStartsWithTheSchemaModeline() throws {
        let files = try TestFiles.examples()
        #expect(!files.isEmpty)
        for file in files {
            let text = try TestFiles.text(file)
            let result = RunbookChecker.check(text, file: file)
            #expect(result.diagnostics.map(\.description) == [], "\(file)")
            #expect(result.runbook != nil, "\(file)")
            #expect(text.hasPrefix("# yaml-language-server: $schema=../docs/runbook.schema.json\n"), "\(file)")
        }
    }

    /// The first runbook of the design brief, verbatim.
    static let briefFirstRunbook = """
        # yaml-language-server: $schema=../docs/runbook.schema.json
        runbook: Fail over ob-prod-sh (cluster 6) to primary
        description: Quarterly DR drill for the Shanghai standby.
        vars:
          standby: 6
          rto: 30m
        steps:
          - precheck failover cluster: ${standby}
          - assert cluster ${standby}:
              type: STANDBY
              status: RUNNING
          - failover cluster: ${standby}
          - await task status: SUCCESS
            timeout: ${rto}
          - assert subtask "Remove standby cluster"
          - assert subtask "Failover to Primary":
              status: SUCCESSFUL
              took under: 10m
          - assert cluster ${standby}:
              type: PRIMARY

        """

    /// The three step forms of the brief, verbatim.
    static let briefStepForms = """
        - retry task                          # 1. a phrase
        - failover cluster: 6                 # 2. a phrase with a value
        - await task status: SUCCESS          # 3. a phrase with a value, plus options
          timeout: 30m
          every: 10s

        """

    /// The simulate block of the brief, verbatim.
    static let briefSimulate = """
        simulate:
          speed: 60x                  # instant (default), realtime, or a factor such as 60x
          clusters:
            - id: 5
              name: ob-prod-hz
              type: PRIMARY
              status: STOPPED         # the disaster: the primary is down
            - id: 6
              name: ob-prod-sh
              type: STANDBY
              primary: 5
              delayTime: 2            # seconds behind the primary
              syncStatus: VALID
          faults:
            - subtask: Failover to Primary Check
              fail: 1                 # its first run fails ...
              message: primary OBServer 10.0.0.1:2882 is still alive   # ... with this log line
            - subtask: Remove standby cluster
              hang: true              # runs past its timeout, then fails (TSK10012)
            - subtask: Failover to Primary
              takes: 20m              # overrides its duration
              cluster: 7              # only in tasks on cluster 7 (default: every task)

        """

    @Test func theBriefsFirstRunbookChecksCleanAndIsTheCommittedExample() throws {
        let result = RunbookChecker.check(Self.briefFirstRunbook, file: "drill.yaml")
        #expect(result.diagnostics.isEmpty)
        let runbook = try #require(result.runbook)
        #expect(runbook.steps.count == 7)
        // The example is the brief's runbook plus a `simulate: speed:` that paces the rehearsal.
        let example = try TestFiles.text("examples/failover-drill.yaml")
        let lines = example.split(separator: "\n", omittingEmptySubsequences: false)
        let simulate = try #require(lines.firstIndex(of: "simulate:"))
        #expect(lines[simulate + 1].hasPrefix("  speed: "))
        let withoutSimulate = lines[..<simulate] + lines[(simulate + 2)...]
        #expect(withoutSimulate.joined(separator: "\n") == Self.briefFirstRunbook)
    }

    @Test func theBriefsFragmentsCheckClean() throws {
        let steps = RunbookChecker.check(DocExample.wrap(Self.briefStepForms), file: "fragment.yaml")
        #expect(steps.diagnostics.map(\.description) == [])
        // The brief's fault on cluster 7, beside clusters 5 and 6, is accepted and reported as one
        // that can never fire.
        let faults = RunbookChecker.check(DocExample.wrap(Self.briefSimulate), file: "fragment.yaml")
        #expect(
            faults.diagnostics.map(\.description) == [
                "fragment.yaml:21:7: warning: the fault on 'Failover to Primary' can never fire: cluster 7 is not in the simulated topology (clusters 5, 6)"
            ])
        // The simulate block decodes to exactly what the brief describes.
        let simulate = try #require(
            RunbookChecker.check(DocExample.wrap(Self.briefSimulate), file: "s.yaml").runbook?.simulate)
        #expect(simulate.speed == .factor(60))
        #expect(simulate.clusters?.map(\.id) == [5, 6])
        #expect(simulate.faults.count == 3)
    }

    @Test func theReferenceQuotesEveryBriefExample() throws {
        let doc = try TestFiles.text("docs/language.md")
        let firstRunbook = Self.briefFirstRunbook.trimmingCharacters(in: .newlines)
        #expect(doc.contains(firstRunbook))
        #expect(doc.contains(Self.briefStepForms))
        #expect(doc.contains(Self.briefSimulate))
    }
}
