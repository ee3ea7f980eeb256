import Foundation
import Synchronization
import Testing

@testable import RunbookSupport

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The output writer (serve's request log, run's progress) never blocks its callers and survives
/// a closed output.
@Suite struct OutputWriterTests {
    /// What the writer told standard error.
    final class Notices: Sendable {
        private let all = Mutex<[String]>([])
        func record(_ message: String) { all.withLock { $0.append(message) } }
        var messages: [String] { all.withLock { $0 } }
    }

    struct PipeFailure: Error {}

    static func pipe() throws -> (read: Int32, write: Int32) {
        var ends: [Int32] = [0, 0]
        #if canImport(Glibc)
        guard Glibc.pipe(&ends) == 0 else { throw PipeFailure() }
        #else
        guard Darwin.pipe(&ends) == 0 else { throw PipeFailure() }
        #endif
        return (ends[0], ends[1])
    }

    static let line = String(repeating: "l", count: 99)

    @Test func linesReachAReadOutputInOrder() async throws {
        let (readEnd, writeEnd) = try Self.pipe()
        defer { close(readEnd) }
        let writer = OutputWriter(descriptor: writeEnd)
        for i in 0..<500 { writer.write("line \(i)") }
        let report = writer.finish(within: .seconds(30))
        close(writeEnd)
        let text = String(decoding: FileHandle(fileDescriptor: readEnd).readDataToEndOfFile(), as: UTF8.self)
        #expect(text == (0..<500).map { "line \($0)\n" }.joined())
        #expect(report == .init(written: 500))
        #expect(report.summary == nil)
    }

    @Test func anUnreadOutputDropsLinesInsteadOfBlocking() async throws {
        let (readEnd, writeEnd) = try Self.pipe()
        let notices = Notices()
        let writer = OutputWriter(descriptor: writeEnd, name: "runbook serve: the request log", noun: "request-log line", capacity: 8 << 10, notice: notices.record)
        // Some 1 MB of lines into a pipe of 64 KiB that nobody reads: every call returns.
        let total = 10_000
        for _ in 0..<total { writer.write(Self.line) }
        let report = writer.finish(within: .milliseconds(200))
        #expect(report.dropped > 0)
        #expect(report.written + report.dropped + report.unwritten == total)
        #expect(notices.messages.count == 1)
        #expect(notices.messages.first?.contains("dropping lines") == true)
        #expect(report.summary?.contains("\(report.dropped) request-log lines were dropped") == true)
        // Closing the read end lets the writer's thread, blocked in write(2), fail and end. The write
        // end stays open: the thread may still be about to use it.
        close(readEnd)
    }

    @Test func aClosedOutputStopsTheLogAndNothingElse() async throws {
        let (readEnd, writeEnd) = try Self.pipe()
        close(readEnd)
        defer { close(writeEnd) }
        let notices = Notices()
        // Without SIGPIPE ignored, the first write would kill this process.
        let writer = OutputWriter(descriptor: writeEnd, name: "runbook serve: the request log", notice: notices.record)
        for i in 0..<10 { writer.write("line \(i)") }
        let report = writer.finish(within: .seconds(30))
        #expect(report.written == 0)
        #expect(report.unwritten == 10)
        #expect(report.failure == "it was closed")
        #expect(notices.messages == ["runbook serve: the request log is no longer written: it was closed"])
        writer.write("after the end")
        #expect(writer.report.unwritten == 11)
    }
}
