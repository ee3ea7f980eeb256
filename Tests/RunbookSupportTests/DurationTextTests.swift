import PropertyBased
import Testing
@testable import RunbookSupport

/// The duration syntax: what it reads, what it refuses and why, and that printing a duration gives
/// text that reads back to it.
@Suite struct DurationTextTests {
    // MARK: - Examples

    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("30s", .seconds(30)), ("5m", .seconds(300)), ("1h", .seconds(3600)),
        ("1h30m", .seconds(5400)), ("1h30m15s", .seconds(5415)), ("2m500ms", .milliseconds(120_500)),
        ("1h5s", .seconds(3605)), ("90", .seconds(90)), ("1.5", .milliseconds(1500)), ("1.5s", .milliseconds(1500)),
        ("1m0.25s", .milliseconds(60_250)), ("0.001s", .milliseconds(1)), ("0.0005s", .milliseconds(1)),
        ("1.2345s", .milliseconds(1235)), (".5", .milliseconds(500)), ("1e3", .seconds(1000)), ("0", .zero),
        ("0s", .zero), (" 30s ", .seconds(30)), ("8760h", .seconds(31_536_000)), ("31536000", .seconds(31_536_000)),
    ])
    func reads(_ text: String, _ expected: Duration) {
        #expect(DurationText.read(text) == .duration(expected))
        #expect(DurationText.parse(text) == expected)
    }

    @Test(arguments: [
        // Past the longest duration: refused, never converted (`1e20` used to trap).
        ("1e20", DurationText.Reading.tooLong), ("1e400", .tooLong), ("9000h", .tooLong), ("8760h1ms", .tooLong),
        ("99999999999999999999", .tooLong), ("99999999999999999999h", .tooLong), ("9223372036854775807ms", .tooLong),
        ("31536000.001", .tooLong), ("525601m", .tooLong),
        // Above zero, below a millisecond.
        ("0.0001", .tooShort), ("0.0001s", .tooShort), ("1e-7", .tooShort), ("1e-400", .tooShort),
        // Not a duration at all.
        ("", .invalid), ("5 minutes", .invalid), ("30m1h", .invalid), ("1d", .invalid), ("m", .invalid),
        ("-5s", .invalid), ("1.5m", .invalid), ("1.5ms", .invalid), ("1.s", .invalid), ("-1", .invalid),
        ("+1", .invalid), ("inf", .invalid), ("nan", .invalid), ("0x10", .invalid), ("1s1s", .invalid),
        ("1e", .invalid), ("1h 30m", .invalid),
    ])
    func refuses(_ text: String, _ expected: DurationText.Reading) {
        #expect(DurationText.read(text) == expected)
        #expect(DurationText.parse(text) == nil)
    }

    @Test func numbersOfSecondsAreRoundedToMillisecondsAndBounded() {
        #expect(DurationText.read(seconds: 1.0005) == .duration(.milliseconds(1001)))
        #expect(DurationText.read(seconds: -0.0) == .duration(.zero))
        #expect(DurationText.read(seconds: 1e-7) == .tooShort)
        #expect(DurationText.read(seconds: 1e20) == .tooLong)
        #expect(DurationText.read(seconds: .infinity) == .tooLong)
        #expect(DurationText.read(seconds: -.infinity) == .invalid)
        #expect(DurationText.read(seconds: .nan) == .invalid)
        #expect(DurationText.read(seconds: .greatestFiniteMagnitude) == .tooLong)
        #expect(DurationText.read(seconds: Int.max) == .tooLong)
        #expect(DurationText.read(seconds: Int.min) == .invalid)
        #expect(DurationText.read(seconds: 31_536_000) == .duration(DurationText.maximum))
    }

    @Test(arguments: [
        (Duration.zero, "0s"), (.milliseconds(250), "250ms"), (.seconds(45), "45s"), (.milliseconds(1500), "1.5s"),
        (.milliseconds(1234), "1.234s"), (.milliseconds(59_999), "59.999s"), (.milliseconds(61_500), "1m1.5s"),
        (.seconds(5400), "1h30m"), (.seconds(3605), "1h5s"), (.milliseconds(3_600_001), "1h0.001s"),
        (.milliseconds(-1500), "-1.5s"),
    ])
    func formatsExactly(_ duration: Duration, _ text: String) {
        #expect(DurationText.format(duration) == text)
    }

    /// The extremes of `Duration` print without trapping (the negative of `Int64.min` does not exist).
    @Test func formatNeverTraps() {
        #expect(DurationText.format(.milliseconds(Int64.min)) == "-2562047788015h12m55.808s")
        #expect(DurationText.format(.seconds(Int64.max)) == "2562047788015h12m55.807s")
        #expect(DurationText.format(.seconds(Int64.min)) == "-2562047788015h12m55.808s")
    }

    /// Measured durations print rounded, as the terminal always showed them.
    @Test(arguments: [
        (Duration.zero, "0s"), (.milliseconds(250), "250ms"), (.milliseconds(1234), "1.2s"),
        (.milliseconds(59_999), "60s"), (.milliseconds(105_035), "1m45s"), (.milliseconds(5_400_499), "1h30m"),
        (.milliseconds(-1234), "-1.2s"), (.milliseconds(Int64.min), "-2562047788015h12m56s"),
        (.milliseconds(Int64.max), "2562047788015h12m56s"),
    ])
    func formatsRoundedForReading(_ duration: Duration, _ text: String) {
        #expect(DurationText.formatRounded(duration) == text)
    }

    // MARK: - Properties

    /// The rounding the terminal renderer used before durations printed exactly (kept as
    /// ``DurationText/formatRounded(_:)``), for non-negative durations that do not overflow it.
    static func previousFormat(_ millis: Int64) -> String {
        if millis == 0 { return "0s" }
        if millis < 1000 { return "\(millis)ms" }
        if millis % 1000 != 0 && millis < 60_000 {
            let tenths = (millis + 50) / 100
            return tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s"
        }
        var seconds = (millis + 500) / 1000
        let hours = seconds / 3600
        seconds %= 3600
        let minutes = seconds / 60
        seconds %= 60
        var out = ""
        if hours > 0 { out += "\(hours)h" }
        if minutes > 0 { out += "\(minutes)m" }
        if seconds > 0 || out.isEmpty { out += "\(seconds)s" }
        return out
    }

    @Test func roundedFormatIsThePreviousOne() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: 0...(Int64.max - 500))) { millis in
            #expect(DurationText.formatRounded(.milliseconds(millis)) == Self.previousFormat(millis))
        }
        await propertyCheck(count: 2_000, input: Gen.int64(in: 0...200_000)) { millis in
            #expect(DurationText.formatRounded(.milliseconds(millis)) == Self.previousFormat(millis))
        }
    }

    /// Every duration of the language (whole milliseconds, 0 to the maximum) prints as text that
    /// reads back to it.
    @Test func formatThenParseIsTheIdentity() async {
        await propertyCheck(count: 2_000, input: Gen.int64(in: 0...31_536_000_000)) { millis in
            let d = Duration.milliseconds(millis)
            #expect(DurationText.parse(DurationText.format(d)) == d, "\(millis)ms as \(DurationText.format(d))")
        }
        // Durations made of parts, as people write them (many have a zero part).
        await propertyCheck(
            count: 2_000, input: Gen.int(in: 0...8759), Gen.int(in: 0...59), Gen.int(in: 0...59), Gen.int(in: 0...999)
        ) { h, m, s, ms in
            let d = Duration.seconds(h * 3600 + m * 60 + s) + .milliseconds(ms)
            #expect(DurationText.parse(DurationText.format(d)) == d, "\(DurationText.format(d))")
        }
    }

    /// Any text reads without trapping, to nil or to a duration of the language; text made of the
    /// syntax's own characters finds the edge cases.
    @Test func parseNeverTrapsOnAnyText() async {
        let syntax = Gen<Character?>.element(of: Array("0123456789hms.eE+- \t9")).map { $0 ?? " " }.string(of: 0...24)
        await propertyCheck(count: 5_000, input: syntax) { text in
            Self.expectInRange(DurationText.read(text), text)
        }
        let bytes = Gen<UInt8>.value(in: 0...255).array(of: 0...32).map { String(decoding: $0, as: UTF8.self) }
        await propertyCheck(count: 2_000, input: bytes) { text in
            Self.expectInRange(DurationText.read(text), text)
        }
    }

    /// Any number of seconds, of any magnitude, reads without trapping; a decimal text reads as
    /// the number it spells.
    @Test func numbersOfAnyMagnitudeNeverTrap() async {
        await propertyCheck(
            count: 5_000, input: Gen.double(in: 1..<2), Gen.int(in: -1074...1023), Gen.bool
        ) { significand, exponent, negative in
            let seconds = Double(sign: negative ? .minus : .plus, exponent: exponent, significand: significand)
            let reading = DurationText.read(seconds: seconds)
            Self.expectInRange(reading, "\(seconds)")
            if seconds >= 0, seconds.isFinite {
                #expect(DurationText.read(String(seconds)) == reading, "\(seconds)")
            }
            if let d = reading.duration {
                #expect(d == .milliseconds(Int64((seconds * 1000).rounded())))
            }
        }
        await propertyCheck(count: 2_000, input: Gen.int(in: .min ... .max)) { seconds in
            Self.expectInRange(DurationText.read(seconds: seconds), "\(seconds)")
            Self.expectInRange(DurationText.read(String(seconds)), "\(seconds)")
        }
    }

    private static func expectInRange(_ reading: DurationText.Reading, _ input: String) {
        if let d = reading.duration {
            #expect(d >= .zero && d <= DurationText.maximum, "\(input.debugDescription) read as \(d)")
            #expect(d == .milliseconds(d.milliseconds), "\(input.debugDescription): not whole milliseconds")
        }
    }
}
