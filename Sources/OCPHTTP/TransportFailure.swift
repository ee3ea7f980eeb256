import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import RunbookSupport
import Synchronization

/// Why an attempt got no answer, in words for the step log: never a library's raw error text.
package enum TransportFailure: Sendable, Equatable {
    /// The request never left: safe to send again.
    case notSent(String)
    /// The request never left, and sending it again cannot help (the TLS set-up is wrong): final.
    case refused(String)
    /// The request may have reached the server.
    case maybeSent(String)
    /// The target's certificate did not verify; ``HTTPOCPClient`` looks at it to say why.
    case certificateNotVerified

    package var reason: String {
        switch self {
        case .notSent(let r), .refused(let r), .maybeSent(let r): r
        case .certificateNotVerified: TransportFailure.untrusted
        }
    }

    static let untrusted =
        "the target's TLS certificate is not trusted (trust its CA with --ca-file FILE, or skip verification with --insecure)"
    static let notTLS =
        "the target does not speak TLS at this address (it answered in plain HTTP): use an http:// URL, or the target's TLS port"

    /// Classifies an error of one attempt. `answerStarted` says whether an answer's head came back.
    package static func classify(_ error: any Error, host: String, readTimeout: Duration, answerStarted: Bool)
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
        if let e = error as? NIOSSLExtraError {
            if e == .failedToValidateHostname {
                return .refused(
                    "the target's TLS certificate is not for the host \(host) (hostname mismatch: use a name the certificate lists)"
                )
            }
            return .refused("the TLS handshake with the target failed")
        }
        if let e = error as? NIOSSLError {
            switch e {
            case .handshakeFailed(let boring): return tls(boring)
            case .uncleanShutdown:
                return .notSent(
                    "the target closed the connection during the TLS handshake (does it speak TLS at this address?)")
            default: return .refused("the TLS set-up failed")
            }
        }
        if let e = error as? BoringSSLError { return tls(e) }
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

    /// A TLS handshake failure, from BoringSSL's reason codes.
    static func tls(_ error: BoringSSLError) -> TransportFailure {
        let reasons = reasonCodes(in: "\(error)")
        if reasons.contains("CERTIFICATE_VERIFY_FAILED") { return .certificateNotVerified }
        let plain: Set = [
            "WRONG_VERSION_NUMBER", "HTTP_REQUEST", "HTTPS_PROXY_REQUEST", "PACKET_LENGTH_TOO_LONG",
            "RECORD_TOO_LARGE", "ENCRYPTED_LENGTH_TOO_LONG", "UNEXPECTED_RECORD",
        ]
        if !plain.isDisjoint(with: reasons) { return .refused(notTLS) }
        if reasons.contains(where: { $0.contains("CERTIFICATE_REQUIRED") || $0.contains("BAD_CERTIFICATE") }) {
            return .refused("the target asks for a TLS client certificate, which runbook does not send")
        }
        let versions: Set = [
            "UNSUPPORTED_PROTOCOL", "TLSV1_ALERT_PROTOCOL_VERSION", "NO_SHARED_CIPHER", "SSLV3_ALERT_HANDSHAKE_FAILURE",
            "NO_CIPHERS_AVAILABLE", "NO_SHARED_GROUP",
        ]
        if !versions.isDisjoint(with: reasons) {
            return .refused("the target and runbook have no TLS version or cipher in common")
        }
        if let first = reasons.first {
            return .refused("the TLS handshake with the target failed (\(first.lowercased().replacingOccurrences(of: "_", with: " ")))")
        }
        return .refused("the TLS handshake with the target failed")
    }

    /// The reason codes in BoringSSL's error text: `...:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED at ...`.
    static func reasonCodes(in text: String) -> [String] {
        text.matches(of: /OPENSSL_internal:([A-Z0-9_]+)/).map { String($0.output.1) }
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

// MARK: - Looking at the target's certificate

/// The certificate a TLS server presents, read with a handshake of its own that stops once the
/// certificate is in: used only after a verification failure, to say whether it expired.
enum CertificateProbe {
    static func leaf(host: String, port: Int, timeout: Duration) async -> NIOSSLCertificate? {
        let captured = Mutex<NIOSSLCertificate?>(nil)
        do {
            let context = try NIOSSLContext(configuration: TLSConfiguration.makeClientConfiguration())
            let isAddress = (try? SocketAddress(ipAddress: host, port: 0)) != nil
            let millis = max(1, timeout.milliseconds)
            let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.milliseconds(millis))
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let handler = try NIOSSLClientHandler(
                            context: context, serverHostname: isAddress ? nil : host,
                            customVerificationCallback: { certificates, promise in
                                captured.withLock { $0 = certificates.first }
                                promise.succeed(.failed)
                            })
                        try channel.pipeline.syncOperations.addHandler(handler)
                    }
                }
                .connect(host: host, port: port).get()
            let stop = channel.eventLoop.scheduleTask(in: .milliseconds(millis)) { channel.close(promise: nil) }
            try? await channel.closeFuture.get()
            stop.cancel()
        } catch {
            // No certificate: the caller says what it knows without it.
        }
        return captured.withLock { $0 }
    }

    /// Why a certificate that did not verify is refused, when its dates say so; nil otherwise.
    static func datesProblem(_ certificate: NIOSSLCertificate, now: Date) -> String? {
        let notAfter = Date(timeIntervalSince1970: TimeInterval(certificate.notValidAfter))
        let notBefore = Date(timeIntervalSince1970: TimeInterval(certificate.notValidBefore))
        if notAfter < now {
            return "the target's TLS certificate expired on \(day(notAfter)) (renew it on the target)"
        }
        if notBefore > now {
            return
                "the target's TLS certificate is not valid before \(day(notBefore)) (check the clocks of this machine and the target)"
        }
        return nil
    }

    private static func day(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date) + " UTC"
    }
}
