import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
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

/// An HTTPS server with a self-signed certificate for 127.0.0.1 that answers every request with an
/// empty page of clusters.
enum TLSTestServer {
    /// `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 36500
    /// -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1,DNS:localhost
    /// -addext basicConstraints=critical,CA:TRUE` (valid until 2126).
    static let certificate = """
        -----BEGIN CERTIFICATE-----
        MIIBmjCCAUGgAwIBAgIUWT2E7wVKt8Mq3QTnVr2MrH7Ikn0wCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJMTI3LjAuMC4xMCAXDTI2MTEyNzA0MzgyN1oYDzIxMjYxMTAz
        MDQzODI3WjAUMRIwEAYDVQQDDAkxMjcuMC4wLjEwWTATBgcqhkjOPQIBBggqhkjO
        PQMBBwNCAAQ0xdjnLM16ZYh6RNdO069uisVP9LHeoAwoNqIVo7HLLj7g5jpZ3cp5
        2Y6Nv1XAunOKsK+aFEzn4xl3rz+2WReMo28wbTAdBgNVHQ4EFgQUXAE1NTB1yRB8
        8FDI44RE1vFG3TIwHwYDVR0jBBgwFoAUXAE1NTB1yRB88FDI44RE1vFG3TIwGgYD
        VR0RBBMwEYcEfwAAAYIJbG9jYWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZI
        zj0EAwIDRwAwRAIgJAehW3g0J1Mzi7/vFehQ6gzbz1nx3YKrR/zkF/T56wYCICEQ
        KbkjtaxIvk691C+qdz+3HicYZGJhVx1AYzMqf6Yo
        -----END CERTIFICATE-----

        """
    static let privateKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgJtuQwXMRCyi9VhqI
        TOiPiQvXD/MQvF6JZJziOIBgjYChRANCAAQ0xdjnLM16ZYh6RNdO069uisVP9LHe
        oAwoNqIVo7HLLj7g5jpZ3cp52Y6Nv1XAunOKsK+aFEzn4xl3rz+2WReM
        -----END PRIVATE KEY-----

        """


    /// For `ocp.example.test` only (valid until 2126): trusted through --ca-file, it is for another host than 127.0.0.1.
    static let otherHostCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBijCCAS+gAwIBAgIUQG64mrva+ubkQmaepE8WP8aXGQ4wCgYIKoZIzj0EAwIw
        GzEZMBcGA1UEAwwQb2NwLmV4YW1wbGUudGVzdDAgFw0yNjAxMDEwMDAwMDBaGA8y
        MTI2MDEwMTAwMDAwMFowGzEZMBcGA1UEAwwQb2NwLmV4YW1wbGUudGVzdDBZMBMG
        ByqGSM49AgEGCCqGSM49AwEHA0IABOlEtNHUJGiVjMHxrKj9zDkN1cAIMeIqIjd5
        nKKC3TGTKW7/FcFnM1uIXo/zieDLDzohSzMlaM068HDhl6ynzcWjTzBNMBsGA1Ud
        EQQUMBKCEG9jcC5leGFtcGxlLnRlc3QwDwYDVR0TAQH/BAUwAwEB/zAdBgNVHQ4E
        FgQUesawrYOm1zn0aRl0OS8ENTiw7ZEwCgYIKoZIzj0EAwIDSQAwRgIhAIWXBSPq
        pNfBxLM/bt8fxZAW7rVpO7XZzcccvTwBVF5NAiEAjoXd4+SCvROz0sB10gkURPXq
        1p8aTJpPIAC9UXLKWbs=
        -----END CERTIFICATE-----

        """
    static let otherHostKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgwME31HibVCOgexph
        ZlMf5qSh2FXAD/Ka+rBHqgplsQOhRANCAATpRLTR1CRolYzB8ayo/cw5DdXACDHi
        KiI3eZyigt0xkylu/xXBZzNbiF6P84ngyw86IUszJWjNOvBw4Zesp83F
        -----END PRIVATE KEY-----

