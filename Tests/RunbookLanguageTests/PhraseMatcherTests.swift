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

@Suite struct PhraseMatcherTests {
    private static func parse(_ text: String) -> Result<PhraseSyntax, PhraseFailure>? {
        guard case .success(let tokens) = PhraseLexer.tokenize(text) else { return nil }
        return PhraseMatcher.parse(tokens)
    }

    /// A phrase and a short description of what it parses to.
    @Test(arguments: [
        ("failover cluster", "failoverCluster"),
        ("switchover cluster 6", "switchoverCluster cluster=6"),
        ("precheck failover cluster ${standby}", "precheckFailoverCluster cluster=${standby}"),
        ("precheck switchover cluster", "precheckSwitchoverCluster"),
        ("retry task", "retryTask task=current"),
        ("retry task drill", "retryTask task=named(drill)"),
        ("rollback task 171603", "rollbackTask task=id(171603)"),
        ("rollback task ${id}", "rollbackTask task=id(${id})"),
        ("retry subtask \"Wait node\"", "retrySubtask task=current subtask=\"Wait node\""),
        ("skip subtask ${s} of task drill", "skipSubtask task=named(drill) subtask=${s}"),
        ("cancel subtask \"A \\\"b\\\"\" of task 7", "cancelSubtask task=id(7) subtask=\"A \"b\"\""),
        ("await task status", "awaitTask task=current field=status"),
        ("await task drill status", "awaitTask task=named(drill) field=status"),
        ("await subtask \"Wait node\" of task ${t} status", "awaitSubtask task=id(${t}) subtask=\"Wait node\" field=status"),
        ("await cluster 6 type", "awaitCluster cluster=6 field=type"),
        ("await cluster ${c} status", "awaitCluster cluster=${c} field=status"),
        ("assert task", "assertTask task=current"),
        ("assert task status", "assertTask task=current field=status"),
        ("assert task drill status", "assertTask task=named(drill) field=status"),
        ("assert subtask \"Remove standby cluster\"", "assertSubtask task=current subtask=\"Remove standby cluster\""),
        ("assert cluster 6 syncStatus", "assertCluster cluster=6 field=syncStatus"),
        ("sleep", "sleep"),
        ("note", "note"),
        ("confirm", "confirm"),
        ("for each c in ${list}", "forEach variable=c list=${list}"),
        ("in  parallel\tfor each standby in ${standbys}", "parallelForEach variable=standby list=${standbys}"),
    ])
    func parses(_ text: String, _ expected: String) throws {
        let syntax = try #require(try Self.parse(text)?.get())
        #expect(Self.describe(syntax) == expected)
    }

    static func describe(_ s: PhraseSyntax) -> String {
        var parts = [s.kind.rawValue]
        if let c = s.subject { parts.append("cluster=\(c.text)") }
        if s.kind.descriptor.takesTask {
            switch s.task {
            case .current: parts.append("task=current")
            case .named(let t): parts.append("task=named(\(t.text))")
            case .id(let t): parts.append("task=id(\(t.text))")
            }
        }
        if let sub = s.subtask { parts.append(sub.kind == .quoted ? "subtask=\"\(sub.text)\"" : "subtask=\(sub.text)") }
        if let f = s.field { parts.append("field=\(f.text)") }
        if let v = s.variable { parts.append("variable=\(v.text)") }
        if let l = s.list { parts.append("list=\(l.text)") }
        return parts.joined(separator: " ")
    }

    /// A phrase that does not parse, and the message with the offset it points at.
    @Test(arguments: [
        ("awiat task status", "unknown phrase 'awiat task status'; did you mean 'await task status'?", 0),
        ("Await task status", "unknown phrase 'Await task status'; did you mean 'await task status'?", 0),
        ("await task stauts", "unknown phrase 'await task stauts'; did you mean 'await task status'?", 11),
        ("await status", "unknown phrase 'await status'; did you mean 'await task status'?", 6),
        ("failover the cluster 6", "unknown phrase 'failover the cluster 6'; did you mean 'failover cluster 6'?", 9),
        ("assert cluster 6 typ", "unknown phrase 'assert cluster 6 typ'; did you mean 'assert cluster 6 type'?", 17),
        ("frobnicate", "unknown phrase 'frobnicate'", 0),
        ("await cluster status", "unexpected 'status' in phrase 'await cluster status': expected a cluster id (a number or ${...})", 14),
        ("for each in ${x}", "unexpected 'in' in phrase 'for each in ${x}': expected a loop variable name", 9),
        ("for each c in standbys", "unexpected 'standbys' in phrase 'for each c in standbys': expected a list as ${name}", 14),
        ("retry subtask Wait", "unexpected 'Wait' in phrase 'retry subtask Wait': expected a subtask name in double quotes", 14),
        ("assert subtask \"X\" of task", "incomplete phrase 'assert subtask \"X\" of task': expected a task name or id", 26),
    ])
    func explainsFailures(_ text: String, _ message: String, _ offset: Int) throws {
        let tokens = try PhraseLexer.tokenize(text).get()
        guard case .failure(let failure) = PhraseMatcher.parse(tokens) else {
            Issue.record("\(text) parsed")
            return
        }
        let explained = PhraseMatcher.explain(failure, tokens: tokens, phrase: text)
        #expect(explained.message == message)
        #expect(explained.offset == offset)
    }

    @Test func lexerReportsWhereItStops() {
        guard case .failure(let quote) = PhraseLexer.tokenize("assert subtask \"open") else {
            Issue.record("tokenized")
            return
        }
        #expect(quote.offset == 15)
        guard case .failure(let number) = PhraseLexer.tokenize("failover cluster 6a") else {
            Issue.record("tokenized")
            return
        }
        #expect(number.message == "'6a' is neither a number nor a word")
        guard case .failure(let brace) = PhraseLexer.tokenize("for each c in ${list") else {
            Issue.record("tokenized")
            return
        }
        #expect(brace.offset == 14)
    }

    @Test func tokensKeepTheirOffsets() throws {
        let tokens = try PhraseLexer.tokenize("await subtask \"A b\" of task ${t} status").get()
        #expect(tokens.map(\.offset) == [0, 6, 14, 20, 23, 28, 33])
        #expect(tokens.map(\.kind) == [.word, .word, .quoted, .word, .word, .reference, .word])
        #expect(tokens[2].text == "A b")
        #expect(tokens[2].source == "\"A b\"")
    }

    @Test func everyPhraseStartsWithAWordSoTheFirstWordPicksItsCandidates() {
        // The matcher tries only the descriptors that start with the phrase's first word: exact,
        // and in the grammar's order, because every phrase starts with one.
        let others = PhraseDescriptor.all.filter { if case .word? = $0.grammar.first { false } else { true } }
        #expect(others.isEmpty, "\(others.map(\.kind))")
    }
}
