import Foundation

/// Keeps secrets out of the step log: every occurrence of a secret in a record (a note that
/// prints `${env.OCP_PASSWORD}`, a variable, a message, a probe's output) becomes `***` before any
/// sink sees the record, so neither the terminal nor the journal nor a report holds it.
public struct Redaction: Sendable {
    /// The secrets, longest first (so one that contains another is replaced whole).
    public let secrets: [String]

    /// The mark a secret is replaced with.
    public static let mark = "***"

    /// Secrets shorter than this are not looked for: they would match ordinary text.
    public static let shortest = 4

    /// Hides `secrets`, longest first; those shorter than ``shortest`` characters are dropped.
    public init(secrets: [String]) {
        self.secrets = Set(secrets.filter { $0.count >= Self.shortest }).sorted { $0.count > $1.count }
    }

    /// No secret to hide.
    public static let none = Redaction(secrets: [])

    /// True when there is no secret to hide.
    public var isEmpty: Bool { secrets.isEmpty }

    /// The secrets a run must hide, from its environment: the values of the credential variables
    /// (`OCP_PASSWORD`, `OCP_ACCESS_KEY_SECRET`, `runbook serve`'s) and of every variable whose name
    /// says it holds a secret (`PASSWORD`, `SECRET`, `TOKEN`, `PRIVATE_KEY` in it, any case), plus
    /// `others` (the credentials in use, from a file).
    public static func secrets(in environment: [String: String], others: [String] = []) -> Redaction {
        var found = others
        for (name, value) in environment where isSecretName(name) {
            found.append(value)
        }
        // An OCP error may echo the Authorization header it was sent.
        if let user = environment["OCP_USER"], let password = environment["OCP_PASSWORD"], !password.isEmpty {
            found.append(Data("\(user):\(password)".utf8).base64EncodedString())
        }
        return Redaction(secrets: found)
    }

    /// Whether an environment variable's name says it holds a secret: `PASSWORD`, `PASSWD`,
    /// `SECRET`, `TOKEN`, `PRIVATE_KEY` or `CREDENTIAL` in it, in any case.
    public static func isSecretName(_ name: String) -> Bool {
        let upper = name.uppercased()
        return ["PASSWORD", "PASSWD", "SECRET", "TOKEN", "PRIVATE_KEY", "CREDENTIAL"].contains { upper.contains($0) }
    }

    /// The text with every secret replaced by ``mark``.
    public func apply(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var out = text
        for secret in secrets where out.contains(secret) {
            out = out.replacingOccurrences(of: secret, with: Self.mark)
        }
        return out
    }

    /// The record with every secret in any of its texts replaced by ``mark``.
    public func apply(_ record: StepLogRecord) -> StepLogRecord {
        guard !secrets.isEmpty else { return record }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(record) else { return Self.unreadable(record) }
        var json = String(decoding: data, as: UTF8.self)
        var changed = false
        for secret in secrets {
            // A secret appears in the JSON as its escaped string body.
            guard let quoted = try? encoder.encode(secret) else { continue }
            let escaped = String(decoding: quoted.dropFirst().dropLast(), as: UTF8.self)
            if json.contains(escaped) {
                json = json.replacingOccurrences(of: escaped, with: Self.mark)
                changed = true
            }
        }
        guard changed else { return record }
        return (try? JSONDecoder().decode(StepLogRecord.self, from: Data(json.utf8))) ?? Self.unreadable(record)
    }

    /// What stands for a record whose secrets could not be replaced: its kind and place only.
    private static func unreadable(_ record: StepLogRecord) -> StepLogRecord {
        switch record {
        case .stepFinished(var s):
            s.message = "(this step's message held a secret and was withheld)"
            s.expected = nil
            s.found = nil
            s.observed = Observation()
            s.calls = []
            return .stepFinished(s)
        default:
            return record
        }
    }
}
