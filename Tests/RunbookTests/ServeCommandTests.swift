import Foundation
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

/// The `runbook` executable, built next to the test bundle by `swift build` / `swift test`.
enum RunbookBinary {
    static var url: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("runbook")
    }

    static var exists: Bool { FileManager.default.isExecutableFile(atPath: url.path) }
}

/// Reads a pipe line by line, off the cooperative pool.
final class LineReader: Sendable {
    private let handle: FileHandle
    private let buffer = Mutex<[UInt8]>([])

    init(_ handle: FileHandle) { self.handle = handle }

    /// The next line, nil at the end of the stream.
    func next() async -> String? {
        while true {
            let line: String? = buffer.withLock { b in
                guard let newline = b.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
                defer { b.removeSubrange(...newline) }
                return String(decoding: b[..<newline], as: UTF8.self)
            }
            if let line { return line }
            let handle = self.handle
            let chunk = await Task.detached { handle.availableData }.value
            if chunk.isEmpty {
                let rest: String? = buffer.withLock { b in
                    defer { b = [] }
                    return b.isEmpty ? nil : String(decoding: b, as: UTF8.self)
                }
                return rest
            }
            buffer.withLock { $0 += chunk }
        }
    }
}

@Suite(.enabled(if: RunbookBinary.exists, "the runbook executable is not built next to the tests"))
struct ServeCommandTests {
    static func start(_ arguments: [String]) throws -> (Process, LineReader, Pipe) {
        let process = Process()
        process.executableURL = RunbookBinary.url
        process.arguments = arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, LineReader(out.fileHandleForReading), err)
    }

    static func exitStatus(_ process: Process) async -> Int32 {
        await Task.detached {
            process.waitUntilExit()
            return process.terminationStatus
        }.value
    }

    @Test func servesWithCredentialsAndStopsOnSIGTERM() async throws {
        let topology = FileManager.default.temporaryDirectory.appendingPathComponent("serve-topology-\(UUID()).yaml")
        try """
        clusters:
          - {id: 1, name: hz, type: PRIMARY, status: STOPPED}
          - {id: 2, name: sh, type: STANDBY, primary: 1}
        faults:
          - endpoint: GET /api/v2/ob/clusters
            status: 503
        """.write(to: topology, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: topology) }

        let (process, lines, _) = try Self.start([
            "serve", "--port", "0", "--topology", topology.path, "--user", "admin", "--password", "hunter2",
            "--rate-limit", "100",
        ])
        let banner = try #require(await lines.next())
        #expect(banner.contains("listening on http://127.0.0.1:"))
        #expect(banner.contains("2 clusters, 1 faults, auth Basic (user admin), rate limit 100 requests/s per caller"))
        #expect(banner.hasSuffix("idle timeout 1m)"))
        #expect(!banner.contains("hunter2"))
        let port = try #require(banner.firstMatch(of: /127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) })

        let client = try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL("http://127.0.0.1:\(port)"),
                authentication: .basic(user: "admin", password: "hunter2")),
            sleep: { _ in })
        let page = try await using(client) { client async throws in try await client.clusters(ClusterQuery()) }
        #expect(page.contents.map(\.id) == [1, 2])

        // One line per request: the injected 503, then the retry.
        let first = try #require(await lines.next())
        let second = try #require(await lines.next())
        #expect(first.contains("GET /api/v2/ob/clusters?page=1&size=10 503 SIM_INJECTED"))
        #expect(second.contains("GET /api/v2/ob/clusters?page=1&size=10 200"))
        #expect(second.hasSuffix("user admin"))

        process.terminate()
        #expect(await Self.exitStatus(process) == 0)
        var rest: [String] = []
        while let line = await lines.next() { rest.append(line) }
        #expect(rest.last == "runbook serve: stopped")
        #expect(!(rest + [first, second]).joined().contains("hunter2"))
    }

    @Test func anInvalidTopologyIsReportedWithItsLocation() async throws {
        let topology = FileManager.default.temporaryDirectory.appendingPathComponent("serve-bad-\(UUID()).yaml")
        try "speed: 60\nclusters: []\n".write(to: topology, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: topology) }
        let (process, _, err) = try Self.start(["serve", "--port", "0", "--topology", topology.path])
        #expect(await Self.exitStatus(process) == 2)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(errors.contains("\(topology.path):1:8: error: '60' is not a speed"))
        #expect(errors.contains("did you mean '60x'?"))
        #expect(errors.contains("nothing was served"))
    }
}
