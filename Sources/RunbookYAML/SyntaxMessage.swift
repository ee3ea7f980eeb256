import RunbookSupport

/// Turns libyaml's problem and context into one clear sentence, keeping libyaml's own words for
/// the problem so the message can still be looked up.
enum SyntaxMessage {
    /// Where the construct libyaml names in its context starts.
    enum ContextPlace {
        /// Elsewhere than the reported location: named by line and column.
        case elsewhere(line: Int, column: Int)
        /// At the reported location, which was moved there from the end of the file.
        case here
        /// At the reported location, or not worth naming.
        case omitted
    }

    /// A whole message: the problem, the construct it happened in (when that starts elsewhere),
    /// and a hint for the common mistakes.
    ///
    /// - Parameters:
    ///   - problem: libyaml's problem text.
    ///   - context: libyaml's context text ("while parsing a block mapping"), if any.
    ///   - place: where the construct of `context` starts, relative to the reported location.
    ///   - found: the character at the problem's place, if known.
    static func text(problem: String, context: String?, place: ContextPlace, found: Unicode.Scalar?) -> String {
        var message = problem
        if let construct = context.flatMap({ Self.construct(context: $0, problem: problem) }) {
            switch place {
            case .elsewhere(let line, let column):
                message += " in \(construct) that starts at line \(line), column \(column)"
            case .here:
                message += " in \(construct) that starts here"
            case .omitted:
                break
            }
        }
        if let hint = hint(problem: problem, context: context, found: found) {
            message += hint
        }
        return message
    }

    /// The problems libyaml reports for options written under a phrase that has no colon:
    /// `- retry task` then a more indented `timeout: 5m` (the plain scalar goes on, then meets the
    /// `:`), or the same with a comment after the phrase (the scalar ends, and an item is expected).
    static let phraseOptionProblems: Set<String> = [
        "mapping values are not allowed in this context", "did not find expected '-' indicator",
        "did not find expected key",
    ]

    /// For a sequence item that is a plain scalar (`- retry task`) and the line after it, more
    /// indented than the `-` and of the form `key: value` or `key:`: the scalar's text and its
    /// 1-based column. Nil for anything else.
    static func phraseWithoutColon(item: String, next: String) -> (phrase: String, column: Int)? {
        // A byte-order mark is not counted in columns.
        let line = Array(item.unicodeScalars.drop { $0 == "\u{FEFF}" })
        var i = 0
        while i < line.count, line[i] == " " { i += 1 }
        let dash = i
        guard i + 1 < line.count, line[i] == "-", line[i + 1] == " " || line[i + 1] == "\t" else { return nil }
        i += 1
        while i < line.count, line[i] == " " || line[i] == "\t" { i += 1 }
        let start = i
        var end = line.count
        for k in start..<line.count where line[k] == "#" && k > start && (line[k - 1] == " " || line[k - 1] == "\t") {
            end = k
            break
        }
        var text = String(String.UnicodeScalarView(line[start..<end]))
        while text.last == " " || text.last == "\t" { text.removeLast() }
        // A quoted phrase (`- "retry task"`): its text, when the quotes hold nothing but it.
        if let quote = text.first, quote == "\"" || quote == "'", text.count >= 3, text.last == quote {
            let inner = String(text.dropFirst().dropLast())
            if !inner.contains(quote), !inner.contains("\\") { text = inner }
        }
        guard let first = text.unicodeScalars.first, !"\"'[]{}|>&*!#-%@`?:,".unicodeScalars.contains(first),
            !text.hasSuffix(":"), !text.contains(": "), !text.contains(":\t")
        else { return nil }
        // The next line: `key: value` or `key:`, indented past the `-`.
        let after = Array(next.unicodeScalars)
        var j = 0
        while j < after.count, after[j] == " " { j += 1 }
        guard j > dash, j < after.count, let colon = after[j...].firstIndex(of: ":"), colon > j,
            colon + 1 == after.count || after[colon + 1] == " " || after[colon + 1] == "\t"
        else { return nil }
        let key = after[j..<colon]
        guard !key.contains(where: { "\"'[]{}#&*!|>".unicodeScalars.contains($0) }), key.first != "-" else { return nil }
        return (text, start + 1)
    }

    /// "while parsing a block mapping" -> "the block mapping"; nil when the context adds nothing.
    static func construct(context: String, problem: String) -> String? {
        var words = Substring(context)
        for prefix in ["while parsing ", "while scanning "] where words.hasPrefix(prefix) {
            words = words.dropFirst(prefix.count)
        }
        for article in ["an ", "a "] where words.hasPrefix(article) {
            words = words.dropFirst(article.count)
        }
        switch words {
        case "for the next token": return nil
        case "block collection": return "the block sequence"
        case "simple key": return "the key"
        case "quoted scalar": return "the quoted string"
        case "block node", "flow node": return "the node"
        default: return "the " + words
        }
    }

    private static func hint(problem: String, context: String?, found: Unicode.Scalar?) -> String? {
        switch problem {
        case "mapping values are not allowed in this context":
            return " (quote a value that contains ': ', or check the indentation)"
        case "found character that cannot start any token":
            switch found {
            case "\t": return ": a tab; indent with spaces"
            case "@", "`": return ": '\(found.map(String.init) ?? "")' is reserved in YAML; quote the value"
            case let found?: return ": '\(String(found))'"
            case nil: return nil
            }
        case "did not find expected key" where found == "-":
            return " (a '-' item cannot stand among the keys of a mapping; check the indentation)"
        case "did not find expected key":
            return " (check the indentation of this line)"
        case "did not find expected '-' indicator":
            return " (check the indentation; a sequence's items all start with '-' in the same column)"
        case "found unexpected end of stream" where context?.hasSuffix("quoted scalar") == true:
            return " (the closing quote is missing)"
        case "did not find expected ',' or ']'":
            return " (is a ',' or the closing ']' missing?)"
        case "did not find expected ',' or '}'":
            return " (is a ',' or the closing '}' missing?)"
        case "could not find expected ':'":
            return " (a line in a mapping is 'key: value')"
        case "did not find expected <document start>":
            return " (there is more text after the end of the top-level value)"
        case "found unknown escape character":
            return " (write '\\\\' for a backslash, or use single quotes)"
        case "found undefined tag handle":
            return " (declare the handle with a %TAG directive, or write the tag in full)"
        case "block sequence entries are not allowed in this context":
            return " (a '-' item must start its own line)"
        default:
            return nil
        }
    }
}
