import Foundation
import RunbookTestSupport
import Testing

@testable import OCPModel
@testable import RunbookEngine
@testable import RunbookStepLog

/// What the step log keeps for the reports: each task as last seen with OCP's times and links,
/// the operator's identity, and how each `confirm` was answered.
@Suite struct ReportEvidenceTests {
    static let drill = """
        runbook: Evidence
        steps:
          - confirm: Fail over cluster 6?
          - failover cluster: 6
          - await task status: SUCCESS
        """

    @Test func aWaitKeepsTheTaskAsLastSeenWithOCPsTimesAndLinks() async throws {
        let run = try await Engine.run(Self.drill, configuration: RunConfiguration(user: "sre", assumeYes: true))
        let wait = try run.step("steps[2]")
        let task = try #require(wait.observed.tasks?.first)
        #expect(task.status == "SUCCESSFUL")
        #expect(task.startTime != nil && task.finishTime != nil)
        #expect(task.subtasks.map(\.name) == TaskDefinition.failover.subtaskNames)
        #expect(task.subtasks.allSatisfy { $0.status == "SUCCESSFUL" && $0.startTime != nil && $0.finishTime != nil })
        // A chain: each subtask's upstream is the one before it, and its downstream the one after.
        for (i, s) in task.subtasks.enumerated() {
            #expect(s.upstreams == (i == 0 ? [] : [task.subtasks[i - 1].id]))
            #expect(s.downstreams == (i == task.subtasks.count - 1 ? [] : [task.subtasks[i + 1].id]))
            if let start = s.startTime, let finish = s.finishTime { #expect(start <= finish) }
        }
        // The action's own step saw the task start.
        #expect(try run.step("steps[1]").observed.tasks?.first?.id == task.id)
    }

    @Test func yesOnTheCommandLineIsRecordedAsTheAnswer() async throws {
        let run = try await Engine.run(Self.drill, configuration: RunConfiguration(user: "sre", assumeYes: true))
        let c = try #require(try run.step("steps[0]").observed.confirmation)
        #expect(c.question == "Fail over cluster 6?")
        #expect(c.answer == "yes")
        #expect(c.how == "--yes")
        #expect(c.by == "sre")
    }

    @Test(arguments: [
        (true as Bool?, "yes" as String?, "terminal"), (false, "no", "terminal"), (nil, nil, "no terminal"),
    ])
    func aPersonsAnswerIsRecorded(answer: Bool?, recorded: String?, how: String) async throws {
        let run = try await Engine.run(
            Self.drill, configuration: RunConfiguration(user: "sre", confirm: { _ in answer }))
        let step = try run.step("steps[0]")
        #expect(step.observed.confirmation?.answer == recorded)
        #expect(step.observed.confirmation?.how == how)
        #expect(step.outcome == (answer == true ? .passed : .failed))
    }

    @Test func theIdentityOfTheCredentialsIsInRunStarted() async throws {
        var configuration = RunConfiguration(user: "sre", assumeYes: true)
        configuration.identity = "Basic (user admin)"
        let run = try await Engine.run(Self.drill, configuration: configuration)
        #expect(run.started?.identity == "Basic (user admin)")
        #expect(run.started?.user == "sre")
    }
}
