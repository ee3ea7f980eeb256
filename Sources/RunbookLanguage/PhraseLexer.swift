import OCPModel
import RunbookSupport
import RunbookYAML

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
///
/// It works on UTF-8 bytes (phrase words are ASCII) and counts Unicode scalars for the offsets,
/// so a quoted name may hold any text.
enum PhraseLexer {
    static func tokenize(_ text: String) -> Result<[PhraseToken], PhraseLexError> {
        var bytes = Array(text.utf8)
        bytes.append(0)  // a sentinel, so a look-ahead never runs past the end
        let end = bytes.count - 1
        var tokens: [PhraseToken] = []
        tokens.reserveCapacity(6)
        var i = 0
        var scalar = 0  // the scalar offset of byte i
        func string(_ from: Int, _ to: Int) -> String { String(decoding: bytes[from..<to], as: UTF8.self) }
        func isWordByte(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || (b >= 0x30 && b <= 0x39) || b == 0x5F || b == 0x2D
        }
        /// Moves to byte `to`, counting the scalars passed.
        func advance(to: Int) {
            while i < to {
                if bytes[i] & 0xC0 != 0x80 { scalar += 1 }
                i += 1
            }
        }
        while i < end {
            let c = bytes[i]
            if c == 0x20 || c == 0x09 {
                advance(to: i + 1)
                continue
            }
            let start = i
            let offset = scalar
            if c == 0x22 {  // "
                var name: [UInt8] = []
                var j = i + 1
                var closed = false
                while j < end {
                    let d = bytes[j]
                    if d == 0x5C, bytes[j + 1] == 0x22 || bytes[j + 1] == 0x5C {
                        name.append(bytes[j + 1])
                        j += 2
                    } else if d == 0x22 {
                        closed = true
                        j += 1
                        break
                    } else {
                        name.append(d)
                        j += 1
                    }
                }
                guard closed else {
                    return .failure(PhraseLexError(message: "the quoted name is not closed with '\"'", offset: offset))
                }
                advance(to: j)
                tokens.append(
                    PhraseToken(kind: .quoted, text: String(decoding: name, as: UTF8.self), source: string(start, j), offset: offset))
            } else if c == 0x24, bytes[i + 1] == 0x7B {  // ${
                guard let close = bytes[(i + 2)..<end].firstIndex(of: 0x7D) else {
                    return .failure(PhraseLexError(message: "'${' is not closed with '}'", offset: offset))
                }
                advance(to: close + 1)
                let source = string(start, close + 1)
                tokens.append(PhraseToken(kind: .reference, text: source, source: source, offset: offset))
            } else if isWordByte(c), c != 0x2D {
                var j = i
                var allDigits = true
                while isWordByte(bytes[j]) {
                    if bytes[j] < 0x30 || bytes[j] > 0x39 { allDigits = false }
                    j += 1
                }
                advance(to: j)
                let word = string(start, j)
                if allDigits {
                    tokens.append(PhraseToken(kind: .number, text: word, source: word, offset: offset))
                } else if c >= 0x30 && c <= 0x39 {
                    return .failure(PhraseLexError(message: "'\(word)' is neither a number nor a word", offset: offset))
                } else {
                    tokens.append(PhraseToken(kind: .word, text: word, source: word, offset: offset))
                }
            } else {
                let character = text.unicodeScalars.dropFirst(offset).first.map { String(Character($0)) } ?? "?"
                return .failure(PhraseLexError(message: "unexpected character '\(character)'", offset: offset))
            }
        }
        return .success(tokens)
    }
}
