/// A problem found in a runbook or its YAML, with a stable identifier and a location.
public struct Diagnostic: Sendable, Hashable, Error, CustomStringConvertible {
    /// How serious a diagnostic is: one `error` makes the input unusable (a runbook with one is
    /// not run, and `runbook check` counts its file invalid), a `warning` does not, and a `note`
    /// only adds information. The raw value is the word printed in the rendering and in JSON.
    public enum Severity: String, Sendable, Hashable, Codable, Comparable {
        /// A problem that makes the input unusable.
        case error
        /// A likely mistake that does not stop the input from being used.
        case warning
        /// Information only.
        case note

        private var rank: Int {
            switch self {
            case .error: 2
            case .warning: 1
            case .note: 0
            }
        }

        /// Orders by seriousness: `note` < `warning` < `error`.
        public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
    }

    /// Whether this is an error, a warning or a note.
    public var severity: Severity
    /// A stable, dotted identifier such as `yaml.duplicate-key`; tools may match on it.
    public var id: String
    /// One sentence for a person, without the location.
    public var message: String
    /// Where the problem is: the file as the user named it, and the 1-based line and column.
    public var location: SourceLocation

    /// A diagnostic of `severity` with the stable identifier `id` (such as `yaml.duplicate-key`), a
    /// one-sentence `message` without the location, found at `location`.
    public init(_ severity: Severity, id: String, message: String, at location: SourceLocation) {
        self.severity = severity
        self.id = id
        self.message = message
        self.location = location
    }

    /// An error diagnostic: `id` is its stable identifier, `message` one sentence without the
    /// location.
    public static func error(_ id: String, _ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.error, id: id, message: message, at: location)
    }

    /// A warning diagnostic: `id` is its stable identifier, `message` one sentence without the
    /// location.
    public static func warning(_ id: String, _ message: String, at location: SourceLocation) -> Diagnostic {
        Diagnostic(.warning, id: id, message: message, at: location)
    }

    /// `path:line:col: severity: message` on one line.
    public var description: String { "\(location): \(severity.rawValue): \(message)" }

    /// The compiler-style rendering: the summary line, then the source line and a caret under the column.
    /// Without a source text, or when the line is out of range, only the summary line is given.
    /// Control characters in the source line are shown as their visible symbols (U+0007 as `␇`),
    /// one column each, so the caret still lands under the column.
    public func rendered(source: SourceText?) -> String {
        var out = description
        // Only a line of the file the diagnostic is in (not the file's line 1 under a `--var` error).
        if let source, location.file == source.path, let line = source.line(location.line) {
            let shown = SourceText.visible(Self.withoutURLCredentials(line))
            out += "\n" + shown + "\n" + SourceText.caretLine(for: shown, column: location.column)
        }
        return out
    }

    /// `line` with the `user:password@` of any URL in it shown as `***@`: a source line quoted
    /// under a diagnostic must not repeat a password written in a target.
    static func withoutURLCredentials(_ line: String) -> String {
        var out = ""
        var rest = Substring(line)
        while let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            let authority = rest.prefix { !"/ \t\"'".contains($0) }
            if let at = authority.lastIndex(of: "@") {
                out += "***"
                rest = rest[at...]
            }
        }
        return out + rest
    }
}

/// A list of diagnostics thrown as one error, for stages that report every problem they find.
public struct DiagnosticList: Error, Sendable, CustomStringConvertible {
    /// The diagnostics, in the order the stage found them.
    public var diagnostics: [Diagnostic]

    /// A list thrown as one error; `diagnostics` are kept in the order given.
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }

    /// Each diagnostic's one-line `path:line:col: severity: message`, one per line.
    public var description: String { diagnostics.map(\.description).joined(separator: "\n") }
}
