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

/// The whole rendered text of the loader's diagnostics for a table of bad inputs: the summary
/// line, the source line and the caret under the column.
@Suite struct DiagnosticRenderingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var input: [UInt8]
        var rendered: String

        init(_ input: String, _ rendered: String) {
            self.input = Array(input.utf8)
            self.rendered = rendered
        }

        init(bytes: [UInt8], _ rendered: String) {
            self.input = bytes
            self.rendered = rendered
        }

        var testDescription: String { String(decoding: input, as: UTF8.self).debugDescription }
    }

    static let cases: [Case] = [
        Case(
            "name: a\nsteps: []\nname: b\n",
            """
            drill.yaml:3:1: error: duplicate key 'name' in this mapping (first at line 1)
            name: b
            ^
            """),
        Case(
            "a: 1\n---\nb: 2\n",
            """
            drill.yaml:2:1: error: a second YAML document starts here; a runbook file holds one document (the first began at line 1)
            ---
            ^
            """),
        Case(
            "a: x\u{7}y\n",
            """
            drill.yaml:1:5: error: control characters are not allowed (found U+0007; write it as an escape inside double quotes)
            a: x\u{2407}y
                ^
            """),
        Case(
            "a: *nope\n",
            """
            drill.yaml:1:4: error: the alias '*nope' names no anchor defined before it
            a: *nope
               ^
            """),
        Case(
            "steps:\n\t- a\n",
            """
            drill.yaml:2:1: error: found character that cannot start any token: a tab; indent with spaces
            \t- a
            ^
            """),
        Case(
            "cluster: @prod\n",
            """
            drill.yaml:1:10: error: found character that cannot start any token: '@' is reserved in YAML; quote the value
            cluster: @prod
                     ^
            """),
        Case(
            "message: failover: done\n",
            """
            drill.yaml:1:18: error: mapping values are not allowed in this context (quote a value that contains ': ', or check the indentation)
            message: failover: done
                             ^
            """),
        Case(
            "name: \"drill\nsteps: []\n",
            """
            drill.yaml:1:7: error: found unexpected end of stream in the quoted string that starts here (the closing quote is missing)
            name: "drill
                  ^
            """),
        Case(
            "名前: [1, 2\n",
            """
            drill.yaml:1:5: error: did not find expected ',' or ']' in the flow sequence that starts here (is a ',' or the closing ']' missing?)
            名前: [1, 2
                ^
            """),
        Case(
            "a:\n  b: 1\n c: 2\n",
            """
            drill.yaml:3:2: error: did not find expected key in the block mapping that starts at line 1, column 1 (check the indentation of this line)
             c: 2
             ^
            """),
        Case(
            "runbook: x\nsteps\n",
            """
            drill.yaml:2:1: error: could not find expected ':' (a line in a mapping is 'key: value')
            steps
            ^
            """),
        Case(
            "a: 1\n- b\n",
            """
            drill.yaml:2:1: error: did not find expected key in the block mapping that starts at line 1, column 1 (a '-' item cannot stand among the keys of a mapping; check the indentation)
            - b
            ^
            """),
        Case(
            "[1, 2]]\n",
            """
            drill.yaml:1:7: error: did not find expected <document start> (there is more text after the end of the top-level value)
            [1, 2]]
                  ^
            """),
        Case(
            "a: \"C:\\path\"\n",
            """
            drill.yaml:1:7: error: found unknown escape character in the quoted string that starts at line 1, column 4 (write '\\\\' for a backslash, or use single quotes)
            a: "C:\\path"
                  ^
            """),
        Case(
            "a: !x!y b\n",
            """
            drill.yaml:1:4: error: found undefined tag handle (declare the handle with a %TAG directive, or write the tag in full)
            a: !x!y b
               ^
            """),
        Case(
            "a: [1,\t@]\n",
            """
            drill.yaml:1:8: error: found character that cannot start any token: '@' is reserved in YAML; quote the value
            a: [1,\t@]
                  \t^
            """),
        Case(
            "a:\n  - 1\n  b: 2\n",
            """
            drill.yaml:3:3: error: did not find expected '-' indicator in the block sequence that starts at line 2, column 3 (check the indentation; a sequence's items all start with '-' in the same column)
              b: 2
              ^
            """),
        Case(
            "{a: 1\n",
            """
            drill.yaml:1:1: error: did not find expected ',' or '}' in the flow mapping that starts here (is a ',' or the closing '}' missing?)
            {a: 1
            ^
            """),
        Case(
            "a: b\n  c: d\n",
            """
            drill.yaml:2:4: error: mapping values are not allowed in this context (quote a value that contains ': ', or check the indentation)
              c: d
               ^
            """),
        Case(
            bytes: Array("a: caf".utf8) + [0xE9] + Array("\n".utf8),
            """
            drill.yaml:1:7: error: the file is not valid UTF-8 (byte 0xE9 here)
            a: caf\u{FFFD}
                  ^
            """),
    ]

    @Test(arguments: cases)
    func loaderDiagnosticRendersWithSourceLineAndCaret(_ c: Case) {
        let source = SourceText(path: "drill.yaml", text: String(decoding: c.input, as: UTF8.self))
        do throws(Diagnostic) {
            _ = try YAMLLoader().load(bytes: c.input, file: "drill.yaml")
            Issue.record("the input loaded without an error")
        } catch {
            #expect(error.rendered(source: source) == c.rendered)
            #expect(error.severity == .error)
        }
    }
}
