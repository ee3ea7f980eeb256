import RunbookTestSupport
import Testing
@testable import OCPModel
@testable import RunbookLanguage
@testable import RunbookSupport
@testable import RunbookYAML

/// Numbers from input never trap: every duration given as a number (huge, infinite, NaN, negative,
/// below a millisecond), every whole number past `Int` or written as a float, every id too large,
/// is a located diagnostic. (`sleep: 1e20` used to stop `runbook check` with SIGILL.)
@Suite struct NumericInputTests {
    @Test(arguments: NumericInputTests.cases)
    func rendersExactDiagnostics(_ invalid: InvalidRunbook) {
        let result = RunbookChecker.check(invalid.yaml, file: "t.yaml")
        let source = SourceText(path: "t.yaml", text: invalid.yaml)
        let rendered = result.diagnostics.map { $0.rendered(source: source) }.joined(separator: "\n")
        #expect(rendered == invalid.diagnostics)
        #expect(result.hasErrors)
        #expect(result.runbook == nil)
    }

    /// The rule the checker and the interpreter share: no value converts past the range.
    @Test(arguments: [
        ScalarValue.double(1e300), .double(1e20), .double(9e18), .double(.infinity), .double(-.infinity), .double(.nan),
        .double(-1), .double(1e-7), .double(.greatestFiniteMagnitude), .int(.max), .int(.min), .int(-1),
        .bigInt("99999999999999999999"), .bigInt("-99999999999999999999"), .string("1e20"), .string("1e400"),
        .string("99999999999999999999h"), .string("9223372036854775807ms"), .string("inf"), .string("nan"),
        .string("0x1p3"), .string("-0"), .bool(true), .null,
    ])
    func valuesPastTheRangeAreNoDuration(_ scalar: ScalarValue) {
        let d = DurationValue.duration(from: .scalar(scalar))
        #expect(d == nil, "\(scalar) should not be a duration: \(String(describing: d))")
    }

    @Test func negativeZeroIsZeroSeconds() {
        #expect(DurationValue.duration(from: .scalar(.double(-0.0))) == .zero)
        #expect(DurationValue.duration(from: .scalar(.int(0))) == .zero)
        let result = RunbookChecker.check("runbook: Zero\nsteps:\n  - sleep: -0\n  - sleep: -0.0\n", file: "t.yaml")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
    }

    @Test func durationsUpToTheMaximumAreAccepted() {
        let result = RunbookChecker.check(
            "runbook: Long\ntimeout: 8760h\nsteps:\n  - sleep: 31536000\n  - sleep: 0.001\n  - sleep: 1.5s\n", file: "t.yaml")
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let sleeps = result.runbook?.document.steps.map { step -> Duration? in
            if case .sleep(let value) = step.action, case .fixed(let d) = value.kind { return d }
            return nil
        }
        #expect(sleeps == [.seconds(31_536_000), .milliseconds(1), .milliseconds(1500)])
    }

