import RunbookTestSupport
import Testing
@testable import RunbookLanguage
@testable import RunbookSupport
@testable import RunbookYAML

/// Problems the loader reports without stopping: every duplicate key of every mapping (not only
/// the first), and merge keys (`<<`), which YAML 1.2 does not have and the loader refuses rather
/// than read as an ordinary key named `<<`.
@Suite struct YAMLKeyProblemTests {
    private func problems(_ text: String, options: YAMLLoader.Options = .init()) -> [String] {
        do throws(DiagnosticList) {
            _ = try YAMLLoader(options: options).loadReportingAll(bytes: Array(text.utf8), file: "k.yaml")
            return []
        } catch {
            return error.diagnostics.map(\.description)
        }
    }

    // MARK: - Every duplicate key

    @Test func everyDuplicateOfEveryMappingIsReported() {
        let text = """
            a: 1
            b: 2
            a: 3
            nested:
              x: 1
              x: 2
            b: 4
            a: 5
            list:
              - {k: 1, k: 2}
            """
        #expect(
            problems(text) == [
                "k.yaml:3:1: error: duplicate key 'a' in this mapping (first at line 1)",
                "k.yaml:6:3: error: duplicate key 'x' in this mapping (first at line 5)",
                "k.yaml:7:1: error: duplicate key 'b' in this mapping (first at line 2)",
                "k.yaml:8:1: error: duplicate key 'a' in this mapping (first at line 1)",
                "k.yaml:10:12: error: duplicate key 'k' in this mapping (first at line 10)",
            ])
    }

    /// The first of them is what the single-error methods throw, as before.
    @Test func loadThrowsTheFirst() {
        #expect(throws: Diagnostic.error("yaml.duplicate-key", "duplicate key 'a' in this mapping (first at line 1)", at: SourceLocation(file: "k.yaml", line: 3, column: 1))) {
            try YAMLLoader().load("a: 1\nb: 2\na: 3\nb: 4\n", file: "k.yaml")
        }
    }

    /// A syntax error after them ends the list.
    @Test func duplicatesComeBeforeTheSyntaxErrorThatStoppedTheLoading() {
        #expect(
            problems("a: 1\na: 2\nb: [1, 2\n") == [
                "k.yaml:2:1: error: duplicate key 'a' in this mapping (first at line 1)",
                "k.yaml:3:4: error: did not find expected ',' or ']' in the flow sequence that starts here (is a ',' or the closing ']' missing?)",
            ])
    }

    /// A duplicate in a large mapping, found through its hash index, is reported each time too.
    @Test func duplicatesInALargeMappingAreAllReported() {
        var text = ""
        for i in 0..<100 { text += "key\(i): \(i)\n" }
        text += "key7: again\nkey70: again\nkey7: thrice\n"
        #expect(
            problems(text) == [
                "k.yaml:101:1: error: duplicate key 'key7' in this mapping (first at line 8)",
                "k.yaml:102:1: error: duplicate key 'key70' in this mapping (first at line 71)",
                "k.yaml:103:1: error: duplicate key 'key7' in this mapping (first at line 8)",
            ])
    }

    /// A file of nothing but duplicates lists a bounded number, then counts the rest.
    @Test func problemsPastTheLimitAreCounted() {
        var options = YAMLLoader.Options()
        options.maxProblems = 3
        let listed = problems(String(repeating: "a: 1\n", count: 10), options: options)
        #expect(listed.count == 4)
        #expect(listed.last == "k.yaml:4:1: error: 6 more duplicate or merge key(s) after this one are not listed")
    }

    @Test func runbookCheckListsEveryDuplicate() {
        let text = """
            runbook: Drill
            steps:
              - failover cluster: 6
                timeout: 5m
                timeout: 10m
                as: drill
                as: drill2
            runbook: Again
            """
        let result = RunbookChecker.check(text + "\n", file: "k.yaml")
        let source = SourceText(path: "k.yaml", text: text)
        #expect(
            result.diagnostics.map { $0.rendered(source: source) }.joined(separator: "\n") == """
                k.yaml:5:5: error: duplicate key 'timeout' in this mapping (first at line 4)
                    timeout: 10m
                    ^
                k.yaml:7:5: error: duplicate key 'as' in this mapping (first at line 6)
                    as: drill2
                    ^
                k.yaml:8:1: error: duplicate key 'runbook' in this mapping (first at line 1)
                runbook: Again
                ^
                """)
    }

    @Test func topologyFileListsEveryDuplicate() {
        let text = "speed: instant\nspeed: 60x\nclusters:\n  - id: 5\n    id: 6\n    type: PRIMARY\n"
        let outcome = SimulateBlockDecoder.decodeTopology(bytes: Array(text.utf8), file: "k.yaml")
        #expect(
            outcome.diagnostics.map(\.description) == [
                "k.yaml:2:1: error: duplicate key 'speed' in this mapping (first at line 1)",
                "k.yaml:5:5: error: duplicate key 'id' in this mapping (first at line 4)",
            ])
    }

    // MARK: - Merge keys

    static let mergeMessage =
        "merge keys ('<<: *anchor') are not supported: write the keys out in this mapping (quote '<<' for a key of that name)"

    @Test(arguments: [
        ("base: &b {a: 1}\nthis:\n  <<: *b\n  c: 2\n", 3, 3),
        ("this:\n  c: 2\n  <<: {a: 1}\n", 3, 3),
        ("- &a {x: 1}\n- &b {y: 2}\n- <<: [*a, *b]\n", 3, 3),
        ("{a: 1, <<: {b: 2}}\n", 1, 8),
        ("a: 1\n!!merge x: {b: 2}\n", 2, 1),
    ])
    func mergeKeysAreRefusedWhereTheyAreWritten(text: String, line: Int, column: Int) {
        #expect(problems(text) == ["k.yaml:\(line):\(column): error: \(Self.mergeMessage)"])
    }

    @Test func everyMergeKeyIsReported() {
        #expect(
            problems("b: &b {a: 1}\nx:\n  <<: *b\ny:\n  <<: *b\n") == [
                "k.yaml:3:3: error: \(Self.mergeMessage)",
                "k.yaml:5:3: error: \(Self.mergeMessage)",
            ])
    }

    /// A quoted `<<`, or one tagged as a string, is an ordinary key.
    @Test(arguments: ["'<<': 1\n", "\"<<\": 1\n", "!!str << : 1\n", "a: <<\n", "- <<x: 1\n"])
    func quotedLessLessIsAnOrdinaryKey(text: String) throws {
        #expect(problems(text) == [])
    }

    /// In a runbook: the merge key is refused, not taken for an unknown option named '<<'.
    @Test func runbookWithAMergeKeyIsRefusedAtTheKey() {
        let text = """
            runbook: Drill
            vars:
              waits: &waits {timeout: 30m, every: 10s}
            steps:
              - await task status: SUCCESS
                <<: *waits
            """
        let result = RunbookChecker.check(text + "\n", file: "k.yaml")
        #expect(result.diagnostics.map(\.description) == ["k.yaml:6:5: error: \(Self.mergeMessage)"])
        #expect(result.diagnostics.map(\.id) == ["yaml.merge-key"])
    }
}
