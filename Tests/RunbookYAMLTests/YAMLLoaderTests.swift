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

@Suite struct YAMLLoaderTests {
    private func load(_ text: String, file: String = "a.yaml") throws -> Node {
        try #require(try YAMLLoader().load(text, file: file))
    }

    private func at(_ line: Int, _ column: Int, _ file: String = "a.yaml") -> RunbookSupport.SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    // MARK: - The tree

    @Test func loadsNestedMappingWithLocations() throws {
        let node = try load("runbook: x\nsteps:\n  - failover cluster: 6\n")
        let pairs = try #require(node.mapping)
        #expect(pairs.map { $0.key.scalar?.text } == ["runbook", "steps"])
        let step = try #require(pairs[1].value.sequence?.first)
        #expect(step.location == at(3, 5))
        #expect(step.mapping?.first?.value.resolvedScalar == .int(6))
    }

    @Test func mappingKeepsPairsInDocumentOrder() throws {
        let node = try load("zeta: 1\nalpha: 2\nmid: 3\nbeta: 4\n")
        #expect(node.mapping?.map { $0.key.scalar?.text } == ["zeta", "alpha", "mid", "beta"])
        #expect(node.mapping?.map { $0.value.location } == [at(1, 7), at(2, 8), at(3, 6), at(4, 7)])
    }

