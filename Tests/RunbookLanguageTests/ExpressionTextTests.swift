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

@Suite struct ExpressionTextTests {
    private let start = Location(file: "e.yaml", line: 3, column: 10)

    private func parse(_ text: String, exact: Bool = true) -> (Expr, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let expr = ExpressionText.parse(text, origin: TextOrigin(start: start, isExact: exact), diagnostics: &diagnostics)
        return (expr, diagnostics)
    }

    private func at(_ column: Int) -> Location { SourceLocation(file: "e.yaml", line: 3, column: column) }

    @Test func aWholeReferenceKeepsItsType() {
        let (expr, diagnostics) = parse("${drill.id}")
        #expect(diagnostics.isEmpty)
        #expect(expr.kind == .reference(Reference(path: ["drill", "id"], at: at(10))))
        #expect(expr.evaluate { _ in .scalar(.int(42)) } == .scalar(.int(42)))
    }

    @Test func interpolationSplitsTextAndReferencesWithTheirColumns() {
        let (expr, diagnostics) = parse("cluster ${ standby } of ${env.REGION}!")
        #expect(diagnostics.isEmpty)
        #expect(
            expr.kind
                == .interpolation([
                    .text("cluster "), .reference(Reference(path: ["standby"], at: at(18))), .text(" of "),
                    .reference(Reference(path: ["env", "REGION"], at: at(34))), .text("!"),
                ]))
        let value = expr.evaluate { $0.root == "standby" ? .scalar(.int(6)) : .scalar(.string("sh")) }
        #expect(value == .scalar(.string("cluster 6 of sh!")))
        #expect(expr.evaluate { _ in nil } == nil)
    }

    @Test func dollarDollarBraceIsALiteral() {
        let (expr, diagnostics) = parse("cost $${price} and $5")
        #expect(diagnostics.isEmpty)
        #expect(expr.kind == .literal(.string("cost ${price} and $5")))
        #expect(expr.sourceText == "cost $${price} and $5")
    }

    @Test func malformedReferencesAreLocatedErrors() {
        let (_, bad) = parse("x ${a..b} y")
        #expect(bad.map(\.description) == ["e.yaml:3:12: error: '${a..b}' is not a variable reference: write ${name}, ${name.field} or ${env.NAME}"])
        let (_, open) = parse("x ${a")
        #expect(open.map(\.description) == ["e.yaml:3:12: error: '${' is not closed: write ${name}, or $${ for a literal '${'"])
        let (_, inexact) = parse("x ${}", exact: false)
        #expect(inexact.map(\.location) == [start])
    }

    @Test func originMapsQuotedAndPlainScalars() throws {
        let root = try #require(try YAMLLoader().load("a: ${x}\nb: \"  ${x}\"\nc: 'it''s ${x}'\nd: >\n  ${x}\n", file: "o.yaml"))
        let values = try #require(root.mapping).map(\.value)
        let origins = values.map { TextOrigin(scalar: $0) }
        #expect(origins.map(\.isExact) == [true, true, false, false])
        #expect(origins[0].location(at: 0) == SourceLocation(file: "o.yaml", line: 1, column: 4))
        #expect(origins[1].location(at: 2) == SourceLocation(file: "o.yaml", line: 2, column: 7))
        #expect(origins[2].location(at: 5) == SourceLocation(file: "o.yaml", line: 3, column: 4))
    }

    @Test func identifiers() {
        #expect(ExpressionText.isIdentifier("standby"))
        #expect(ExpressionText.isIdentifier("_x-1"))
        #expect(!ExpressionText.isIdentifier("1x"))
        #expect(!ExpressionText.isIdentifier("a b"))
        #expect(!ExpressionText.isIdentifier(""))
    }
}