    /// A `--var` value is read as YAML too: `--var rto=1e300` is caught where it is used.
    @Test func commandLineDurationPastTheLimitIsADiagnostic() {
        let text = "runbook: Var\nvars:\n  rto: 30m\nsteps:\n  - sleep: ${rto}\n"
        let result = RunbookChecker.check(text, file: "t.yaml", predefinedVariables: ["rto": "1e300"])
        #expect(
            result.diagnostics.map(\.description) == [
                "t.yaml:5:12: error: '${rto}' is '1e+300', which is longer than 8760h (365 days), the longest duration a runbook allows"
            ])
    }

    /// A topology file (`runbook serve --topology`) reads the same numbers.
    @Test func topologyNumbersPastTheirRangeAreDiagnostics() {
        let text = "clusters:\n  - id: 99999999999999999999\n    type: PRIMARY\nfaults:\n  - subtask: Wait node\n    takes: 1e300\n"
        let outcome = SimulateBlockDecoder.decodeTopology(bytes: Array(text.utf8), file: "top.yaml")
        #expect(
            outcome.diagnostics.map(\.description) == [
                "top.yaml:2:9: error: 'id' is 99999999999999999999, past the largest whole number a runbook holds (9223372036854775807)",
                "top.yaml:6:12: error: '1e300' is longer than 8760h (365 days), the longest duration a runbook allows",
            ])
    }

    /// No phrase of the grammar is so long that a correction (one token changed, inserted or
    /// removed) would be cut off by the limit that keeps very long keys from taking quadratic time.
    @Test func longestPhraseIsWithinTheCorrectionLimit() {
        let longest = PhraseDescriptor.all.map { descriptor in
            descriptor.grammar.reduce(0) { count, element in
                if case .ofTask = element { return count + 3 }
                return count + 1
            }
        }.max() ?? 0
        #expect(longest + 1 <= PhraseMatcher.maxCorrectableTokens, "longest phrase: \(longest) tokens")
        // A key of thousands of words is explained without a suggestion.
        let key = Array(repeating: "retyr", count: 5_000).joined(separator: " ")
        let result = RunbookChecker.check("runbook: Long\nsteps:\n  - \(key)\n", file: "t.yaml")
        #expect(result.diagnostics.map(\.id) == ["phrase.unknown"])
    }

    static let cases: [InvalidRunbook] = [
        InvalidRunbook(
            "durations past the limit are refused, not converted",
            yaml: #"""
            runbook: Durations past the limit
            steps:
              - sleep: 1e20
              - sleep: .inf
              - sleep: 9000h
              - sleep: 99999999999999999999
              - failover cluster: 6
                timeout: 1e300
              - await task status: SUCCESS
                every: 0.0000001
              - assert task:
                  took under: 9e18
            """#,
            diagnostics: #"""
            t.yaml:3:12: error: '1e20' is longer than 8760h (365 days), the longest duration a runbook allows
              - sleep: 1e20
                       ^
            t.yaml:4:12: error: '.inf' is longer than 8760h (365 days), the longest duration a runbook allows
              - sleep: .inf
                       ^
            t.yaml:5:12: error: '9000h' is longer than 8760h (365 days), the longest duration a runbook allows
              - sleep: 9000h
                       ^
            t.yaml:6:12: error: '99999999999999999999' is longer than 8760h (365 days), the longest duration a runbook allows
              - sleep: 99999999999999999999
                       ^
            t.yaml:8:14: error: '1e300' is longer than 8760h (365 days), the longest duration a runbook allows
                timeout: 1e300
                         ^
            t.yaml:10:12: error: '0.0000001' is shorter than 1ms, the shortest duration a runbook counts
                every: 0.0000001
                       ^
            t.yaml:12:19: error: '9e18' is longer than 8760h (365 days), the longest duration a runbook allows
                  took under: 9e18
                              ^
            """#),
        InvalidRunbook(
            "numbers that are no durations",
            yaml: #"""
            runbook: Numbers that are no durations
            steps:
              - sleep: .nan
              - sleep: -.inf
              - sleep: -0.5
              - sleep: 1e-400
              - sleep: -0
              - sleep: 0.0001s
            """#,
            diagnostics: #"""
            t.yaml:3:12: error: '.nan' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m
              - sleep: .nan
                       ^
            t.yaml:4:12: error: '-.inf' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m
              - sleep: -.inf
                       ^
            t.yaml:5:12: error: '-0.5' is not a duration: write 500ms, 30s, 5m, 1h or 1h30m
              - sleep: -0.5
                       ^
            t.yaml:6:12: error: '1e-400' is shorter than 1ms, the shortest duration a runbook counts
              - sleep: 1e-400
                       ^
            t.yaml:8:12: error: '0.0001s' is shorter than 1ms, the shortest duration a runbook counts
              - sleep: 0.0001s
                       ^
            """#),
        InvalidRunbook(
            "whole numbers past Int or written as floats",
            yaml: #"""
            runbook: Whole numbers
            steps:
              - failover cluster: 99999999999999999999
              - in parallel for each x in ${list}:
                  - note: ${x}
                max concurrency: 1e30
              - assert subtask "Wait node":
                  runTime: 99999999999999999999
              - assert subtask "Wait node":
                  runTime: 2.5
              - retry task 99999999999999999999
              - precheck failover cluster 99999999999999999999
            vars:
              list: [1, 2]
            """#,
            diagnostics: #"""
            t.yaml:3:5: warning: 'failover cluster' starts a task that no step awaits: add 'await task status: SUCCESS' after it
              - failover cluster: 99999999999999999999
                ^
            t.yaml:3:23: error: a cluster id is a number from 1 to 9223372036854775807, not 99999999999999999999
              - failover cluster: 99999999999999999999
                                  ^
            t.yaml:6:22: error: 'max concurrency' must be a whole number of at least 1, written in digits, not 1e30
                max concurrency: 1e30
                                 ^
            t.yaml:8:16: error: 'runTime' is 99999999999999999999, past the largest whole number a runbook holds (9223372036854775807)
                  runTime: 99999999999999999999
                           ^
            t.yaml:10:16: error: 'runTime' must be a whole number of at least 1, not 2.5
                  runTime: 2.5
                           ^
            t.yaml:11:16: error: '99999999999999999999' is not a task id: ids go up to 9223372036854775807
              - retry task 99999999999999999999
                           ^
            t.yaml:12:31: error: '99999999999999999999' is not a cluster id: ids go up to 9223372036854775807
              - precheck failover cluster 99999999999999999999
                                          ^
            """#),
        InvalidRunbook(
            "durations of variables known before the run",
            yaml: #"""
            runbook: Durations in variables
            vars:
              rto: 1e300
              tiny: 0.0000001
              long: 10000h
            steps:
              - failover cluster: 6
                timeout: ${rto}
              - await task status: SUCCESS
                every: ${tiny}
                timeout: ${long}
            """#,
            diagnostics: #"""
            t.yaml:8:14: error: '${rto}' is '1e+300', which is longer than 8760h (365 days), the longest duration a runbook allows
                timeout: ${rto}
                         ^
            t.yaml:10:12: error: '${tiny}' is '1e-07', which is shorter than 1ms, the shortest duration a runbook counts
                every: ${tiny}
                       ^
            t.yaml:11:14: error: '${long}' is '10000h', which is longer than 8760h (365 days), the longest duration a runbook allows
                timeout: ${long}
                         ^
            """#),
        InvalidRunbook(
            "numbers of the simulate block",
            yaml: #"""
            runbook: Simulator numbers
            simulate:
              clusters:
                - id: 99999999999999999999
                  type: PRIMARY
                - id: 6
                  type: STANDBY
                  primary: 1e3
                  delayTime: .inf
              faults:
                - subtask: Wait node
                  takes: 1e20
                - endpoint: GET /api/v2/ob/clusters/{clusterId}
                  status: 5.03e2
                  times: -99999999999999999999
            steps:
              - note: hi
            """#,
            diagnostics: #"""
            t.yaml:4:11: error: 'id' is 99999999999999999999, past the largest whole number a runbook holds (9223372036854775807)
                - id: 99999999999999999999
                      ^
            t.yaml:8:16: error: 'primary' must be a whole number of at least 1, written in digits, not 1e3
                  primary: 1e3
                           ^
            t.yaml:9:18: error: 'delayTime' must be a whole number, not .inf
                  delayTime: .inf
                             ^
            t.yaml:12:14: error: '1e20' is longer than 8760h (365 days), the longest duration a runbook allows
                  takes: 1e20
                         ^
            t.yaml:14:15: error: 'status' must be a whole number, written in digits, not 5.03e2
                  status: 5.03e2
                          ^
            t.yaml:15:14: error: 'times' must be at least 1, not -99999999999999999999
                  times: -99999999999999999999
                         ^
            """#),
    ]
}
