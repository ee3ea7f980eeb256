/// The loader's input after its UTF-8 check, with the positions libyaml's marks need.
///
/// libyaml counts lines and columns in characters, as we do, but it also breaks lines at NEL,
/// LS and PS (U+0085, U+2028, U+2029), which YAML 1.2 and ``SourceText`` treat as content. When
/// the input holds one of those, marks are translated from their character index instead.
struct InputText {
    enum Check {
        case valid(InputText)
        case invalid(Invalid)
    }

    struct Invalid {
        var byte: UInt8
        var line: Int
        var column: Int
    }

    let bytes: [UInt8]
    /// 3 when the input starts with a UTF-8 byte-order mark (libyaml skips it), else 0.
    let bomLength: Int
    /// Character index of each line's start, only when libyaml's line breaks differ from ours.
    private(set) var lineStarts: [Int]?
    /// The number of Unicode scalars after the byte-order mark (libyaml's index at the end).
    private(set) var scalarCount = 0

    private init(bytes: [UInt8], bomLength: Int) {
        self.bytes = bytes
        self.bomLength = bomLength
    }

    // MARK: - UTF-8 validation

    /// Validates `bytes` as UTF-8; an invalid input gives the first bad byte and its position
    /// (line breaks `\n`, `\r\n` and `\r`; columns in scalars).
    static func check(_ bytes: [UInt8]) -> Check {
        let bomLength = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0
        var input = InputText(bytes: bytes, bomLength: bomLength)
        var hasOtherBreaks = false
        var i = bomLength
        var line = 1
        var column = 1
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0x0A || (b == 0x0D && (i + 1 >= n || bytes[i + 1] != 0x0A)) {
                    line += 1
                    column = 1
                } else if b != 0x0D {
                    column += 1
                }
                i += 1
                continue
            }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch b {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(b & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(b & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(b & 0x07)
            default: return .invalid(Invalid(byte: b, line: line, column: column))
            }
            guard i + length <= n else { return .invalid(Invalid(byte: b, line: line, column: column)) }
            for k in 1..<length {
                let c = bytes[i + k]
                guard c & 0xC0 == 0x80 else { return .invalid(Invalid(byte: c, line: line, column: column)) }
                scalar = scalar << 6 | UInt32(c & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                return .invalid(Invalid(byte: b, line: line, column: column))
            }
            if scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029 { hasOtherBreaks = true }
            column += 1
            i += length
        }
        if hasOtherBreaks { input.lineStarts = input.computeLineStarts() }
        input.scalarCount = bytes[bomLength...].reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
        return .valid(input)
    }

    /// The character index (after the byte-order mark) at which each line starts.
    private func computeLineStarts() -> [Int] {
        var starts = [0]
        var index = 0
        var i = bomLength
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            i += 1
            if b & 0xC0 == 0x80 { continue }
            index += 1
            if b == 0x0A || (b == 0x0D && (i >= n || bytes[i] != 0x0A)) { starts.append(index) }
        }
        return starts
    }

    // MARK: - Positions

    /// Our line and column for a libyaml mark, given its character index and its own line and column
    /// (all 0-based).
    func position(index: Int, line: Int, column: Int) -> (line: Int, column: Int) {
        guard let lineStarts else { return (line + 1, column + 1) }
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= index { low = mid } else { high = mid - 1 }
        }
        return (low + 1, index - lineStarts[low] + 1)
    }

    /// The line and column of a byte offset (counted from the first byte, byte-order mark included).
    func position(ofByte offset: Int) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        var i = bomLength
        let end = min(offset, bytes.count)
        while i < end {
            let b = bytes[i]
            if b == 0x0A || (b == 0x0D && (i + 1 >= bytes.count || bytes[i + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 && b != 0x0D {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    /// The Unicode scalar at a libyaml character index, if the index is inside the input.
    func scalar(atIndex index: Int) -> Unicode.Scalar? {
        var count = 0
        var i = bomLength
        while i < bytes.count, count < index {
            i += 1
            while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
            count += 1
        }
        guard i < bytes.count else { return nil }
        var end = i + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return String(decoding: bytes[i..<end], as: UTF8.self).unicodeScalars.first
    }
}
