import Synchronization
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

@Suite struct TerminalRendererTests {
    final class Capture: Sendable {
        let text = Mutex("")
        var output: @Sendable (String) -> Void { { s in self.text.withLock { $0 += s } } }
    }

    @Test func plainOutputHasOneLinePerStepAndASummary() async {
        let capture = Capture()
        let renderer = TerminalRenderer(style: .init(live: false, color: false), output: capture.output)
        await renderer.setJournalPath("runbook-logs/drill.jsonl")
        var records = JournalWriterTests.sampleRecords()
        let failed = StepFinished(
            position: StepPosition.top(.steps, 3),
            location: SourceLocation(file: "drill.yaml", line: 9, column: 5), phrase: #"assert subtask "Wait node""#,
            outcome: .failed, message: "subtask \"Wait node\" is not as expected", expected: "status SUCCESSFUL",
            found: "status FAILED", durationMs: 0, wallDurationMs: 0)
        records.insert(.stepFinished(failed), at: 3)
        records[4] = .runFinished(
            RunFinished(
                outcome: .failed, reason: "step steps[3] failed", counts: StepCounts(passed: 1, failed: 1),
                durationMs: 95_000, wallDurationMs: 40, finishedAt: OCPTimestamp(millisecondsSince1970: 0),
                recoveries: [
                    Recovery(
                        position: StepPosition.top(.steps, 2), action: "failover",
                        clusterId: 6, taskId: 1001, taskStatus: "SUCCESSFUL", calledAtMs: 0, endedAtMs: 91_000,
                        recoveryMs: 91_000, outcome: .completed)
                ]))
        for record in records { await renderer.write(record) }
        #expect(
            capture.text.withLock { $0 } == """
                Drill
                  drill.yaml · target embedded (simulator, speed instant)
                ✔ failover cluster: 6  task 1001  12ms
                ✘ assert subtask "Wait node"  0s
                    subtask "Wait node" is not as expected
                    expected: status SUCCESSFUL
                    found:    status FAILED
                    at drill.yaml:9:5

                FAILED  1 passed, 1 failed in 1m35s simulated, 40ms wall
                  step steps[3] failed
                  recovery: failover of cluster 6 (task 1001) SUCCESSFUL in 1m31s
                  step log: runbook-logs/drill.jsonl

                """)
    }

    @Test func colourOnlyWhenAsked() async {
        let capture = Capture()
        let renderer = TerminalRenderer(style: .init(live: false, color: true), output: capture.output)
        await renderer.write(JournalWriterTests.sampleRecords()[2])
        #expect(capture.text.withLock { $0 }.contains("\u{1B}[32m✔\u{1B}[0m"))
    }

    @Test func verboseShowsEachCallAsItHappensWithItsAttemptAndNote() async {
        let capture = Capture()
        let renderer = TerminalRenderer(style: .init(live: false, color: false, verbose: true), output: capture.output)
        let position = StepPosition.top(.steps, 0)
        let calls = [
            OCPCallRecord(
                method: "POST", path: "/api/v2/ob/clusters/6/failover", status: nil, traceId: nil, durationMs: 30_000,
                attempt: 1, note: "read timeout"),
            OCPCallRecord(
                method: "POST", path: "/api/v2/ob/clusters/6/failover", status: nil, traceId: nil, durationMs: 0,
                attempt: 2, note: "after read timeout: found task 171603 (RUNNING) on cluster 6"),
        ]
        #expect(renderer.wantsCalls)
        await renderer.call(calls[0], at: position)
        // Shown before the step ends.
        #expect(capture.text.withLock { $0 }.contains("read timeout\n"))
        await renderer.call(calls[1], at: position)
        let step = StepFinished(
            position: position,
            location: SourceLocation(file: "d.yaml", line: 3, column: 5), phrase: "failover cluster: 6", outcome: .passed,
            durationMs: 0, wallDurationMs: 0, calls: calls)
        await renderer.write(.stepFinished(step))
        #expect(
            capture.text.withLock { $0 } == """
                    → POST /api/v2/ob/clusters/6/failover no answer 30000.0ms — read timeout
                      POST /api/v2/ob/clusters/6/failover — after read timeout: found task 171603 (RUNNING) on cluster 6
                ✔ failover cluster: 6  0s

                """)
    }

    @Test func theLiveLineIsClippedToTheTerminalsWidthAndFollowsAResize() async {
        let capture = Capture()
        let width = Mutex(30)
        let renderer = TerminalRenderer(
            style: .init(live: true, color: false, width: { width.withLock { $0 } }), output: capture.output)
        let position = StepPosition.top(.steps, 0)
        let phrase = "await subtask \"Failover to Primary Check\" status: SUCCESSFUL"
        await renderer.write(
            .stepStarted(
                StepStarted(
                    position: position, location: SourceLocation(file: "d.yaml", line: 1, column: 1), phrase: phrase,
                    startedAt: OCPTimestamp(millisecondsSince1970: 0), runTimeMs: 0)))
        func lastLine() -> String {
            let text = capture.text.withLock { $0 }
            return String(text.components(separatedBy: "\r\u{1B}[2K").last ?? "")
        }
        #expect(lastLine().count == 29)
        #expect(lastLine().hasSuffix("…"))
        width.withLock { $0 = 200 }
        await renderer.progress(StepProgress(position: position, phrase: phrase, elapsedMs: 5_000))
        #expect(lastLine() == "… \(phrase)  5s")
    }

    @Test(arguments: [
        (["TERM": "xterm-256color"], true, true),
        (["TERM": "xterm-256color", "NO_COLOR": "1"], true, false),
        (["TERM": "dumb"], false, false),
        ([:], false, false),
    ])
    func aDumbTerminalGetsNoEscapeCodes(environment: [String: String], live: Bool, color: Bool) {
        let style = TerminalRenderer.Style.forOutput(isTerminal: true, environment: environment)
        #expect(style.live == live)
        #expect(style.color == color)
        let piped = TerminalRenderer.Style.forOutput(isTerminal: false, environment: environment)
        #expect(!piped.live && !piped.color)
    }

    @Test func controlCharactersFromOCPAreShownNotActedOn() async {
        let capture = Capture()
        let renderer = TerminalRenderer(style: .init(live: false, color: true), output: capture.output)
        let step = StepFinished(
            position: .top(.steps, 0), location: SourceLocation(file: "d.yaml", line: 3, column: 5),
            phrase: "assert cluster 6", outcome: .failed,
            message: "bad \u{1B}[2J\u{1B}[31mCLEARED\u{1B}]0;pwned\u{07} \u{9B}31m", durationMs: 0, wallDurationMs: 0)
        await renderer.write(.stepFinished(step))
        let text = capture.text.withLock { $0 }
        // Colours pass (they change no more than colour); clearing, titles, bells and C1 do not.
        #expect(text.contains("bad ^[[2J\u{1B}[31mCLEARED^[]0;pwned^G <U+009B>31m"))
        // The renderer's own colours are kept.
        #expect(text.contains("\u{1B}[31m✘\u{1B}[0m"))
        #expect(!text.contains("\u{1B}[2J") && !text.contains("\u{07}"))
    }
}
