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

@Suite struct DiagnosticTests {
    private let location = RunbookSupport.SourceLocation(file: "dir/run.yaml", line: 2, column: 5)

    @Test func summaryLineIsPathLineColumnSeverityMessage() {
        let d = Diagnostic.error("yaml.syntax", "something is wrong", at: location)
        #expect(d.description == "dir/run.yaml:2:5: error: something is wrong")
        #expect(Diagnostic.warning("x.y", "careful", at: location).description == "dir/run.yaml:2:5: warning: careful")
        #expect(Diagnostic(.note, id: "x.z", message: "see here", at: location).description == "dir/run.yaml:2:5: note: see here")
    }

    @Test func keepsIdSeverityMessageAndLocationApart() {
        let d = Diagnostic.warning("step.unused", "never used", at: location)
        #expect(d.id == "step.unused")
        #expect(d.severity == .warning)
        #expect(d.message == "never used")
        #expect(d.location == location)
        #expect(Diagnostic.Severity.note < .warning && Diagnostic.Severity.warning < .error)
    }

    @Test func renderingShowsTheLineAndACaretUnderTheColumn() {
        let source = SourceText(path: "dir/run.yaml", text: "first: 1\nsecond: [\nthird: 3\n")
        let d = Diagnostic.error("yaml.syntax", "bad", at: SourceLocation(file: "dir/run.yaml", line: 2, column: 9))
        #expect(d.rendered(source: source) == "dir/run.yaml:2:9: error: bad\nsecond: [\n        ^")
    }

    @Test func aQuotedLineNeverRepeatsAPasswordInAURL() {
        let source = SourceText(path: "t.yaml", text: "runbook: t\ntarget: https://admin:hunter2@ocp.example.com:8080\n")
        let d = Diagnostic.error("runbook.target", "carries credentials", at: SourceLocation(file: "t.yaml", line: 2, column: 9))
        #expect(d.rendered(source: source) == "t.yaml:2:9: error: carries credentials\ntarget: https://***@ocp.example.com:8080\n        ^")
    }

    @Test func aDiagnosticOfAnotherPlaceQuotesNoLineOfTheFile() {
        let source = SourceText(path: "t.yaml", text: "runbook: t\n")
        let d = Diagnostic.error("vars.unused", "no such variable", at: SourceLocation(file: "<command line>", line: 1, column: 1))
        #expect(d.rendered(source: source) == "<command line>:1:1: error: no such variable")
    }

    @Test func renderingWithoutSourceOrOutOfRangeIsTheSummaryOnly() {
        let d = Diagnostic.error("yaml.syntax", "bad", at: SourceLocation(file: "f.yaml", line: 7, column: 1))
        #expect(d.rendered(source: nil) == "f.yaml:7:1: error: bad")
        #expect(d.rendered(source: SourceText(path: "f.yaml", text: "one line\n")) == "f.yaml:7:1: error: bad")
        let zero = Diagnostic.error("x", "bad", at: SourceLocation(file: "f.yaml", line: 0, column: 1))
        #expect(zero.rendered(source: SourceText(path: "f.yaml", text: "a\n")) == "f.yaml:0:1: error: bad")
    }

    @Test func caretPastTheEndOfTheLineIsPadded() {
        let d = Diagnostic.error("x", "missing value", at: SourceLocation(file: "f.yaml", line: 1, column: 5))
        #expect(d.rendered(source: SourceText(path: "f.yaml", text: "ab:\n")) == "f.yaml:1:5: error: missing value\nab:\n    ^")
    }

    @Test func caretKeepsTabsAndCountsScalars() {
        let source = SourceText(path: "f.yaml", text: "\té名: @\n")
        let d = Diagnostic.error("x", "here", at: SourceLocation(file: "f.yaml", line: 1, column: 6))
        #expect(d.rendered(source: source) == "f.yaml:1:6: error: here\n\té名: @\n\t    ^")
    }

    @Test func controlCharactersAreShownVisibly() {
        let source = SourceText(path: "f.yaml", text: "a: \u{0}\u{1B}x\u{7F}\n")
        let d = Diagnostic.error("x", "here", at: SourceLocation(file: "f.yaml", line: 1, column: 6))
        #expect(d.rendered(source: source) == "f.yaml:1:6: error: here\na: \u{2400}\u{241B}x\u{2421}\n     ^")
    }

    @Test func diagnosticListDescribesEveryDiagnostic() {
        let list = DiagnosticList([
            .error("a", "first", at: SourceLocation(file: "f", line: 1, column: 1)),
            .warning("b", "second", at: SourceLocation(file: "f", line: 2, column: 3)),
        ])
        #expect(list.description == "f:1:1: error: first\nf:2:3: warning: second")
    }
}
