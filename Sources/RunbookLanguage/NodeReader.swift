import OCPModel
import RunbookSupport
import RunbookYAML

/// Reads typed values out of YAML nodes, collecting a located diagnostic for each problem
/// instead of stopping at the first.
struct NodeReader {
    var diagnostics: [Diagnostic] = []

    mutating func error(_ id: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(.error(id, message, at: location))
    }

    mutating func warning(_ id: String, _ message: String, at location: SourceLocation) {
        diagnostics.append(.warning(id, message, at: location))
    }

    /// "a number", "a string", "a boolean", "null", "a sequence", "a mapping".
    static func kind(of node: Node) -> String {
        switch node.content {
        case .scalar: value(node)?.kindDescription ?? "a scalar"
        case .sequence: "a sequence"
        case .mapping: "a mapping"
        }
    }

    static func isNull(_ node: Node) -> Bool { value(node) == .null }

    /// ``Node/resolvedScalar``, with a fast path for the common case: an untagged plain scalar that
    /// does not start like a number and is not a null or boolean word can only be a string.
    static func value(_ node: Node) -> ScalarValue? {
        guard case .scalar(let scalar) = node.content else { return nil }
        if node.tag == nil, scalar.style == .plain, let first = scalar.text.utf8.first {
            switch first {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                // Digits only: a decimal integer. Digits then a letter other than a number's
                // (`10s`, `1h30m`): a string. Anything else goes to the core schema.
                var digitsOnly = true
                for byte in scalar.text.utf8 where !(byte >= 0x30 && byte <= 0x39) {
                    digitsOnly = false
                    switch byte {
                    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                        switch byte {
                        case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "x"), UInt8(ascii: "o"), UInt8(ascii: "a"),
                            UInt8(ascii: "b"), UInt8(ascii: "c"), UInt8(ascii: "d"), UInt8(ascii: "f"), UInt8(ascii: "A"),
                            UInt8(ascii: "B"), UInt8(ascii: "C"), UInt8(ascii: "D"), UInt8(ascii: "F"):
                            break
                        default:
                            return .string(scalar.text)
                        }
                    default:
                        break
                    }
                }
                if digitsOnly, scalar.text.utf8.count < 19, let n = Int(scalar.text) { return .int(n) }
            case UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "~"):
                break
            case UInt8(ascii: "n"), UInt8(ascii: "N"), UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"),
                UInt8(ascii: "F"):
                // Only `null`, `true` and `false` (in three spellings each) are not strings.
                let count = scalar.text.utf8.count
                if count != 4 && count != 5 { return .string(scalar.text) }
            default:
                return .string(scalar.text)
            }
        }
        return node.resolvedScalar
    }

    /// Diagnostics about other files (the command line) first, then by line and column; ties keep
    /// their order.
    static func ordered(_ diagnostics: [Diagnostic], file: String) -> [Diagnostic] {
        diagnostics.enumerated().sorted { a, b in
            let ka = (a.element.location.file == file ? 1 : 0, a.element.location.line, a.element.location.column, a.offset)
            let kb = (b.element.location.file == file ? 1 : 0, b.element.location.line, b.element.location.column, b.offset)
            return ka < kb
        }.map(\.element)
    }

    /// Reports that `what` should be `expected`: "'runbook' needs a string" for an empty value,
    /// else "'runbook' must be a string, not a sequence".
    mutating func wrongType(_ what: String, expected: String, node: Node, id: String = "value.type") {
        // Quoted once: a caller may pass a name it quoted already.
        let name = what.hasPrefix("'") && what.hasSuffix("'") && what.count > 1 ? what : "'\(what)'"
        if Self.isNull(node) {
            error(id, "\(name) needs \(expected)", at: node.location)
        } else {
            error(id, "\(name) must be \(expected), not \(Self.kind(of: node))", at: node.location)
        }
    }

    // MARK: - Mappings

    /// The pairs of a mapping, keyed by their text; reports a non-mapping, non-string keys and keys
    /// not in `allowed` (with a suggestion). Duplicate keys were already refused by the YAML loader.
    mutating func fields(
        _ node: Node, what: @autoclosure () -> String, allowed: [String], unknownID: String = "key.unknown",
        noun: String = "key"
    ) -> [(key: String, keyNode: Node, value: Node)]? {
        guard let pairs = node.mapping else {
            wrongType(what(), expected: "a mapping", node: node)
            return nil
        }
        var out: [(key: String, keyNode: Node, value: Node)] = []
        out.reserveCapacity(pairs.count)
        for pair in pairs {
            guard let key = keyText(pair.key) else { continue }
            guard allowed.contains(key) else {
                error(
                    unknownID, "unknown \(noun) '\(key)' in \(what())" + Suggestion.didYouMean(key, among: allowed),
                    at: pair.key.location)
                continue
            }
            out.append((key, pair.key, pair.value))
        }
        return out
    }

    /// A mapping key's text; reports a key that is not a string scalar.
    mutating func keyText(_ key: Node) -> String? {
        guard let scalar = key.scalar, case .string = Self.value(key) ?? .null else {
            error("key.type", "a key here must be a word, not \(Self.kind(of: key))", at: key.location)
            return nil
        }
        return scalar.text
    }

    // MARK: - Scalars

    /// A string scalar (a number or boolean written plain is taken as its text when `lenient`).
    mutating func string(_ node: Node, what: String, lenient: Bool = false) -> String? {
        guard let scalar = node.scalar, let value = Self.value(node) else {
            wrongType(what, expected: "a string", node: node)
            return nil
        }
        switch value {
        case .string: return scalar.text
        case .int, .bigInt, .double, .bool:
            if lenient { return scalar.text }
            wrongType(what, expected: "a string", node: node)
            return nil
        case .null:
            wrongType(what, expected: "a string", node: node)
            return nil
        }
    }

    /// An integer at least `minimum`. A whole number past `Int`'s range, or one written with a
    /// fraction or an exponent (`2.5`, `1e30`), is reported, never converted.
    mutating func integer(
        _ node: Node, what: String, minimum: Int? = nil, maximum: Int? = nil, id: String = "value.type"
    ) -> Int? {
        let expected = minimum == 1 ? "a whole number of at least 1" : "a whole number"
        switch Self.value(node) {
        case .int(let n)?:
            if let minimum, n < minimum {
                error("value.range", "'\(what)' must be at least \(minimum), not \(n)", at: node.location)
                return nil
            }
            if let maximum, n > maximum {
                error("value.range", "'\(what)' must be at most \(maximum), not \(n)", at: node.location)
                return nil
            }
            return n
        case .bigInt(let digits)?:
            error("value.range", Self.outOfRangeMessage(what, digits: digits, minimum: minimum), at: node.location)
            return nil
        case .double(let d)?:
            let written = node.scalar?.text ?? String(d)
            let how = d.isFinite && d == d.rounded() ? ", written in digits," : ","
            error(id, "'\(what)' must be \(expected)\(how) not \(written)", at: node.location)
            return nil
        default:
            wrongType(what, expected: expected, node: node, id: id)
            return nil
        }
    }

    /// "'runTime' is 99999999999999999999, past the largest whole number a runbook holds (9223372036854775807)".
    static func outOfRangeMessage(_ what: String, digits: String, minimum: Int?) -> String {
        if digits.hasPrefix("-") {
            return "'\(what)' must be at least \(minimum ?? Int.min), not \(digits)"
        }
        return "'\(what)' is \(digits), past the largest whole number a runbook holds (\(Int.max))"
    }

    mutating func bool(_ node: Node, what: String) -> Bool? {
        guard case .bool(let b) = Self.value(node) else {
            if node.scalar?.isPlain == true, case .string(let text)? = Self.value(node),
                ["yes", "no", "on", "off", "y", "n"].contains(text.lowercased())
            {
                error(
                    "value.type", "'\(what)' must be true or false; '\(text)' is text in YAML 1.2", at: node.location)
                return nil
            }
            wrongType(what, expected: "true or false", node: node)
            return nil
        }
        return b
    }

    /// Durations already parsed, by text: a long runbook repeats the same few.
    private var durations: [String: Duration] = [:]

    /// A fixed duration (no `${...}`): a duration text or a number of seconds.
    mutating func fixedDuration(_ node: Node, what: String) -> Duration? {
        guard let value = Self.value(node), node.scalar != nil, value != .null else {
            wrongType(what, expected: "a duration such as 30s or 5m", node: node, id: "duration.invalid")
            return nil
        }
        if case .string(let text) = value, let known = durations[text] { return known }
        var reading = DurationValue.reading(from: .scalar(value))
        if case .double = value, reading == .duration(.zero), let text = node.scalar?.text,
            DurationText.read(text) == .tooShort
        {
            reading = .tooShort  // `1e-400`: above zero, but below Double's range
        }
        if let duration = reading.duration {
            if case .string(let text) = value { durations[text] = duration }
            return duration
        }
        error("duration.invalid", DurationValue.message(reading, written: node.scalar?.text ?? value.text), at: node.location)
        return nil
    }

    /// The message for a text that is not a duration, with a correction when a common one fits.
    static func badDurationMessage(_ text: String) -> String {
        var message = "'\(text)' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m"
        if let fixed = durationCorrection(text) { message += "; did you mean '\(fixed)'?" }
        return message
    }

    /// `5 min` -> `5m`, `30 secs` -> `30s`, `2 hours` -> `2h`, `-5m` -> nil.
    static func durationCorrection(_ text: String) -> String? {
        var t = text.lowercased().filter { $0 != " " }
        for (long, short) in [
            ("milliseconds", "ms"), ("millisecond", "ms"), ("millis", "ms"), ("minutes", "m"), ("minute", "m"),
            ("mins", "m"), ("min", "m"), ("seconds", "s"), ("second", "s"), ("secs", "s"), ("sec", "s"),
            ("hours", "h"), ("hour", "h"), ("hrs", "h"), ("hr", "h"),
        ] {
            t = t.replacing(long, with: short)
        }
        guard t != text, DurationText.parse(t) != nil else { return nil }
        return t
    }

    /// An OCP word (status or type) in capitals; reports unknown words with a suggestion.
    /// A word of `set` (an alias gives its OCP word), or a diagnostic saying what is expected,
    /// with a "did you mean" when a word is close.
    mutating func word(_ node: Node, _ set: WordSet, what: String? = nil) -> WrittenWord? {
        let label = what ?? set.kind
        guard let scalar = node.scalar, case .string = Self.value(node) ?? .null else {
            wrongType(label, expected: "a \(set.kind) (\(set.spellingList))", node: node, id: "word.unknown")
            return nil
        }
        if let word = set.word(written: scalar.text) {
            return WrittenWord(word: word, written: scalar.text, location: node.location)
        }
        if ExpressionText.hasReference(scalar.text) {
            error(
                "word.expression", "a \(set.kind) is written as a word (\(set.spellingList)), not '\(scalar.text)'",
                at: node.location)
            return nil
        }
        let suggestion = Suggestion.closest(to: scalar.text, among: set.spellings)
        let message =
            suggestion.map { "unknown \(set.kind) '\(scalar.text)'; did you mean '\($0)'?" }
            ?? "unknown \(set.kind) '\(scalar.text)': expected \(set.spellingList)"
        error("word.unknown", message, at: node.location)
        return nil
    }

    /// A word of `W`'s vocabulary, as its type.
    mutating func word<W: VocabularyWord>(_ node: Node, _ type: W.Type) -> W? {
        word(node, WordSet(type)).map { W(rawValue: $0.word) }
    }

    /// `A`, `A or B`, `A, B or C` (or with "and").
    static func listing(_ words: [String], conjunction: String = "or") -> String {
        guard let last = words.last else { return "" }
        if words.count == 1 { return last }
        return words.dropLast().joined(separator: ", ") + " \(conjunction) " + last
    }
}
