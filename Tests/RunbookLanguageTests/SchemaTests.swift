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

@Suite struct SchemaTests {
    @Test func committedSchemaIsWhatRunbookSchemaPrints() throws {
        let committed = try TestFiles.text("docs/runbook.schema.json")
        #expect(committed == RunbookSchema.text, "run `swift run runbook schema > docs/runbook.schema.json`")
    }

    @Test func schemaIsValidJSONOfDraft202012() throws {
        let object = try JSONSerialization.jsonObject(with: Data(RunbookSchema.text.utf8)) as? [String: Any]
        #expect(object?["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        #expect(object?["required"] as? [String] == ["runbook", "steps"])
    }

    /// The phrase patterns of the step schema.
    static func phrasePatterns() throws -> [NSRegularExpression] {
        guard case .object(let defs)? = member(RunbookSchema.json, "$defs"),
            let step = defs.first(where: { $0.key == "step" })?.value,
            case .array(let forms)? = member(step, "oneOf"), forms.count == 2,
            case .object(let patterns)? = member(forms[1], "patternProperties")
        else { throw SchemaShape() }
        return try patterns.map { try NSRegularExpression(pattern: $0.key) }
    }

    static func member(_ value: JSONOutput, _ key: String) -> JSONOutput? {
        guard case .object(let members) = value else { return nil }
        return members.first { $0.key == key }?.value
    }

    struct SchemaShape: Error {}

    static func matches(_ regex: NSRegularExpression, _ text: String) -> Bool {
        regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static let phrases = [
        "failover cluster", "switchover cluster", "precheck failover cluster", "precheck switchover cluster",
        "failover cluster 6", "precheck switchover cluster ${c}", "retry task", "retry task drill", "rollback task 171603",
        "rollback task ${id}", "retry subtask \"Wait node\"", "skip subtask ${name} of task drill",
        "cancel subtask \"Failover to Primary\" of task 42", "await task status", "await task drill status",
        "await subtask \"Wait node\" status", "await cluster 6 type", "await cluster ${c} status", "assert task",
        "assert task drill", "assert task status", "assert task ${t} status", "assert subtask \"Remove standby cluster\"",
        "assert subtask \"A \\\"quoted\\\" name\" status", "assert cluster ${standby}", "assert cluster 6 type",
        "assert cluster 6 syncStatus", "sleep", "note", "confirm", "for each c in ${list}",
        "in parallel for each standby in ${standbys}", "precheck switchover tenant", "precheck switchover tenant 2000025",
        "switchover tenant", "switchover tenant ${standby}", "precheck failover tenant ${t}", "failover tenant",
        "failover tenant 2000025", "failover tenants of cluster", "failover tenants of cluster 3000010",
        "switchover tenants of cluster ${c}", "await tenant 2000025 role", "await tenant ${t} status",
        "await tenant 2000025 syncStatus", "assert tenant 2000025", "assert tenant ${t} role", "assert tenant 2000025 status",
    ]

    static let nonPhrases = [
        "awiat task status", "failover cluster 6 now", "await cluster 6", "assert", "for each in ${x}",
        "retry subtask Wait node", "await task status: SUCCESS", "Failover cluster", "failover tenants cluster 6",
        "await tenant 2000025", "await tenant 2000025 primary", "failover tenants of cluster 6 now", "assert tenants 2000025",
    ]

    @Test func phrasePatternsAgreeWithThePhraseParser() throws {
        let patterns = try Self.phrasePatterns()
        // 31 phrases of clusters and tasks, 19 of tenants: six actions (with the id as the value or
        // in the key), three awaited fields, an assertion with its three key fields.
        #expect(patterns.count == 58)
        for phrase in Self.phrases {
            let tokens = try PhraseLexer.tokenize(phrase).get()
            #expect((try? PhraseMatcher.parse(tokens).get()) != nil, "parser: \(phrase)")
            #expect(patterns.contains { Self.matches($0, phrase) }, "schema: \(phrase)")
        }
        for text in Self.nonPhrases {
            let parses = (try? PhraseLexer.tokenize(text).get()).flatMap { try? PhraseMatcher.parse($0).get() } != nil
            #expect(!parses, "parser: \(text)")
            #expect(!patterns.contains { Self.matches($0, text) }, "schema: \(text)")
        }
    }

    @Test func eachPhraseMatchesOnePatternSoItsValueHasOneSchema() throws {
        let patterns = try Self.phrasePatterns()
        for phrase in Self.phrases {
            #expect(patterns.count { Self.matches($0, phrase) } == 1, "\(phrase)")
        }
    }

    @Test func durationPatternAgreesWithDurationText() throws {
        guard case .object(let defs)? = Self.member(RunbookSchema.json, "$defs"),
            let duration = defs.first(where: { $0.key == "fixedDuration" })?.value,
            case .array(let forms)? = Self.member(duration, "anyOf"),
            case .string(let pattern)? = Self.member(forms[1], "pattern")
        else { throw SchemaShape() }
        let regex = try NSRegularExpression(pattern: pattern)
        for text in ["500ms", "30s", "5m", "1h", "1h30m", "1h30m15s", "2m500ms", "90", "1.5", "1.5s", "1m0.25s"] {
            #expect(DurationText.parse(text) != nil, "\(text)")
            #expect(Self.matches(regex, text), "\(text)")
        }
        for text in ["", "5 minutes", "30m1h", "1d", "m", "-5s", "1.5m", "1.5ms", "1.s"] {
            #expect(DurationText.parse(text) == nil, "\(text)")
            #expect(!Self.matches(regex, text), "\(text)")
        }
    }
}
