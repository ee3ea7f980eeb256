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

@Suite struct CheckReportTests {
    @Test(arguments: [
        (1, 0, 0, 0, "1 file checked, no errors"),
        (2, 0, 0, 1, "2 files checked, no errors, 1 warning"),
        (1, 1, 1, 0, "1 of 1 file invalid: 1 error"),
        (3, 2, 5, 2, "2 of 3 files invalid: 5 errors, 2 warnings"),
    ])
    func summaryLine(files: Int, invalid: Int, errors: Int, warnings: Int, expected: String) {
        #expect(CheckReport.summary(files: files, invalidFiles: invalid, errors: errors, warnings: warnings) == expected)
    }

    @Test func jsonHasOneObjectPerDiagnosticWithItsFields() {
        let diagnostics = [
            Diagnostic.error("word.unknown", "unknown task status 'SUCCES'; did you mean 'SUCCESS'?",
                             at: SourceLocation(file: "a \"b\".yaml", line: 13, column: 24)),
            Diagnostic.warning("task.never-awaited", "tab\there", at: SourceLocation(file: "c.yaml", line: 1, column: 2)),
        ]
        #expect(
            CheckReport.json(diagnostics) == """
                [
                  {"file":"a \\"b\\".yaml","line":13,"column":24,"severity":"error","id":"word.unknown","message":"unknown task status 'SUCCES'; did you mean 'SUCCESS'?"},
                  {"file":"c.yaml","line":1,"column":2,"severity":"warning","id":"task.never-awaited","message":"tab\\there"}
                ]

                """)
        #expect(CheckReport.json([]) == "[]\n")
    }

    @Test func sarifHasARulePerIdAndAResultPerDiagnostic() throws {
        let diagnostics = [
            Diagnostic.error("phrase.unknown", "unknown phrase 'failovr cluster'", at: SourceLocation(file: "drills/a b.yaml", line: 3, column: 5)),
            Diagnostic.warning("task.never-awaited", "task started and never awaited", at: SourceLocation(file: "/abs/c.yaml", line: 9, column: 1)),
            Diagnostic.error("phrase.unknown", "unknown phrase 'x'", at: SourceLocation(file: "drills/a b.yaml", line: 4, column: 5)),
            Diagnostic.error("file.unreadable", "cannot read it", at: SourceLocation(file: "gone.yaml", line: 0, column: 0)),
        ]
        let text = CheckReport.sarif(diagnostics, toolVersion: "9.9.9")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(log["version"] as? String == "2.1.0")
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        #expect(run["columnKind"] as? String == "unicodeCodePoints")
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "runbook")
        #expect(driver["version"] as? String == "9.9.9")
        #expect((driver["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } == ["phrase.unknown", "task.never-awaited", "file.unreadable"])
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["level"] as? String } == ["error", "warning", "error", "error"])
        #expect(results.compactMap { $0["ruleIndex"] as? Int } == [0, 1, 0, 2])
        func location(_ i: Int) -> [String: Any]? {
            ((results[i]["locations"] as? [[String: Any]])?.first?["physicalLocation"]) as? [String: Any]
        }
        let artifact = location(0)?["artifactLocation"] as? [String: Any]
        #expect(artifact?["uri"] as? String == "drills/a%20b.yaml")
        #expect(artifact?["uriBaseId"] as? String == "%SRCROOT%")
        #expect((location(0)?["region"] as? [String: Any])?["startLine"] as? Int == 3)
        #expect((location(1)?["artifactLocation"] as? [String: Any])?["uri"] as? String == "file:///abs/c.yaml")
        // A location without a line has no region (SARIF lines start at 1).
        #expect(location(3)?["region"] == nil)
    }
}
