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

@Suite struct SuggestionTests {
    @Test(arguments: [
        ("", "abc", 3), ("abc", "abc", 0), ("SUCCES", "SUCCESS", 1), ("awiat", "await", 1), ("kitten", "sitting", 3),
        ("ca", "abc", 3), ("typ", "type", 1),
    ])
    func distance(_ a: String, _ b: String, _ expected: Int) {
        #expect(Suggestion.distance(a, b) == expected)
        #expect(Suggestion.distance(b, a) == expected)
    }

    @Test func suggestsOnlyCloseWordsClosestFirst() {
        #expect(Suggestion.closest(to: "SUCCES", among: TaskStatus.spellings) == "SUCCESS")
        #expect(Suggestion.closest(to: "success", among: TaskStatus.spellings) == "SUCCESS")
        #expect(Suggestion.closest(to: "stpes", among: ["runbook", "steps", "vars"]) == "steps")
        #expect(Suggestion.closest(to: "DONE", among: TaskStatus.spellings) == nil)
        #expect(Suggestion.closest(to: "ab", among: ["xy"]) == nil)
        #expect(Suggestion.candidates(for: "stat", among: ["status", "start", "stats"]) == ["start", "stats", "status"])
        #expect(Suggestion.didYouMean("timout", among: ["timeout", "every"]) == "; did you mean 'timeout'?")
        #expect(Suggestion.didYouMean("zzz", among: ["timeout"]) == "")
    }

    @Test func subtaskNameSuggestions() {
        let names = TaskDefinition.knownSubtaskNames
        #expect(Suggestion.closest(to: "remove standby cluster", among: names, slack: .name) == "Remove standby cluster")
        #expect(Suggestion.closest(to: "Remove  standby\tcluster", among: names, slack: .name) == "Remove standby cluster")
        #expect(Suggestion.closest(to: "Failover to Primary Chek", among: names, slack: .name) == "Failover to Primary Check")
        #expect(Suggestion.closest(to: "Reboot everything", among: names, slack: .name) == nil)
        #expect(Suggestion.sameName("Remove  Standby cluster", "Remove standby cluster"))
        #expect(!Suggestion.sameName("Remove standby clusters", "Remove standby cluster"))
    }
}
