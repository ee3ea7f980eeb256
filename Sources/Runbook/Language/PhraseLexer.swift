/// A token of a phrase: a word, a number, a `${...}` reference or a double-quoted name.
struct PhraseToken: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        /// `[A-Za-z_][A-Za-z0-9_-]*`: a keyword or a name.
        case word
        /// Decimal digits: a cluster or task id.
        case number
        /// `${...}`, braces included.
        case reference
        /// `"..."`: ``PhraseToken/text`` is the name without quotes, `\"` and `\\` unescaped.
        case quoted
    }

    var kind: Kind
    /// The word, the digits, the whole `${...}`, or the quoted name's content.
    var text: String
    /// The token as written.
    var source: String
    /// Offset of the token's first character in the phrase, in Unicode scalars.
    var offset: Int

    static func word(_ text: String, offset: Int = 0) -> PhraseToken {
        PhraseToken(kind: .word, text: text, source: text, offset: offset)
    }
}

/// A phrase that cannot be split into tokens.
struct PhraseLexError: Error, Sendable {
    var message: String
    var offset: Int
}

/// Splits a phrase into tokens separated by spaces or tabs.
enum PhraseLexer {
    static func tokenize(_ text: String) -> Result<[PhraseToken], PhraseLexError> {
        let scalars = Array(text.unicodeScalars)
        var tokens: [PhraseToken] = []
        var i = 0
        func string(_ range: Range<Int>) -> String { String(String.UnicodeScalarView(scalars[range])) }
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" {
                i += 1
                continue
            }
            let start = i
            if c == "\"" {
                var name = ""
                i += 1
                var closed = false
                while i < scalars.count {
                    let d = scalars[i]
                    if d == "\\", i + 1 < scalars.count, scalars[i + 1] == "\"" || scalars[i + 1] == "\\" {
                        name.unicodeScalars.append(scalars[i + 1])
                        i += 2
                    } else if d == "\"" {
                        closed = true
                        i += 1
                        break
                    } else {
                        name.unicodeScalars.append(d)
                        i += 1
                    }
                }
                guard closed else {
                    return .failure(PhraseLexError(message: "the quoted name is not closed with '\"'", offset: start))
                }
                tokens.append(PhraseToken(kind: .quoted, text: name, source: string(start..<i), offset: start))
            } else if c == "$", i + 1 < scalars.count, scalars[i + 1] == "{" {
                guard let close = scalars[(i + 2)...].firstIndex(of: "}") else {
                    return .failure(PhraseLexError(message: "'${' is not closed with '}'", offset: start))
                }
                i = close + 1
                let source = string(start..<i)
                tokens.append(PhraseToken(kind: .reference, text: source, source: source, offset: start))
            } else if c.isASCIILetter || c.isASCIIDigit || c == "_" {
                while i < scalars.count,
                    scalars[i].isASCIILetter || scalars[i].isASCIIDigit || scalars[i] == "_" || scalars[i] == "-"
                {
                    i += 1
                }
                let word = string(start..<i)
                if word.unicodeScalars.allSatisfy(\.isASCIIDigit) {
                    tokens.append(PhraseToken(kind: .number, text: word, source: word, offset: start))
                } else if c.isASCIIDigit {
                    return .failure(
                        PhraseLexError(message: "'\(word)' is neither a number nor a word", offset: start))
                } else {
                    tokens.append(PhraseToken(kind: .word, text: word, source: word, offset: start))
                }
            } else {
                return .failure(PhraseLexError(message: "unexpected character '\(Character(c))'", offset: start))
            }
        }
        return .success(tokens)
    }
}
