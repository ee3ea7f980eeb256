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

@Suite struct FileInputTests {
    @Test func readsAFileWhole() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let text = String(repeating: "a: 1\n", count: 50_000)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try FileInput.read(path) == Array(text.utf8))
    }

    @Test func refusesALargeFileBeforeReadingIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("input-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data(count: 2048).write(to: URL(fileURLWithPath: path))
        #expect(throws: Diagnostic.error(
            "yaml.too-large", "the file is too large: 2048 bytes, over the limit of 1024 bytes for a runbook file",
            at: SourceLocation(file: path, line: 1, column: 1))) {
            try FileInput.read(path, limit: 1024)
        }
    }

    @Test func anEndlessStreamStopsAtTheLimit() {
        #expect(throws: Diagnostic.error(
            "yaml.too-large", "the file is too large: more than 4096 bytes, over the limit of 4096 bytes for a runbook file",
            at: SourceLocation(file: "/dev/zero", line: 1, column: 1))) {
            try FileInput.read("/dev/zero", limit: 4096)
        }
    }

    @Test func missingFileAndFolderAreLocatedErrors() {
        #expect((try? FileInput.read("/nonexistent/runbook.yaml")) == nil)
        #expect(throws: Diagnostic.error("file.is-directory", "this is a directory, not a runbook file",
                                         at: SourceLocation(file: "/tmp", line: 1, column: 1))) {
            try FileInput.read("/tmp")
        }
    }
}
