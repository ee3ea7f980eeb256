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
                    runId: "5d0b7a52-3f1e-4c1b-9d7e-2f4c1a9b8e01", title: "Drill", file: "drill.yaml", sha256: String(repeating: "ab", count: 32), target: "embedded",
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
        // Every line names its run, the first record's.
        #expect(lines.allSatisfy { $0.contains(#""runId":"5d0b7a52-3f1e-4c1b-9d7e-2f4c1a9b8e01""#) })
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
        let date = Date(timeIntervalSince1970: 1_795_750_200.25)  // 2026-11-27T03:30:00.250Z
        #expect(
            JournalWriter.defaultPath(for: "examples/failover-drill.yaml", at: date)
                == "runbook-logs/failover-drill-20261127T033000.250Z.jsonl")
    }

    @Test func uniquePathsNeverReuseAFile() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("run.jsonl").path
        let writers = try (0..<3).map { _ in try JournalWriter.creatingUnique(path: path) }
        #expect(writers.map { ($0.path as NSString).lastPathComponent } == ["run.jsonl", "run-2.jsonl", "run-3.jsonl"])
        for w in writers { await w.close() }
    }

    @Test func anEmptyFileGivenForTheJournalIsMadeTheOwnersAlone() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        let writer = try JournalWriter(path: path)
        await writer.write(Self.sampleRecords()[0])
        await writer.close()
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func aFileThatHoldsRecordsIsNotWrittenInto() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try JournalWriter(path: path)
        await first.write(Self.sampleRecords()[0])
        await first.close()
        #expect(throws: JournalError.self) { try JournalWriter(path: path) }
        // Appending is for a resumed run, which asks for it.
        let resumed = try JournalWriter(path: path, mode: .append)
        await resumed.close()
    }

    @Test func appendingCutsOffALastLineAKillLeftPartial() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let first = try JournalWriter(path: path, runId: "r1")
        for record in Self.sampleRecords().prefix(2) { await first.write(record) }
        await first.close()
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        // A kill in the middle of the third line.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(#"{"record":"step-sta"#.utf8))
        try handle.close()
        let resumed = try JournalWriter(path: path, mode: .append, runId: "r1")
        await resumed.write(Self.sampleRecords()[2])
        await resumed.close()
        let after = try Data(contentsOf: URL(fileURLWithPath: path))
        #expect(after.prefix(whole.count) == whole)
        let lines = after.split(separator: 0x0A)
        #expect(lines.count == 3)
        for line in lines {
            #expect(throws: Never.self, "\(String(decoding: line, as: UTF8.self))") {
                try JSONDecoder().decode(JournalLine.self, from: Data(line))
            }
        }
    }

    @Test func aFullDiskStopsTheJournalAndSaysWhy() async throws {
        let writer = try JournalWriter(path: "/dev/full")
        for record in Self.sampleRecords() { await writer.write(record) }
        await writer.sync()
        #expect(writer.failure?.hasPrefix("cannot write /dev/full: No space left on device") == true)
        #expect(writer.writeFailure == writer.failure)
        await writer.close()
    }

    @Test func noLineIsLongerThanTheBound() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("journal-\(UUID().uuidString).jsonl").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let writer = try JournalWriter(path: path, runId: "r1")
        let list = "[" + (0..<200_000).map(String.init).joined(separator: ", ") + "]"
        let huge = StepFinished(
            position: .top(.steps, 0), location: SourceLocation(file: "f.yaml", line: 1, column: 1),
            phrase: "note: \(list)", outcome: .passed, message: list, durationMs: 0, wallDurationMs: 0,
            calls: Array(
                repeating: OCPCallRecord(method: "GET", path: "/api/v2/tasks/instances/1", status: 200, traceId: nil, durationMs: 1),
                count: 20_000))
        await writer.write(.stepFinished(huge))
        await writer.close()
        let line = try String(contentsOfFile: path, encoding: .utf8)
        #expect(line.utf8.count <= JournalWriter.maxLineBytes + 1)
        let decoded = try JSONDecoder().decode(JournalLine.self, from: Data(line.utf8))
        #expect(decoded.runId == "r1")
        #expect(line.contains(#""truncated":true"#))
        guard case .stepFinished(let step) = decoded.record else {
            Issue.record("not a step-finished record")
            return
        }
        #expect(step.message?.hasSuffix("more bytes)") == true)
        #expect(step.calls.count == 1000)
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
