import Foundation
import RunbookTestSupport
import Testing
@testable import RunbookLanguage
@testable import RunbookSupport
@testable import RunbookYAML

/// What the fuzzer (fuzz/, docs/fuzzing.md) found, as unit tests; and its seed corpus, with the
/// crashing inputs added to it, held to the fuzzer's promises by `swift test` too.
@Suite struct FuzzFindingsTests {
    /// A syntax error at the end of a last line without a line break: libyaml reported the line
    /// after it, which is not in the file.
    @Test func syntaxErrorAtTheEndOfTheLastLineIsOnThatLine() {
        let text = "runbook: Flow\nsteps: [{failover cluster: 6, as:"
        let result = RunbookChecker.check(text, file: "p.yaml")
        #expect(result.diagnostics.map(\.location) == [SourceLocation(file: "p.yaml", line: 2, column: 34)])
        PropertyTests.expectLocatedInside(result, text)
    }

    /// A plain scalar written over two lines is folded into one line of text: an offset in the
    /// text is no column of its first line, so a problem in it points at the scalar's start.
    @Test func problemInAScalarOverTwoLinesPointsAtItsStart() {
        let text = "runbook: Fnow\nsteps: [{fai$over cluster: 6},ary\n1h30m\", [a], ~, 1, true]\n"
        let result = RunbookChecker.check(text, file: "p.yaml")
        let lexError = result.diagnostics.first { $0.message.contains("'1h30m'") }
        #expect(lexError?.location == SourceLocation(file: "p.yaml", line: 2, column: 31))
        PropertyTests.expectLocatedInside(result, text)
        // The same phrase on one line keeps exact columns.
        let oneLine = RunbookChecker.check("runbook: F\nsteps: [ary 1h30m]\n", file: "p.yaml")
        #expect(
            oneLine.diagnostics.first { $0.message.contains("'1h30m'") }?.location
                == SourceLocation(file: "p.yaml", line: 2, column: 13))
    }

    /// The loader marks scalars written over several lines.
    @Test func scalarsOverSeveralLinesAreMarked() throws {
        let node = try #require(try YAMLLoader().load("a: one\nb: two\n  lines\nc: \"quoted\n  too\"\n", file: "p.yaml"))
        let spans = node.mapping?.map { $0.value.scalar?.spansLines }
        #expect(spans == [false, true, true])
    }

    /// Every input of the seed corpus checks without trapping, with every diagnostic inside it.
    @Test func seedCorpusKeepsTheFuzzersPromises() throws {
        let folder = TestFiles.url("fuzz/corpus")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        #expect(names.count >= 12, "the seed corpus should hold a dozen inputs; found \(names.count)")
        for name in names {
            let bytes = try [UInt8](Data(contentsOf: folder.appendingPathComponent(name)))
            let text = String(decoding: bytes, as: UTF8.self)
            let result = RunbookChecker.check(bytes: bytes, file: "p.yaml")
            PropertyTests.expectLocatedInside(result, text)
        }
    }
}
