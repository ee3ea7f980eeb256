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

/// The official YAML test suite (a data release), read from `../shared/yaml-test-suite` beside the
/// package root, or from the folder named by the `YAML_TEST_SUITE` environment variable.
package struct YAMLTestSuite {
    package struct Case: Sendable {
        /// The folder name, with the sub-folder for numbered cases: `2G84/01`.
        var id: String
        var folder: URL
        var isError: Bool
        var input: [UInt8]
        /// The expected documents, when the case has an `in.json`.
        var json: [SuiteJSON]?
    }

    /// Where the suite should be: the override, or `../shared/yaml-test-suite` from the package root.
    package static var folder: URL {
        if let override = ProcessInfo.processInfo.environment["YAML_TEST_SUITE"], !override.isEmpty {
            return URL(fileURLWithPath: override)
        }
        return TestFiles.packageRoot.deletingLastPathComponent().appendingPathComponent("shared/yaml-test-suite")
    }

    package static var isPresent: Bool {
        FileManager.default.fileExists(atPath: folder.appendingPathComponent("README.md").path)
    }

    /// Every case, sorted by id.
    package static func cases() throws -> [Case] {
        let fm = FileManager.default
        var found: [Case] = []
        for name in try fm.contentsOfDirectory(atPath: folder.path).sorted() {
            let dir = folder.appendingPathComponent(name)
            if fm.fileExists(atPath: dir.appendingPathComponent("in.yaml").path) {
                found.append(try load(id: name, dir))
            } else if let subs = try? fm.contentsOfDirectory(atPath: dir.path) {
                for sub in subs.sorted() where fm.fileExists(atPath: dir.appendingPathComponent("\(sub)/in.yaml").path) {
                    found.append(try load(id: "\(name)/\(sub)", dir.appendingPathComponent(sub)))
                }
            }
        }
        return found
    }

    private static func load(id: String, _ dir: URL) throws -> Case {
        let fm = FileManager.default
        let input = try Data(contentsOf: dir.appendingPathComponent("in.yaml"))
        var json: [SuiteJSON]?
        let jsonURL = dir.appendingPathComponent("in.json")
        if fm.fileExists(atPath: jsonURL.path) {
            json = try SuiteJSON.parseStream(Data(contentsOf: jsonURL))
        }
        return Case(
            id: id, folder: dir, isError: fm.fileExists(atPath: dir.appendingPathComponent("error").path),
            input: Array(input), json: json)
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
