/// Parses and prints the duration syntax of runbooks: `500ms`, `30s`, `1.5s`, `5m`, `1h`, `1h30m`,
/// and a bare number meaning seconds (`90`, `1.5`).
///
/// Durations are whole milliseconds, from 0 to ``maximum``. Nothing here traps, whatever the text
/// or number: a number too large, not finite, negative or below a millisecond is a ``Reading``
/// that says so, for a located diagnostic.
package enum DurationText {
    /// The longest duration a runbook may give: 8760h (365 days). Every deadline the engine and
    /// the simulator compute from a duration (`now + duration`, scaled by a speed) stays far inside
    /// `Duration`'s range.
    package static let maximum: Duration = .seconds(maximumSeconds)
    static let maximumSeconds: Int64 = 365 * 24 * 3600
    static let maximumMilliseconds: Int64 = maximumSeconds * 1000

    /// What a text or a number denotes as a duration.
    package enum Reading: Sendable, Hashable {
        /// A duration of the language (whole milliseconds, at most ``DurationText/maximum``).
        case duration(Duration)
        /// Not a duration: wrong syntax, negative, or not finite.
        case invalid
        /// Longer than ``DurationText/maximum``.
        case tooLong
        /// Above zero but shorter than 1ms, the smallest step of a duration.
        case tooShort

        /// The duration, when the reading is one.
        package var duration: Duration? {
            if case .duration(let d) = self { return d }
            return nil
        }
    }

    /// The duration written as `text`, or nil when it is not one (see ``read(_:)`` for why).
    package static func parse(_ text: String) -> Duration? { read(text).duration }

    /// What `text` denotes: `500ms`, `30s`, `1.5s`, `5m`, `1h30m` (units from larger to smaller,
    /// each at most once; only seconds take a fraction), or a bare number of seconds (`90`, `1.5`,
    /// `1e3`).
    package static func read(_ text: String) -> Reading {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return .invalid }
        let bytes = Array(trimmed.utf8)
        if isDecimalNumber(bytes[...]) {
            // Decimal syntax never fails to convert; past Double's range it is infinite.
            guard let seconds = Double(trimmed), seconds.isFinite else { return .tooLong }
            let mantissa = bytes.prefix { $0 != UInt8(ascii: "e") && $0 != UInt8(ascii: "E") }
            if seconds == 0, mantissa.contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
                return .tooShort  // 1e-400: above zero, below Double's range
            }
            return read(seconds: seconds)
        }
        var total: Int64 = 0
        var lastRank = Int.max
        var i = 0
        while i < bytes.count {
            // A number: digits, and for seconds a fraction.
            let numberStart = i
            while i < bytes.count, isDigit(bytes[i]) { i += 1 }
            let wholeEnd = i
            var fraction: ArraySlice<UInt8> = []
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                let fractionStart = i
                while i < bytes.count, isDigit(bytes[i]) { i += 1 }
                fraction = bytes[fractionStart..<i]
                guard !fraction.isEmpty else { return .invalid }
            }
            guard wholeEnd > numberStart else { return .invalid }
            // The unit.
            let unitStart = i
            while i < bytes.count, bytes[i] == UInt8(ascii: "h") || bytes[i] == UInt8(ascii: "m") || bytes[i] == UInt8(ascii: "s") {
                i += 1
            }
            let (rank, unitMillis): (Int, Int64)
            switch String(decoding: bytes[unitStart..<i], as: UTF8.self) {
            case "h": (rank, unitMillis) = (3, 3_600_000)
            case "m": (rank, unitMillis) = (2, 60_000)
            case "s": (rank, unitMillis) = (1, 1000)
            case "ms": (rank, unitMillis) = (0, 1)
            default: return .invalid
            }
            // Units go from larger to smaller, each at most once: `1h30m`, not `30m1h`.
            guard rank < lastRank else { return .invalid }
            guard fraction.isEmpty || rank == 1 else { return .invalid }
            lastRank = rank
            // Whole part: digits past the maximum make the duration too long, not an overflow.
            var whole: Int64 = 0
            for d in bytes[numberStart..<wholeEnd] {
                whole = whole * 10 + Int64(d - 48)
                if whole > maximumMilliseconds { return .tooLong }
            }
            total += whole * unitMillis  // both at most the maximum: no overflow
            if total > maximumMilliseconds { return .tooLong }
            if !fraction.isEmpty {
                // Seconds' fraction, rounded to the nearest millisecond.
                var millis: Int64 = 0
                for d in fraction.prefix(3) { millis = millis * 10 + Int64(d - 48) }
                for _ in fraction.count..<max(fraction.count, 3) { millis *= 10 }
                if fraction.count > 3, fraction[fraction.startIndex + 3] >= UInt8(ascii: "5") { millis += 1 }
                if millis == 0, total == 0, fraction.contains(where: { $0 != UInt8(ascii: "0") }) { return .tooShort }
                total += millis
                if total > maximumMilliseconds { return .tooLong }
            }
        }
        return .duration(.milliseconds(total))
    }

    /// A number of seconds as a duration: rounded to the nearest millisecond. Infinity is too long;
    /// NaN and negative numbers are no duration (`-0.0` is zero).
    package static func read(seconds: Double) -> Reading {
        if seconds == .infinity { return .tooLong }
        guard seconds.isFinite, seconds >= 0 else { return .invalid }
        let millis = (seconds * 1000).rounded()
        guard millis <= Double(maximumMilliseconds) else { return .tooLong }
        if millis == 0, seconds > 0 { return .tooShort }
        return .duration(.milliseconds(Int64(millis)))  // 0...maximum: exact
    }

    /// A whole number of seconds as a duration.
    package static func read(seconds: Int) -> Reading {
        guard seconds >= 0 else { return .invalid }
        guard seconds <= maximumSeconds else { return .tooLong }
        return .duration(.seconds(seconds))
    }

    /// `[0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?` or `\.[0-9]+(...)`: a plain decimal number, the only
    /// numbers read as seconds (no sign, no `inf`, `nan` or hexadecimal).
    private static func isDecimalNumber(_ bytes: ArraySlice<UInt8>) -> Bool {
        var u = bytes
        var mantissa = 0
        while let c = u.first, isDigit(c) { u = u.dropFirst(); mantissa += 1 }
        if u.first == UInt8(ascii: ".") {
            u = u.dropFirst()
            while let c = u.first, isDigit(c) { u = u.dropFirst(); mantissa += 1 }
        }
        guard mantissa > 0 else { return false }
        if let c = u.first, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
            u = u.dropFirst()
            if let c = u.first, c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { u = u.dropFirst() }
            var exponent = 0
            while let c = u.first, isDigit(c) { u = u.dropFirst(); exponent += 1 }
            guard exponent > 0 else { return false }
        }
        return u.isEmpty
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// The shortest runbook spelling of `duration`, exact to the millisecond: `1h30m`, `45s`,
    /// `1.5s`, `1m0.25s`, `250ms`. For a duration of the language, `parse(format(d)) == d`;
    /// a part of a millisecond is dropped.
    package static func format(_ duration: Duration) -> String {
        let millis = duration.milliseconds
        if millis == 0 { return "0s" }
        // The magnitude, so that even Int64.min has one.
        let magnitude = millis.magnitude
        let sign = millis < 0 ? "-" : ""
        if magnitude < 1000 { return "\(sign)\(magnitude)ms" }
        return sign + clock(seconds: magnitude / 1000, millis: magnitude % 1000)
    }

    /// A measured duration rounded for reading: milliseconds under a second, tenths of a second
    /// under a minute, whole seconds above (`250ms`, `1.2s`, `1m45s`). For a duration a runbook
    /// writes, use ``format(_:)``, which is exact.
    package static func formatRounded(_ duration: Duration) -> String {
        let millis = duration.milliseconds
        if millis == 0 { return "0s" }
        let magnitude = millis.magnitude
        let sign = millis < 0 ? "-" : ""
        if magnitude < 1000 { return "\(sign)\(magnitude)ms" }
        if magnitude % 1000 != 0 && magnitude < 60_000 {
            let tenths = (magnitude + 50) / 100
            return sign + (tenths % 10 == 0 ? "\(tenths / 10)s" : "\(tenths / 10).\(tenths % 10)s")
        }
        return sign + clock(seconds: magnitude / 1000 + (magnitude % 1000 >= 500 ? 1 : 0), millis: 0)
    }

    /// `1h30m`, `45s`, `1m0.25s`: hours, minutes and seconds (with `millis`, under 1000, as a fraction).
    private static func clock(seconds total: UInt64, millis: UInt64) -> String {
        let hours = total / 3600
        let minutes = total % 3600 / 60
        let seconds = total % 60
        var out = ""
        if hours > 0 { out += "\(hours)h" }
        if minutes > 0 { out += "\(minutes)m" }
        if millis != 0 {
            var digits = String(millis)
            digits = String(repeating: "0", count: max(0, 3 - digits.count)) + digits
            while digits.hasSuffix("0") { digits.removeLast() }
            out += "\(seconds).\(digits)s"
        } else if seconds > 0 || out.isEmpty {
            out += "\(seconds)s"
        }
        return out
    }
}

extension Duration {
    /// The whole milliseconds of this duration (rounded toward zero), saturating at the bounds of
    /// `Int64` rather than overflowing.
    package var milliseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return seconds < 0 ? .min : .max }
        let (sum, overflow2) = scaled.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        if overflow2 { return scaled < 0 ? .min : .max }
        return sum
    }

    /// This duration in seconds, as a floating-point number.
    package var secondsDouble: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    package var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) ?? first
        return String(scalars[first...last])
    }
}
