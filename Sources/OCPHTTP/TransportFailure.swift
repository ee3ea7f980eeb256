import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RunbookSupport
import Synchronization

/// Why an attempt got no answer, in words for the step log: never a library's raw error text.
enum TransportFailure: Sendable, Equatable {
    /// The request never left: safe to send again.
    case notSent(String)
    /// The request never left, and sending it again cannot help (the TLS set-up is wrong): final.
    case refused(String)
    /// The request may have reached the server.
    case maybeSent(String)

    var reason: String {
        switch self {
        case .notSent(let r), .refused(let r), .maybeSent(let r): r
        }
    }

    /// Classifies an error of one attempt. `answerStarted` says whether an answer's head came back.
    static func classify(_ error: any Error, host: String, readTimeout: Duration, answerStarted: Bool)
        -> TransportFailure
    {
        if error is AnswerCollector.ReadDeadlineExceeded {
            return .maybeSent("the answer was not complete within the read timeout (\(DurationText.format(readTimeout)))")
        }
        if error is AnswerCollector.AnswerTooLarge {
            return .maybeSent("the answer is larger than 64 MiB")
        }
        if let e = error as? HTTPClientError {
            switch e {
            case .connectTimeout: return .notSent("connect timeout")
            case .tlsHandshakeTimeout: return .notSent("TLS handshake timeout")
            case .getConnectionFromPoolTimeout: return .notSent("no connection available in time")
            case .readTimeout:
                return .maybeSent("no data from the target within the read timeout (\(DurationText.format(readTimeout)))")
            case .deadlineExceeded: return .maybeSent("no answer in time")
            case .remoteConnectionClosed:
                return .maybeSent(
                    answerStarted
                        ? "the connection was closed before the answer was complete"
                        : "the connection was closed before an answer came")
            case .cancelled: return .maybeSent("cancelled")
            case .alreadyShutdown: return .refused("the client was shut down")
            case .invalidURL, .emptyHost, .emptyScheme, .missingSocketPath:
                return .refused("the target URL cannot be used")
            case .bodyLengthMismatch: return .maybeSent("the answer's length does not match its Content-Length")
            default: return .maybeSent("the exchange with the target failed (\(words(of: e)))")
            }
        }
        if error is HTTPParserError {
            return .maybeSent("the answer was cut off or is not HTTP (\(words(of: error)))")
        }
        if let e = error as? NIOConnectionError {
            let refused = e.connectionErrors.contains { ($0.error as? IOError)?.errnoCode == ECONNREFUSED }
            if refused { return .notSent("connection refused") }
            if e.dnsAError != nil || e.dnsAAAAError != nil, e.connectionErrors.isEmpty {
                return .notSent("cannot resolve the host \(e.host)")
            }
            return .notSent("cannot connect to \(e.host):\(e.port)")
        }
        if error is NIOSSLError || error is BoringSSLError || error is NIOSSLExtraError {
            let text = "\(error)"
            if text.contains("CERTIFICATE_VERIFY_FAILED") {
                return .notSent(
                    "the target's TLS certificate could not be verified (trust its CA with --ca-file FILE, or skip verification with --insecure)"
                )
            }
            if text.contains("failedToValidateHostname") {
                return .notSent("the target's TLS certificate does not name its host")
            }
            return .notSent("TLS failure: \(error)")
        }
        if let e = error as? IOError {
            switch e.errnoCode {
            case ECONNREFUSED: return .notSent("connection refused")
            case ECONNRESET: return .maybeSent("the connection was reset by the target")
            case EPIPE: return .maybeSent("the connection was closed while the request was being sent")
            case ETIMEDOUT: return .maybeSent("the connection timed out")
            case EHOSTUNREACH, ENETUNREACH: return .notSent("no route to the target")
            default: return .maybeSent("a network error (\(String(cString: strerror(e.errnoCode))))")
            }
        }
        if error is SocketAddressError { return .notSent("cannot resolve the host \(host)") }
        return .maybeSent("the exchange with the target failed")
    }

    /// An error's name in words: `HTTPClientError.bodyLengthMismatch` -> `body length mismatch`.
    static func words(of error: any Error) -> String {
        var name = "\(error)"
        if let dot = name.lastIndex(of: ".") { name = String(name[name.index(after: dot)...]) }
        name = String(name.prefix { $0.isLetter || $0.isNumber })
        var out = ""
        for c in name {
            if c.isUppercase, !out.isEmpty { out += " " }
            out += c.lowercased()
        }
        return out.isEmpty ? "unknown" : out
    }
}
