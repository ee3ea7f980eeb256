import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects one answer, head and body, and holds the attempt's read deadline: once the request
/// head is sent, the whole answer must be in within the read timeout, however it trickles in.
/// (AsyncHTTPClient's own read timeout restarts with every byte, and its deadline stops at the
/// answer's head.)
final class AnswerCollector: HTTPClientResponseDelegate, Sendable {
    struct Answer: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: ByteBuffer
    }
    typealias Response = Answer

    /// The answer was not complete within the read timeout.
    struct ReadDeadlineExceeded: Error {}
    /// The answer's body is larger than the client reads.
    struct AnswerTooLarge: Error {}

    private struct State {
        var headSent = false
        var head: HTTPResponseHead?
        var body = ByteBuffer()
        var timer: Scheduled<Void>?
    }

    private let state = Mutex(State())
    private let readTimeout: TimeAmount
    private let limit: Int

    init(readTimeout: TimeAmount, limit: Int) {
        self.readTimeout = readTimeout
        self.limit = limit
    }

    /// Whether the request head was written to the connection.
    var headSent: Bool { state.withLock { $0.headSent } }
    /// Whether an answer's head came back.
    var answerStarted: Bool { state.withLock { $0.head != nil } }

    func didSendRequestHead(task: HTTPClient.Task<Answer>, _ head: HTTPRequestHead) {
        let timer = task.eventLoop.scheduleTask(in: readTimeout) {
            task.fail(reason: ReadDeadlineExceeded())
        }
        state.withLock { s in
            s.headSent = true
            s.timer = timer
        }
    }

    func didReceiveHead(task: HTTPClient.Task<Answer>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock { $0.head = head }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Answer>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        var part = buffer
        let tooLarge = state.withLock { s in
            if s.body.readableBytes + part.readableBytes > limit { return true }
            s.body.writeBuffer(&part)
            return false
        }
        if tooLarge { task.fail(reason: AnswerTooLarge()) }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Answer>, _ error: any Error) {
        state.withLock { $0.timer?.cancel() }
    }

    func didFinishRequest(task: HTTPClient.Task<Answer>) throws -> Answer {
        try state.withLock { s in
            s.timer?.cancel()
            guard let head = s.head else { throw HTTPClientError.remoteConnectionClosed }
            return Answer(status: Int(head.status.code), headers: head.headers, body: s.body)
        }
    }
}
