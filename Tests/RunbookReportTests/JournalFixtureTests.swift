import Foundation
import Testing

@testable import RunbookReport
@testable import RunbookStepLog
import RunbookTestSupport

/// The committed journals are what the scenarios write: the same records, step by step, up to the
/// order parallel items finish in. `RUNBOOK_UPDATE_FIXTURES=1` writes them anew.
@Suite struct JournalFixtureTests {
    @Test(arguments: JournalFixtures.scenarios.map(\.name))
    func fixtureIsWhatItsScenarioWrites(_ name: String) async throws {
        let scenario = try #require(JournalFixtures.scenarios.first { $0.name == name })
        let bytes = try await JournalFixtures.journal(scenario)
        let path = JournalFixtures.path(name)
        if ProcessInfo.processInfo.environment["RUNBOOK_UPDATE_FIXTURES"] == "1" {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }
        let made = try JournalReader.parse(bytes, path: "\(name).jsonl")
        let kept = try JournalReader.read(path: path)
        #expect(made.lineCount == kept.lineCount)
        #expect((made.cutShort == nil) == (kept.cutShort == nil))
        // The same records, as a multiset of kind and step label (parallel items finish in any order).
        func shape(_ j: Journal) -> [String] {
            j.entries.map { entry -> String in
                switch entry.record {
                case .stepStarted(let s): "started \(s.position.label) \(s.phrase)"
                // A person's answer to a confirm takes wall time, which the run's clock then counts.
                case .stepFinished(let s) where s.phrase.hasPrefix("confirm:"):
                    "finished \(s.position.label) \(s.outcome.rawValue)"
                case .stepFinished(let s): "finished \(s.position.label) \(s.outcome.rawValue) \(s.durationMs)"
                case .runFinished(let r): "run \(r.outcome.rawValue) \(r.counts.total)"
                default: entry.record.kindName
                }
            }.sorted()
        }
        #expect(shape(made) == shape(kept))
    }
}
