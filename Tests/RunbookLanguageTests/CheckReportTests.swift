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
}
