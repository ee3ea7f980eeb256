import OCPModel
import RunbookSupport
import RunbookYAML

/// Where the characters of a piece of text are in the source file, so that a `${...}` found at an
/// offset in a scalar gets its own line and column.
///
/// Offsets map exactly for a plain scalar written on one line, and for a quoted one without escapes;
/// for any other scalar (folded, escaped, written over several lines) every offset maps to the
/// scalar's start.
struct TextOrigin: Sendable {
    /// Where the scalar starts (its opening quote, if any): the location of the whole expression.
    var node: SourceLocation
    /// The scalar's text and style, to decide (only when an offset is asked for) whether offsets
    /// map exactly.
    private var text: String
    private var style: Scalar.Style
    /// The scalar runs over several lines (folded into one line of text).
    private var spansLines = false

    /// The location of the character at scalar `offset` of the text.
    func location(at offset: Int) -> SourceLocation {
        guard offset > 0 || style == .doubleQuoted || style == .singleQuoted else { return node }
        guard let start else { return node }
        var location = start
        location.column += offset
        return location
    }

    /// True when offset `n` is column `start.column + n`.
    var isExact: Bool { start != nil }

    /// Where the text's first character is, when offsets map exactly; nil otherwise.
    private var start: SourceLocation? {
        var hasLineBreak = false
        var hasQuoteOrEscape = false
        for byte in text.utf8 {
            switch byte {
            case 0x0A, 0x0D: hasLineBreak = true
            case 0x22, 0x5C, 0x09: if style == .doubleQuoted { hasQuoteOrEscape = true }
            case 0x27: if style == .singleQuoted { hasQuoteOrEscape = true }
            default: break
            }
        }
        guard !hasLineBreak, !hasQuoteOrEscape, !spansLines else { return nil }
        switch style {
        case .plain:
            return node
        case .doubleQuoted, .singleQuoted:
            var location = node
            location.column += 1
            return location
        case .literal, .folded:
            return nil
        }
    }

    /// The origin of a scalar node's text.
    init(scalar node: Node) {
        self.node = node.location
        self.text = node.scalar?.text ?? ""
        self.style = node.scalar?.style ?? .plain
        self.spansLines = node.scalar?.spansLines ?? false
    }

    /// An origin whose offsets map exactly from `start` (`isExact`), or all to `start`.
    init(start: SourceLocation, isExact: Bool) {
        self.node = start
        self.text = isExact ? "" : "\n"
        self.style = .plain
    }
}

/// Parses `${...}` references in text: `${standby}`, `${drill.id}`, `${env.HOME}`; `$${` is a literal `${`.
enum ExpressionText {
    /// The expression a string scalar's text denotes. Problems (an unterminated `${`, a malformed
    /// name) are appended to `diagnostics`; the bad reference is then kept as literal text.
    static func parse(_ text: String, origin: TextOrigin, diagnostics: inout [Diagnostic]) -> Expr {
        guard text.utf8.contains(0x24) else { return .literal(.string(text), at: origin.node) }
        // The common case, a whole `${name}`, without building the parts.
        let utf8 = text.utf8
        if utf8.count > 3, utf8.first == 0x24, utf8.dropFirst().first == 0x7B, utf8.last == 0x7D,
            utf8.dropFirst(2).dropLast().allSatisfy({ $0 != 0x7D && $0 != 0x24 })
        {
            let inner = String(text.dropFirst(2).dropLast())
            if let path = referencePath(inner) {
                return Expr(.reference(Reference(path: path, at: origin.location(at: 0))), at: origin.node)
            }
        }
        let bytes = Array(utf8)
        var parts: [InterpolationPart] = []
        var literal: [UInt8] = []
        var i = 0
        var scalar = 0  // the scalar offset of byte i
        func advance(to: Int) {
            while i < to {
                if bytes[i] & 0xC0 != 0x80 { scalar += 1 }
                i += 1
            }
        }
        func flushLiteral() {
            if !literal.isEmpty {
                parts.append(.text(String(decoding: literal, as: UTF8.self)))
                literal = []
            }
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == 0x24, i + 2 < bytes.count, bytes[i + 1] == 0x24, bytes[i + 2] == 0x7B {  // $${
                literal += [0x24, 0x7B]
                advance(to: i + 3)
                continue
            }
            if c == 0x24, i + 1 < bytes.count, bytes[i + 1] == 0x7B {  // ${
                let location = origin.location(at: scalar)
                guard let close = bytes[(i + 2)...].firstIndex(of: 0x7D) else {
                    diagnostics.append(
                        .error("expr.unterminated", "'${' is not closed: write ${name}, or $${ for a literal '${'", at: location))
                    literal += bytes[i...]
                    break
                }
                let inner = String(decoding: bytes[(i + 2)..<close], as: UTF8.self)
                if let path = referencePath(inner) {
                    flushLiteral()
                    parts.append(.reference(Reference(path: path, at: location)))
                } else {
                    diagnostics.append(invalidReference(inner, at: location))
                    literal += bytes[i...close]
                }
                advance(to: close + 1)
                continue
            }
            literal.append(c)
            advance(to: i + 1)
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

    /// True when `text` has a `${` (a fast scan of its bytes).
    static func hasReference(_ text: String) -> Bool {
        var previousDollar = false
        for byte in text.utf8 {
            if byte == 0x7B, previousDollar { return true }
            previousDollar = byte == 0x24
        }
        return false
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
        var bytes = inner.utf8[...]
        while let b = bytes.first, b == 0x20 || b == 0x09 { bytes = bytes.dropFirst() }
        while let b = bytes.last, b == 0x20 || b == 0x09 { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return nil }
        var path: [String] = []
        var start = bytes.startIndex
        var index = bytes.startIndex
        while true {
            if index == bytes.endIndex || bytes[index] == 0x2E {
                let segment = bytes[start..<index]
                guard isIdentifier(segment) else { return nil }
                path.append(String(decoding: segment, as: UTF8.self))
                if index == bytes.endIndex { return path }
                start = bytes.index(after: index)
            }
            index = bytes.index(after: index)
        }
    }

    private static func isIdentifier(_ bytes: Substring.UTF8View) -> Bool {
        guard let first = bytes.first, isLetter(first) || first == 0x5F else { return false }
        return bytes.dropFirst().allSatisfy { isLetter($0) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x5F || $0 == 0x2D }
    }

    private static func isLetter(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) }

    /// `[A-Za-z_][A-Za-z0-9_-]*`: the names of variables, loop variables and tasks.
    static func isIdentifier(_ text: String) -> Bool { isIdentifier(text[...].utf8) }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
