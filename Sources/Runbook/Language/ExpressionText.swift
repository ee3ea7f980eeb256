/// Where the characters of a piece of text are in the source file, so that a `${...}` found at an
/// offset in a scalar gets its own line and column.
///
/// Offsets map exactly for a single-line plain scalar, and for a quoted one without escapes; for any
/// other scalar (folded, escaped, multi-line) every offset maps to the scalar's start.
struct TextOrigin: Sendable {
    /// Where the scalar starts (its opening quote, if any): the location of the whole expression.
    var node: SourceLocation
    /// Where the text's first character is, when ``isExact``.
    var start: SourceLocation
    /// True when offset `n` is column `start.column + n`.
    var isExact: Bool

    func location(at offset: Int) -> SourceLocation {
        guard isExact else { return start }
        var location = start
        location.column += offset
        return location
    }

    /// The origin of a scalar node's text.
    init(scalar node: Node) {
        let text = node.scalar?.text ?? ""
        let singleLine = !text.contains(where: { $0 == "\n" || $0 == "\r" })
        var start = node.location
        switch node.scalar?.style ?? .plain {
        case .plain:
            isExact = singleLine
        case .doubleQuoted:
            isExact = singleLine && !text.contains("\"") && !text.contains("\\") && !text.contains("\t")
            start.column += 1
        case .singleQuoted:
            isExact = singleLine && !text.contains("'")
            start.column += 1
        case .literal, .folded:
            isExact = false
        }
        self.start = isExact ? start : node.location
        self.node = node.location
    }

    init(start: SourceLocation, isExact: Bool) {
        self.node = start
        self.start = start
        self.isExact = isExact
    }
}

/// Parses `${...}` references in text: `${standby}`, `${drill.id}`, `${env.HOME}`; `$${` is a literal `${`.
enum ExpressionText {
    /// The expression a string scalar's text denotes. Problems (an unterminated `${`, a malformed
    /// name) are appended to `diagnostics`; the bad reference is then kept as literal text.
    static func parse(_ text: String, origin: TextOrigin, diagnostics: inout [Diagnostic]) -> Expr {
        let scalars = Array(text.unicodeScalars)
        guard text.contains("$") else { return .literal(.string(text), at: origin.node) }
        var parts: [InterpolationPart] = []
        var literal = ""
        var i = 0
        func flushLiteral() {
            if !literal.isEmpty {
                parts.append(.text(literal))
                literal = ""
            }
        }
        while i < scalars.count {
            let c = scalars[i]
            if c == "$", i + 2 < scalars.count, scalars[i + 1] == "$", scalars[i + 2] == "{" {
                literal += "${"
                i += 3
                continue
            }
            if c == "$", i + 1 < scalars.count, scalars[i + 1] == "{" {
                guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                    diagnostics.append(
                        .error(
                            "expr.unterminated", "'${' is not closed: write ${name}, or $${ for a literal '${'",
                            at: origin.location(at: i)))
                    literal.unicodeScalars.append(contentsOf: scalars[i...])
                    break
                }
                let inner = String(String.UnicodeScalarView(scalars[(i + 2)..<close]))
                let location = origin.location(at: i)
                if let path = referencePath(inner) {
                    flushLiteral()
                    parts.append(.reference(Reference(path: path, at: location)))
                } else {
                    diagnostics.append(invalidReference(inner, at: location))
                    literal.unicodeScalars.append(contentsOf: scalars[i...close])
                }
                i = close + 1
                continue
            }
            literal.unicodeScalars.append(c)
            i += 1
        }
        flushLiteral()
        if parts.count == 1, case .reference(let reference) = parts[0] {
            return Expr(.reference(reference), at: origin.node)
        }
        if !parts.contains(where: { if case .reference = $0 { true } else { false } }) {
            let joined = parts.map { if case .text(let t) = $0 { t } else { "" } }.joined()
            return .literal(.string(joined), at: origin.node)
        }
        return Expr(.interpolation(parts), at: origin.node)
    }

    /// The path of a single `${...}` token (the whole token, braces included), or nil.
    static func reference(token: String, at location: SourceLocation) -> Reference? {
        guard token.hasPrefix("${"), token.hasSuffix("}"), token.count >= 3 else { return nil }
        guard let path = referencePath(String(token.dropFirst(2).dropLast())) else { return nil }
        return Reference(path: path, at: location)
    }

    /// The diagnostic for a `${...}` whose inside is not a dotted name.
    static func invalidReference(_ inner: String, at location: SourceLocation) -> Diagnostic {
        .error(
            "expr.syntax",
            "'${\(inner)}' is not a variable reference: write ${name}, ${name.field} or ${env.NAME}",
            at: location)
    }

    /// `standby` -> ["standby"], ` drill.id ` -> ["drill", "id"]; nil unless dotted identifiers.
    static func referencePath(_ inner: String) -> [String]? {
        let trimmed = inner.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        let segments = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard segments.allSatisfy(isIdentifier) else { return nil }
        return segments
    }

    /// `[A-Za-z_][A-Za-z0-9_-]*`: the names of variables, loop variables and tasks.
    static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first else { return false }
        guard first.isASCIILetter || first == "_" else { return false }
        return text.unicodeScalars.dropFirst().allSatisfy { $0.isASCIILetter || $0.isASCIIDigit || $0 == "_" || $0 == "-" }
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
