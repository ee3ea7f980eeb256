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

@Suite struct JournalWriterTests {
    static func sampleRecords() -> [StepLogRecord] {
        let location = SourceLocation(file: "drill.yaml", line: 7, column: 5)
        let position = StepPosition.top(.steps, 2)
        let at = OCPTimestamp(millisecondsSince1970: 1_790_000_000_000, utcOffsetSeconds: 0)
        return [
            .runStarted(
                RunStarted(
                    title: "Drill", file: "drill.yaml", sha256: String(repeating: "ab", count: 32), target: "embedded",
                    user: "sre", toolVersion: RunbookVersion.current, variables: ["standby": .number(6)],
                    simulationSpeed: "instant", startedAt: at)),
            .stepStarted(StepStarted(position: position, location: location, phrase: "failover cluster: 6", startedAt: at, runTimeMs: 0)),
            .stepFinished(
                StepFinished(
                    position: position, location: location, phrase: "failover cluster: 6", outcome: .passed,
                    durationMs: 12, wallDurationMs: 1, observed: Observation(taskId: 1001, taskStatus: "RUNNING"),
                    calls: [
                        OCPCallRecord(
                            method: "POST", path: "/api/v2/ob/clusters/6/failover", status: 200,
                            traceId: "b0f5f8868349493c", durationMs: 0.4)
                    ])),
            .runFinished(
                RunFinished(
                    outcome: .passed, reason: nil, counts: StepCounts(passed: 1), durationMs: 12, wallDurationMs: 1,
                    finishedAt: at, recoveries: [])),
        ]
    }

    @Test func writesOneDecodableRecordPerLine() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("nested/run.jsonl").path
        let writer = try JournalWriter(path: path)
        for record in Self.sampleRecords() { await writer.write(record) }
        #expect(writer.failure == nil)
        await writer.close()
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let lines = text.split(separator: "\n")
        #expect(text.hasSuffix("\n"))
        #expect(lines.count == 4)
        let decoded = try lines.map { try JSONDecoder().decode(StepLogRecord.self, from: Data($0.utf8)) }
        #expect(decoded == Self.sampleRecords())
        #expect(lines[0].hasPrefix(#"{"file":"drill.yaml""#))
        #expect(lines[2].contains(#""record":"step-finished""#))
    }

    @Test func concurrentAppendsKeepWholeLines() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path)
        let record = Self.sampleRecords()[2]
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<200 { group.addTask { await writer.write(record) } }
        }
        await writer.close()
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 200)
        for line in lines { #expect(try JSONDecoder().decode(StepLogRecord.self, from: Data(line.utf8)) == record) }
    }

    @Test func unwritableFolderIsAClearError() {
        #expect {
            _ = try JournalWriter(path: "/proc/runbook-cannot-write/x.jsonl")
        } throws: { error in
            (error as? JournalError)?.description.hasPrefix("cannot open the step log /proc/runbook-cannot-write/x.jsonl") == true
        }
    }

    @Test func defaultPathUsesStemAndUTCTime() {
        let date = Date(timeIntervalSince1970: 1_795_750_200)  // 2026-11-27T03:30:00Z
        #expect(JournalWriter.defaultPath(for: "examples/failover-drill.yaml", at: date) == "runbook-logs/failover-drill-20261127T033000Z.jsonl")
    }
}

@Suite struct RedactionTests {
    @Test func everyOccurrenceOfASecretInARecordBecomesAMark() throws {
        let secret = #"p"a\ss/w0rd"#
        let redaction = Redaction(secrets: [secret, "ab"])
        // Too short to look for: it would match ordinary text.
        #expect(redaction.secrets == [secret])
        let record = StepLogRecord.stepFinished(
            StepFinished(
                position: .top(.steps, 0), location: SourceLocation(file: "f.yaml", line: 1, column: 1),
                phrase: "note: \(secret)", outcome: .passed, message: "it is \(secret), again \(secret)", durationMs: 0,
                wallDurationMs: 0))
        guard case .stepFinished(let s) = redaction.apply(record) else {
            Issue.record("not a finished step")
            return
        }
        #expect(s.phrase == "note: ***")
        #expect(s.message == "it is ***, again ***")
        #expect(Redaction.none.apply(record) == record)
        #expect(redaction.apply("the \(secret) here") == "the *** here")
    }

    @Test func theEnvironmentsSecretsAreItsCredentialsAndSecretNamedVariables() {
        let r = Redaction.secrets(
            in: ["OCP_PASSWORD": "pw-1234", "OCP_ACCESS_KEY_SECRET": "sk-5678", "GITHUB_TOKEN": "gh-0000", "HOME": "/root"],
            others: ["file-secret"])
        #expect(Set(r.secrets) == ["pw-1234", "sk-5678", "gh-0000", "file-secret"])
    }
}
