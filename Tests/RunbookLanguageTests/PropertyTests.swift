import PropertyBased
import RunbookTestSupport
import Testing
@testable import OCPModel
@testable import RunbookLanguage
@testable import RunbookSupport
@testable import RunbookYAML

/// Properties over generated input: the checker never traps on runbook texts made of the
/// grammar's words, random YAML scalars and random step shapes, and every diagnostic it gives is
/// located inside the text; `${...}` parsing never traps and keeps its locations inside the text.
@Suite struct PropertyTests {
    // MARK: - Generated runbooks

    /// Builds a runbook text from a list of choices (the generator's value, which shrinks to a
    /// shorter list and smaller numbers): each choice picks the next element.
    struct RunbookBuilder {
        var choices: [Int]
        var next = 0
        var lines: [String] = []

        init(_ choices: [Int]) { self.choices = choices }

        /// The next choice, in `0..<count` (every index is taken modulo the count: always in bounds).
        mutating func choose(_ count: Int) -> Int {
            defer { next += 1 }
            guard !choices.isEmpty, count > 0 else { return 0 }
            let choice = choices[next % choices.count] % count
            return choice < 0 ? choice + count : choice
        }

        mutating func pick(_ items: [String]) -> String { items[choose(items.count)] }

        /// YAML scalars that have tripped numeric conversions, and ordinary ones.
        static let scalars = [
            "6", "0", "-1", "-0", "1", "2", "99999999999999999999", "-99999999999999999999", "9223372036854775807",
            "9223372036854775808", "0x7FFFFFFFFFFFFFFF", "0xFFFFFFFFFFFFFFFFFF", "0o777", "1e20", "1e300", "1e400",
            "1e-400", "9e18", "1e30", ".inf", "-.inf", ".nan", "1.5", "2.5", "-0.0", "0.0000001", "30s", "1.5s", "1h30m",
            "9000h", "8760h", "500ms", "5 minutes", "SUCCESS", "SUCCES", "SUCCESSFUL", "FAILED", "PRIMARY", "STANDBY",
            "RUNNING", "VALID", "true", "false", "yes", "null", "~", "''", "\"\"", "\"${x}\"", "${x}", "${x.id}",
            "${list}", "${env.HOME}", "${", "${}", "${ x }", "$${x}", "${1x}", "[1, 2]", "[]", "{a: 1}", "{}",
            "\"Wait node\"", "abc", "!!int 1e3", "!!float 99999999999999999999", "!!str 6", "&a 6", "*a", "|\n      text",
            "\"\\x00\"",
        ]

        static let words: [String] =
            PhraseMatcher.keywords + [
                "6", "0", "99999999999999999999", "${x}", "${list}", "${", "\"Wait node\"", "\"\"", "\"a\\\"b\"", "drill",
                "x", "1x", "-", "é",
            ]

        static let fieldNames: [String] = FieldSet.all.flatMap(\.names) + ["bogus", "<<"]

        mutating func scalar() -> String { pick(Self.scalars) }

        mutating func phrase() -> String {
            (0...choose(7)).map { _ in pick(Self.words) }.joined(separator: " ")
        }

        mutating func step(indent: String, depth: Int) {
            switch choose(6) {
            case 0:
                lines.append("\(indent)- \(phrase())")
            case 1, 2:
                lines.append("\(indent)- \(phrase()): \(scalar())")
                options(indent: indent + "  ")
            case 3:
                lines.append("\(indent)- \(phrase()):")
                for _ in 0...choose(3) { lines.append("\(indent)    \(pick(Self.fieldNames)): \(scalar())") }
                options(indent: indent + "  ")
            case 4 where depth < 3:
                lines.append("\(indent)- \(pick(["for each", "in parallel for each"])) \(pick(["x", "y", "env"])) in \(pick(["${list}", "${x}", "x"])):")
                for _ in 0...choose(3) { step(indent: indent + "    ", depth: depth + 1) }
                options(indent: indent + "  ")
            default:
                lines.append("\(indent)- \(pick(["sleep", "note", "confirm"])): \(scalar())")
                options(indent: indent + "  ")
            }
        }

