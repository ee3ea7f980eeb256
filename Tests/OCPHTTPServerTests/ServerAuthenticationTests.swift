import Foundation
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

@Suite struct ServerAuthenticationTests {
    static let ak = "cqammmxBpfGjFlto"
    static let sk = "2fc0c299cc94c6be266f2ceece765d4d"
    static let credentials = ServerCredentials(basic: .init(user: "admin", password: "pa:ss"), accessKeys: [ak: sk])
    /// `Tue, 17 Jan 2023 09:13:57 GMT`, the published vector's Date.
    static let vectorDate = Date(timeIntervalSince1970: 1_673_946_837)

    /// The published test vector (reference section 7), as the server receives it.
    static func publishedRequest(signature: String = "XN8P+O+v3vUabB16ZCooq5wMJoY=") -> ServerAuthenticator.Request {
        ServerAuthenticator.Request(
            method: "POST", path: "/api/v2/compute/idcs",
            headers: [
                ("Authorization", "OCP-ACCESS-KEY-HMACSHA1 \(ak):\(signature)"), ("Content-Type", "application/json"),
                ("Date", "Tue, 17 Jan 2023 09:13:57 GMT"), ("x-ocp-data", "A,1"),
            ],
            host: "ocp.alibaba.net:8080", body: Array(#"{"name":"test01","description":"test","regionId":1}"#.utf8))
    }

    @Test func thePublishedSignatureIsAcceptedWithinFifteenMinutes() {
        let auth = ServerAuthenticator(credentials: Self.credentials)
        #expect(auth.verify(Self.publishedRequest(), now: Self.vectorDate) == .allowed("key \(Self.ak)"))
        #expect(
            auth.verify(Self.publishedRequest(), now: Self.vectorDate.addingTimeInterval(14 * 60))
                == .allowed("key \(Self.ak)"))
        #expect(
            auth.verify(Self.publishedRequest(), now: Self.vectorDate.addingTimeInterval(-14 * 60))
                == .allowed("key \(Self.ak)"))
        guard
            case .refused(let late) = auth.verify(
                Self.publishedRequest(), now: Self.vectorDate.addingTimeInterval(16 * 60))
        else {
            Issue.record("a Date 16 minutes off was accepted")
            return
        }
        #expect(late.contains("16m off"))
        guard case .refused(let wrong) = auth.verify(Self.publishedRequest(signature: "AAAA"), now: Self.vectorDate)
        else {
            Issue.record("a wrong signature was accepted")
            return
        }
        #expect(wrong.contains("does not match"))
        var other = Self.publishedRequest()
        other.headers[0].1 = "OCP-ACCESS-KEY-HMACSHA1 someoneElse:XN8P+O+v3vUabB16ZCooq5wMJoY="
        #expect(auth.verify(other, now: Self.vectorDate) == .refused("Unknown access key someoneElse."))
        var tampered = Self.publishedRequest()
        tampered.body = Array(#"{"name":"test02","description":"test","regionId":1}"#.utf8)
        #expect(auth.verify(tampered, now: Self.vectorDate) != .allowed("key \(Self.ak)"))
    }

    @Test func basicChecksUserAndPassword() {
        let auth = ServerAuthenticator(credentials: Self.credentials)
        func request(_ value: String?) -> ServerAuthenticator.Request {
            ServerAuthenticator.Request(
                method: "GET", path: "/api/v2/ob/clusters", headers: value.map { [("authorization", $0)] } ?? [])
        }
        func basic(_ text: String) -> String { "Basic " + Data(text.utf8).base64EncodedString() }
        #expect(auth.verify(request(basic("admin:pa:ss"))) == .allowed("user admin"))
        #expect(auth.verify(request(basic("admin:pa:sS"))) == .refused("Wrong user or password."))
        #expect(auth.verify(request(basic("root:pa:ss"))) == .refused("Wrong user or password."))
        #expect(auth.verify(request("Basic !!!")) == .refused("The Basic credentials are not base64 of user:password."))
        #expect(auth.verify(request("Bearer abc")) != .allowed("user admin"))
        #expect(auth.verify(request(nil)) != .allowed("user admin"))
        // Open only when nothing is configured.
        #expect(ServerAuthenticator(credentials: ServerCredentials()).verify(request(nil)) == .open)
        #expect(!Self.credentials.summary.contains("pa:ss") && !Self.credentials.summary.contains(Self.sk))
    }

    @Test func overHTTPWrongCredentialsGet401AndRightOnesGetIn() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        try await LiveServer.with(simulator, credentials: Self.credentials) { server in
            // No credentials: 401, an OCP error envelope, and a challenge.
            let bare = try await RawHTTP.send("GET", server.url + "/api/v2/ob/clusters")
            #expect(bare.status == 401)
            #expect(bare.headers.first(name: "WWW-Authenticate") == #"Basic realm="OCP""#)
            #expect(bare.json?["successful"] as? Bool == false)
            #expect(bare.json?["status"] as? Int == 401)
            #expect((bare.json?["traceId"] as? String)?.count == 16)
            #expect(bare.error?["code"] as? String == ServerErrorCode.unauthorized)

            let signer = AKSKSigner(accessKeyId: Self.ak, accessKeySecret: Self.sk)
            try await using(try server.client(authentication: .accessKey(signer))) { client async throws in
                #expect(try await client.clusters(ClusterQuery(name: "obcluster sh")).contents.isEmpty)
                #expect(try await client.failover(clusterId: 6).status == .running)
            }
            try await using(try server.client(authentication: .basic(user: "admin", password: "pa:ss"))) {
                client async throws in
                #expect(try await client.tasks(TaskQuery(status: .running)).contents.count == 1)
            }
            // A client whose clock is 20 minutes off signs a Date the server refuses.
            let skewed = try server.client(
                authentication: .accessKey(signer), now: { Date().addingTimeInterval(20 * 60) })
            try await using(skewed) { client async throws in
                let error = await failure { () async throws(OCPError) in try await client.task(id: 171603) }
                #expect(error?.kind == .unauthorized)
                #expect(error?.httpStatus == 401)
                #expect(error?.code == ServerErrorCode.unauthorized)
                #expect(error?.message.contains("off the server's clock") == true, "\(error?.description ?? "")")
            }
            let wrong = AKSKSigner(accessKeyId: Self.ak, accessKeySecret: "0000")
            try await using(try server.client(authentication: .accessKey(wrong))) { client async throws in
                let error = await failure { () async throws(OCPError) in try await client.failover(clusterId: 6) }
                #expect(error?.kind == .unauthorized)
                #expect(error?.description.contains("0000") == false)
            }
            let principals = server.log.records.map { $0.principal ?? "-" }
            #expect(principals == ["refused", "key \(Self.ak)", "key \(Self.ak)", "user admin", "refused", "refused"])
            // The refused POST never reached the simulator.
            #expect(try await simulator.tasks(TaskQuery()).contents.count == 1)
            let lines = server.log.records.map(\.line).joined(separator: "\n")
            #expect(!lines.contains(Self.sk) && !lines.contains("pa:ss"))
        }
    }

