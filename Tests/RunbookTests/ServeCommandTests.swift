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

@Suite
struct ServeCommandTests {
    static func start(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, LineReader, Pipe) {
        let (process, out, err) = try launch(arguments, environment: environment)
        return (process, LineReader(out.fileHandleForReading), err)
    }

    /// Starts `runbook serve`, with `environment` added to this process's (minus the serve variables).
    static func launch(_ arguments: [String], environment: [String: String] = [:]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = try RunbookBinary.require()
        process.arguments = arguments
        var inherited = ProcessInfo.processInfo.environment
        inherited["RUNBOOK_SERVE_PASSWORD"] = nil
        inherited["RUNBOOK_SERVE_ACCESS_KEY_SECRET"] = nil
        process.environment = inherited.merging(environment) { $1 }
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    static func exitStatus(_ process: Process) async -> Int32 {
        await Task.detached {
            process.waitUntilExit()
            return process.terminationStatus
        }.value
    }

    /// The exit status of a process expected to stop by itself; one still running after `guardTime`
    /// is terminated and reported as nil.
    static func exitStatus(_ process: Process, within guardTime: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + guardTime
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(20)) }
        if process.isRunning {
            process.terminate()
            _ = await exitStatus(process)
            return nil
        }
        return await exitStatus(process)
    }

    static func text(_ pipe: Pipe) -> String {
        String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    }

    /// A private credentials file.
    static func credentialsFile(_ text: String, mode: Int = 0o600) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("serve-credentials-\(UUID()).yaml")
        try text.write(to: url, atomically: true, encoding: .utf8)
        #expect(chmod(url.path, mode_t(mode)) == 0)
        return url
    }

    /// A client of a server on `port`.
    static func client(port: Int, authentication: OCPConnection.Authentication = .none) throws -> HTTPOCPClient {
        try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL("http://127.0.0.1:\(port)"), authentication: authentication),
            sleep: { _ in })
    }

    /// The port of the banner line.
    static func port(of banner: String) throws -> Int {
        try #require(banner.firstMatch(of: /127\.0\.0\.1:(\d+)/).flatMap { Int($0.1) }, "\(banner)")
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
        #expect(banner.contains("2 clusters, 0 tenants, 1 faults, auth Basic (user admin), rate limit 100 requests/s per caller"))
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

    @Test func aMissingTopologyOrAnUnreadableCredentialsFileSaysErrorOnce() async throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("serve-none-\(UUID()).yaml").path
        let (process, _, err) = try Self.start(["serve", "--port", "0", "--topology", missing])
        #expect(await Self.exitStatus(process) == 2)
        let errors = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(errors.contains("\(missing):1:1: error: "), "\(errors)")
        #expect(errors.components(separatedBy: "error:").count == 2, "\(errors)")
        let broken = try Self.credentialsFile("user: admin\npassword: \"Sup3r\n")
        defer { try? FileManager.default.removeItem(at: broken) }
        let (second, _, secondErr) = try Self.start(["serve", "--port", "0", "--credentials", broken.path])
        #expect(await Self.exitStatus(second) == 2)
        let text = String(decoding: secondErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(text.components(separatedBy: "error:").count == 2, "\(text)")
        #expect(!text.contains("Sup3r"))
        let unknown = try Self.credentialsFile("user: admin\npassword: pw-1234\nextra: 1\n")
        defer { try? FileManager.default.removeItem(at: unknown) }
        let (third, _, thirdErr) = try Self.start(["serve", "--port", "0", "--credentials", unknown.path])
        #expect(await Self.exitStatus(third) == 2)
        let third_ = String(decoding: thirdErr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(third_.contains("has an unknown key 'extra'"), "\(third_)")
    }

    // MARK: - Secrets

    @Test(arguments: [
        (["--user", "admin", "--password", ""], "--password cannot be empty"),
        (["--user", "", "--password", "x"], "--user cannot be empty"),
        (["--access-key", "", "--secret-key", "x"], "--access-key cannot be empty"),
        (["--access-key", "ak", "--secret-key", ""], "--secret-key cannot be empty"),
    ])
    func anEmptySecretOrNameIsRefused(arguments: [String], message: String) async throws {
        let (process, _, err) = try Self.launch(["serve", "--port", "0"] + arguments)
        let status = await Self.exitStatus(process, within: .seconds(20))
        #expect(status != nil && status != 0, "runbook serve \(arguments) served")
        #expect(Self.text(err).contains(message))
    }

    @Test func aSecretMissingOrEmptyInTheEnvironmentIsRefused() async throws {
        let cases: [([String], [String: String], String)] = [
            (["--user", "admin"], [:], "--user admin needs a secret: set RUNBOOK_SERVE_PASSWORD"),
            (["--user", "admin"], ["RUNBOOK_SERVE_PASSWORD": ""], "RUNBOOK_SERVE_PASSWORD is empty"),
            (["--access-key", "ak"], ["RUNBOOK_SERVE_ACCESS_KEY_SECRET": ""], "RUNBOOK_SERVE_ACCESS_KEY_SECRET is empty"),
            (["--password", "x"], [:], "--password needs --user"),
        ]
        for (arguments, environment, message) in cases {
            let (process, _, err) = try Self.launch(["serve", "--port", "0"] + arguments, environment: environment)
            let status = await Self.exitStatus(process, within: .seconds(20))
            #expect(status == 2, "runbook serve \(arguments) with \(environment.keys.sorted())")
            #expect(Self.text(err).contains(message), "\(arguments)")
        }
    }

    @Test func secretsComeFromTheEnvironment() async throws {
        let (process, lines, err) = try Self.start(
            ["serve", "--port", "0", "--user", "admin", "--access-key", "env-ak"],
            environment: ["RUNBOOK_SERVE_PASSWORD": "from-env", "RUNBOOK_SERVE_ACCESS_KEY_SECRET": "env-secret"])
        defer { if process.isRunning { process.terminate() } }
        let banner = try #require(await lines.next())
        #expect(banner.contains("auth Basic (user admin) or AK/SK (1 key)"))
        let port = try Self.port(of: banner)
        let basic = try Self.client(port: port, authentication: .basic(user: "admin", password: "from-env"))
        try await using(basic) { client async throws in #expect(try await client.clusters(ClusterQuery()).contents.count == 4) }
        let signed = try Self.client(
            port: port, authentication: .accessKey(AKSKSigner(accessKeyId: "env-ak", accessKeySecret: "env-secret")))
        try await using(signed) { client async throws in #expect(try await client.clusters(ClusterQuery()).contents.count == 4) }
        process.terminate()
        #expect(await Self.exitStatus(process) == 0)
        var rest: [String] = []
        while let line = await lines.next() { rest.append(line) }
        let everything = ([banner] + rest).joined(separator: "\n") + Self.text(err)
        #expect(!everything.contains("from-env") && !everything.contains("env-secret"))
        #expect(!everything.contains("visible to other local users"))
    }

    @Test func secretsComeFromACredentialsFile() async throws {
        let file = try Self.credentialsFile(
            "user: admin\npassword: file-password\naccessKeyId: file-ak\naccessKeySecret: file-secret\n")
        defer { try? FileManager.default.removeItem(at: file) }
        let (process, lines, err) = try Self.start(["serve", "--port", "0", "--credentials", file.path])
        defer { if process.isRunning { process.terminate() } }
        let banner = try #require(await lines.next())
        #expect(banner.contains("auth Basic (user admin) or AK/SK (1 key)"))
        let port = try Self.port(of: banner)
        let basic = try Self.client(port: port, authentication: .basic(user: "admin", password: "file-password"))
        try await using(basic) { client async throws in #expect(try await client.clusters(ClusterQuery()).contents.count == 4) }
        let signed = try Self.client(
            port: port, authentication: .accessKey(AKSKSigner(accessKeyId: "file-ak", accessKeySecret: "file-secret")))
        try await using(signed) { client async throws in #expect(try await client.clusters(ClusterQuery()).contents.count == 4) }
        let wrong = try Self.client(port: port, authentication: .basic(user: "admin", password: "guess"))
        try await using(wrong) { client async throws in
            let error = await failure { () async throws(OCPError) in _ = try await client.clusters(ClusterQuery()) }
            #expect(error?.httpStatus == 401)
        }
        process.terminate()
        #expect(await Self.exitStatus(process) == 0)
        var rest: [String] = []
        while let line = await lines.next() { rest.append(line) }
        let everything = ([banner] + rest).joined(separator: "\n") + Self.text(err)
        #expect(!everything.contains("file-password") && !everything.contains("file-secret"))
    }

    @Test func aCredentialsFileMustBePrivateWholeAndAlone() async throws {
        let open = try Self.credentialsFile("user: admin\npassword: hunter2\n", mode: 0o644)
        let half = try Self.credentialsFile("accessKeyId: ak\n")
        let empty = try Self.credentialsFile("user: admin\npassword: ''\n")
        let good = try Self.credentialsFile("user: admin\npassword: hunter2\n")
        defer { for url in [open, half, empty, good] { try? FileManager.default.removeItem(at: url) } }
        let cases: [([String], String)] = [
            (["--credentials", open.path], "chmod 600 \(open.path)"),
            (["--credentials", half.path], "\(half.path) has `accessKeyId` but no `accessKeySecret`"),
            (["--credentials", empty.path], "\(empty.path) has an empty `password`"),
            (["--credentials", "/nonexistent/serve.yaml"], "/nonexistent/serve.yaml cannot be read"),
            (["--credentials", good.path, "--user", "root"], "--credentials cannot be combined with --user"),
        ]
        for (arguments, message) in cases {
            let (process, _, err) = try Self.launch(["serve", "--port", "0"] + arguments)
            let status = await Self.exitStatus(process, within: .seconds(20))
            let errors = Self.text(err)
            #expect(status == 2, "\(arguments)")
            #expect(errors.contains(message), "\(arguments): \(errors)")
            #expect(!errors.contains("hunter2"))
        }
    }

    // MARK: - The request log

    @Test func aClosedStandardOutputStopsTheLogButNotTheServer() async throws {
        let port = try RawTCP.freePort()
        let (process, out, err) = try Self.launch(["serve", "--port", String(port)])
        defer { if process.isRunning { process.terminate() } }
        // Nobody will ever read standard output: its first line already meets a closed pipe.
        try out.fileHandleForReading.close()
        _ = try await RawTCP.waitForListener(port: port)
        try await using(try Self.client(port: port)) { client async throws in
            for _ in 0..<50 { #expect(try await client.clusters(ClusterQuery()).contents.count == 4) }
        }
        #expect(process.isRunning)
        process.terminate()
        #expect(await Self.exitStatus(process) == 0)
        let errors = Self.text(err)
        #expect(errors.contains("the request log is no longer written: it was closed"), "\(errors)")
        #expect(errors.contains("request-log lines were not written (it was closed)"), "\(errors)")
    }

    @Test func anUnreadStandardOutputHoldsUpNoRequest() async throws {
        let port = try RawTCP.freePort()
        let (process, out, err) = try Self.launch(["serve", "--port", String(port)])
        defer { if process.isRunning { process.terminate() } }
        _ = try await RawTCP.waitForListener(port: port)
        // Some 250 KB of log lines into a pipe of 64 KiB that is never read.
        try await using(try Self.client(port: port)) { client async throws in
            for _ in 0..<2_000 { _ = try await client.clusters(ClusterQuery()) }
        }
        process.terminate()
        #expect(await Self.exitStatus(process) == 0)
        let errors = Self.text(err)
        #expect(errors.contains("request-log lines were not written"), "\(errors)")
        withExtendedLifetime(out) {}
    }
}