        """

    /// For 127.0.0.1, valid from 2000-01-01 to 2001-01-01: long expired.
    static let expiredCertificate = """
        -----BEGIN CERTIFICATE-----
        MIIBeTCCAR6gAwIBAgIUCUEOLtR1+49RHrXUrb+Kj3tGRkgwCgYIKoZIzj0EAwIw
        FDESMBAGA1UEAwwJMTI3LjAuMC4xMB4XDTAwMDEwMTAwMDAwMFoXDTAxMDEwMTAw
        MDAwMFowFDESMBAGA1UEAwwJMTI3LjAuMC4xMFkwEwYHKoZIzj0CAQYIKoZIzj0D
        AQcDQgAEJR6AR/qqFm3hwoI5rwD/tSYd7KxYWPlEsgOgOWj9gw/1nmolo6az+f/d
        4JPVOlBeQN5cq6kXlhe3lqcWavoUFaNOMEwwGgYDVR0RBBMwEYcEfwAAAYIJbG9j
        YWxob3N0MA8GA1UdEwEB/wQFMAMBAf8wHQYDVR0OBBYEFNoWeJtdNJTBYyOFeELx
        hxeOpQ9zMAoGCCqGSM49BAMCA0kAMEYCIQDMISWz8FOd2b/BW8uz55ko379IChHx
        e2FUc6WWl++MqgIhAKRZFrtfAkRjHLLS1h4Esd+eFOP1y+BgvDtXWcnS2zRk
        -----END CERTIFICATE-----

        """
    static let expiredKey = """
        -----BEGIN PRIVATE KEY-----
        MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkIlvi6G6PpSOx+Vl
        vIlSZrJQoWFmwYJqp8bN/eNYsNuhRANCAAQlHoBH+qoWbeHCgjmvAP+1Jh3srFhY
        +USyA6A5aP2DD/WeaiWjprP5/93gk9U6UF5A3lyrqReWF7eWpxZq+hQV
        -----END PRIVATE KEY-----

