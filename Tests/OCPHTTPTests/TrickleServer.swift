import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A raw loopback HTTP server that answers what `reply` says: a whole answer at once, or the
/// head at once and then the body one byte at a time, slowly (each byte well within a client's
/// read timeout, the whole answer well past it).
final class TrickleServer: Sendable {
    enum Reply: Sendable {
        /// 200 with this JSON body, at once.
        case json(String)
        /// 200 with this body, one byte every `every` after the head.
        case trickle(String, every: TimeAmount)
    }

    /// `METHOD path?query` of each request, in order.
    var requests: [String] { log.withLock { $0 } }
    /// How many bytes of trickled bodies went out before their client went away.
    var trickled: Int { sent.withLock { $0 } }

    private let log = Mutex<[String]>([])
    private let sent = Mutex(0)
    private let reply: @Sendable (_ method: String, _ uri: String) -> Reply

    init(reply: @escaping @Sendable (_ method: String, _ uri: String) -> Reply) {
        self.reply = reply
    }

    func count(_ method: String, _ pathPrefix: String) -> Int {
        requests.count { $0.hasPrefix("\(method) \(pathPrefix)") }
    }

    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        let server: TrickleServer
        private let head = Mutex<(String, String)?>(nil)

        init(server: TrickleServer) { self.server = server }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let h):
                head.withLock { $0 = (h.method.rawValue, h.uri) }
                server.log.withLock { $0.append("\(h.method.rawValue) \(h.uri)") }
            case .body:
                break
            case .end:
                guard let (method, uri) = head.withLock({ $0 }) else { return }
                answer(server.reply(method, uri), channel: context.channel)
            }
        }

        private func answer(_ reply: Reply, channel: any Channel) {
            let body: String
            switch reply {
            case .json(let text), .trickle(let text, _): body = text
            }
            let bytes = Array(body.utf8)
            let headers = HTTPHeaders([("Content-Type", "application/json"), ("Content-Length", String(bytes.count))])
            channel.write(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers)))
                .whenComplete { _ in }
            switch reply {
            case .json:
                channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes)))).whenComplete { _ in }
                channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in }
            case .trickle(_, let every):
                channel.flush()
                let next = Mutex(0)
                let server = self.server
                channel.eventLoop.scheduleRepeatedTask(initialDelay: every, delay: every) { task in
                    let index = next.withLock { n in
                        defer { n += 1 }
                        return n
                    }
                    guard channel.isActive, index < bytes.count else {
                        task.cancel()
                        if channel.isActive {
                            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in }
                        }
                        return
                    }
                    server.sent.withLock { $0 += 1 }
                    channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: [bytes[index]]))))
                        .whenFailure { _ in task.cancel() }
                }
            }
        }
    }

    /// Runs `body` with the port of the running server.
    func with<T>(_ body: (Int) async throws -> T) async throws -> T {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { [self] channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(server: self))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = channel.localAddress?.port ?? 0
        do {
            let result = try await body(port)
            try? await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }
}
