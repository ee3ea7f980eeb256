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

/// What `runbook check` does with a file, at the library level: read it, load its YAML, and
/// render any diagnostic against the file's text. (The command itself lives in runbook-cli.)
@Suite struct LoadFileTests {
    /// Reads and loads `path` as `check` does; the rendered diagnostics, empty when the file is valid.
    static func check(_ path: String) -> [String] {
        var source: SourceText?
        do throws(Diagnostic) {
            let bytes = try FileInput.read(path)
            source = SourceText(path: path, text: String(decoding: bytes, as: UTF8.self))
            _ = try YAMLLoader().load(bytes: bytes, file: path)
            return []
        } catch {
            return [error.rendered(source: source)]
        }
    }

    private func withTemporaryFolder(_ body: (URL) throws -> Void) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-yaml-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try body(folder)
    }

    @Test func everyExampleRunbookLoads() throws {
        let examples = TestFiles.packageRoot.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
        #expect(!files.isEmpty)
        for name in files {
            let path = examples.appendingPathComponent(name).path
            #expect(Self.check(path) == [], "\(name)")
            let node = try #require(try YAMLLoader().load(bytes: FileInput.read(path), file: path))
            #expect(node.mapping?.first?.key.scalar?.text == "runbook", "\(name) starts with its runbook: title")
        }
    }

    @Test func aBadFileIsReportedWithItsPathLineAndCaret() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("drill.yaml").path
            try Data("runbook: drill\nsteps:\n  - failover cluster: 6\n  - failover cluster: 6\n    await: [done\n".utf8)
                .write(to: URL(fileURLWithPath: path))
            #expect(
                Self.check(path) == [
                    """
                    \(path):5:12: error: did not find expected ',' or ']' in the flow sequence that starts here (is a ',' or the closing ']' missing?)
                        await: [done
                               ^
                    """
                ])
        }
    }

    @Test func missingFilesAndFoldersAreLocatedAtTheirPath() throws {
        try withTemporaryFolder { folder in
            let missing = folder.appendingPathComponent("nope.yaml").path
            #expect(Self.check(missing) == ["\(missing):1:1: error: no such file"])
            #expect(Self.check(folder.path) == ["\(folder.path):1:1: error: this is a directory, not a runbook file"])
        }
    }

    @Test func aFileOfInvalidUTF8IsReportedWithItsLine() throws {
        try withTemporaryFolder { folder in
            let path = folder.appendingPathComponent("latin1.yaml").path
            try Data([0x61, 0x3A, 0x20, 0x31, 0x0A] + Array("name: Jos".utf8) + [0xE9, 0x0A])
                .write(to: URL(fileURLWithPath: path))
            #expect(
                Self.check(path) == [
                    "\(path):2:10: error: the file is not valid UTF-8 (byte 0xE9 here)\nname: Jos\u{FFFD}\n         ^"
                ])
        }
    }
}
