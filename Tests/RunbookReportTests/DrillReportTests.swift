import Foundation
import RunbookTestSupport
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

@testable import OCPModel
@testable import RunbookReport
@testable import RunbookStepLog
@testable import RunbookSupport

/// What the report says of each kind of journal, and that nothing from a runbook, OCP or a probe
/// becomes markup in any format.
@Suite struct DrillReportTests {
    static func report(_ name: String) throws -> DrillReport { try GoldenReportTests.report(name) }

    @Test func aPassedRehearsalWithObjectivesAndAnApproval() throws {
        let r = try Self.report("passed")
        #expect(r.verdict == .passed)
        #expect(r.rehearsal)
        #expect(r.objectives.map(\.verdict) == [.met, .met])
        #expect(r.approvals.count == 1)
        #expect(r.approvals.first?.confirmation?.how == "--yes")
        #expect(r.approvals.first?.confirmation?.by == "drill-operator")
        #expect(r.warnings.first?.hasPrefix("REHEARSAL") == true)
        let task = try #require(r.tasks.first)
        #expect(task.timesFrom == "ocp")
        #expect(!task.task.subtasks.isEmpty)
        #expect(task.task.subtasks.allSatisfy { $0.startTime != nil && $0.finishTime != nil })
        #expect(r.evidence?.downtime.isEmpty == false)
        #expect(r.counts.total == r.steps.count)
    }

    @Test func aFailedRunAgainstARealOCP() throws {
        let r = try Self.report("failed")
        #expect(r.verdict == .failed)
        #expect(!r.rehearsal)
        #expect(r.target == "https://ocp.example.com:8080")
        #expect(r.identity == "AK/SK (key AKIDEXAMPLE3F9E)")
        #expect(r.warnings.contains("TLS certificate verification is off (--insecure)"))
        #expect(r.approvals.first?.confirmation?.how == "terminal")
        let html = try HTMLReport.render(r)
        #expect(html.contains(#"<div id="mode" class="mode real">REAL OCP · https://ocp.example.com:8080</div>"#))
        #expect(!html.contains("REHEARSAL"))
        // The failed wait said what it expected and found: a failure; the skipped steps are skipped.
        let wait = try #require(r.steps.first { $0.position.label == "steps[5]" })
        #expect(wait.outcome == "failed")
        #expect(wait.failureKind == "failure")
        #expect(r.steps.contains { $0.outcome == "skipped" })
        #expect(r.steps.contains { $0.position.block == .onFailure && $0.outcome == "passed" })
    }

    @Test func anInterruptedRun() throws {
        let r = try Self.report("interrupted")
        #expect(r.verdict == .interrupted)
        #expect(r.steps.contains { $0.outcome == "failed" && $0.failureKind == "error" })
    }

    @Test func aKilledRunIsIncompleteWithItsOpenStep() throws {
        let r = try Self.report("killed")
        #expect(r.verdict == .incomplete)
        #expect(r.journal.cutShort != nil)
        #expect(r.finishedAt == nil)
        #expect(r.steps.map(\.outcome) == ["passed", "passed", "passed", "unfinished"])
        #expect(r.warnings.contains { $0.contains("the last line is cut off") })
        let junit = JUnitReport.render(r)
        #expect(junit.contains(#"<error message="started and did not finish"#))
        #expect(junit.contains(#"<testcase name="run outcome""#))
    }

    @Test func theTimelineHasABarPerSubtaskThatStarted() throws {
        for name in ["passed", "fleet-20", "tenant-batch", "failed"] {
            let r = try Self.report(name)
            let started = r.tasks.reduce(0) { $0 + $1.task.subtasks.count { $0.startTime != nil } }
            let layout = TimelineLayout(r)
            let bars = layout.rows.flatMap(\.bars).filter { $0.kind == "subtask" }
            #expect(bars.count == started, "\(name)")
            #expect(layout.subtaskBars == started, "\(name)")
            let html = try HTMLReport.render(r)
            #expect(html.components(separatedBy: #"<rect class="bar subtask "#).count - 1 == started, "\(name)")
        }
    }

