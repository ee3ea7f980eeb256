import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to a loopback port, for tests that misbehave on the wire (send nothing,
/// trickle a head, declare a body and never send it). Its blocking socket calls run on a thread of
/// their own, never on the cooperative pool. Every read gives up after a guard time, so a server
/// that never answers fails the test instead of hanging it.
package final class RawTCP: @unchecked Sendable {
    /// How a read ended.
    package enum End: Sendable, Equatable {
        /// The server closed the connection (end of stream).
        case closed
        /// The server reset the connection.
        case reset
        /// Nothing came for the guard time: the server kept the connection open.
        case timedOut
        /// Another error, by errno.
        case failed(Int32)
    }

    package struct ConnectFailure: Error, CustomStringConvertible {
        package var description: String
    }

    // Only touched from one blocking call at a time.
    private let descriptor: Int32

    private init(descriptor: Int32) { self.descriptor = descriptor }

    deinit { close(descriptor) }

    /// Connects to `127.0.0.1:port`; reads give up after `guardTime` without a byte.
    package static func connect(port: Int, guardTime: Duration = .seconds(10)) async throws -> RawTCP {
        try await blocking { () throws(ConnectFailure) -> RawTCP in
            guard let port16 = UInt16(exactly: port) else { throw ConnectFailure(description: "no port \(port)") }
            let fd = socket(AF_INET, streamType, 0)
            guard fd >= 0 else { throw ConnectFailure(description: "socket: \(String(cString: strerror(errno)))") }
            let connection = RawTCP(descriptor: fd)
            var address = loopback(port16)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    systemConnect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            guard result == 0 else {
                throw ConnectFailure(description: "connect to port \(port): \(String(cString: strerror(errno)))")
            }
            let seconds = max(1, Int(guardTime.components.seconds))
            var limit = timeval(tv_sec: seconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
            #if canImport(Darwin)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
            #endif
            return connection
        }
    }

    /// A port nothing listens on now (bound and released; another process could take it, rarely).
    package static func freePort() throws -> Int {
        let fd = socket(AF_INET, streamType, 0)
        guard fd >= 0 else { throw ConnectFailure(description: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = loopback(0)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw ConnectFailure(description: "bind: \(String(cString: strerror(errno)))") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw ConnectFailure(description: "getsockname: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Connects to `port` once something listens there, trying for at most `attempts` × 50 ms.
    package static func waitForListener(port: Int, attempts: Int = 400) async throws -> RawTCP {
        var last: Error = ConnectFailure(description: "nothing listens on port \(port)")
        for _ in 0..<attempts {
            do {
                return try await connect(port: port)
            } catch {
                last = error
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        throw last
    }

    /// Sends all of `bytes`; false when the connection is closed or reset.
    @discardableResult
    package func send(_ bytes: [UInt8]) async -> Bool {
        let fd = descriptor
        return await Self.blocking { () -> Bool in
            var offset = 0
            while offset < bytes.count {
                let sent = bytes.withUnsafeBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return systemSend(fd, base + offset, buffer.count - offset)
                }
                if sent > 0 {
                    offset += sent
                } else if sent < 0 && errno == EINTR {
                    continue
                } else {
                    return false
                }
            }
            return true
        }
    }

    @discardableResult
    package func send(_ text: String) async -> Bool { await send(Array(text.utf8)) }

    /// Everything the server sends until it closes the connection, resets it, or sends nothing for
    /// the guard time.
    package func readToEnd() async -> (bytes: [UInt8], end: End) {
        let fd = descriptor
        return await Self.blocking { () -> ([UInt8], End) in
            var received: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 64 << 10)
            while true {
                let count = chunk.withUnsafeMutableBytes { buffer -> Int in
                    guard let base = buffer.baseAddress else { return 0 }
                    return recv(fd, base, buffer.count, 0)
                }
                if count > 0 {
                    received += chunk[0..<count]
                    continue
                }
                if count == 0 { return (received, .closed) }
                switch errno {
                case EINTR: continue
                case EAGAIN, EWOULDBLOCK: return (received, .timedOut)
                case ECONNRESET: return (received, .reset)
                case let code: return (received, .failed(code))
                }
            }
        }
    }

    /// `readToEnd()` as text.
    package func readTextToEnd() async -> (text: String, end: End) {
        let (bytes, end) = await readToEnd()
        return (String(decoding: bytes, as: UTF8.self), end)
    }

    // MARK: -

    #if canImport(Glibc)
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    #else
    private static let streamType = SOCK_STREAM
    #endif

    private static func loopback(_ port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Runs `work` on a new thread and waits for it without holding a cooperative thread.
    private static func blocking<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E)
        -> T
    {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            let thread = Thread {
                do throws(E) {
                    continuation.resume(returning: .success(try work()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.start()
        }
        return try result.get()
    }
}

private func systemConnect(_ fd: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Glibc)
    Glibc.connect(fd, address, length)
    #else
    Darwin.connect(fd, address, length)
    #endif
}

/// `send(2)` that fails with EPIPE instead of raising SIGPIPE.
private func systemSend(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
    #else
    Darwin.send(fd, bytes, count, 0)
    #endif
}
