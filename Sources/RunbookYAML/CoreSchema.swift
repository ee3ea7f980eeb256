import RunbookSupport

extension Node {
    /// Resolves a scalar node by the YAML 1.2 core schema; nil for sequences and mappings.
    ///
    /// Plain scalars without a tag are resolved by their text; quoted and block scalars are strings;
    /// the standard tags `!!str`, `!!null`, `!!bool`, `!!int` and `!!float` force their type
    /// (falling back to the string when the text does not fit); `!` and other tags give the string.
    package var resolvedScalar: ScalarValue? {
        guard let scalar else { return nil }
        switch tag {
        case nil:
            return scalar.isPlain ? CoreSchema.resolve(plain: scalar.text) : .string(scalar.text)
        case "tag:yaml.org,2002:str", "!":
            return .string(scalar.text)
        case "tag:yaml.org,2002:null":
            return CoreSchema.null(scalar.text) ?? (scalar.text.isEmpty ? .null : .string(scalar.text))
        case "tag:yaml.org,2002:bool":
            return CoreSchema.bool(scalar.text) ?? .string(scalar.text)
        case "tag:yaml.org,2002:int":
            return CoreSchema.int(scalar.text) ?? .string(scalar.text)
        case "tag:yaml.org,2002:float":
            if let i = CoreSchema.int(scalar.text) {
                switch i {
                case .int(let n): return .double(Double(n))
                case .bigInt(let digits): return .double(Double(digits) ?? .nan)
                default: return i
                }
            }
            return CoreSchema.float(scalar.text) ?? .string(scalar.text)
        default:
            return .string(scalar.text)
        }
    }
}

/// The YAML 1.2 core schema's resolution of plain scalars (YAML 1.2.2, section 10.3.2).
package enum CoreSchema {
    /// The value of a plain, untagged scalar: null, bool, int, float, or else the string itself.
    package static func resolve(plain text: String) -> ScalarValue {
        // Most plain scalars are words; only these first characters can start a non-string.
        guard let first = text.utf8.first else { return .null }
        switch first {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."):
            return int(text) ?? float(text) ?? .string(text)
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            return null(text) ?? .string(text)
        case UInt8(ascii: "t"), UInt8(ascii: "T"), UInt8(ascii: "f"), UInt8(ascii: "F"):
            return bool(text) ?? .string(text)
        default:
            return .string(text)
        }
    }

    static func null(_ text: String) -> ScalarValue? {
        switch text {
        case "", "~", "null", "Null", "NULL": .null
        default: nil
        }
    }

    static func bool(_ text: String) -> ScalarValue? {
        switch text {
        case "true", "True", "TRUE": .bool(true)
        case "false", "False", "FALSE": .bool(false)
        default: nil
        }
    }

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`; values past `Int` become ``ScalarValue/bigInt(_:)``.
    static func int(_ text: String) -> ScalarValue? {
        let utf8 = text.utf8
        guard let first = utf8.first else { return nil }
        if first == UInt8(ascii: "0"), utf8.count > 2 {
            let marker = utf8[utf8.index(after: utf8.startIndex)]
            if marker == UInt8(ascii: "o") { return radix(utf8.dropFirst(2), 8) }
            if marker == UInt8(ascii: "x") { return radix(utf8.dropFirst(2), 16) }
        }
        var digits = Substring(text).utf8[...]
        let negative = first == UInt8(ascii: "-")
        if negative || first == UInt8(ascii: "+") { digits = digits.dropFirst() }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var value = 0
        var overflow = false
        for d in digits where !overflow {
            let digit = Int(d - 48)
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = negative ? times.subtractingReportingOverflow(digit) : times.addingReportingOverflow(digit)
            value = sum
            overflow = o1 || o2
        }
        if !overflow { return .int(value) }
        var canonical = String(decoding: digits.drop(while: { $0 == 48 }), as: UTF8.self)
        if canonical.isEmpty { canonical = "0" }
        return .bigInt((negative ? "-" : "") + canonical)
    }

    private static func radix(_ digits: Substring.UTF8View.SubSequence, _ radix: Int) -> ScalarValue? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        var overflow = false
        for c in digits {
            let digit: Int
            switch c {
            case 48...57: digit = Int(c - 48)
            case 97...102 where radix == 16: digit = Int(c - 97 + 10)
            case 65...70 where radix == 16: digit = Int(c - 65 + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            if !overflow {
                let (times, o1) = value.multipliedReportingOverflow(by: radix)
                let (sum, o2) = times.addingReportingOverflow(digit)
                value = sum
                overflow = o1 || o2
            }
        }
        if !overflow { return .int(value) }
        return .bigInt(decimalDigits(of: digits, radix: radix))
    }

    /// The decimal digits of a (large) number written in `radix`, by schoolbook long arithmetic.
    private static func decimalDigits(of digits: Substring.UTF8View.SubSequence, radix: Int) -> String {
        var decimal: [Int] = [0]  // least significant digit first
        for c in digits {
            let digit: Int
            switch c {
            case 48...57: digit = Int(c - 48)
            case 97...102: digit = Int(c - 97 + 10)
            default: digit = Int(c - 65 + 10)
            }
            var carry = digit
            for k in decimal.indices {
                let v = decimal[k] * radix + carry
                decimal[k] = v % 10
                carry = v / 10
            }
            while carry > 0 {
                decimal.append(carry % 10)
                carry /= 10
            }
        }
        while decimal.count > 1, decimal.last == 0 { decimal.removeLast() }
        return String(decimal.reversed().map { Character(Unicode.Scalar(UInt8(48 + $0))) })
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
    static func float(_ text: String) -> ScalarValue? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        var u = Substring(text).utf8[...]
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        func skipDigits() -> Int {
            var n = 0
            while let c = u.first, isDigit(c) { u = u.dropFirst(); n += 1 }
            return n
        }
        if let c = u.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { u = u.dropFirst() }
        var mantissaDigits = skipDigits()
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            mantissaDigits += skipDigits()
        }
        guard mantissaDigits > 0 else { return nil }
        if let c = u.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            u = u.dropFirst()
            if let c = u.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { u = u.dropFirst() }
            guard skipDigits() > 0 else { return nil }
        }
        guard u.isEmpty, let d = Double(text) else { return nil }
        return .double(d)
    }
}
