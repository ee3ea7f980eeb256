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

/// A failed assertion says what was expected, what was found, and where in the runbook.
@Suite struct AssertionTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        /// Steps after a failover of cluster 6 that has ended SUCCESSFUL; the assertion is the last.
        var assertion: String
        var message: String
        var expected: String
        var found: String
        /// Line and column of the assertion's phrase.
        var line = 6
        var column = 5

        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "cluster type", assertion: "  - assert cluster 5 type: STANDBY",
            message: "cluster 5 (obcluster-hz) is not as expected", expected: "type STANDBY", found: "type PRIMARY"),
        Case(
            name: "cluster, several fields, only those that differ",
            assertion: """
                  - assert cluster 6:
                      type: PRIMARY
                      status: STOPPED
                      syncStatus: VALID
                """,
            message: "cluster 6 (obcluster-sh) is not as expected", expected: "status STOPPED, syncStatus VALID",
            found: "status RUNNING, syncStatus none"),
        Case(
            name: "task status", assertion: "  - assert task status: FAILED",
            message: "task 171603 is not as expected", expected: "status FAILED", found: "status SUCCESSFUL"),
        Case(
            name: "task runTime and took under",
            assertion: """
                  - assert task:
                      runTime: 2
                      took under: 1m
                """,
            message: "task 171603 is not as expected", expected: "runTime 2, took under 1m",
            found: "runTime 1, took 1m44s"),
        Case(
            name: "subtask status", assertion: #"  - assert subtask "Wait node" status: FAILED"#,
            message: #"subtask "Wait node" of task 171603 is not as expected"#, expected: "status FAILED",
            found: "status SUCCESSFUL"),
        Case(
            name: "subtask took under",
            assertion: """
                  - assert subtask "Failover to Primary":
                      took under: 30s
                """,
            message: #"subtask "Failover to Primary" of task 171603 is not as expected"#, expected: "took under 30s",
            found: "took 45s"),
        Case(
            name: "subtask after",
            assertion: """
                  - assert subtask "Mc lock ob clusters":
                      after: "Failover to Primary"
                """,
            message: #"subtask "Mc lock ob clusters" of task 171603 is not as expected"#,
            expected: #"after "Failover to Primary""#,
            found: #"started 2022-09-05T13:39:19.441+08:00, before "Failover to Primary" finished at 2022-09-05T13:40:18.441+08:00"#
        ),
    ]

    @Test(arguments: cases)
    func failedAssertionSaysExpectedFoundAndWhere(_ c: Case) async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - note: checking
            \(c.assertion)
              - note: after
            """)
        let step = try run.step("steps[3]")
        #expect(step.outcome == .failed)
        #expect(step.message == c.message)
        #expect(step.expected == c.expected)
        #expect(step.found == c.found)
        #expect(step.location == SourceLocation(file: "test.yaml", line: c.line, column: c.column))
        #expect(try run.step("steps[4]").outcome == .skipped)
        #expect(run.finished.reason?.hasSuffix("failed (test.yaml:\(c.line):\(c.column))") == true)
    }

    @Test func missingSubtaskSuggestsTheClosestName() async throws {
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - failover cluster: 6
              - await task status: SUCCESS
              - assert subtask "Remove standby clusters"
            """)
        let message = try #require(try run.step("steps[2]").message)
        #expect(
            message.hasPrefix(
                #"task 171603 has no subtask "Remove standby clusters"; did you mean "Remove standby cluster"? Its subtasks: "Mc lock ob clusters", "#
            ), "\(message)")
    }

    @Test func terminalShowsExpectedFoundAndLocation() async throws {
        let text = Mutex("")
        let renderer = TerminalRenderer(style: .init(live: false, color: false)) { s in text.withLock { $0 += s } }
        let run = try await Engine.run(
            """
            runbook: t
            steps:
              - assert cluster 6:
                  type: PRIMARY
            """, sinks: [renderer])
        #expect(run.finished.outcome == .failed)
        let output = text.withLock { $0 }
        #expect(
            output.contains(
                """
                ✘ assert cluster 6: type PRIMARY  0s
                    cluster 6 (obcluster-sh) is not as expected
                    expected: type PRIMARY
                    found:    type STANDBY
                    at test.yaml:3:5

                """), "\(output)")
        #expect(output.contains("FAILED  0 passed, 1 failed in 0s"))
    }
}