    @Test func scalarStylesAreRecorded() throws {
        let node = try load("p: plain\ns: 'single'\nd: \"double\"\nl: |\n  lit\nf: >\n  folded\n  text\n")
        let scalars = try #require(node.mapping).map { $0.value.scalar }
        #expect(
            scalars == [
                Scalar("plain", style: .plain), Scalar("single", style: .singleQuoted),
                Scalar("double", style: .doubleQuoted), Scalar("lit\n", style: .literal),
                Scalar("folded text\n", style: .folded),
            ])
    }

    @Test func explicitTagsAreKeptAndUntaggedNodesHaveNone() throws {
        let node = try load("a: !!str 1\nb: ! 2\nc: !local x\nd: !<tag:example.com,2000:x> y\ne: 3\nf: !!map {}\n")
        let tags = try #require(node.mapping).map { $0.value.tag }
        #expect(
            tags == [
                "tag:yaml.org,2002:str", "!", "!local", "tag:example.com,2000:x", nil, "tag:yaml.org,2002:map",
            ])
        #expect(node.mapping?[0].value.resolvedScalar == .string("1"))
        #expect(node.mapping?[1].value.resolvedScalar == .string("2"))
        #expect(node.mapping?[4].value.resolvedScalar == .int(3))
    }

    @Test func flowAndBlockCollectionsStartWhereWritten() throws {
        let node = try load("list: [1, {k: v}]\nblock:\n  - x\n")
        let pairs = try #require(node.mapping)
        #expect(node.location == at(1, 1))
        #expect(pairs[0].value.location == at(1, 7))
        #expect(pairs[0].value.sequence?[1].location == at(1, 11))
        #expect(pairs[1].value.location == at(3, 3))
    }

    @Test func emptyStreamsHaveNoDocument() throws {
        #expect(try YAMLLoader().load("", file: "e.yaml") == nil)
        #expect(try YAMLLoader().load("# only a comment\n\n", file: "e.yaml") == nil)
        let empty = try #require(try YAMLLoader().load("---\n", file: "e.yaml"))
        #expect(empty.resolvedScalar == .null)
    }

    // MARK: - Anchors and aliases

    @Test func aliasesResolveToTheAnchoredNode() throws {
        let node = try load("base: &b {retries: 3, wait: 5s}\nfirst: *b\nsecond: [*b, *b]\n")
        let pairs = try #require(node.mapping)
        #expect(pairs[1].value == pairs[0].value)
        #expect(pairs[2].value.sequence == [pairs[0].value, pairs[0].value])
        #expect(pairs[1].value.mapping?.first?.value.resolvedScalar == .int(3))
    }

    @Test func laterAnchorOfTheSameNameWins() throws {
        let node = try load("- &x one\n- *x\n- &x two\n- *x\n")
        #expect(node.sequence?.map { $0.scalar?.text } == ["one", "one", "two", "two"])
    }

    @Test func aliasToAnUndefinedAnchorIsLocated() {
        #expect(
            throws: Diagnostic.error(
                "yaml.unknown-alias", "the alias '*nope' names no anchor defined before it", at: at(2, 4))
        ) {
            try YAMLLoader().load("a: 1\nb: *nope\n", file: "a.yaml")
        }
    }

    @Test func anchorsDoNotCrossDocuments() throws {
        var options = YAMLLoader.Options()
        options.allowsMultipleDocuments = true
        #expect(throws: Diagnostic.self) {
            try YAMLLoader(options: options).loadAll(bytes: Array("a: &x 1\n---\nb: *x\n".utf8), file: "m.yaml")
        }
    }

    // MARK: - Columns, lines and encodings

    @Test func columnsCountUnicodeScalarsNotBytes() throws {
        // 名前 is 6 bytes, 2 scalars; 🙂 is 4 bytes, 1 scalar; é here is e + U+0301, 2 scalars.
        let node = try load("名前: 値\n🙂: x\ne\u{301}: y\n")
        let values = try #require(node.mapping).map(\.value.location)
        #expect(values == [at(1, 5), at(2, 4), at(3, 5)])
    }

    @Test func syntaxErrorColumnAfterMultibyteCharacters() {
        // The unclosed flow sequence opens at column 5 (byte 8) of line 1.
        #expect(
            throws: Diagnostic.error(
                "yaml.syntax",
                "did not find expected ',' or ']' in the flow sequence that starts here (is a ',' or the closing ']' missing?)",
                at: at(1, 5))
        ) {
            try YAMLLoader().load("名前: [1, 2\n", file: "a.yaml")
        }
        #expect(
            throws: Diagnostic.error(
                "yaml.syntax",
                "did not find expected ',' or ']' in the flow sequence that starts at line 1, column 5 (is a ',' or the closing ']' missing?)",
                at: at(2, 5))
        ) {
            // libyaml reads "2 next" as one plain scalar and stops at the ':' after it.
            try YAMLLoader().load("名前: [1, 2\nnext: 3\n", file: "a.yaml")
        }
        #expect(
            throws: Diagnostic.error(
                "yaml.syntax",
                "mapping values are not allowed in this context (quote a value that contains ': ', or check the indentation)",
                at: at(1, 6))
        ) {
            try YAMLLoader().load("名前: 値: x\n", file: "a.yaml")
        }
    }

    @Test func lineSeparatorsInQuotedScalarsDoNotShiftLines() throws {
        // libyaml counts LS and PS (U+2028, U+2029) as line breaks; YAML 1.2 and SourceText do not.
        let node = try load("a: \"p\u{2029}q\"\nb: \"r\u{2028}s\u{2028}t\"\nc: [1, 2]\n")
        let pairs = try #require(node.mapping)
        #expect(pairs.map(\.key.location) == [at(1, 1), at(2, 1), at(3, 1)])
        #expect(pairs[2].value.location == at(3, 4))
        #expect(pairs.map { $0.value.scalar?.text } == ["p\u{2029}q", "r\u{2028}s\u{2028}t", nil])
        #expect(
            throws: Diagnostic.error(
                "yaml.duplicate-key", "duplicate key 'a' in this mapping (first at line 1)", at: at(3, 1))
        ) {
            try YAMLLoader().load("a: \"\u{2028}x\u{2028}\"\nb: 1\na: 2\n", file: "a.yaml")
        }
    }

    @Test func crlfAndLoneCRLineBreaks() throws {
        let crlf = try load("a: 1\r\nb:\r\n  - x\r\n")
        #expect(crlf.mapping?[1].value.location == at(3, 3))
        let cr = try load("a: 1\rb: 2\r")
        #expect(cr.mapping?[1].key.location == at(2, 1))
    }

    @Test func byteOrderMarkIsNotCounted() throws {
        let node = try load("\u{FEFF}a: 1\nb: 2\n")
        #expect(node.mapping?[0].value.location == at(1, 4))
        let source = SourceText(path: "a.yaml", text: "\u{FEFF}名前: 値: x\n")
        do throws(Diagnostic) {
            _ = try YAMLLoader().load(source.text, file: "a.yaml")
            Issue.record("expected an error")
        } catch {
            #expect(error.location == at(1, 6))
            #expect(error.rendered(source: source).split(separator: "\n").suffix(2) == ["名前: 値: x", "     ^"])
        }
    }

    @Test func nulInsideQuotedScalarIsPreserved() throws {
        let node = try load("a: \"x\\0y\"\nb: \"\\x00\"\nc: \"tail\\0\"\n")
        let texts = try #require(node.mapping).map { $0.value.scalar?.text }
        #expect(texts == ["x\u{0}y", "\u{0}", "tail\u{0}"])
        #expect(texts[0]?.unicodeScalars.count == 3)
    }

    // MARK: - Several documents

    @Test func loadAllReturnsEveryDocumentWhenAllowed() throws {
        var options = YAMLLoader.Options()
        options.allowsMultipleDocuments = true
        let docs = try YAMLLoader(options: options).loadAll(bytes: Array("a: 1\n---\n- x\n--- 3\n".utf8), file: "m.yaml")
        #expect(docs.count == 3)
        #expect(docs.map(\.kindDescription) == ["a mapping", "a sequence", "a scalar"])
        #expect(docs[2].location == SourceLocation(file: "m.yaml", line: 4, column: 5))
    }
}
