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

/// A YAML example of docs/language.md and what the document says `runbook check` gives for it.
struct DocExample: Sendable, CustomTestStringConvertible {
    /// The line of the opening fence.
    var line: Int
    var yaml: String
    /// The text block after the example when it starts with `example.yaml:`: the rendered
    /// diagnostics and the summary line. Nil: the example must check clean, with no warnings.
    var expected: String?
    /// Marked `<!-- topology -->`: a `runbook serve --topology` file, not a runbook.
    var isTopology: Bool

    var testDescription: String { "docs/language.md:\(line)" }

    /// The ```yaml blocks of a Markdown text.
    static func examples(in markdown: String) -> [DocExample] {
        let lines = markdown.components(separatedBy: "\n")
        var out: [DocExample] = []
        var i = 0
        while i < lines.count {
            guard lines[i] == "```yaml" else {
                i += 1
                continue
            }
            let start = i
            var end = i + 1
            while end < lines.count, lines[end] != "```" { end += 1 }
            let yaml = lines[(start + 1)..<end].joined(separator: "\n") + "\n"
            var next = end + 1
            while next < lines.count, lines[next].isEmpty { next += 1 }
            var expected: String?
            if next + 1 < lines.count, lines[next] == "```text", lines[next + 1].hasPrefix("example.yaml:") {
                var close = next + 1
                while close < lines.count, lines[close] != "```" { close += 1 }
                expected = lines[(next + 1)..<close].joined(separator: "\n")
            }
            var previous = start - 1
            while previous >= 0, lines[previous].isEmpty { previous -= 1 }
            let isTopology = previous >= 0 && lines[previous] == "<!-- topology -->"
            out.append(DocExample(line: start + 1, yaml: yaml, expected: expected, isTopology: isTopology))
            i = end + 1
        }
        return out
    }

    /// A complete runbook for a fragment. A list of steps becomes the `steps` of a runbook whose
    /// first two steps start a task and await it (so `retry task` has a task to retry); a mapping
    /// without `runbook:` gets a title, and a `steps:` of one note when it has none.
    static func wrap(_ yaml: String) -> String {
        let lines = yaml.components(separatedBy: "\n")
        let firstContent = lines.first { !$0.isEmpty && !$0.hasPrefix("#") } ?? ""
        if firstContent.hasPrefix("- ") {
            let indented = lines.map { $0.isEmpty ? $0 : "  " + $0 }.joined(separator: "\n")
            return "runbook: example\nsteps:\n  - failover cluster: 6\n  - await task status: FAILED\n" + indented
        }
        if lines.contains(where: { $0.hasPrefix("runbook:") }) { return yaml }
        var text = "runbook: example\n" + yaml
        if !lines.contains(where: { $0.hasPrefix("steps:") }) { text += "steps:\n  - note: example\n" }
        return text
    }
}

@Suite struct LanguageDocTests {
    static let examples: [DocExample] = {
        guard let text = try? TestFiles.text("docs/language.md") else { return [] }
        return DocExample.examples(in: text)
    }()

    @Test func theReferenceHasExamplesOfEveryKind() throws {
        // Fails, naming the file, when the reference is missing (the examples below would then be none).
        _ = try TestFiles.text("docs/language.md")
        #expect(Self.examples.count >= 15)
        #expect(Self.examples.contains { $0.expected != nil })
        #expect(Self.examples.contains { $0.isTopology })
    }

    @Test(arguments: LanguageDocTests.examples)
    func exampleChecksAsDocumented(_ example: DocExample) {
        if example.isTopology {
            let outcome = SimulateBlockDecoder.decodeTopology(bytes: Array(example.yaml.utf8), file: "topology.yaml")
            #expect(outcome.diagnostics.map(\.description) == [])
            #expect(outcome.block != nil)
            return
        }
        guard let expected = example.expected else {
            let result = RunbookChecker.check(DocExample.wrap(example.yaml), file: "example.yaml")
            // A fragment's faults may name clusters its wrapper does not give (the brief's cluster 7).
            let shown = result.diagnostics.filter { $0.id != "simulate.fault-never-fires" || $0.severity == .error }
            #expect(shown.map(\.description) == [], "\(example.testDescription)")
            return
        }
        let result = RunbookChecker.check(example.yaml, file: "example.yaml")
        let source = SourceText(path: "example.yaml", text: example.yaml)
        let summary = CheckReport.summary(
            files: 1, invalidFiles: result.hasErrors ? 1 : 0, errors: result.errorCount, warnings: result.warningCount)
        let rendered = (result.diagnostics.map { $0.rendered(source: source) } + [summary]).joined(separator: "\n")
        #expect(rendered == expected, "\(example.testDescription)")
    }
}
