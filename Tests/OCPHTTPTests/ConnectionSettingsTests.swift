import Foundation
import NIOHTTP1
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

@Suite struct ConnectionSettingsTests {
    // MARK: - Base URL

    @Test func baseURLs() throws {
        let url = try OCPConnection.BaseURL("https://ocp.example.com:8080/ocp/")
        #expect(url.hostHeader == "ocp.example.com:8080")
        #expect(url.pathPrefix == "/ocp")
        #expect(url.url("/api/v2/ob/clusters?page=1") == "https://ocp.example.com:8080/ocp/api/v2/ob/clusters?page=1")
        #expect(try OCPConnection.BaseURL("http://10.0.0.1").hostHeader == "10.0.0.1")
        #expect(throws: OCPConnectionError.self) { try OCPConnection.BaseURL("ftp://ocp") }
        #expect(throws: OCPConnectionError.self) { try OCPConnection.BaseURL("ocp.example.com:8080") }
        do {
            _ = try OCPConnection.BaseURL("https://admin:secret@ocp.example.com")
            Issue.record("a URL with credentials was accepted")
        } catch {
            #expect(error.description.contains("carries credentials"))
            #expect(!error.description.contains("secret"))
        }
    }

    // MARK: - Retry delays

    static let policy = OCPConnection.RetryPolicy(maxAttempts: 4, baseDelay: .milliseconds(500), maxDelay: .seconds(30))

    @Test func serversDecideTheDelayWhenTheySayOne() {
        let now = Date(timeIntervalSince1970: 1_673_946_837)
        func delay(_ headers: [(String, String)]) -> Duration {
            HTTPOCPClient.delay(before: 2, headers: HTTPHeaders(headers), policy: Self.policy, now: now)
        }
        #expect(delay([("Retry-After", "3")]) == .seconds(3))
        #expect(delay([("Retry-After", "Tue, 17 Jan 2023 09:14:07 GMT")]) == .seconds(10))
        #expect(delay([("RateLimit-Reset", "2")]) == .seconds(2))
        // Retry-After wins over RateLimit-Reset; both are capped.
        #expect(delay([("RateLimit-Reset", "2"), ("Retry-After", "5")]) == .seconds(5))
        #expect(delay([("Retry-After", "3600")]) == .seconds(30))
    }

    @Test func backoffGrowsWithJitterAndStaysBounded() {
        for attempt in 2...12 {
            let ceiling = min(Duration.milliseconds(500) * (1 << (attempt - 2)), .seconds(30))
            for _ in 0..<20 {
                let d = HTTPOCPClient.delay(before: attempt, headers: nil, policy: Self.policy, now: Date())
                #expect(d >= ceiling / 2 && d <= ceiling, "attempt \(attempt): \(d)")
            }
        }
        let spread = Set(
            (0..<50).map { _ in HTTPOCPClient.delay(before: 4, headers: nil, policy: Self.policy, now: Date()) })
        #expect(spread.count > 1)
    }

    // MARK: - Credentials

    static func file(_ text: String, mode: Int) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-credentials-\(UUID()).yaml")
            .path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        #expect(chmod(path, mode_t(mode)) == 0)
        return path
    }

    @Test func credentialsFromTheEnvironment() throws {
        let both = try Credentials.authentication(
            environment: [
                "OCP_USER": "admin", "OCP_PASSWORD": "pw", "OCP_ACCESS_KEY_ID": "AK", "OCP_ACCESS_KEY_SECRET": "SK",
            ],
            file: nil)
        #expect(both.summary == "AK/SK (key AK)")
        let basic = try Credentials.authentication(environment: ["OCP_USER": "admin", "OCP_PASSWORD": "pw"], file: nil)
        #expect(basic.summary == "Basic (user admin)")
        #expect(try Credentials.authentication(environment: [:], file: nil).summary == "none")
        // Half a pair, or an empty part, is refused rather than quietly sending no credentials.
        for (environment, message) in [
            (["OCP_ACCESS_KEY_ID": "AK"], "the environment gives OCP_ACCESS_KEY_ID but not OCP_ACCESS_KEY_SECRET: give both, or neither"),
            (["OCP_USER": "admin"], "the environment gives OCP_USER but not OCP_PASSWORD: give both, or neither"),
            (["OCP_USER": "admin", "OCP_PASSWORD": ""], "the environment gives an empty OCP_PASSWORD"),
        ] {
            do {
                _ = try Credentials.authentication(environment: environment, file: nil)
                Issue.record("accepted \(environment.keys.sorted())")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func aCredentialsFileWithATypoOrAnEmptyPasswordIsRefused() throws {
        let typo = try Self.file("user: admin\npasswrd: hunter2\n", mode: 0o600)
        defer { unlink(typo) }
        #expect(throws: OCPConnectionError.self) { try Credentials.authentication(environment: [:], file: typo) }
        do {
            _ = try Credentials.authentication(environment: [:], file: typo)
        } catch {
            #expect(error.description == "the credentials file \(typo) has an unknown key 'passwrd'; did you mean 'password'?")
        }
        let empty = try Self.file("user: admin\npassword: \"\"\n", mode: 0o600)
        defer { unlink(empty) }
        do {
            _ = try Credentials.authentication(environment: [:], file: empty)
            Issue.record("an empty password was accepted")
        } catch {
            #expect(error.description == "the credentials file \(empty) gives an empty password")
        }
    }

    @Test func aCredentialsFileMustBePrivate() throws {
        let good = try Self.file("accessKeyId: AK1\naccessKeySecret: SK1\n", mode: 0o600)
        defer { unlink(good) }
        #expect(
            try Credentials.authentication(environment: ["OCP_USER": "x", "OCP_PASSWORD": "y"], file: good).summary
                == "AK/SK (key AK1)")

        let shared = try Self.file("user: admin\npassword: hunter2\n", mode: 0o640)
        defer { unlink(shared) }
        do {
            _ = try Credentials.authentication(environment: [:], file: shared)
            Issue.record("a credentials file readable by its group was accepted")
        } catch {
            #expect(error.description.contains("chmod 600"))
            #expect(!error.description.contains("hunter2"))
        }

        let empty = try Self.file("user: admin\n", mode: 0o600)
        defer { unlink(empty) }
        #expect(throws: OCPConnectionError.self) { try Credentials.authentication(environment: [:], file: empty) }
        #expect(throws: OCPConnectionError.self) {
            try Credentials.authentication(environment: [:], file: "/nonexistent/credentials.yaml")
        }
    }
}
