import RunbookSupport

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
    var scalarCount: Int {
        bytes[bomLength...].reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }

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
        switch firstInvalid(bytes, from: bomLength) {
        case .invalid(let offset, let byte):
            let position = input.position(ofByte: offset)
            return .invalid(Invalid(byte: byte, line: position.line, column: position.column))
        case .valid(let hasOtherBreaks):
            if hasOtherBreaks { input.lineStarts = input.computeLineStarts() }
            return .valid(input)
        }
    }

    private enum Scan {
        case valid(hasOtherBreaks: Bool)
        /// `offset` is where the bad sequence starts; `byte` the byte found wrong.
        case invalid(offset: Int, byte: UInt8)
    }

    /// One pass over the bytes, eight at a time while they are ASCII.
    private static func firstInvalid(_ bytes: [UInt8], from start: Int) -> Scan {
        bytes.withUnsafeBufferPointer { buffer -> Scan in
            guard let base = buffer.baseAddress else { return .valid(hasOtherBreaks: false) }
            let n = buffer.count
            var hasOtherBreaks = false
            var i = start
            while i < n {
                if i + 8 <= n,
                    UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    i += 8
                    continue
                }
                let b = buffer[i]
                if b < 0x80 {
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
                default: return .invalid(offset: i, byte: b)
                }
                guard i + length <= n else { return .invalid(offset: i, byte: b) }
                for k in 1..<length {
                    let c = buffer[i + k]
                    guard c & 0xC0 == 0x80 else { return .invalid(offset: i, byte: c) }
                    scalar = scalar << 6 | UInt32(c & 0x3F)
                }
                if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) {
                    return .invalid(offset: i, byte: b)
                }
                if scalar == 0x85 || scalar == 0x2028 || scalar == 0x2029 { hasOtherBreaks = true }
                i += length
            }
            return .valid(hasOtherBreaks: hasOtherBreaks)
        }
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
