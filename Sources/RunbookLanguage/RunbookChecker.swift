import OCPModel
import RunbookSupport
import RunbookYAML

/// The outcome of checking one runbook file.
public struct CheckResult: Sendable {
    /// The checked runbook, ready to run; nil when there is any error.
    public var runbook: CheckedRunbook?
    /// Every error and warning, in the order of their place in the file.
    public var diagnostics: [Diagnostic]

    init(runbook: CheckedRunbook?, diagnostics: [Diagnostic]) {
        self.runbook = runbook
        self.diagnostics = diagnostics
    }

    /// How many of ``diagnostics`` are errors.
    public var errorCount: Int { diagnostics.count { $0.severity == .error } }
    /// How many of ``diagnostics`` are warnings.
    public var warningCount: Int { diagnostics.count { $0.severity == .warning } }
    /// Whether any diagnostic is an error: then ``runbook`` is nil and the runbook cannot run.
    public var hasErrors: Bool { errorCount > 0 }
}

/// The one entry point from a runbook file to a ``CheckedRunbook``:
/// bytes -> ``YAMLLoader`` -> `RunbookParser` (structure, phrases, options, expressions) ->
/// `Checker` (names, scopes, current-task rules, warnings) -> ``CheckResult``.
///
/// Every problem of the file is reported in one run, each with its location.
public enum RunbookChecker {
    /// Checks the runbook in `bytes`. `predefinedVariables` are the `--var name=value` pairs of the
    /// command line: each value (taken literally) is a YAML flow list or mapping when it starts with `[` or `{`,
    /// else a plain YAML scalar (`6` is a number),
    /// and replaces the file's value of that variable; a name the file does not declare is defined by it.
    ///
    /// `environment`, when given, is the environment the runbook will run in: a `target:` that
    /// reads a variable it leaves unset or empty gets a warning.
    public static func check(
        bytes: [UInt8], file: String, predefinedVariables: [String: String] = [:], environment: [String: String]? = nil
    ) -> CheckResult {
        let root: Node?
        do throws(DiagnosticList) {
            root = try YAMLLoader().loadReportingAll(bytes: bytes, file: file)
        } catch {
            return CheckResult(runbook: nil, diagnostics: error.diagnostics)
        }
        return check(node: root, file: file, predefinedVariables: predefinedVariables, environment: environment)
    }

    /// Checks the runbook in `text`.
    public static func check(
        _ text: String, file: String, predefinedVariables: [String: String] = [:], environment: [String: String]? = nil
    ) -> CheckResult {
        check(bytes: Array(text.utf8), file: file, predefinedVariables: predefinedVariables, environment: environment)
    }

    /// Checks an already loaded YAML document (nil: an empty file).
    package static func check(
        node root: Node?, file: String, predefinedVariables: [String: String] = [:], environment: [String: String]? = nil
    ) -> CheckResult {
        let parsed = RunbookParser.parse(root, file: file)
        var diagnostics = parsed.diagnostics
        var runbook: RunbookDocument?
        if let document = parsed.runbook {
            var checker = Checker()
            checker.environment = environment
            runbook = checker.check(document, predefinedVariables: predefinedVariables)
            diagnostics += checker.diagnostics
        }
        diagnostics = NodeReader.ordered(diagnostics, file: file)
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return CheckResult(runbook: hasErrors ? nil : runbook.map(CheckedRunbook.init), diagnostics: diagnostics)
    }
}
