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

/// Steps shared by the commands that run or plan a runbook.
enum Preparation {
    /// Reads and checks a runbook, printing its diagnostics on standard error; nil when it has errors.
    static func checked(
        _ path: String, predefined: [String: String], environment: [String: String], credentialsFile: String? = nil,
        nothingDone: String = "nothing was run"
    ) -> (CheckedRunbook, [UInt8])? {
        // A diagnostic quotes values (a `--var`, a variable): a credential among them is hidden.
        let redaction = Redaction.secrets(in: environment, others: Credentials.secrets(inFile: credentialsFile))
        let bytes: [UInt8]
        do throws(Diagnostic) {
            bytes = try FileInput.read(path)
        } catch {
            // The diagnostic says `error:` itself.
            Console.printError(error.rendered(source: nil) + "\n")
            return nil
        }
        let result = RunbookChecker.check(
            bytes: bytes, file: path, predefinedVariables: predefined, environment: environment)
        let source = SourceText(path: path, text: String(decoding: bytes, as: UTF8.self))
        for diagnostic in result.diagnostics {
            Console.printError(redaction.apply(diagnostic.rendered(source: source) + "\n"))
        }
        guard let runbook = result.runbook else {
            let errors = result.diagnostics.count { $0.severity == .error }
            printError("\(path) is invalid (\(errors) error\(errors == 1 ? "" : "s")); \(nothingDone)")
            return nil
        }
        return (runbook, bytes)
    }

    /// For an embedded run: prints an error for each probe `simulate: services` does not describe
    /// (an embedded run touches no network and runs no program); whether there was none.
    static func probesAreSimulated(_ runbook: CheckedRunbook, bytes: [UInt8], environment: [String: String]) -> Bool {
        let problems = ProbeCoverage.problems(in: runbook, environment: environment)
        guard !problems.isEmpty else { return true }
        let source = SourceText(path: runbook.file, text: String(decoding: bytes, as: UTF8.self))
        for problem in problems { Console.printError(problem.rendered(source: source) + "\n") }
        printError("\(runbook.file) cannot run embedded (\(problems.count) probe\(problems.count == 1 ? "" : "s") not simulated); nothing was run")
        return false
    }

    /// What checking a runbook found, printing nothing: the checked runbook (nil when it has
    /// errors or cannot be read) and every diagnostic, as `--format json` reports them.
    static func check(_ path: String, predefined: [String: String], environment: [String: String]) -> (
        runbook: CheckedRunbook?, diagnostics: [Diagnostic]
    ) {
        let bytes: [UInt8]
        do throws(Diagnostic) {
            bytes = try FileInput.read(path)
        } catch {
            return (nil, [error])
        }
        let result = RunbookChecker.check(
            bytes: bytes, file: path, predefinedVariables: predefined, environment: environment)
        return (result.runbook, result.diagnostics)
    }

    static func printError(_ message: String) {
        Console.printError("runbook: error: \(message)\n")
    }

    /// A target that cannot be used: located at the runbook's `target:` when it is at fault
    /// (`file:line:col: error: ...`), else `runbook: error: ...`.
    static func printProblem(_ problem: TargetProblem) {
        // A problem that is itself a located diagnostic (a credentials file that is not YAML) says `error:` already.
        if problem.location != nil || problem.message.contains(": error: ") {
            Console.printError(problem.description + "\n")
        } else {
            printError(problem.message)
        }
    }
}
