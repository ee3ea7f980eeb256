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

@Suite struct SourceTextTests {
    @Test func linesSplitAtLFCRLFAndCR() {
        let source = SourceText(path: "f", text: "one\ntwo\r\nthree\rfour")
        #expect((1...4).map { source.line($0) } == ["one", "two", "three", "four"])
        #expect(source.line(5) == nil)
        #expect(source.line(0) == nil)
    }

    @Test func aFinalLineBreakLeavesAnEmptyLastLine() {
        let source = SourceText(path: "f", text: "a\n")
        #expect(source.line(1) == "a")
        #expect(source.line(2) == "")
        #expect(source.line(3) == nil)
    }

    @Test func unicodeLineSeparatorsAreContent() {
        let source = SourceText(path: "f", text: "a\u{2028}b\u{85}c\nd")
        #expect(source.line(1) == "a\u{2028}b\u{85}c")
        #expect(source.line(2) == "d")
    }

    @Test func byteOrderMarkIsNotPartOfTheFirstLine() {
        let source = SourceText(path: "f", text: "\u{FEFF}a: 1\n\u{FEFF}b\n")
        #expect(source.line(1) == "a: 1")
        #expect(source.line(2) == "\u{FEFF}b")
    }

    @Test func caretLineCountsUnicodeScalars() {
        #expect(SourceText.caretLine(for: "名前: x", column: 5) == "    ^")
        #expect(SourceText.caretLine(for: "e\u{301}x", column: 3) == "  ^")
        #expect(SourceText.caretLine(for: "", column: 1) == "^")
    }
}
