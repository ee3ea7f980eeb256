/// Parses and prints the duration syntax of runbooks: `500ms`, `30s`, `5m`, `1h`, `1h30m`,
/// and a bare number meaning seconds (`90`, `1.5`).
package enum DurationText {
    /// The duration written as `text`, or nil when it is not one.
    package static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingSpaces
        guard !trimmed.isEmpty else { return nil }
        if let seconds = Double(trimmed), seconds.isFinite, seconds >= 0, trimmed.first != "+" {
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        var total: Int64 = 0
        var number = ""
        var unit = ""
        var lastRank = Int.max
        var sawPart = false
        func flush() -> Bool {
            guard !number.isEmpty, let value = Int64(number) else { return false }
            let (rank, millis): (Int, Int64)
            switch unit {
            case "h": (rank, millis) = (3, 3_600_000)
            case "m": (rank, millis) = (2, 60_000)
            case "s": (rank, millis) = (1, 1000)
            case "ms": (rank, millis) = (0, 1)
            default: return false
            }
            // Units must go from larger to smaller, each at most once: `1h30m`, not `30m1h`.
            guard rank < lastRank else { return false }
            let (product, overflow) = value.multipliedReportingOverflow(by: millis)
            guard !overflow else { return false }
            let (sum, overflow2) = total.addingReportingOverflow(product)
            guard !overflow2 else { return false }
            total = sum
            lastRank = rank
            number = ""
            unit = ""
            sawPart = true
            return true
        }
        for c in trimmed {
            if c.isASCII, c.isNumber {
                if !unit.isEmpty { guard flush() else { return nil } }
                number.append(c)
            } else if c == "h" || c == "m" || c == "s" {
                guard !number.isEmpty else { return nil }
                unit.append(c)
            } else {
                return nil
            }
        }
        guard flush(), sawPart else { return nil }
        return .milliseconds(total)
    }

    /// The shortest runbook spelling of `duration`: `1h30m`, `45s`, `1.5s`, `250ms`.
    package static func format(_ duration: Duration) -> String {
        let millis = duration.milliseconds
        if millis == 0 { return "0s" }
        if millis < 0 { return "-" + format(.milliseconds(-millis)) }
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