        mutating func options(indent: String) {
            for _ in 0..<choose(3) {
                lines.append("\(indent)\(pick(RunbookParser.optionKeys + ["timout", "<<"])): \(scalar())")
            }
        }

        mutating func build() -> String {
            lines = ["runbook: \(pick(["Generated", "6", "''", "${x}"]))"]
            if choose(2) == 0 {
                lines.append("vars:")
                lines.append("  x: \(scalar())")
                lines.append("  list: \(pick(["[5, 6]", "[]", "${x}", "6", "[1e300]"]))")
            }
            if choose(3) == 0 { lines.append("timeout: \(scalar())") }
            if choose(3) == 0 {
                lines.append("simulate:")
                lines.append("  speed: \(pick(["instant", "60x", "1e400x", "0x", "realtime", "-1x", "nanx"]))")
                lines.append("  clusters:")
                lines.append("    - id: \(scalar())")
                lines.append("      type: \(pick(["PRIMARY", "STANDBY", "6"]))")
                lines.append("      \(pick(["primary", "delayTime", "status", "name", "syncStatus"])): \(scalar())")
                lines.append("  faults:")
                lines.append("    - \(pick(["subtask: Wait node", "endpoint: GET /api/v2/ob/clusters", "cluster: 6"]))")
                lines.append("      \(pick(["takes", "fail", "hang", "status", "times", "message"])): \(scalar())")
            }
            lines.append("steps:")
            for _ in 0...choose(8) { step(indent: "  ", depth: 0) }
            if choose(3) == 0 {
                lines.append(pick(["on failure:", "finally:"]))
                step(indent: "  ", depth: 0)
            }
            return lines.joined(separator: "\n") + "\n"
        }
    }

    static let choices = Gen.int(in: 0...1_000_000).array(of: 1...80)

    /// The checker never traps on a generated runbook, and each diagnostic points inside the text.
    @Test func checkerNeverTrapsOnGeneratedRunbooks() async {
        await propertyCheck(count: 1_500, input: Self.choices) { choices in
            var builder = RunbookBuilder(choices)
            let text = builder.build()
            Self.expectLocatedInside(RunbookChecker.check(text, file: "p.yaml"), text)
        }
    }

    /// The same with one line of the text broken at random: cut short, doubled, re-indented, or
    /// with a random character put in it (syntax errors, duplicate keys, stray options).
    @Test func checkerNeverTrapsOnDamagedRunbooks() async {
        let damage = Gen.int(in: 0...1_000_000).array(of: 4)
        await propertyCheck(count: 1_000, input: Self.choices, damage) { choices, damage in
            var builder = RunbookBuilder(choices)
            var lines = builder.build().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let index = damage[0] % lines.count
            let line = lines[index]
            let cut = line.isEmpty ? 0 : damage[1] % line.count
            switch damage[2] % 5 {
            case 0: lines[index] = String(line.prefix(cut))
            case 1: lines.insert(line, at: index)
            case 2: lines[index] = String(repeating: " ", count: damage[1] % 7) + line.drop { $0 == " " }
            case 3:
                let characters = Array(":-#&*!|>'\"{}[],?%@`\t\u{FEFF}\u{85}\u{2028}é")
                let inserted = characters[damage[3] % characters.count]
                lines[index] = String(line.prefix(cut)) + String(inserted) + String(line.dropFirst(cut))
            default: lines.remove(at: index)
            }
            let text = lines.joined(separator: "\n")
            Self.expectLocatedInside(RunbookChecker.check(text, file: "p.yaml"), text)
        }
    }

