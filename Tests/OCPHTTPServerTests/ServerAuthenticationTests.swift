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
}
