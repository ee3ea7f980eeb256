import OCPModel
import RunbookSupport
import RunbookYAML

/// A JSON value whose objects keep their keys in the order given, and its writer.
///
/// Used for the JSON Schema and for `runbook check --format json`, where a stable, readable key
/// order matters (the schema is committed and compared byte for byte).
package indirect enum JSONOutput: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONOutput])
    /// Keys in the order written.
    case object([JSONOutputMember])

    /// The same value with `transform` applied to every string in it (keys aside): how secrets
    /// are hidden in a JSON output without touching its syntax.
    package func mappingStrings(_ transform: (String) -> String) -> JSONOutput {
        switch self {
        case .string(let text): .string(transform(text))
        case .array(let items): .array(items.map { $0.mappingStrings(transform) })
        case .object(let members): .object(members.map { JSONOutputMember($0.key, $0.value.mappingStrings(transform)) })
        default: self
        }
    }

    /// Pretty-printed JSON with two-space indentation and a final newline.
    package var prettyText: String {
        var out = ""
        write(into: &out, indent: 0, pretty: true)
        return out + "\n"
    }

    /// JSON on one line, with no spaces.
    package var compactText: String {
        var out = ""
        write(into: &out, indent: 0, pretty: false)
        return out
    }

    private func write(into out: inout String, indent: Int, pretty: Bool) {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        let newline = pretty ? "\n" : ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let n): out += String(n)
        case .double(let d): out += d.isFinite ? String(d) : "null"
        case .string(let s): Self.writeString(s, into: &out)
        case .array(let items):
            guard !items.isEmpty else {
                out += "[]"
                return
            }
            // Short arrays of scalars stay on one line.
            if pretty, items.allSatisfy(\.isScalar), items.count <= 8 {
                out += "[" + items.map(\.compactText).joined(separator: ", ") + "]"
                return
            }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: indent + 1, pretty: pretty)
                out += (i < items.count - 1 ? "," : "") + newline
            }
            out += closePad + "]"
        case .object(let members):
            guard !members.isEmpty else {
                out += "{}"
                return
            }
            out += "{" + newline
            for (i, member) in members.enumerated() {
                out += pad
                Self.writeString(member.key, into: &out)
                out += pretty ? ": " : ":"
                member.value.write(into: &out, indent: indent + 1, pretty: pretty)
                out += (i < members.count - 1 ? "," : "") + newline
            }
            out += closePad + "}"
        }
    }

    private var isScalar: Bool {
        switch self {
        case .array, .object: false
        default: true
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

/// A key and value of a JSON object.
package struct JSONOutputMember: Sendable, Hashable {
    package var key: String
    package var value: JSONOutput

    package init(_ key: String, _ value: JSONOutput) {
        self.key = key
        self.value = value
    }
}

extension JSONOutput: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral
{
    package init(stringLiteral value: String) { self = .string(value) }
    package init(integerLiteral value: Int) { self = .int(value) }
    package init(booleanLiteral value: Bool) { self = .bool(value) }
    package init(arrayLiteral elements: JSONOutput...) { self = .array(elements) }
}

extension JSONOutput: ExpressibleByDictionaryLiteral {
    /// An object with the keys in the order written.
    package init(dictionaryLiteral elements: (String, JSONOutput)...) {
        self = .object(elements.map { JSONOutputMember($0.0, $0.1) })
    }
}

extension JSONOutput: ExpressibleByStringInterpolation {
    package init(stringInterpolation: DefaultStringInterpolation) {
        self = .string(String(stringInterpolation: stringInterpolation))
    }
}
