import ArgumentParser
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

@main
struct RunbookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runbook",
        abstract: "Run declarative YAML runbooks for disaster-recovery drills against OceanBase Cloud Platform.",
        discussion: """
            A runbook is a YAML file of steps (fail over, await, assert, ...). With no target it runs \
            against an embedded OCP simulator, so every drill can be rehearsed on a laptop.

            Exit status: 0 passed, 1 a step failed or an objective was not met, 2 the runbook is \
            invalid or its target or credentials cannot be used, 3 the target could not be reached or \
            refused the credentials, 4 the step log could not be written, 5 a report could not be \
            written, 130 interrupted.
            """,
        version: BuildInfo.versionLine,
        subcommands: [
            RunCommand.self, ResumeCommand.self, PlanCommand.self, CheckCommand.self, ReportCommand.self,
            SchemaCommand.self, ServeCommand.self,
        ]
    )
}
