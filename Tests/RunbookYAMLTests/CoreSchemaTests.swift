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

/// YAML 1.2 core-schema resolution (YAML 1.2.2, section 10.3.2).
@Suite struct CoreSchemaTests {
    @Test(arguments: [
        ("", ScalarValue.null), ("~", .null), ("null", .null), ("Null", .null), ("NULL", .null),
        ("true", .bool(true)), ("True", .bool(true)), ("TRUE", .bool(true)),
        ("false", .bool(false)), ("False", .bool(false)), ("FALSE", .bool(false)),
        ("0", .int(0)), ("42", .int(42)), ("-17", .int(-17)), ("+8", .int(8)), ("007", .int(7)), ("-0", .int(0)),
        ("0o17", .int(15)), ("0o0", .int(0)), ("0x1F", .int(31)), ("0xff", .int(255)), ("0x0", .int(0)),
        ("9223372036854775807", .int(Int.max)), ("-9223372036854775808", .int(Int.min)),
        ("9223372036854775808", .bigInt("9223372036854775808")),
        ("-00099999999999999999999", .bigInt("-99999999999999999999")),
        ("0x10000000000000000", .bigInt("18446744073709551616")),
        ("0o1000000000000000000000", .bigInt("9223372036854775808")),
        ("1.5", .double(1.5)), ("-1.5", .double(-1.5)), ("+.5", .double(0.5)), (".5", .double(0.5)),
        ("1.", .double(1)), ("1e3", .double(1000)), ("1.5E-2", .double(0.015)), ("-2e+2", .double(-200)),
        (".inf", .double(.infinity)), ("+.Inf", .double(.infinity)), ("-.INF", .double(-.infinity)),
        ("1e999", .double(.infinity)),
        // Not in the core schema: strings.
        ("yes", .string("yes")), ("no", .string("no")), ("on", .string("on")), ("nil", .string("nil")),
        ("tRue", .string("tRue")), ("0x", .string("0x")), ("0o8", .string("0o8")), ("0xG", .string("0xG")),
        ("0b101", .string("0b101")), ("-0x1", .string("-0x1")), ("1_000", .string("1_000")),
        (".", .string(".")), ("-", .string("-")), ("+", .string("+")), ("1e", .string("1e")),
        ("1.2.3", .string("1.2.3")), ("e3", .string("e3")), ("inf", .string("inf")), ("-.nan", .string("-.nan")),
        ("12:30", .string("12:30")), ("1h30m", .string("1h30m")), (" 1", .string(" 1")), ("名前", .string("名前")),
    ])
    func plainScalarsResolve(text: String, expected: ScalarValue) {
        #expect(CoreSchema.resolve(plain: text) == expected)
    }

    @Test func nanResolvesToNaN() {
        for text in [".nan", ".NaN", ".NAN"] {
            guard case .double(let d) = CoreSchema.resolve(plain: text) else {
                Issue.record("\(text) did not resolve to a double")
                continue
            }
            #expect(d.isNaN)
        }
    }

    private func resolved(_ yaml: String) throws -> [ScalarValue?] {
        let node = try #require(try YAMLLoader().load(yaml, file: "s.yaml"))
        return try #require(node.sequence).map(\.resolvedScalar)
    }

    @Test func onlyPlainUntaggedScalarsAreResolvedByTheirText() throws {
        #expect(
            try resolved("- 1\n- '1'\n- \"true\"\n- |\n  null\n- >-\n  2.5\n- ~\n- ''\n")
                == [.int(1), .string("1"), .string("true"), .string("null\n"), .string("2.5"), .null, .string("")])
    }

    @Test func standardTagsForceTheirType() throws {
        #expect(
            try resolved(
                """
                - !!str 1
                - !!int "42"
                - !!float 1
                - !!float "2.5"
                - !!bool "true"
                - !!null ""
                - !!null
                - !!int "x"
                - ! 7
                - !custom 7
                - !!float 0x10
                """)
                == [
                    .string("1"), .int(42), .double(1), .double(2.5), .bool(true), .null, .null, .string("x"),
                    .string("7"), .string("7"), .double(16),
                ])
    }

    @Test func collectionsHaveNoScalarValue() throws {
        let node = try #require(try YAMLLoader().load("a: [1]\nb: {c: d}\n", file: "s.yaml"))
        #expect(node.resolvedScalar == nil)
        #expect(node.mapping?.map(\.value.resolvedScalar) == [nil, nil])
    }
}