    @Test func aLargeFleetSharesRowsAndDAGs() throws {
        let r = try Self.report("fleet-20")
        var big = r
        // 60 tasks of the same shape: one DAG; 540 subtasks: one row per task.
        big.tasks = (0..<60).map { i in
            var t = r.tasks[i % r.tasks.count]
            t.task.id = 900_000 + i
            return t
        }
        let layout = TimelineLayout(big)
        #expect(layout.rows.filter { $0.header }.count >= 60)
        #expect(layout.subtaskBars == 540)
        #expect(layout.remarks.contains { $0.contains("share its row") })
        let dags = HTMLReport.dags(big)
        #expect(dags.count == 1)
        #expect((dags.first?["heading"] as? String)?.hasSuffix("60 tasks of this shape") == true)
    }

    @Test func aResumedJournalShowsItsGap() throws {
        var lines = try String(contentsOf: TestFiles.url("\(JournalFixtures.folder)/killed.jsonl"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        lines.removeLast()
        lines.append(
            #"{"record":"run-resumed","resumedAt":"2026-10-19T09:30:00.000+00:00","runId":"00000000-0000-4000-8000-000000000004"}"#
        )
        let journal = try JournalReader.parse(Array((lines.joined(separator: "\n") + "\n").utf8), path: "resumed.jsonl")
        let r = DrillReport(journal: journal)
        #expect(r.segments.count == 2)
        #expect(r.segments[1].gapMs == Int64(1_800_000), "\(String(describing: r.segments[1].gapMs))")
        // The step open when the run was resumed was interrupted there, not left unfinished.
        #expect(r.steps.last?.outcome == "interrupted")
        #expect(!r.warnings.contains { $0.contains("did not finish") })
        #expect(r.warnings.contains { $0.contains("resumed 1 time") })
        let html = try HTMLReport.render(r)
        #expect(html.contains("gap of 30m since the last record before it"))
    }

    @Test func absurdFiguresInAJournalMakeAReportNotACrash() throws {
        let text = try String(contentsOf: TestFiles.url("\(JournalFixtures.folder)/passed.jsonl"), encoding: .utf8)
        var crafted = text
        for (pattern, value) in [
            (#""durationMs":[0-9]+"#, #""durationMs":9223372036854775807"#),
            (#""runTimeMs":[0-9]+"#, #""runTimeMs":-9223372036854775808"#),
            (#""atMs":[0-9]+"#, #""atMs":9223372036854775807"#),
            (#""startTime":"[^"]+""#, #""startTime":-9223372036854775808"#),
            (#""finishTime":"[^"]+""#, #""finishTime":9223372036854775807"#),
        ] {
            crafted = crafted.replacingOccurrences(of: pattern, with: value, options: .regularExpression)
        }
        #expect(crafted != text)
        let journal = try JournalReader.parse(Array(crafted.utf8), path: "crafted.jsonl")
        let report = DrillReport(journal: journal)
        for format in ReportFormat.allCases {
            #expect(!(try format.render(report)).isEmpty, "\(format)")
        }
        #expect(!(try ReportFormat.html.render([report, try Self.report("passed")])).isEmpty)
    }

    @Test(arguments: [
        ("drill.html", ReportFormat.html), ("drill.HTM", .html), ("drill.xml", .junit), ("drill.md", .markdown),
        ("drill.json", .json),
    ])
    func theFormatFollowsTheExtension(path: String, format: ReportFormat) {
        #expect(ReportFormat(extensionOf: path) == format)
    }

    @Test func anUnknownExtensionNamesNoFormat() {
        #expect(ReportFormat(extensionOf: "drill.pdf") == nil)
        #expect(ReportFormat(extensionOf: "drill") == nil)
    }

    // MARK: - The operator

    /// The Operator line says who ran the drill and as which OCP identity, in words, also when
    /// there was none (`runbook serve` without credentials) or no login name.
    @Test(
        arguments: [
            ("unknown", "none", false, "unknown (no credentials)"),
            ("sre", "none", false, "sre (no credentials)"),
            ("", nil, false, "unknown (identity not recorded)"),
            ("sre", "AK/SK (key AKID)", false, "sre, as AK/SK (key AKID)"),
            ("sre", nil, true, "sre (no credentials: the embedded simulator)"),
        ] as [(String, String?, Bool, String)])
    func theOperatorReadsAsASentence(user: String, identity: String?, rehearsal: Bool, text: String) throws {
        var r = try Self.report("failed")
        r.user = user
        r.identity = identity
        r.rehearsal = rehearsal
        #expect(ReportText.operatorText(r) == text)
        #expect(MarkdownReport.render(r).contains("| Operator | \(MarkdownReport.m(text)) |"))
        #expect(try HTMLReport.render(r).contains("<td>\(text)</td>"))
    }

    @Test(
        arguments: [
            (RecoveryOutcome.completed, Int64(9700), "9.7s"), (.rolledBack, nil, "none (rolled back)"),
            (.failed, nil, "none (failed)"), (.unfinished, nil, "unknown"),
        ] as [(RecoveryOutcome, Int64?, String)])
    func aRecoveryTimeSaysWhyThereIsNone(outcome: RecoveryOutcome, ms: Int64?, text: String) {
        let r = Recovery(
            position: .top(.steps, 1), action: "switchover", clusterId: 6, taskId: 1, taskStatus: nil, calledAtMs: 0,
            endedAtMs: nil, recoveryMs: ms, outcome: outcome)
        #expect(ReportText.recoveryTime(r) == text)
    }

    @Test func aResumedRunsStepsCountByTheirLastAttempt() throws {
        let template = try #require(try Self.report("passed").steps.first)
        func step(_ label: Int, _ block: StepPosition.Block, _ outcome: String, segment: Int) -> ReportStep {
            var s = template
            s.position = .top(block, label)
            s.outcome = outcome
            s.segment = segment
            s.message = nil
            return s
        }
        let steps = [
            step(0, .steps, "passed", segment: 0), step(1, .steps, "skipped", segment: 0),
            step(0, .onFailure, "skipped", segment: 0), step(0, .finally, "failed", segment: 0),
            step(1, .steps, "passed", segment: 1), step(0, .onFailure, "skipped", segment: 1),
            step(0, .finally, "passed", segment: 1),
        ]
        let kept = DrillReport.supersedingEarlierAttempts(steps).map { "\($0.position.label) \($0.outcome) \($0.segment)" }
        // An `on failure` skipped in both runs is listed once; the attempts run again are interrupted.
        #expect(
            kept == [
                "steps[0] passed 0", "steps[1] interrupted 0", "finally[0] interrupted 0", "steps[1] passed 1",
                "on failure[0] skipped 1", "finally[0] passed 1",
            ])
        let again = DrillReport.supersedingEarlierAttempts(steps).first { $0.position.label == "finally[0]" }
        #expect(again?.message == "in the interrupted run (failed); the resumed run ran it again")
    }

    // MARK: - Escaping

    static let hostile =
        #"<script>alert("x")</script> & 'q' @here | `tick` **bold** [link](http://evil) "# + "\u{7}bell"

    /// A journal whose every text is hostile: phrase, message, expected, found, call path and note,
    /// probe reason, tenant names, the title and a variable.
    static func hostileReport() throws -> DrillReport {
        var r = try report("failed")
        r.title = hostile
        r.variables["evil"] = .string(hostile)
        r.notes.append(hostile)
        r.warnings.append(hostile)
        for i in r.steps.indices {
            r.steps[i].phrase = hostile
            r.steps[i].message = hostile
            r.steps[i].expected = hostile
            r.steps[i].found = hostile
            r.steps[i].calls = r.steps[i].calls.map { c in
                var c = c
                c.path = "/api/" + hostile
                c.note = hostile
                c.traceId = hostile
                return c
            }
            r.steps[i].probes = [
                ProbeAttempt(kind: "http", target: hostile, passed: false, atMs: 0, latencyMs: 1, reason: hostile)
            ]
        }
        for i in r.tasks.indices {
            r.tasks[i].task.name = hostile
            for j in r.tasks[i].task.subtasks.indices { r.tasks[i].task.subtasks[j].name = hostile }
        }
        return r
    }

    @Test func htmlEscapesEverything() throws {
        let html = try HTMLReport.render(try Self.hostileReport())
        #expect(!html.contains("<script"))
        #expect(!html.contains("alert(\"x\")"))
        #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"))
        // No script at all, and nothing fetched.
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("@import"))
        #expect(html.contains("default-src 'none'"))
    }

    @Test func junitIsWellFormedWithEverythingEscaped() throws {
        let xml = JUnitReport.render(try Self.hostileReport())
        #expect(!xml.contains("<script"))
        #expect(!xml.contains("\u{7}"))
        let parser = XMLParser(data: Data(xml.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.names["testcase", default: 0] > 0)
        #expect(counter.names["script", default: 0] == 0)
    }

    @Test func markdownEscapesEverything() throws {
        let md = MarkdownReport.render(try Self.hostileReport())
        #expect(!md.contains("<script"))
        #expect(!md.contains("@here"))
        #expect(!md.contains("[link](http://evil)"))
        #expect(!md.contains("**bold**"))
        // Every table row keeps its header's columns: no raw `|` or line break from the text.
        var columns: Int?
        for line in md.split(separator: "\n", omittingEmptySubsequences: false) {
            guard line.hasPrefix("|") else {
                columns = nil
                continue
            }
            let pipes = line.replacingOccurrences(of: "\\|", with: "").filter { $0 == "|" }.count
            if let columns { #expect(pipes == columns, "\(line)") } else { columns = pipes }
        }
    }

    @Test func jsonKeepsTheTextAsIs() throws {
        let json = try ReportJSON.encode(try Self.hostileReport())
        let back = try JSONDecoder().decode(DrillReport.self, from: Data(json.utf8))
        #expect(back.title == Self.hostile)
    }

    @Test func secretsRedactedInTheJournalStayOutOfEveryReport() throws {
        // The journal holds what `Redaction` let through: a secret is `***` before any sink sees it.
        let redaction = Redaction(secrets: ["s3cr3t-pa55"])
        let records = JournalWriterFixture.records(message: "login with s3cr3t-pa55 failed").map(redaction.apply)
        let r = DrillReport(journal: Journal(records: records, path: "(memory)"))
        for format in ReportFormat.allCases {
            let text = try format.render(r)
            #expect(!text.contains("s3cr3t-pa55"), "\(format)")
            #expect(text.contains("***") || text.contains(#"\*\*\*"#), "\(format)")
        }
    }
}

/// Counts the elements of an XML document by name.
final class ElementCounter: NSObject, XMLParserDelegate {
    var names: [String: Int] = [:]
    func parser(
        _ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?, qualifiedName qName: String?,
        attributes attributeDict: [String: String] = [:]
    ) {
        names[elementName, default: 0] += 1
    }
}

/// A small run's records with a message of one's choosing.
enum JournalWriterFixture {
    static func records(message: String) -> [StepLogRecord] {
        let location = SourceLocation(file: "drill.yaml", line: 7, column: 5)
        let position = StepPosition.top(.steps, 0)
        let at = OCPTimestamp(millisecondsSince1970: 1_790_000_000_000, utcOffsetSeconds: 0)
        return [
            .runStarted(
                RunStarted(
                    runId: "r", title: "Drill", file: "drill.yaml", sha256: "", target: "embedded", user: "sre",
                    toolVersion: "0", variables: [:], simulationSpeed: "instant", startedAt: at)),
            .stepStarted(
                StepStarted(
                    position: position, location: location, phrase: "note: \(message)", startedAt: at, runTimeMs: 0)),
            .stepFinished(
                StepFinished(
                    position: position, location: location, phrase: "note: \(message)", outcome: .failed,
                    message: message,
                    durationMs: 0, wallDurationMs: 0)),
            .runFinished(
                RunFinished(
                    outcome: .failed, reason: message, counts: StepCounts(failed: 1), durationMs: 0, wallDurationMs: 0,
                    finishedAt: at, recoveries: [])),
        ]
    }
}
