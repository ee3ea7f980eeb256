/// The text of a source file with fast access to its lines, for rendering diagnostics.
public struct SourceText: Sendable {
    /// The path of the file as the user gave it; diagnostics of this file carry the same path.
    public let path: String
    /// The whole text of the file.
    public let text: String
    private let lineStarts: [String.Index]

    /// Indexes the lines of `text`, the contents of the file at `path`. A line ends at `\n`, `\r\n`
    /// or a lone `\r`.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
        var starts: [String.Index] = [text.startIndex]
        var index = text.startIndex
        let scalars = text.unicodeScalars
        while index < text.endIndex {
            let c = scalars[index]
            let next = scalars.index(after: index)
            if c == "\n" {
                starts.append(next)
            } else if c == "\r" {
                if next < text.endIndex, scalars[next] == "\n" {
                    index = next
                    continue
                }
                starts.append(next)
            }
            index = next
        }
        lineStarts = starts
    }

    /// The 1-based line `number` without its line break, or nil when out of range.
    /// A byte-order mark at the start of the text is not part of line 1 (columns do not count it).
    public func line(_ number: Int) -> String? {
        guard number >= 1, number <= lineStarts.count else { return nil }
        var start = lineStarts[number - 1]
        if number == 1, start < text.endIndex, text.unicodeScalars[start] == "\u{FEFF}" {
            start = text.unicodeScalars.index(after: start)
        }
        var end = number < lineStarts.count ? lineStarts[number] : text.endIndex
        let scalars = text.unicodeScalars
        while end > start {
            let before = scalars.index(before: end)
            let c = scalars[before]
            if c == "\n" || c == "\r" { end = before } else { break }
        }
        return String(text.unicodeScalars[start..<end])
    }

    /// `line` with C0 control characters (except tab) and DEL replaced by their visible symbols
    /// from the Control Pictures block (U+2400...U+2421).
    static func visible(_ line: String) -> String {
        guard line.unicodeScalars.contains(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) else {
            return line
        }
        var shown = String.UnicodeScalarView()
        for scalar in line.unicodeScalars {
            if scalar.value < 0x20 && scalar != "\t", let picture = Unicode.Scalar(0x2400 + scalar.value) {
                shown.append(picture)
            } else if scalar.value == 0x7F {
                shown.append("\u{2421}")
            } else {
                shown.append(scalar)
            }
        }
        return String(shown)
    }

    /// A line of spaces (tabs kept, so the caret aligns) with `^` under the 1-based scalar `column`.
    static func caretLine(for line: String, column: Int) -> String {
        var prefix = ""
        var count = 0
        for scalar in line.unicodeScalars {
            if count >= column - 1 { break }
            prefix.unicodeScalars.append(scalar == "\t" ? "\t" : " ")
            count += 1
        }
        if count < column - 1 { prefix += String(repeating: " ", count: column - 1 - count) }
        return prefix + "^"
    }
}
