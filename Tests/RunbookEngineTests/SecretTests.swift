import Foundation
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookTestSupport
import Synchronization
import Testing

/// No secret reaches the step log, the terminal or a person, however the text is cut or built.
@Suite struct SecretTests {
    /// Runs `text` with `environment`, the step log redacting its secrets as `runbook run` does;
    /// returns every record encoded, the questions asked, and the run.
    static func run(_ text: String, environment: [String: String]) async throws -> (String, [String], RunFinished) {
        let runbook = try Engine.check(text)
        let memory = MemoryStepLog()
        let asked = Mutex<[String]>([])
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: SimulationSetup(), clock: clock)
        let configuration = RunConfiguration(
            user: "tester", environment: environment,
            confirm: { question in
                asked.withLock { $0.append(question) }
                return true
            })
        let interpreter = Interpreter(
            runbook: runbook, client: simulator, clock: SimulatedRunClock(clock, origin: Date()),
            log: StepLog([memory], redaction: .secrets(in: environment)), configuration: configuration)
        let finished = await interpreter.run()
        let encoder = JSONEncoder()
        let all = try await memory.records.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
        return (all.joined(separator: "\n"), asked.withLock { $0 }, finished)
    }

    @Test func aLongSecretIsHiddenBeforeALabelOrAPhraseIsShortened() async throws {
        let secret = "correct horse battery staple and then some more words"
        let filler = String(repeating: "y", count: 990)
        let (log, asked, finished) = try await Self.run(
            """
            runbook: t
            vars:
              items: ["${env.OCP_PASSWORD}"]
            steps:
              - for each i in ${items}:
                  - note: item ${i}
              - note: "\(filler)${env.OCP_PASSWORD}"
              - confirm: "pw ${env.OCP_PASSWORD} ok?"
            """, environment: ["OCP_PASSWORD": secret])
        #expect(finished.outcome == .passed)
        for piece in ["correct horse", "battery staple", "some more"] {
            #expect(!log.contains(piece), "'\(piece)' reached the step log")
        }
        #expect(asked == ["pw *** ok?"])
    }

    @Test func aShortSecretReadFromItsVariableIsHidden() async throws {
        let (log, asked, _) = try await Self.run(
            """
            runbook: t
            steps:
              - note: "[${env.OCP_PASSWORD}] and cluster 6"
              - confirm: "go with ${env.DB_TOKEN}?"
            """, environment: ["OCP_PASSWORD": "6", "DB_TOKEN": "ab"])
        #expect(log.contains("[***] and cluster 6"))
        #expect(asked == ["go with ***?"])
    }

    @Test func theBasicHeaderOfTheCredentialsIsASecretToo() {
        let redaction = Redaction.secrets(in: ["OCP_USER": "admin", "OCP_PASSWORD": "hunter22"])
        let header = Data("admin:hunter22".utf8).base64EncodedString()
        #expect(redaction.apply("the proxy says: Authorization: Basic \(header)") == "the proxy says: Authorization: Basic ***")
    }
}