    @Test func theHeadSettlesEverythingButTheSignaturesBody() {
        let auth = ServerAuthenticator(credentials: Self.credentials)
        var head = Self.publishedRequest()
        head.body = []
        // The head of the published request is in order: only its body's MD5 is left to check.
        guard case .signed(let pending) = auth.checkHead(head, now: Self.vectorDate) else {
            Issue.record("the published request's head was not accepted as a pending signature")
            return
        }
        #expect(pending.principal == "key \(Self.ak)")
        #expect(auth.checkSignature(pending, of: Self.publishedRequest()) == .allowed("key \(Self.ak)"))
        var tampered = Self.publishedRequest()
        tampered.body = Array(#"{"name":"test02","description":"test","regionId":1}"#.utf8)
        #expect(auth.checkSignature(pending, of: tampered) != .allowed("key \(Self.ak)"))
        // Refused from the head alone: an unknown key, a Date outside the window, no credentials.
        var unknown = head
        unknown.headers[0].1 = "OCP-ACCESS-KEY-HMACSHA1 someoneElse:XN8P+O+v3vUabB16ZCooq5wMJoY="
        #expect(auth.checkHead(unknown, now: Self.vectorDate) == .refused("Unknown access key someoneElse."))
        guard case .refused(let late) = auth.checkHead(head, now: Self.vectorDate.addingTimeInterval(16 * 60)) else {
            Issue.record("a Date 16 minutes off was not refused from the head")
            return
        }
        #expect(late.contains("16m off"))
        #expect(auth.checkHead(ServerAuthenticator.Request(method: "POST", path: "/x"), now: Self.vectorDate) != .open)
    }

    /// Heads of requests whose credentials are missing, malformed or wrong.
    static let strangers: [(String, [(String, String)])] = [
        ("no credentials", []),
        ("not base64", [("Authorization", "Basic !!!")]),
        ("an unknown user", [("Authorization", "Basic " + Data("root:pa:ss".utf8).base64EncodedString())]),
        ("a wrong password", [("Authorization", "Basic " + Data("admin:nope".utf8).base64EncodedString())]),
        ("another scheme", [("Authorization", "Bearer abc")]),
        (
            "an unknown access key",
            [("Authorization", "OCP-ACCESS-KEY-HMACSHA1 someoneElse:AAAA"), ("Date", AKSKSigner.httpDate(Date()))]
        ),
        (
            "a Date an hour off",
            [
                ("Authorization", "OCP-ACCESS-KEY-HMACSHA1 \(ak):AAAA"),
                ("Date", AKSKSigner.httpDate(Date().addingTimeInterval(3600))),
            ]
        ),
    ]

    @Test(arguments: 0..<strangers.count, ["Content-Length: 104857600", "Transfer-Encoding: chunked"])
    func aStrangersBodyIsNeverRead(stranger: Int, framing: String) async throws {
        let (name, headers) = Self.strangers[stranger]
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        try await LiveServer.with(simulator, credentials: Self.credentials) { server in
            let connection = try await RawTCP.connect(port: server.port)
            var head = "POST /api/v2/ob/clusters/6/failover HTTP/1.1\r\nHost: 127.0.0.1:\(server.port)\r\n"
            head += "Content-Type: application/json\r\n\(framing)\r\n"
            for (field, value) in headers { head += "\(field): \(value)\r\n" }
            #expect(await connection.send(head + "\r\n"))
            // 64 KiB of a body declared as 100 MB (or chunked, without an end): far from all of it,
            // and less than the 1 MiB a body may have.
            let piece = [UInt8](repeating: UInt8(ascii: "x"), count: 16 << 10)
            for _ in 0..<4 {
                if framing.hasPrefix("Transfer-Encoding") {
                    await connection.send("4000\r\n")
                    await connection.send(piece)
                    await connection.send("\r\n")
                } else {
                    await connection.send(piece)
                }
            }
            // The answer comes without the rest of the body, and the connection is closed after it.
            let (text, end) = await connection.readTextToEnd()
            #expect(text.hasPrefix("HTTP/1.1 401"), "\(name): \(text.prefix(200))")
            #expect(text.contains(ServerErrorCode.unauthorized), "\(name)")
            #expect(text.lowercased().contains("connection: close"), "\(name)")
            #expect(end == .closed || end == .reset, "\(name): the connection was left open (\(end))")
            #expect(server.log.records.map(\.status) == [401])
            #expect(server.log.records.first?.principal == "refused")
            #expect(try await simulator.tasks(TaskQuery()).contents.isEmpty)
        }
    }

    @Test func aBodyDeclaredOver1MiBIsRefusedFromItsHead() async throws {
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: ManualClock(), options: .startingNow())
        try await LiveServer.with(simulator, credentials: Self.credentials) { server in
            let connection = try await RawTCP.connect(port: server.port)
            let basic = Data("admin:pa:ss".utf8).base64EncodedString()
            await connection.send(
                "POST /api/v2/ob/clusters/6/failover HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic \(basic)\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 104857600\r\n\r\n{")
            let (text, end) = await connection.readTextToEnd()
            #expect(text.hasPrefix("HTTP/1.1 400"), "\(text.prefix(200))")
            #expect(text.contains("over 1 MiB"))
            #expect(end == .closed || end == .reset)
            #expect(server.log.records.map(\.principal) == ["user admin"])
            #expect(try await simulator.tasks(TaskQuery()).contents.isEmpty)
        }
    }
}