        """

    static let answer =
        #"{"data":{"contents":[],"page":{"totalElements":0,"totalPages":0,"number":1,"size":10}},"successful":true,"status":200,"traceId":"0123456789abcdef","timestamp":"2026-01-02T03:04:05.678+08:00","duration":0,"server":"tls"}"#

    final class Answer: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let body = ByteBuffer(string: TLSTestServer.answer)
            let headers = HTTPHeaders([
                ("Content-Type", "application/json"), ("Content-Length", String(body.readableBytes)),
            ])
            context.write(
                wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: .ok, headers: headers))), promise: nil
            )
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    /// Runs `body` with the port of a running server presenting `certificate`.
    static func with<T>(
        certificate: String = TLSTestServer.certificate, key: String = TLSTestServer.privateKey,
        _ body: (Int) async throws -> T
    ) async throws -> T {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificate.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(key.utf8), format: .pem)))
        let context = try NIOSSLContext(configuration: configuration)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Answer())
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

/// TLS verification is on unless `--insecure`; `--ca-file` adds a CA to trust. TLS failures are
/// final and told in words, never in BoringSSL's.
@Suite struct TLSTests {
    static func client(_ port: Int, scheme: String = "https", insecure: Bool = false, caFile: String? = nil) throws
        -> HTTPOCPClient
    {
        try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL("\(scheme)://127.0.0.1:\(port)"), insecure: insecure, caFile: caFile,
                connectTimeout: .seconds(5), readTimeout: .seconds(10),
                retry: OCPConnection.RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1))),
            sleep: { _ in })
    }

    /// A PEM file holding `text`, removed after `body`.
    static func withFile<T>(_ text: String, _ body: (String) async throws -> T) async throws -> T {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-ca-\(UUID()).pem")
        try text.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        return try await body(file.path)
    }

    /// The error of listing clusters through `client`, checked for raw library text.
    static func listingFails(_ client: HTTPOCPClient) async throws -> OCPError {
        let error = try await using(client) { client async throws in
            await failure { () async throws(OCPError) in try await client.clusters(ClusterQuery()) }
        }
        let found = try #require(error)
        #expect(Wording.problems(in: found, returned: []).isEmpty, "\(found)")
        return found
    }

    @Test func anUnknownCertificateIsRefused() async throws {
        try await TLSTestServer.with { port in
            let error = try await Self.listingFails(try Self.client(port))
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("TLS certificate is not trusted"), "\(error)")
            #expect(error.message.contains("--ca-file") && error.message.contains("--insecure"))
            #expect(error.isTargetFailure)
            // A certificate does not change between attempts: the first failure is final.
            #expect(error.message.contains("(1 attempt)"), "\(error)")
        }
    }

    @Test func theCAFileIsTrusted() async throws {
        try await Self.withFile(TLSTestServer.certificate) { path in
            try await TLSTestServer.with { port in
                let page = try await using(try Self.client(port, caFile: path)) { client async throws in
                    try await client.clusters(ClusterQuery())
                }
                #expect(page.page.totalElements == 0)
            }
        }
    }

    @Test func insecureSkipsVerification() async throws {
        try await TLSTestServer.with { port in
            let page = try await using(try Self.client(port, insecure: true)) { client async throws in
                try await client.clusters(ClusterQuery())
            }
            #expect(page.page.number == 1)
        }
    }

    @Test func aCertificateForAnotherHostIsAHostnameMismatch() async throws {
        try await Self.withFile(TLSTestServer.otherHostCertificate) { path in
            try await TLSTestServer.with(
                certificate: TLSTestServer.otherHostCertificate, key: TLSTestServer.otherHostKey
            ) { port in
                let error = try await Self.listingFails(try Self.client(port, caFile: path))
                #expect(error.kind == .unreachable)
                #expect(error.message.contains("not for the host 127.0.0.1 (hostname mismatch"), "\(error)")
            }
        }
    }

    @Test func anExpiredCertificateSaysSo() async throws {
        try await Self.withFile(TLSTestServer.expiredCertificate) { path in
            try await TLSTestServer.with(certificate: TLSTestServer.expiredCertificate, key: TLSTestServer.expiredKey) {
                port in
                let error = try await Self.listingFails(try Self.client(port, caFile: path))
                #expect(error.kind == .unreachable)
                #expect(error.message.contains("TLS certificate expired on 2001-01-01"), "\(error)")
            }
        }
    }

    @Test func httpsAgainstAPlainHTTPServerSaysItDoesNotSpeakTLS() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        try await LiveServer.with(simulator) { server in
            let error = try await Self.listingFails(try Self.client(server.port))
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("does not speak TLS"), "\(error)")
            #expect(error.message.contains("http://"), "\(error)")
        }
    }

    @Test func plainHTTPAgainstATLSServerSaysItSpeaksTLS() async throws {
        try await TLSTestServer.with { port in
            let error = try await Self.listingFails(try Self.client(port, scheme: "http"))
            #expect(error.kind == .unreachable)
            #expect(error.message.contains("speaks TLS"), "\(error)")
            #expect(error.message.contains("https://127.0.0.1:\(port)"), "\(error)")

            // A failover sent in plain text to a TLS server cannot have been read: it fails the same
            // way, without looking for an effect.
            let calls = OCPCallLog()
            let post = try await using(try Self.client(port, scheme: "http")) { client async throws in
                await OCPCallLog.$current.withValue(calls) {
                    await failure { () async throws(OCPError) in _ = try await client.failover(clusterId: 6) }
                }
            }
            #expect(post?.kind == .unreachable)
            #expect(calls.calls.allSatisfy { $0.method == "POST" }, "\(calls.calls.map(\.path))")
        }
    }

    @Test func aCAFileMustBeAReadablePEMFileOfCertificates() async throws {
        func refusal(_ path: String) async -> String {
            do {
                try await Self.client(443, caFile: path).shutdown()
                return "accepted"
            } catch {
                return "\(error)"
            }
        }
        let missing = await refusal("/nonexistent/ca.pem")
        #expect(missing.contains("/nonexistent/ca.pem") && missing.contains("does not exist"), "\(missing)")
        let directory = await refusal(FileManager.default.temporaryDirectory.path)
        #expect(directory.contains("is a directory"), "\(directory)")
        try await Self.withFile("this is not a certificate\n") { path in
            let text = await refusal(path)
            #expect(text.contains(path) && text.contains("not a PEM file of certificates"), "\(text)")
        }
        try await Self.withFile(TLSTestServer.privateKey) { path in
            let text = await refusal(path)
            #expect(text.contains(path) && text.contains("no certificate"), "\(text)")
        }
        try await Self.withFile(TLSTestServer.certificate + TLSTestServer.expiredCertificate) { path in
            #expect(await refusal(path) == "accepted")
        }
        for text in [missing, directory] {
            #expect(Wording.problems(in: text, returned: []).isEmpty, "\(text)")
        }
    }
}
