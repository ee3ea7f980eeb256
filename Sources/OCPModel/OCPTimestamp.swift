import Foundation
import RunbookSupport

/// An OCP timestamp: ISO 8601 with milliseconds and a UTC offset, `2022-09-05T13:39:18.441+08:00`.
///
/// Kept as the instant (milliseconds since 1970) and the offset it was written with, so it encodes
/// back as OCP wrote it.
public struct OCPTimestamp: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The instant, in milliseconds since 1970-01-01T00:00:00Z.
    public var millisecondsSince1970: Int64
    /// The UTC offset written, in seconds east of UTC.
    public var utcOffsetSeconds: Int

    /// The instant `millisecondsSince1970`, written with a UTC offset of `utcOffsetSeconds` (UTC by
    /// default).
    public init(millisecondsSince1970: Int64, utcOffsetSeconds: Int = 0) {
        self.millisecondsSince1970 = millisecondsSince1970
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    /// The instant `date`, rounded to the millisecond, written with a UTC offset of
    /// `utcOffsetSeconds`.
    public init(date: Date, utcOffsetSeconds: Int = 0) {
        self.init(
            millisecondsSince1970: Int64((date.timeIntervalSince1970 * 1000).rounded()), utcOffsetSeconds: utcOffsetSeconds)
    }

    /// The instant as a `Date` (the offset plays no part).
    public var date: Date { Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000) }

    /// Orders by instant; of two ways of writing the same instant, the one with the smaller offset
    /// comes first (so that the order agrees with `==`, which compares the offsets too).
    public static func < (lhs: OCPTimestamp, rhs: OCPTimestamp) -> Bool {
        (lhs.millisecondsSince1970, lhs.utcOffsetSeconds) < (rhs.millisecondsSince1970, rhs.utcOffsetSeconds)
    }

    /// The time from `self` to `later` (saturated at the bounds of `Int64` milliseconds, so that a
    /// time read from a crafted file never traps).
    public func duration(to later: OCPTimestamp) -> Duration {
        let (difference, overflow) = later.millisecondsSince1970.subtractingReportingOverflow(millisecondsSince1970)
        return .milliseconds(overflow ? (later.millisecondsSince1970 < millisecondsSince1970 ? Int64.min : Int64.max) : difference)
    }

    /// The timestamp `duration` later (earlier when negative), in whole milliseconds, with the same
    /// offset.
    public func adding(_ duration: Duration) -> OCPTimestamp {
        let (sum, overflow) = millisecondsSince1970.addingReportingOverflow(duration.milliseconds)
        let clamped = overflow ? (duration.milliseconds < 0 ? Int64.min : Int64.max) : sum
        return OCPTimestamp(millisecondsSince1970: clamped, utcOffsetSeconds: utcOffsetSeconds)
    }

    // MARK: - Text

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fff][Z|±HH:MM|±HHMM]`; nil when the text is not such a time.
    public init?(_ text: String) {
        let u = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= u.count else { return nil }
            var v = 0
            for i in from..<(from + count) {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard u.count >= 19, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "), u[13] == UInt8(ascii: ":"),
            u[16] == UInt8(ascii: ":"),
            let year = digits(0, 4), let month = digits(5, 2), let day = digits(8, 2), let hour = digits(11, 2),
            let minute = digits(14, 2), let second = digits(17, 2),
            (1...12).contains(month), (1...Self.daysIn(month: month, year: year)).contains(day), hour < 24,
            minute < 60, second < 61
        else { return nil }
        var i = 19
        var millis = 0
        if i < u.count, u[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 100
            var any = false
            while i < u.count, u[i] >= 48, u[i] <= 57 {
                millis += Int(u[i] - 48) * scale
                scale /= 10
                i += 1
                any = true
            }
            guard any else { return nil }
        }
        var offset = 0
        if i < u.count {
            if u[i] == UInt8(ascii: "Z") {
                i += 1
            } else if u[i] == UInt8(ascii: "+") || u[i] == UInt8(ascii: "-") {
                let sign = u[i] == UInt8(ascii: "-") ? -1 : 1
                guard let oh = digits(i + 1, 2) else { return nil }
                var j = i + 3
                if j < u.count, u[j] == UInt8(ascii: ":") { j += 1 }
                guard let om = digits(j, 2), oh < 24, om < 60 else { return nil }
                offset = sign * (oh * 3600 + om * 60)
                i = j + 2
            } else {
                return nil
            }
        }
        guard i == u.count else { return nil }
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second) - Int64(offset)
        self.init(millisecondsSince1970: seconds * 1000 + Int64(millis), utcOffsetSeconds: offset)
    }

    /// The days of `month` (1 to 12) in `year` of the proleptic Gregorian calendar.
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// `2022-09-05T13:39:18.441+08:00` (always milliseconds and an offset, `+00:00` for UTC).
    public var description: String {
        // Clamped: a time read from a file may be any number (a crafted journal), never a trap.
        let offset = max(-7 * 86_400, min(7 * 86_400, utcOffsetSeconds))
        let limit = Int64.max / 4
        let local = max(-limit, min(limit, millisecondsSince1970)) + Int64(offset) * 1000
        let millis = Int(((local % 1000) + 1000) % 1000)
        let totalSeconds = (local - Int64(millis)) / 1000
        let days = Int((totalSeconds - ((totalSeconds % 86_400) + 86_400) % 86_400) / 86_400)
        let secondsOfDay = Int(((totalSeconds % 86_400) + 86_400) % 86_400)
        let (year, month, day) = Self.civilFromDays(days)
        let offsetMinutes = abs(offset) / 60
        func pad(_ v: Int, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(secondsOfDay / 3600, 2)):"
            + "\(pad(secondsOfDay / 60 % 60, 2)):\(pad(secondsOfDay % 60, 2)).\(pad(millis, 3))"
            + "\(offset < 0 ? "-" : "+")\(pad(offsetMinutes / 60, 2)):\(pad(offsetMinutes % 60, 2))"
    }

    /// Reads OCP's text (`2022-09-05T13:39:18.441+08:00`; without an offset, UTC), or a number of
    /// milliseconds since 1970 (UTC). Throws a `DecodingError` for anything else.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        // Text first: OCP and the journal write times as text, and a failed attempt costs a thrown error.
        guard let text = try? container.decode(String.self) else {
            self.init(millisecondsSince1970: try container.decode(Int64.self))
            return
        }
        guard let value = OCPTimestamp(text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "'\(text)' is not an ISO 8601 time with an offset")
        }
        self = value
    }

    /// Writes OCP's text, with milliseconds and the offset: ``description``.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    // Howard Hinnant's civil-date algorithms.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
