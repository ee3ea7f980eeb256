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

/// `runbook run --target URL` end to end, through ``RunbookRunner`` as the CLI wires it (wall
/// clock, the HTTP client), against `runbook serve --speed instant` in process.
@Suite struct RunAgainstServeTests {
    static let drillPath = TestFiles.packageRoot.appendingPathComponent("examples/failover-drill.yaml").path
    static let password = "s3cret-pass"
    static let secretKey = "2fc0c299cc94c6be266f2ceece765d4d"

    static func drill() throws -> CheckedRunbook {
        let checked = RunbookChecker.check(bytes: try FileInput.read(drillPath), file: drillPath)
        return try #require(checked.runbook)
    }

    /// Quick polls, so the test does not wait a second between them.
    static let configuration = RunConfiguration(
        polling: PollSchedule(initial: .milliseconds(5), fraction: 0.05, maximum: .milliseconds(20)))

    static func connection(_ url: String, _ authentication: OCPConnection.Authentication) throws -> OCPConnection {
        OCPConnection(
            baseURL: try OCPConnection.BaseURL(url), authentication: authentication, connectTimeout: .seconds(2),
            readTimeout: .seconds(5), retry: OCPConnection.RetryPolicy(maxAttempts: 2, baseDelay: .milliseconds(1)))
    }

    static let credentials = ServerCredentials(
        basic: .init(user: "admin", password: password), accessKeys: ["cqammmxBpfGjFlto": secretKey])

    @Test(arguments: [
        OCPConnection.Authentication.basic(user: "admin", password: password),
        .accessKey(AKSKSigner(accessKeyId: "cqammmxBpfGjFlto", accessKeySecret: secretKey)),
    ])
    func theDrillRunsAgainstServeAsItDoesEmbedded(_ authentication: OCPConnection.Authentication) async throws {
        let runbook = try Self.drill()
        let embeddedLog = MemoryStepLog()
        let embedded = await RunbookRunner.run(
            runbook, target: .embedded, log: StepLog([embeddedLog]), configuration: RunConfiguration())
        #expect(embedded.outcome == .passed)

        let responder = SteppedSimulator(setup: SimulationSetup())
        try await LiveServer.with(responder, credentials: Self.credentials) { server in
            let log = MemoryStepLog()
            let finished = await RunbookRunner.run(
                runbook, target: .ocp(try Self.connection(server.url, authentication)), log: StepLog([log]),
                configuration: Self.configuration)
            #expect(finished.outcome == .passed, "\(finished.reason ?? "")")
            #expect(await stepOutcomes(log) == stepOutcomes(embeddedLog))

            // At `instant`, a failover ends after a handful of polls.
            let polls = server.log.count("GET", endingWith: "/instances/171603")
            #expect(polls >= 2 && polls <= 6, "\(polls) polls")
            #expect(server.log.count("POST", endingWith: "/failover") == 1)
            #expect(server.log.records.allSatisfy { $0.status == 200 })
            let principal = try #require(server.log.records.first?.principal)
            #expect(principal == "user admin" || principal == "key cqammmxBpfGjFlto")

            // No secret anywhere: step log, journal form, request log.
            let records = await log.records
            let journal = try records.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }.joined()
            let requestLog = server.log.records.map(\.line).joined()
            for text in [journal, requestLog] {
                #expect(!text.contains(Self.password))
                #expect(!text.contains(Self.secretKey))
                #expect(!text.contains("Authorization"))
            }
        }
    }

    @Test func anUnreachableTargetEndsTheRunWithExit3() async throws {
        // Port 1 on loopback: nothing listens there, the connection is refused.
        let log = MemoryStepLog()
        let finished = await RunbookRunner.run(
            try Self.drill(), target: .ocp(try Self.connection("http://127.0.0.1:1", .none)), log: StepLog([log]),
            configuration: Self.configuration)
        #expect(finished.outcome == .targetFailed)
        #expect(finished.outcome.exitStatus == 3)
        let reason = try #require(finished.reason)
        #expect(reason.contains("cannot be reached"), "\(reason)")
        #expect(reason.contains("http://127.0.0.1:1"))
        let steps = await log.finishedSteps
        #expect(steps.first?.outcome == .failed)
        #expect(steps.dropFirst().allSatisfy { $0.outcome == .skipped })
        // The failed attempts are in the step's call records, with why.
        #expect(steps.first?.calls.count == 2)
        #expect(steps.first?.calls.allSatisfy { $0.status == nil && $0.note != nil } == true)
    }

    @Test(arguments: [
        OCPConnection.Authentication.basic(user: "admin", password: "wrong-password"),
        .accessKey(AKSKSigner(accessKeyId: "cqammmxBpfGjFlto", accessKeySecret: "not-the-secret")),
        .none,
    ])
    func refusedCredentialsEndTheRunWithExit3(_ authentication: OCPConnection.Authentication) async throws {
        let responder = SteppedSimulator(setup: SimulationSetup())
        try await LiveServer.with(responder, credentials: Self.credentials) { server in
            let log = MemoryStepLog()
            let finished = await RunbookRunner.run(
                try Self.drill(), target: .ocp(try Self.connection(server.url, authentication)), log: StepLog([log]),
                configuration: Self.configuration)
            #expect(finished.outcome == .targetFailed)
            #expect(finished.outcome.exitStatus == 3)
            let reason = try #require(finished.reason)
            #expect(reason.contains("HTTP 401"), "\(reason)")
            #expect(reason.contains("refused the credentials"), "\(reason)")
            #expect(!reason.contains("wrong-password") && !reason.contains("not-the-secret"))
            // Refused once: a 401 is not retried.
            #expect(server.log.records.count == 1)
            #expect(server.log.records.first?.status == 401)
            #expect(server.log.records.first?.principal == "refused")
        }
    }
}
