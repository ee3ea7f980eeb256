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

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema of runbook files.",
        discussion: """
            The schema (draft 2020-12) is the one committed as docs/runbook.schema.json. Editors use \
            it through a first line such as `# yaml-language-server: $schema=../docs/runbook.schema.json`. \
            It describes the shape of a runbook; `runbook check` checks everything else.
            """
    )

    func run() throws {
        Console.print(RunbookSchema.text)
    }
}
