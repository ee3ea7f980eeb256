import Foundation
import RunbookTestSupport
import Testing

@testable import OCPModel
@testable import RunbookReport
@testable import RunbookStepLog
@testable import RunbookSupport

/// The Markdown summary fits a pull-request comment (GitHub takes 65,536 characters) whatever
/// the journal holds: each text is cut, and the document stops before the limit.
@Suite struct MarkdownReportTests {
    /// GitHub's limit for a comment, in characters (counted here in UTF-16 code units, which are
    /// never fewer than the characters).
    static let commentLimit = 65_536

    static func report(_ name: String) throws -> DrillReport { try GoldenReportTests.report(name) }

    /// The `|` of a line that are not escaped by a `\\`, counted in Unicode scalars (as a Markdown
    /// parser reads them: a combining mark after a `|` does not hide it).
    static func pipes(_ line: Substring) -> Int {
        var count = 0
        var escaped = false
        for s in line.unicodeScalars {
            if escaped {
                escaped = false
            } else if s == "\\" {
                escaped = true
            } else if s == "|" {
                count += 1
            }
        }
        return count
    }

    /// Every table row keeps its header's columns: no raw `|` from a text.
    static func expectTablesKeepTheirColumns(_ md: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        var columns: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                columns = nil
                continue
            }
            let pipes = Self.pipes(line)
            if let columns {
                #expect(pipes == columns, "\(line.prefix(200))", sourceLocation: sourceLocation)
            } else {
                columns = pipes
            }
        }
    }

    @Test func aLongTextIsCutOnACharacterBoundaryWithAPointerToTheHTMLReport() {
        // Letters of two UTF-16 units and with a combining accent: a cut never splits one.
        let text = String(repeating: "é𝔸a\u{301}|", count: 2000)
        let cell = MarkdownReport.m(text)
        #expect(cell.utf16.count < 1000, "\(cell.utf16.count)")
        #expect(cell.contains("…"))
        #expect(cell.contains("HTML report"))
        let kept = String(cell[..<(cell.range(of: "…")?.lowerBound ?? cell.endIndex)])
        #expect(kept.count > 100)
        // Whole characters only: what is kept is the start of the escaped text (compared
        // character by character, so an `a` without its accent would not match).
        #expect(String(repeating: "é𝔸a\u{301}\\|", count: 2000).hasPrefix(kept))
        #expect(!kept.hasSuffix("\\"))
        // A short text is not cut.
        #expect(MarkdownReport.m("all is well") == "all is well")
    }

    @Test func aCharacterThatIsHugeOnItsOwnIsCutToo() {
        // One Character: a letter and 100,000 combining marks.
        let text = "a" + String(repeating: "\u{301}", count: 100_000)
        #expect(text.count == 1)
        let cell = MarkdownReport.m(text)
        #expect(cell.utf16.count < 1000)
        #expect(cell.contains("HTML report"))
    }

    @Test func aPipeOrAnAngleBracketWithACombiningMarkIsStillEscaped() {
        let cell = MarkdownReport.m("a|\u{301}b <\u{301}script> @\u{301}here")
        #expect(Self.pipes(cell[...]) == 0, "\(cell)")
        #expect(!cell.unicodeScalars.contains("<"))
        #expect(!cell.unicodeScalars.contains("@"))
    }

    /// The tester's drill: 30 `confirm` steps of some 6,000 characters each, run without a
    /// terminal under `continue on failure`: each step, its message and its approval are long.
    static func longConfirms() throws -> DrillReport {
        var r = try report("failed")
        let text = String(repeating: "Is the primary region really lost? ", count: 172)
        let step = try #require(r.steps.first)
        r.steps = (0..<30).map { i in
            var s = step
            s.position = .top(.steps, i)
            s.phrase = "confirm: " + text
            s.outcome = "continued"
            s.message = text + ": no terminal to ask on; run with --yes to confirm without asking"
            s.expected = text
            s.found = text
            return s
        }
        let approval = try #require(r.approvals.first)
        r.approvals = (0..<30).map { i in
            var a = approval
            a.step = "steps[\(i)]"
            a.confirmation?.question = text
            a.message = text
            return a
        }
        r.warnings = Array(repeating: text, count: 30)
        return r
    }

    @Test func thirtyLongConfirmsFitAPullRequestComment() throws {
        let md = MarkdownReport.render(try Self.longConfirms())
        #expect(md.utf16.count < Self.commentLimit, "\(md.utf16.count)")
        #expect(md.contains("HTML report"))
        Self.expectTablesKeepTheirColumns(md)
    }

    @Test func whateverTheJournalHoldsTheSummaryStaysUnderTheLimit() throws {
        var r = try Self.longConfirms()
        let huge = String(repeating: "&<@|`\n", count: 20_000)
        r.title = huge
        r.file = huge
        r.target = huge
        r.reason = huge
        r.user = huge
        r.identity = huge
        r.toolVersion = huge
        r.sha256 = String(repeating: "ab", count: 500_000)
        r.simulationSpeed = huge
        r.warnings = Array(repeating: huge, count: 100)
        let passed = try Self.report("passed")
        let objective = try #require(passed.objectives.first)
        r.objectives = (0..<100).map { i in
            var o = objective
            o.name = "\(i) " + huge
            return o
        }
        var evidence = try #require(passed.evidence)
        let downtime = try #require(evidence.downtime.first)
        evidence.downtime = (0..<100).map { _ in
            var d = downtime
            d.kind = huge
            d.target = huge
            return d
        }
        evidence.recoveryTimeSource = huge
        r.evidence = evidence
        let recovery = try #require(r.recoveries.first)
        r.recoveries = (0..<100).map { _ in
            var rec = recovery
            rec.action = huge
            return rec
        }
        let md = MarkdownReport.render(r)
        #expect(md.utf16.count < Self.commentLimit, "\(md.utf16.count)")
        #expect(md.hasPrefix("## ❌ FAILED: "))
        #expect(md.contains("HTML report"))
        Self.expectTablesKeepTheirColumns(md)
    }

    @Test func aComparisonOfManyHugeDrillsStaysUnderTheLimit() throws {
        let huge = String(repeating: "x|", count: 10_000)
        var base = try Self.report("passed")
        base.file = huge
        base.target = huge
        let objective = try #require(base.objectives.first)
        base.objectives = (0..<200).map { i in
            var o = objective
            o.name = "objective \(i) " + huge
            return o
        }
        let recovery = try #require(base.recoveries.first)
        base.recoveries = Array(repeating: recovery, count: 50)
        let drills = (0..<300).map { i in
            var r = base
            r.title = "\(i) " + huge
            return r
        }
        let md = MarkdownReport.render(ComparisonReport(drills))
        #expect(md.utf16.count < Self.commentLimit, "\(md.utf16.count)")
        #expect(md.contains("HTML report"))
        Self.expectTablesKeepTheirColumns(md)
    }

    // MARK: - The comparison's columns

    @Test func theComparisonHasTheColumnsOfTheHTMLComparison() throws {
        let reports = try ["passed", "region-q2", "region-q4"].map(Self.report)
        let c = ComparisonReport(reports)
        let md = MarkdownReport.render(c)
        let lines = md.split(separator: "\n").map(String.init)
        let header = try #require(lines.first { $0.hasPrefix("| date") })
        #expect(
            header
                == "| date | runbook | file SHA-256 | target | verdict | recovery time | data loss | recovery time (measured / objective) | data loss (measured / objective) | per action |"
        )
        // Each drill's title and file, and whether it was a rehearsal or a real OCP's.
        let row = try #require(lines.first { $0.hasPrefix("| 2026-12-01") })
        let first = try #require(c.rows.last)
        #expect(row.contains("| \(MarkdownReport.m(first.title))<br><code>\(MarkdownReport.m(first.file))</code> |"))
        #expect(row.contains("| embedded (rehearsal) |"))
        Self.expectTablesKeepTheirColumns(md)
        var real = try Self.report("failed")
        real.startedAt = OCPTimestamp(millisecondsSince1970: 0, utcOffsetSeconds: 0)
        let mixed = MarkdownReport.render(ComparisonReport([real] + reports))
        #expect(mixed.contains("| https://ocp.example.com:8080 (real OCP) |"))
    }
}
