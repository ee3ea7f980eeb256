import Foundation

/// Files of the package, found from this source file's path (tests run from any directory).
enum TestFiles {
    /// The package root: three folders above `Tests/RunbookTests/Check/`.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Check
        .deletingLastPathComponent()  // RunbookTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    static func url(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent(relativePath)
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// The `.yaml` files of `examples/`, sorted.
    static func examples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url("examples").path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
            .map { "examples/" + $0 }
    }
}
