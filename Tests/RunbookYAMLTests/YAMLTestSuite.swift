import Foundation
import RunbookTestSupport
@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport
@testable import RunbookYAML

/// The official YAML test suite (its data release 2022-01-17, MIT licensed), kept in the package
/// as `Tests/RunbookYAMLTests/Suite/yaml-test-suite.json` (written by `Suite/vendor.py` from the
/// suite's folders), so the conformance test always runs.
package struct YAMLTestSuite {
    package struct Case: Sendable {
        /// The folder name, with the sub-folder for numbered cases: `2G84/01`.
        var id: String
        var isError: Bool
        var input: [UInt8]
        /// The expected documents, when the case has an `in.json`.
        var json: [SuiteJSON]?
    }

    private struct Stored: Decodable {
        struct StoredCase: Decodable {
            var id: String
            var input: String
            var error: Bool
            var json: String?
        }
        var cases: [StoredCase]
    }

    /// The vendored suite's file.
    package static let file = TestFiles.url("Tests/RunbookYAMLTests/Suite/yaml-test-suite.json")

    /// Every case, sorted by id.
    package static func cases() throws -> [Case] {
        let stored = try JSONDecoder().decode(Stored.self, from: Data(contentsOf: file))
        return try stored.cases.map { c in
            guard let input = Data(base64Encoded: c.input) else { throw SuiteJSON.Unsupported(description: "\(c.id): bad base64") }
            return Case(
                id: c.id, isError: c.error, input: Array(input), json: try c.json.map { try SuiteJSON.parseStream(Data($0.utf8)) })
        }.sorted { $0.id < $1.id }
    }
}

/// JSON data for comparing loaded YAML with the suite's `in.json`.
package enum SuiteJSON: Equatable, CustomStringConvertible, Sendable {
    case null
    case bool(Bool)
    /// Integers and floats alike, so `1` and `1.0` compare equal.
    case number(Double)
    case string(String)
    case array([SuiteJSON])
    case object([String: SuiteJSON])

    package struct Unsupported: Error, CustomStringConvertible {
        package var description: String
    }

    package var description: String {
        switch self {
        case .null: "null"
        case .bool(let b): "\(b)"
        case .number(let d): "\(d)"
        case .string(let s): "\"\(s)\""
        case .array(let items): "[" + items.map(\.description).joined(separator: ", ") + "]"
        case .object(let members):
            "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ") + "}"
        }
    }

    /// The JSON values written one after another in `data` (one per YAML document).
    package static func parseStream(_ data: Data) throws -> [SuiteJSON] {
        try splitValues(Array(data)).map { slice in
            try SuiteJSON(foundation: JSONSerialization.jsonObject(with: Data(slice), options: .fragmentsAllowed))
        }
    }

    /// Splits concatenated JSON texts at their top-level boundaries.
    package static func splitValues(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var values: [ArraySlice<UInt8>] = []
        var i = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 }
        while i < bytes.count {
            if isSpace(bytes[i]) {
                i += 1
                continue
            }
            let start = i
            let first = bytes[i]
            if first == UInt8(ascii: "{") || first == UInt8(ascii: "[") || first == UInt8(ascii: "\"") {
                // A container or a string: scan to its end, skipping strings and escapes.
                var depth = 0
                var inString = false
                repeat {
                    let c = bytes[i]
                    if inString {
                        if c == UInt8(ascii: "\\") { i += 1 } else if c == UInt8(ascii: "\"") { inString = false }
                    } else if c == UInt8(ascii: "\"") {
                        inString = true
                    } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                        depth += 1
                    } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                        depth -= 1
                    }
                    i += 1
                } while i < bytes.count && (inString || depth > 0)
            } else {
                // A number or a literal: up to the next space.
                while i < bytes.count, !isSpace(bytes[i]) { i += 1 }
            }
            values.append(bytes[start..<i])
        }
        return values
    }

    package init(foundation value: Any) throws {
        switch value {
        case is NSNull:
            self = .null
        case let n as NSNumber:
            if type(of: n) == type(of: NSNumber(value: true)) {
                self = .bool(n.boolValue)
            } else {
                self = .number(n.doubleValue)
            }
        case let s as String:
            self = .string(s)
        case let a as [Any]:
            self = .array(try a.map { try SuiteJSON(foundation: $0) })
        case let o as [String: Any]:
            self = .object(try o.mapValues { try SuiteJSON(foundation: $0) })
        default:
            throw Unsupported(description: "unexpected JSON value \(value)")
        }
    }

    /// The data of a loaded node, through core-schema resolution; mapping keys become their text.
    package init(node: Node) throws {
        switch node.content {
        case .scalar(let scalar):
            switch node.resolvedScalar {
            case .null?, nil: self = .null
            case .bool(let b)?: self = .bool(b)
            case .int(let n)?: self = .number(Double(n))
            case .bigInt(let digits)?: self = .number(Double(digits) ?? .nan)
            case .double(let d)?: self = .number(d)
            case .string?: self = .string(scalar.text)
            }
        case .sequence(let items):
            self = .array(try items.map { try SuiteJSON(node: $0) })
        case .mapping(let pairs):
            var members: [String: SuiteJSON] = [:]
            for pair in pairs {
                guard let key = pair.key.scalar else {
                    throw Unsupported(description: "a \(pair.key.kindDescription) as a key has no JSON form")
                }
                members[key.text] = try SuiteJSON(node: pair.value)
            }
            self = .object(members)
        }
    }
}
