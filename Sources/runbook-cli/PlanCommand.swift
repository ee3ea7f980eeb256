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

            With `--format json` the plan is printed on standard output as one JSON object for other \
            tools: `file`, `runbook` (the title), `target`, `steps` (each with `label`, `block`, \
            `path`, `items`, `file`, `line`, `column`, `phrase`, `changesSystem`, `calls` and \
            `detail`) and `diagnostics` (as `runbook check --format json` prints them). An invalid \
            runbook or a refused target gives `steps: []` and its errors in `diagnostics`.

            The target is resolved as `runbook run` resolves it (--target, RUNBOOK_TARGET, the \
            credentials file's `target:`, the runbook's `target:`), with the same refusals.

            Exit status: 0 when the runbook is valid, 2 when it is not or its target would be refused.
            """
    )

    @Argument(help: "The runbook file.", completion: .file(extensions: ["yaml", "yml"]))
    var file: String

    @Option(
        name: .customLong("var"),
        help: ArgumentHelp("Set a variable, as `runbook run` would (repeatable).", valueName: "name=value"),
        completion: Completion.variables)
    var variables: [String] = []

    /// How `plan` prints: the text plan, or one JSON object.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Option(help: "How to print the plan: text, or json (one object, for other tools).")
    var format: Format = .text

    @OptionGroup var target: TargetOptions

    func validate() throws {
        _ = try CheckCommand.parseVariables(variables)
    }

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        let predefined = try CheckCommand.parseVariables(variables)
        if format == .json { return try runJSON(predefined: predefined, environment: environment) }
        guard let (runbook, bytes) = Preparation.checked(
            file, predefined: predefined, environment: target.checkEnvironment(environment), credentialsFile: target.credentials,
            nothingDone: "nothing was planned") else {
            throw ExitCode(2)
        }
        let resolved = try target.resolvedOrExit(for: runbook, environment: environment)
        if case .embedded = resolved.target, !Preparation.probesAreSimulated(runbook, bytes: bytes, environment: environment) {
            throw ExitCode(2)
        }
        let steps = Planner(environment: environment).plan(runbook)
        // A plan shows values resolved: the secrets among them are hidden, as in a run's log.
        let redaction = Redaction.secrets(in: environment, others: resolved.secrets)
        Console.print(redaction.apply(Self.render(runbook, steps, target: resolved.target.description)) + "\n")
    }

    /// `--format json`: one object on standard output whatever happens; when nothing can be
    /// planned, also one line on standard error saying so.
    private func runJSON(predefined: [String: String], environment: [String: String]) throws {
        let checked = Preparation.check(file, predefined: predefined, environment: target.checkEnvironment(environment))
        var diagnostics = checked.diagnostics.map(CheckReport.json)
        var plan: (runbook: CheckedRunbook, steps: [PlannedStep], target: String)?
        // The credentials file's secrets are hidden even when the target cannot be resolved.
        var secrets = Credentials.secrets(inFile: target.credentials)
        if let runbook = checked.runbook {
            do {
                let resolved = try target.resolve(for: runbook, environment: environment)
                secrets += resolved.secrets
                let unsimulated =
                    if case .embedded = resolved.target { ProbeCoverage.problems(in: runbook, environment: environment) } else { [Diagnostic]() }
                diagnostics += unsimulated.map(CheckReport.json)
                if unsimulated.isEmpty {
                    plan = (runbook, Planner(environment: environment).plan(runbook), resolved.target.description)
                }
            } catch {
                diagnostics.append(Self.json(error, file: file))
            }
        }
        // A plan shows values resolved: the secrets among them are hidden, as in a run's log.
        let redaction = Redaction.secrets(in: environment, others: secrets)
        // In the strings of the JSON, so that an escaped secret is found and the syntax stays whole.
        Console.print(Self.json(file: file, plan: plan, diagnostics: diagnostics).mappingStrings(redaction.apply).prettyText)
        guard plan != nil else {
            let errors = checked.diagnostics.count { $0.severity == .error }
            Preparation.printError(
                checked.runbook == nil
                    ? "\(file) is invalid (\(errors) error\(errors == 1 ? "" : "s")); nothing was planned"
                    : "the target of \(file) cannot be used; nothing was planned")
            throw ExitCode(2)
        }
    }

    // MARK: - JSON

    /// The plan as one JSON object: `file`, `runbook`, `target`, `steps`, `diagnostics`.
    static func json(
        file: String, plan: (runbook: CheckedRunbook, steps: [PlannedStep], target: String)?, diagnostics: [JSONOutput]
    ) -> JSONOutput {
        [
            "file": .string(file),
            "runbook": plan.map { .string($0.runbook.title) } ?? .null,
            "target": plan.map { .string($0.target) } ?? .null,
            "steps": .array(plan?.steps.map(json) ?? []),
            "diagnostics": .array(diagnostics),
        ]
    }

    /// One planned step: where it is in the runbook, what it says and the calls it would make.
    static func json(_ step: PlannedStep) -> JSONOutput {
        [
            "label": .string(step.position.label),
            "block": .string(step.position.block.rawValue),
            "path": .array(step.position.path.map { .int($0) }),
            "items": .array(
                step.position.items.map { ["variable": .string($0.variable), "value": .string($0.value)] }),
            "file": .string(step.location.file),
            "line": .int(step.location.line),
            "column": .int(step.location.column),
            "phrase": .string(step.phrase),
            "changesSystem": .bool(step.changesSystem),
            "calls": .array(step.calls.map { .string($0) }),
            "detail": step.detail.map { .string($0) } ?? .null,
        ]
    }

    /// A target that cannot be used, as a diagnostic object: at the runbook's `target:` when it
    /// is at fault, else at the runbook's first line.
    static func json(_ problem: TargetProblem, file: String) -> JSONOutput {
        let location = problem.location ?? SourceLocation(file: file, line: 1, column: 1)
        return [
            "file": .string(location.file),
            "line": .int(location.line),
            "column": .int(location.column),
            "severity": "error",
            "id": "target",
            "message": .string(problem.message),
        ]
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
