import Foundation

@testable import OCPModel

/// What a user must never read in an ``OCPError``: a library's raw text, a build path, "error:"
/// inside the message (the command line already prints "error: " before it), or an HTTP status
/// that did not come back.
enum Wording {
    static let forbidden = [
        "BoringSSL", "NIOSSL", "OPENSSL", "HTTPClientError", "NIOConnectionError", "IOError",
        "HTTPParserError", "DecodingError", ".build/", "/Sources/", ".swift:", ".cc:", "checkouts", "Optional(",
    ]

    /// The problems of `error`'s description; `returned` are the HTTP statuses that came back
    /// (nil for a request that got none).
    static func problems(in error: OCPError, returned: [Int?]) -> [String] {
        problems(in: error.description, returned: returned)
    }

    static func problems(in text: String, returned: [Int?]) -> [String] {
        var found: [String] = []
        if text.lowercased().contains("error:") { found.append("contains 'error:'") }
        for word in forbidden where text.contains(word) { found.append("contains '\(word)'") }
        let statuses = Set(returned.compactMap { $0 })
        for match in text.matches(of: /HTTP (\d{3})/) {
            if let status = Int(match.output.1), !statuses.contains(status) {
                found.append("states HTTP \(status), which did not come back (returned: \(statuses.sorted()))")
            }
        }
        if text.contains("::") || text.contains(": :") { found.append("has an empty part") }
        return found
    }
}
