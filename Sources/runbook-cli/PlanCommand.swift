import ArgumentParser
import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show what a runbook would do, step by step, without doing it.",
        discussion: """
            Checks the file, then prints every step with its values resolved and the OCP calls it \
            would make (method and path). Steps marked `!` change the system (failover, switchover, \
            retry, rollback, skip, cancel). Loops are expanded item by item. Ids known only at run \
            time, such as the id of a task a failover starts, appear as `{task of steps[2]}`. \
            Nothing is called and nothing changes.

            The target is resolved as `runbook run` resolves it (--target, RUNBOOK_TARGET, the \
            credentials file's `target:`, the runbook's `target:`), with the same refusals.

            Exit status: 0 when the runbook is valid, 2 when it is not or its target would be refused.
            """
    )

    @Argument(help: "The runbook file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Set a variable, as `runbook run` would (repeatable).", valueName: "name=value"))
    var variables: [String] = []

    @OptionGroup var target: TargetOptions

    func validate() throws {
        _ = try CheckCommand.parseVariables(variables)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard
            let (runbook, bytes) = Preparation.checked(
                file, predefined: try CheckCommand.parseVariables(variables), environment: environment)
        else {
            throw ExitCode(2)
        }
        let resolved: ResolvedTarget
        do {
            resolved = try target.resolve(for: runbook, environment: environment)
        } catch {
            Preparation.printProblem(error)
            throw ExitCode(2)
        }
        if case .embedded = resolved.target, !Preparation.probesAreSimulated(runbook, bytes: bytes, environment: environment) {
            throw ExitCode(2)
        }
        let steps = Planner(environment: environment).plan(runbook)
        // A plan shows values resolved: the secrets among them are hidden, as in a run's log.
        let redaction = Redaction.secrets(in: environment, others: resolved.secrets)
        Console.print(redaction.apply(Self.render(runbook, steps, target: resolved.target.description)) + "\n")
    }

    static func render(_ runbook: CheckedRunbook, _ steps: [PlannedStep], target: String?) -> String {
        let changing = steps.count { $0.changesSystem }
        var lines = [
            "Plan: \(runbook.title)",
            "  \(runbook.file) · target \(target ?? "embedded") · \(steps.count) step\(steps.count == 1 ? "" : "s"), "
                + "\(changing) change\(changing == 1 ? "s" : "") the system",
        ]
        var block: StepPosition.Block?
        for step in steps {
            if step.position.block != block {
                block = step.position.block
                lines.append("")
                lines.append(
                    step.position.block == .onFailure
                        ? "on failure (runs only if a step fails):" : "\(step.position.block.rawValue):")
            }
            let indent = String(repeating: "  ", count: step.position.path.count - 1)
            lines.append("\(step.changesSystem ? "!" : " ") \(indent)\(step.position.label)  \(step.phrase)  (\(step.location))")
            for call in step.calls { lines.append("    \(indent)→ \(call)") }
            if let detail = step.detail { lines.append("    \(indent)  \(detail)") }
        }
        return lines.joined(separator: "\n")
    }
}
