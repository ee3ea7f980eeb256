import Foundation
import RunbookTestSupport
import Testing

@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation

/// Hostile connections: silent ones, slow heads (slowloris), idle keep-alives, oversized heads.
/// Each runs against a server with a short idle timeout, over a raw TCP connection; a read gives up
/// after 10 s, so a server that keeps the connection open fails the test rather than hangs it.
@Suite struct ConnectionLimitTests {
    static let idle: Duration = .seconds(1)

    static func server<T: Sendable>(idle: Duration = idle, _ body: (LiveServer) async throws -> T) async throws -> T {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        return try await LiveServer.with(simulator, idleTimeout: idle, body)
    }

    @Test func aConnectionThatSendsNothingIsClosed() async throws {
        try await Self.server { server in
            let connection = try await RawTCP.connect(port: server.port)
            let (bytes, end) = await connection.readToEnd()
            #expect(end == .closed || end == .reset, "the silent connection was left open (\(end))")
            #expect(bytes.isEmpty)
            #expect(server.log.records.isEmpty)
        }
    }

    @Test func aHeadSentByteByByteIsCutOff() async throws {
        try await Self.server { server in
            let connection = try await RawTCP.connect(port: server.port)
            let head = Array("GET /api/v2/ob/clusters HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: \(String(repeating: "s", count: 40))\r\n\r\n".utf8)
            // One byte every 20 ms: each comes well within the idle timeout, the whole head does not.
            var sent = 0
            for byte in head {
                guard await connection.send([byte]) else { break }
                sent += 1
                try await Task.sleep(for: .milliseconds(20))
            }
            let (text, end) = await connection.readTextToEnd()
            #expect(!text.contains("HTTP/1.1 200"), "the trickled head was answered after \(sent) bytes")
            #expect(end == .closed || end == .reset, "the slow connection was left open (\(end))")
            #expect(server.log.records.isEmpty)
        }
    }

    @Test func anIdleKeepAliveConnectionIsClosedAfterItsAnswer() async throws {
        try await Self.server { server in
            let connection = try await RawTCP.connect(port: server.port)
            await connection.send("GET /api/v2/ob/clusters HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            let (text, end) = await connection.readTextToEnd()
            #expect(text.hasPrefix("HTTP/1.1 200"))
            #expect(end == .closed || end == .reset, "the idle keep-alive connection was left open (\(end))")
            #expect(server.log.records.map(\.status) == [200])
        }
    }

    @Test func aHeadOverTheLimitIsAnswered400AndClosed() async throws {
        // The limit, not the idle timeout, is under test: on a loaded machine a 40 KiB head may take
        // longer than 200 ms to arrive whole, and the idle timeout would close the connection first.
        try await Self.server(idle: .seconds(5)) { server in
            let connection = try await RawTCP.connect(port: server.port)
            let padding = String(repeating: "p", count: 40 << 10)
            await connection.send("GET /api/v2/ob/clusters HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: \(padding)\r\n\r\n")
            let (text, end) = await connection.readTextToEnd()
            // The server answers 400 and closes with part of the head unread, so the kernel may
            // reset the connection before the client has read the answer: either way the head
            // was refused, never served.
            #expect(text.isEmpty || text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(100))")
            #expect(end == .closed || end == .reset)
            #expect(server.log.records.isEmpty)
        }
    }

    @Test func theDefaults() {
        let defaults = ServeConfiguration()
        #expect(defaults.idleTimeout == .seconds(60))
        #expect(defaults.headLimits == .init(fieldSize: 16 << 10, totalSize: 32 << 10, fieldCount: 100))
        #expect(ServeConfiguration.maximumBodySize == 1 << 20)
    }
}
