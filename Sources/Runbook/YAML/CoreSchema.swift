/// A scalar resolved by the YAML 1.2 core schema.
public enum ScalarValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// An integer too large for `Int`, kept as its canonical decimal digits.
    case bigInt(String)
    case double(Double)
    case string(String)
}

extension Node {
    /// Resolves a scalar node by the YAML 1.2 core schema; nil for sequences and mappings.
    ///
    /// Plain scalars without a tag are resolved by their text; quoted and block scalars are strings;
    /// the standard tags `!!str`, `!!null`, `!!bool`, `!!int` and `!!float` force their type
    /// (falling back to the string when the text does not fit); `!` and other tags give the string.
    public var resolvedScalar: ScalarValue? {
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
public enum CoreSchema {
    public static func resolve(plain text: String) -> ScalarValue {
        if let v = null(text) { return v }
        if let v = bool(text) { return v }
        if let v = int(text) { return v }
        if let v = float(text) { return v }
        return .string(text)
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

    /// `[-+]?[0-9]+`, `0o[0-7]+`, `0x[0-9a-fA-F]+`.
    static func int(_ text: String) -> ScalarValue? {
        let utf8 = Array(text.utf8)
        guard !utf8.isEmpty else { return nil }
        if utf8.count > 2, utf8[0] == UInt8(ascii: "0") {
            if utf8[1] == UInt8(ascii: "o") {
                return radix(utf8[2...], 8, text)
            }
            if utf8[1] == UInt8(ascii: "x") {
                return radix(utf8[2...], 16, text)
            }
        }
        var digits = utf8[...]
        var negative = false
        if let first = digits.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") {
            negative = first == UInt8(ascii: "-")
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        if let n = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) { return .int(n) }
        var canonical = String(decoding: digits.drop(while: { $0 == 48 }), as: UTF8.self)
        if canonical.isEmpty { canonical = "0" }
        return .bigInt((negative ? "-" : "") + canonical)
    }

    private static func radix(_ digits: ArraySlice<UInt8>, _ radix: Int, _ text: String) -> ScalarValue? {
        let body = String(decoding: digits, as: UTF8.self)
        guard body.utf8.allSatisfy({ Int(String(UnicodeScalar($0)), radix: radix) != nil }) else { return nil }
        if let n = Int(body, radix: radix) { return .int(n) }
        return .bigInt(text)
    }

    /// `[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?`, `[-+]?\.(inf|Inf|INF)`, `\.(nan|NaN|NAN)`.
    static func float(_ text: String) -> ScalarValue? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .double(.infinity)
        case "-.inf", "-.Inf", "-.INF": return .double(-.infinity)
        case ".nan", ".NaN", ".NAN": return .double(.nan)
        default: break
        }
        let u = Array(text.utf8)
        var i = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
        var mantissaDigits = 0
        while i < u.count, isDigit(u[i]) { i += 1; mantissaDigits += 1 }
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            while i < u.count, isDigit(u[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if i < u.count, u[i] == UInt8(ascii: "e") || u[i] == UInt8(ascii: "E") {
            i += 1
            if i < u.count, u[i] == UInt8(ascii: "-") || u[i] == UInt8(ascii: "+") { i += 1 }
            var exponentDigits = 0
            while i < u.count, isDigit(u[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == u.count, let d = Double(text) else { return nil }
        return .double(d)
    }
}
