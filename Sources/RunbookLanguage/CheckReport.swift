import OCPModel
import RunbookSupport
import RunbookYAML

/// What `runbook check` prints: the summary line and the JSON form of diagnostics.
package enum CheckReport {
    /// `1 file checked, no errors`, `2 files checked, no errors, 1 warning`,
    /// `1 of 2 files invalid: 3 errors, 1 warning`.
    package static func summary(files: Int, invalidFiles: Int, errors: Int, warnings: Int) -> String {
        let fileWord = files == 1 ? "file" : "files"
        let warningText = warnings == 0 ? "" : "\(warnings) warning\(warnings == 1 ? "" : "s")"
        if invalidFiles == 0 {
            return "\(files) \(fileWord) checked, no errors" + (warnings == 0 ? "" : ", " + warningText)
        }
        let errorText = "\(errors) error\(errors == 1 ? "" : "s")"
        return "\(invalidFiles) of \(files) \(fileWord) invalid: " + errorText + (warnings == 0 ? "" : ", " + warningText)
    }

    /// One diagnostic as a JSON object: file, line, column, severity, id, message.
    package static func json(_ diagnostic: Diagnostic) -> JSONOutput {
        [
            "file": .string(diagnostic.location.file),
            "line": .int(diagnostic.location.line),
            "column": .int(diagnostic.location.column),
            "severity": .string(diagnostic.severity.rawValue),
            "id": .string(diagnostic.id),
            "message": .string(diagnostic.message),
        ]
    }

    /// The diagnostics as a JSON array, one object per line, for editors and CI.
    package static func json(_ diagnostics: [Diagnostic]) -> String {
        guard !diagnostics.isEmpty else { return "[]\n" }
        return "[\n" + diagnostics.map { "  " + json($0).compactText }.joined(separator: ",\n") + "\n]\n"
    }
}
