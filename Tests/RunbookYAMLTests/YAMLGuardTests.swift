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

/// The loader's guards: each refusal is a located diagnostic, never a trap, a hang or a blow-up.
@Suite struct YAMLGuardTests {
    private func at(_ line: Int, _ column: Int, _ file: String = "g.yaml") -> RunbookSupport.SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }

    private func loadError(_ text: String, options: YAMLLoader.Options = .init()) -> Diagnostic? {
        loadError(bytes: Array(text.utf8), options: options)
    }

    private func loadError(bytes: [UInt8], options: YAMLLoader.Options = .init()) -> Diagnostic? {
        do throws(Diagnostic) {
            _ = try YAMLLoader(options: options).loadAll(bytes: bytes, file: "g.yaml")
            return nil
        } catch {
            return error
        }
    }

    /// Seconds taken by `body` (a guard against hangs, with a wide margin).

    // MARK: - Duplicate keys

    @Test(arguments: [
        ("a: 1\nb: 2\na: 3\n", "'a'", 3, 1, 1),
        ("a: 1\n'a': 2\n", "'a'", 2, 1, 1),
        ("x:\n  k: 1\n  \"k\": 2\n", "'k'", 3, 3, 2),
        ("1: one\n0x1: again\n", "'0x1'", 2, 1, 1),
        ("null: a\n~: b\n", "'~'", 2, 1, 1),
        ("true: a\nTrue: b\n", "'True'", 2, 1, 1),
        ("{a: 1, b: 2, a: 3}\n", "'a'", 1, 14, 1),
        ("? [a, b]\n: 1\n? [a, b]\n: 2\n", "(a sequence)", 3, 3, 1),
        ("- &n k: 1\n  *n : 2\n", "'k'", 2, 3, 1),
    ])
    func duplicateKeyPointsAtTheSecondAndNamesTheFirstLine(
        text: String, key: String, line: Int, column: Int, firstLine: Int
    ) {
        #expect(
            loadError(text)
                == .error(
                    "yaml.duplicate-key", "duplicate key \(key) in this mapping (first at line \(firstLine))",
                    at: at(line, column)))
    }

    @Test(arguments: ["1: a\n\"1\": b\n", "a: 1\nA: 2\n", "!x a: 1\na: 2\n", "[a]: 1\n[b]: 2\n", ".nan: 1\n.nan: 2\n"])
    func keysThatDifferAreNotDuplicates(text: String) {
        #expect(loadError(text) == nil)
    }

    @Test func duplicateInALargeMappingIsFoundThroughItsIndex() throws {
        var text = ""
        for i in 0..<5_000 { text += "key\(i): \(i)\n" }
        #expect(try YAMLLoader().load(text, file: "g.yaml")?.mapping?.count == 5_000)
        text += "key123: again\n"
        #expect(
            loadError(text)
                == .error("yaml.duplicate-key", "duplicate key 'key123' in this mapping (first at line 124)", at: at(5_001, 1)))
    }

    @Test func sameKeyInDifferentMappingsIsFine() throws {
        let node = try #require(try YAMLLoader().load("- name: a\n  x: {name: b}\n- name: c\n", file: "g.yaml"))
        #expect(node.sequence?.count == 2)
    }

    // MARK: - One document

    @Test func secondDocumentIsRefusedAtItsStart() {
        #expect(
            loadError("# drill\nrunbook: a\n---\nrunbook: b\n")
                == .error(
                    "yaml.multiple-documents",
                    "a second YAML document starts here; a runbook file holds one document (the first began at line 2)",
                    at: at(3, 1)))
        #expect(loadError("--- a\n...\n--- b\n")?.location == at(3, 1))
    }

    @Test func oneExplicitDocumentWithEndMarkerIsFine() throws {
        #expect(try YAMLLoader().load("---\na: 1\n...\n", file: "g.yaml")?.mapping?.count == 1)
    }

    // MARK: - Depth

    @Test func nestingOf256LevelsLoadsAnd257IsRefused() throws {
        let ok = String(repeating: "[", count: 256) + String(repeating: "]", count: 256)
        #expect(loadError(ok) == nil)
        let deep = String(repeating: "[", count: 257) + String(repeating: "]", count: 257)
        #expect(
            loadError(deep)
                == .error("yaml.too-deep", "sequences and mappings are nested deeper than 256 levels here", at: at(1, 257)))
    }

    @Test func deepBlockNestingIsRefused() {
        var text = ""
        for level in 0..<300 { text += String(repeating: " ", count: level) + "k\(level):\n" }
        let error = loadError(text)
        #expect(error?.id == "yaml.too-deep")
        #expect(error?.location == at(257, 257))
    }

    @Test func hundredThousandOpenBracketsFailFastWithoutOverflow() {
        let text = String(repeating: "[", count: 100_000)
        let error = loadError(text)
        #expect(error?.id == "yaml.too-deep")
        #expect(error?.location == at(1, 257))
    }

    @Test func hundredThousandNestedMappingsFailFast() {
        let text = String(repeating: "{a: ", count: 100_000)
        let error = loadError(text)
        #expect(error?.id == "yaml.too-deep")
    }

    @Test func depthLimitIsAnOption() {
        var options = YAMLLoader.Options()
        options.maxDepth = 2
        #expect(loadError("a: [1]\n", options: options) == nil)
        #expect(loadError("a: [[1]]\n", options: options)?.location == at(1, 5))
    }

    // MARK: - Alias expansion

    static let billionLaughs = """
        a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
        b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
        c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
        d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
        e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
        f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
        g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
        h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
        i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
        """

    @Test func billionLaughsFailsFast() {
        let error = loadError(Self.billionLaughs)
        // Lines b to f add 672,588 nodes; the first `*f` on line 7 adds 597,871 more.
        #expect(
            error
                == .error(
                    "yaml.alias-expansion",
                    "aliases expand to more than 1000000 nodes; the file is refused (is it a \"billion laughs\"?)",
                    at: at(7, 8)))
    }

    @Test func manyAliasesOfABigNodeHitTheBudget() {
        // No nesting trick: one anchored list of 10,000 items, aliased 200 times (2,000,000 nodes).
        let list = "big: &big [" + (0..<10_000).map(String.init).joined(separator: ",") + "]\n"
        let text = list + "uses: [" + Array(repeating: "*big", count: 200).joined(separator: ", ") + "]\n"
        let error = loadError(text)
        #expect(error?.id == "yaml.alias-expansion")
        #expect(error?.location.line == 2)
    }

    @Test func aliasesWithinTheBudgetLoadAndTheBudgetIsAnOption() throws {
        let text = "x: &x [1, 2, 3]\ny: [*x, *x]\n"
        #expect(loadError(text) == nil)
        var options = YAMLLoader.Options()
        options.maxAliasExpansion = 7  // each alias stands for 4 nodes: the sequence and its 3 items
        #expect(loadError(text, options: options)?.location == at(2, 9))
        options.maxAliasExpansion = 8
        #expect(loadError(text, options: options) == nil)
    }

    // MARK: - Size

    @Test func inputOver8MiBIsRefusedBeforeParsing() {
        let bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 8 * 1024 * 1024 + 1)
        #expect(
            loadError(bytes: bytes)
                == .error(
                    "yaml.too-large", "the file is too large: 8388609 bytes, over the limit of 8 MiB for a runbook file",
                    at: at(1, 1)))
        #expect(throws: Diagnostic.self) {
            try YAMLLoader().load(String(decoding: bytes, as: UTF8.self), file: "g.yaml")
        }
    }

    @Test func sizeLimitIsInclusiveAndAnOption() {
        var options = YAMLLoader.Options()
        options.maxBytes = 10
        #expect(loadError("a: 1234567", options: options) == nil)
        #expect(
            loadError("a: 12345678", options: options)
                == .error(
                    "yaml.too-large", "the file is too large: 11 bytes, over the limit of 10 bytes for a runbook file",
                    at: at(1, 1)))
    }

    // MARK: - Encoding and control characters

    @Test(arguments: [
        ([0x61, 0x3A, 0x20, 0xFF, 0x0A], "0xFF", 1, 4),  // a byte that never starts UTF-8
        ([0x61, 0x0A, 0xE5, 0x90, 0x8D, 0x3A, 0x20, 0xC0, 0x80, 0x0A], "0xC0", 2, 4),  // overlong NUL
        ([0x61, 0x3A, 0x20, 0xED, 0xA0, 0x80, 0x0A], "0xED", 1, 4),  // a UTF-16 surrogate
        ([0x61, 0x3A, 0x20, 0xE5, 0x90], "0xE5", 1, 4),  // truncated at the end
        ([0x61, 0x3A, 0x20, 0xE5, 0x41, 0x41, 0x0A], "0x41", 1, 4),  // missing continuation byte
        ([0xEF, 0xBB, 0xBF, 0x61, 0x3A, 0x20, 0xFE, 0x0A], "0xFE", 1, 4),  // after a byte-order mark
        ([0x0D, 0x0A, 0x0D, 0x62, 0x3A, 0x20, 0x80], "0x80", 3, 4),  // CRLF and CR lines, lone continuation
    ] as [([UInt8], String, Int, Int)])
    func invalidUTF8IsRejectedWithALocation(bytes: [UInt8], byte: String, line: Int, column: Int) {
        #expect(
            loadError(bytes: bytes)
                == .error("yaml.invalid-utf8", "the file is not valid UTF-8 (byte \(byte) here)", at: at(line, column)))
    }

    @Test func rawControlCharacterIsRejectedWithALocation() {
        #expect(
            loadError(bytes: Array("a: 1\nb: x".utf8) + [0x00] + Array("y\n".utf8))
                == .error(
                    "yaml.syntax",
                    "control characters are not allowed (found U+0000; write it as an escape inside double quotes)",
                    at: at(2, 5)))
        #expect(loadError(bytes: Array("名前: ".utf8) + [0x07] + [0x0A])?.location == at(1, 5))
    }

    @Test func utf16InputIsRejectedAsInvalidUTF8() {
        // "a: 1" in UTF-16LE with its byte-order mark.
        #expect(loadError(bytes: [0xFF, 0xFE, 0x61, 0x00, 0x3A, 0x00])?.id == "yaml.invalid-utf8")
    }
}
