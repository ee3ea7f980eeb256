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

    /// Runs `body` with the port of a running server.
    static func with<T>(_ body: (Int) async throws -> T) async throws -> T {
        let configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(certificate.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(privateKey.utf8), format: .pem)))
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

/// TLS verification is on unless `--insecure`; `--ca-file` adds a CA to trust.
@Suite struct TLSTests {
    static func client(_ port: Int, insecure: Bool = false, caFile: String? = nil) throws -> HTTPOCPClient {
        try HTTPOCPClient(
            connection: OCPConnection(
                baseURL: try OCPConnection.BaseURL("https://127.0.0.1:\(port)"), insecure: insecure, caFile: caFile,
                connectTimeout: .seconds(5), readTimeout: .seconds(10), retry: OCPConnection.RetryPolicy(maxAttempts: 1)
            ),
            sleep: { _ in })
    }

    @Test func anUnknownCertificateIsRefused() async throws {
        try await TLSTestServer.with { port in
            let error = try await using(try Self.client(port)) { client async throws in
                await failure { () async throws(OCPError) in try await client.clusters(ClusterQuery()) }
            }
            #expect(error?.kind == .unreachable)
            #expect(
                error?.message.contains("TLS certificate could not be verified") == true, "\(error?.description ?? "")")
            #expect(error?.message.contains("--ca-file") == true)
            #expect(error?.isTargetFailure == true)
        }
    }

    @Test func theCAFileIsTrusted() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-ca-\(UUID()).pem")
        try TLSTestServer.certificate.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try await TLSTestServer.with { port in
            let page = try await using(try Self.client(port, caFile: file.path)) { client async throws in
                try await client.clusters(ClusterQuery())
            }
            #expect(page.page.totalElements == 0)
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

    @Test func anUnreadableCAFileIsAConnectionError() {
        #expect(throws: OCPConnectionError.self) { try Self.client(443, caFile: "/nonexistent/ca.pem") }
    }
}
