import RunbookTestSupport
import Testing
@testable import RunbookSupport
@testable import RunbookYAML

/// Options written under a phrase that has no colon (`- retry task` then `timeout: 5m`): libyaml
/// says "mapping values are not allowed in this context"; the loader says to add the colon, at the
/// phrase.
@Suite struct PhraseWithoutColonTests {
    private func syntaxError(_ text: String) -> String? {
        let source = SourceText(path: "k.yaml", text: text)
        do throws(Diagnostic) {
            _ = try YAMLLoader().load(text, file: "k.yaml")
            return nil
        } catch {
            return error.rendered(source: source)
        }
    }

    @Test(arguments: [
        (
            "steps:\n  - retry task\n    timeout: 5m\n",
            "k.yaml:2:5: error: end 'retry task' with ':' to give it options\n  - retry task\n    ^"
        ),
        (
            "steps:\n  - failover cluster: 6\n  - rollback task 171603\n      continue on failure: true\n",
            "k.yaml:3:5: error: end 'rollback task 171603' with ':' to give it options\n  - rollback task 171603\n    ^"
        ),
        (
            // A comment after the phrase ends the scalar: libyaml then expects the next '-'.
            "steps:\n  - retry task   # once more\n\n    timeout: 5m\n",
            "k.yaml:2:5: error: end 'retry task' with ':' to give it options\n  - retry task   # once more\n    ^"
        ),
        (
            // A quoted phrase is a phrase too.
            "- 'retry task'\n  timeout: 5m\n",
            "k.yaml:1:3: error: end 'retry task' with ':' to give it options\n- 'retry task'\n  ^"
        ),
        (
            "- precheck failover cluster 6\n  timeout:\n",
            "k.yaml:1:3: error: end 'precheck failover cluster 6' with ':' to give it options\n- precheck failover cluster 6\n  ^"
        ),
    ])
    func optionsUnderAPhraseWithoutAColonSayToAddIt(text: String, rendered: String) {
        #expect(syntaxError(text) == rendered)
    }

    /// Other causes of the same libyaml errors keep their own messages.
    @Test(arguments: [
        "a: b\n  c: d\n",  // a value, not a sequence item
        "- a: b\n    c: d\n",  // an item that is already a mapping
        "- 'it''s done'\n  timeout: 5m\n",  // a quoted item with an escape in it
        "message: failover: done\n",
    ])
    func otherMappingValueErrorsAreUnchanged(text: String) throws {
        let rendered = try #require(syntaxError(text))
        #expect(!rendered.contains("to give it options"), "\(rendered)")
    }

    @Test func phraseDetectionNeedsAMoreIndentedKeyOnTheNextLine() {
        let found = SyntaxMessage.phraseWithoutColon(item: "  - retry task", next: "    timeout: 5m")
        #expect(found.map { "\($0.phrase) at \($0.column)" } == "retry task at 5")
        #expect(SyntaxMessage.phraseWithoutColon(item: "  - retry task", next: "  timeout: 5m") == nil)
        #expect(SyntaxMessage.phraseWithoutColon(item: "  - retry task", next: "    - note: x") == nil)
        #expect(SyntaxMessage.phraseWithoutColon(item: "  - retry task", next: "    timeout:5m") == nil)
        #expect(SyntaxMessage.phraseWithoutColon(item: "  - retry: task", next: "    timeout: 5m") == nil)
        #expect(
            SyntaxMessage.phraseWithoutColon(item: "  - \"retry task\"", next: "    timeout: 5m").map(\.phrase)
                == "retry task")
        #expect(SyntaxMessage.phraseWithoutColon(item: "  - \"a\\\"b\"", next: "    timeout: 5m") == nil)
        #expect(SyntaxMessage.phraseWithoutColon(item: "  retry task", next: "    timeout: 5m") == nil)
        #expect(SyntaxMessage.phraseWithoutColon(item: "  -", next: "    timeout: 5m") == nil)
        #expect(SyntaxMessage.phraseWithoutColon(item: "", next: "") == nil)
    }
}