    static func expectLocatedInside(_ result: CheckResult, _ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let source = SourceText(path: "p.yaml", text: text)
        for diagnostic in result.diagnostics {
            let location = diagnostic.location
            #expect(location.file == "p.yaml", "\(diagnostic)\n\(text)", sourceLocation: sourceLocation)
            let line = source.line(location.line)
            #expect(line != nil || location.line == 1, "\(diagnostic): line outside the text\n\(text)", sourceLocation: sourceLocation)
            if let line {
                #expect(
                    location.column >= 1 && location.column <= line.unicodeScalars.count + 1,
                    "\(diagnostic): column outside line \(location.line)\n\(text)", sourceLocation: sourceLocation)
            }
            _ = diagnostic.rendered(source: source)
        }
        #expect(result.hasErrors == (result.runbook == nil), sourceLocation: sourceLocation)
    }

    // MARK: - `${...}` expressions

    /// Text made of the characters that matter to `${...}`, and others.
    static let expressionText = Gen<Character?>.element(of: Array("${}$.{}ab_x1-. \té\u{1F600}")).map { $0 ?? " " }
        .string(of: 0...30)

    /// `ExpressionText.parse` never traps; on a single-line plain or quoted scalar, every reference
    /// and every diagnostic is on the scalar's line, at a column inside its text.
    @Test func expressionParsingNeverTrapsAndStaysInsideTheText() async {
        await propertyCheck(count: 5_000, input: Self.expressionText, Gen.int(in: 0...2), Gen.int(in: 1...40)) {
            text, style, column in
            let styles: [Scalar.Style] = [.plain, .singleQuoted, .doubleQuoted]
            let written = styles[style % 3]
            let node = Node(
                .scalar(Scalar(text, style: written)), at: SourceLocation(file: "e.yaml", line: 4, column: column))
            var diagnostics: [Diagnostic] = []
            let expr = ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &diagnostics)
            // The first character of the text, and one past its last (quotes open one column later).
            let first = column + (written == .plain ? 0 : 1)
            let last = first + max(text.unicodeScalars.count - 1, 0)
            let locations = expr.references.map(\.location) + diagnostics.map(\.location) + [expr.location]
            for location in locations {
                #expect(location.line == 4 && location.file == "e.yaml", "\(text.debugDescription): \(location)")
                #expect(location.column >= column && location.column <= last, "\(text.debugDescription): \(location)")
            }
            for reference in expr.references {
                #expect(!reference.path.isEmpty)
                #expect(reference.path.allSatisfy(ExpressionText.isIdentifier), "\(reference.path)")
            }
            // The text a parsed expression writes back parses to the same expression.
            if diagnostics.isEmpty {
                var again: [Diagnostic] = []
                let reparsed = ExpressionText.parse(
                    expr.sourceText, origin: TextOrigin(scalar: node), diagnostics: &again)
                #expect(again.isEmpty && reparsed.sourceText == expr.sourceText, "\(text.debugDescription) -> \(expr.sourceText)")
            }
        }
    }

    /// Multi-line and block scalars map every offset to the scalar's start.
    @Test func expressionsOfMultiLineScalarsPointAtTheScalar() async {
        let lines = Gen<Character?>.element(of: Array("${}ab.\n")).map { $0 ?? " " }.string(of: 0...30)
        await propertyCheck(count: 2_000, input: lines, Gen.int(in: 0...1)) { text, block in
            let node = Node(
                .scalar(Scalar(text, style: block == 1 ? .literal : .plain)),
                at: SourceLocation(file: "e.yaml", line: 2, column: 5))
            var diagnostics: [Diagnostic] = []
            let expr = ExpressionText.parse(text, origin: TextOrigin(scalar: node), diagnostics: &diagnostics)
            let exact = block == 0 && !text.contains("\n")
            for location in expr.references.map(\.location) + diagnostics.map(\.location) {
                #expect(location.line == 2)
                if !exact { #expect(location.column == 5, "\(text.debugDescription): \(location)") }
            }
        }
    }
}
