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

// MARK: - SARIF

extension CheckReport {
    /// The diagnostics as a SARIF 2.1.0 log (one run of the tool `runbook`), for code-scanning
    /// views: a rule per diagnostic id, a result per diagnostic with its level (`error`,
    /// `warning`, `note`), message and place. Columns count Unicode scalars, as the run says
    /// (`columnKind: unicodeCodePoints`); a relative path is relative to `%SRCROOT%`.
    package static func sarif(_ diagnostics: [Diagnostic], toolVersion: String) -> String {
        var ruleIds: [String] = []
        for d in diagnostics where !ruleIds.contains(d.id) { ruleIds.append(d.id) }
        let rules: [JSONOutput] = ruleIds.map { id in
            ["id": .string(id), "shortDescription": ["text": .string("runbook check: \(id)")]]
        }
        let results: [JSONOutput] = diagnostics.map { d in
            var artifact: [JSONOutputMember] = [JSONOutputMember("uri", .string(uri(d.location.file)))]
            if !d.location.file.hasPrefix("/") { artifact.append(JSONOutputMember("uriBaseId", "%SRCROOT%")) }
            var physical: [JSONOutputMember] = [JSONOutputMember("artifactLocation", .object(artifact))]
            if d.location.line >= 1 {
                var region: [JSONOutputMember] = [JSONOutputMember("startLine", .int(d.location.line))]
                if d.location.column >= 1 { region.append(JSONOutputMember("startColumn", .int(d.location.column))) }
                physical.append(JSONOutputMember("region", .object(region)))
            }
            return [
                "ruleId": .string(d.id), "ruleIndex": .int(ruleIds.firstIndex(of: d.id) ?? 0),
                "level": .string(d.severity.rawValue), "message": ["text": .string(d.message)],
                "locations": [["physicalLocation": .object(physical)]],
            ]
        }
        let log: JSONOutput = [
            "$schema": "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json",
            "version": "2.1.0",
            "runs": [
                [
                    "tool": [
                        "driver": [
                            "name": "runbook", "version": .string(toolVersion), "semanticVersion": .string(toolVersion),
                            "rules": .array(rules),
                        ]
                    ],
                    "columnKind": "unicodeCodePoints",
                    "invocations": [["executionSuccessful": true]],
                    "results": .array(results),
                ]
            ],
        ]
        return log.prettyText
    }

    /// A path as a URI reference: each byte outside the unreserved set and `/` percent-encoded; an
    /// absolute path as a `file://` URI.
    static func uri(_ path: String) -> String {
        var out = path.hasPrefix("/") ? "file://" : ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + Hex.byte(byte)
            }
        }
        return out
    }
}
