import Foundation
import RunbookTestSupport
import Testing
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

/// The loader against the official YAML test suite: no case crashes or hangs, invalid cases are
/// rejected with a location, valid cases load to the data of their `in.json`. Where libyaml
/// deviates from the suite, the case is listed in docs/yaml-conformance.md, and this test keeps
/// that list true in both directions.
@Suite
struct YAMLConformanceTests {
    /// Outcomes of one case that count as a deviation.
    enum Deviation: String, CaseIterable, Sendable {
        /// An `error` case that the loader accepts.
        case acceptsInvalid = "accepts-invalid"
        /// A valid case that the loader rejects.
        case rejectsValid = "rejects-valid"
        /// A valid case that loads to data other than its `in.json`.
        case wrongData = "wrong-data"
    }

    struct Outcome: Sendable {
        var id: String
        var deviation: Deviation?
        var detail: String
    }

    /// Measured on libyaml 0.2.5; a regression lowers a count and fails.
    static let rejectedInvalidFloor = 78
    static let loadedValidFloor = 256
    static let matchingJSONFloor = 234

    static func run(_ c: YAMLTestSuite.Case) -> Outcome {
        var options = YAMLLoader.Options()
        options.allowsMultipleDocuments = true
        var deviation: Deviation?
        var detail = ""
        do throws(Diagnostic) {
            let documents = try YAMLLoader(options: options).loadAll(bytes: c.input, file: "in.yaml")
            if c.isError {
                deviation = .acceptsInvalid
                detail = "loaded \(documents.count) document(s)"
            } else if let expected = c.json {
                do {
                    let actual = try documents.map { try SuiteJSON(node: $0) }
                    if actual != expected {
                        deviation = .wrongData
                        detail = "got \(actual), expected \(expected)"
                    }
                } catch {
                    deviation = .wrongData
                    detail = "\(error)"
                }
            }
        } catch {
            detail = error.description
            if !c.isError { deviation = .rejectsValid }
        }
        return Outcome(id: c.id, deviation: deviation, detail: detail)
    }

    /// The deviations listed in docs/yaml-conformance.md: rows `| \`ID\` | kind | reason |`.
    static func documentedDeviations() throws -> [String: Deviation] {
        let doc = try String(
            contentsOf: TestFiles.packageRoot.appendingPathComponent("docs/yaml-conformance.md"), encoding: .utf8)
        var listed: [String: Deviation] = [:]
        for line in doc.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 2, let kind = Deviation(rawValue: cells[1]) else { continue }
            listed[cells[0].trimmingCharacters(in: CharacterSet(charactersIn: "`"))] = kind
        }
        return listed
    }

    @Test func everyCaseMatchesTheSuiteOrIsADocumentedDeviation() throws {
        let cases = try YAMLTestSuite.cases()
        #expect(cases.count >= 400, "the suite should hold 402 cases; found \(cases.count)")
        let outcomes = cases.map(Self.run)

        let documented = try Self.documentedDeviations()
        var measured: [String: Deviation] = [:]
        for outcome in outcomes {
            guard let deviation = outcome.deviation else { continue }
            measured[outcome.id] = deviation
            #expect(
                documented[outcome.id] == deviation,
                "\(outcome.id): \(deviation.rawValue) is not listed in docs/yaml-conformance.md: \(outcome.detail)")
        }
        for (id, deviation) in documented where measured[id] != deviation {
            #expect(Bool(false), "\(id) is listed as \(deviation.rawValue) in docs/yaml-conformance.md but now passes")
        }

        let byID = Dictionary(uniqueKeysWithValues: cases.map { ($0.id, $0) })
        let rejected = outcomes.filter { byID[$0.id]?.isError == true && $0.deviation == nil }.count
        let loaded = outcomes.filter { byID[$0.id]?.isError == false && $0.deviation != .rejectsValid }.count
        let matching = outcomes.filter { byID[$0.id]?.json != nil && byID[$0.id]?.isError == false && $0.deviation == nil }
            .count
        let invalid = cases.filter(\.isError).count
        let withJSON = cases.filter { !$0.isError && $0.json != nil }.count
        print(
            "YAML test suite: \(rejected) of \(invalid) invalid cases rejected, \(loaded) of \(cases.count - invalid)"
                + " valid cases loaded, \(matching) of \(withJSON) equal to in.json")
        #expect(rejected >= Self.rejectedInvalidFloor, "invalid cases rejected: \(rejected)")
        #expect(loaded >= Self.loadedValidFloor, "valid cases loaded: \(loaded)")
        #expect(matching >= Self.matchingJSONFloor, "valid cases equal to in.json: \(matching)")
    }

    /// Every rejection carries a location inside the input (or just past its end).
    @Test func rejectionsAreLocatedInsideTheInput() throws {
        var options = YAMLLoader.Options()
        options.allowsMultipleDocuments = true
        for c in try YAMLTestSuite.cases() where c.isError {
            do throws(Diagnostic) {
                _ = try YAMLLoader(options: options).loadAll(bytes: c.input, file: "in.yaml")
            } catch {
                let source = SourceText(path: "in.yaml", text: String(decoding: c.input, as: UTF8.self))
                let line = source.line(error.location.line)
                #expect(line != nil, "\(c.id): line \(error.location.line) is outside the input")
                if let line {
                    #expect(
                        error.location.column >= 1 && error.location.column <= line.unicodeScalars.count + 1,
                        "\(c.id): column \(error.location.column) is outside line \(error.location.line)")
                }
            }
        }
    }

    /// Without the multi-document option, a stream of several documents is refused at the second.
    @Test func singleDocumentRuleRefusesMultiDocumentCases() throws {
        var allowing = YAMLLoader.Options()
        allowing.allowsMultipleDocuments = true
        var refused = 0
        for c in try YAMLTestSuite.cases() where !c.isError {
            guard let all = try? YAMLLoader(options: allowing).loadAll(bytes: c.input, file: "in.yaml") else { continue }
            do throws(Diagnostic) {
                let single = try YAMLLoader().loadAll(bytes: c.input, file: "in.yaml")
                #expect(all.count <= 1, "\(c.id): \(all.count) documents loaded without the option")
                #expect(single.count == all.count)
            } catch {
                #expect(all.count > 1, "\(c.id): refused without the option: \(error)")
                #expect(error.id == "yaml.multiple-documents")
                refused += 1
            }
        }
        #expect(refused >= 14, "multi-document cases refused: \(refused)")
    }
}
