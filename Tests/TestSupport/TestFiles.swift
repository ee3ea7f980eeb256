import Foundation
import Testing

/// Files of the package, found from this source file's path (tests run from any directory).
package enum TestFiles {
    /// The package root: two folders above `Tests/TestSupport/`.
    package static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // TestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()

    package static func url(_ relativePath: String) -> URL {
        packageRoot.appendingPathComponent(relativePath)
    }

    /// The text of a file of the package; a missing file fails the test with its path.
    package static func text(_ relativePath: String) throws -> String {
        let url = url(relativePath)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw MissingFile(path: url.path)
        }
        return try String(contentsOf: url, encoding: .utf8)
    }

    /// The bytes of `examples/NAME`.
    package static func exampleBytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url("examples").appendingPathComponent(name)))
    }

    /// The `.yaml` files of `examples/`, sorted, as `examples/NAME`.
    package static func examples() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: url("examples").path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
            .sorted()
            .map { "examples/" + $0 }
    }

    /// A file the test needs is not in the package.
    package struct MissingFile: Error, CustomStringConvertible {
        package var path: String
        package var description: String { "the package has no file \(path)" }
    }
}

/// The built `runbook` executable, which SwiftPM builds before the test targets that depend on
/// it: beside the test bundle. A test that needs it fails, saying so, when it is missing.
package enum RunbookBinary {
    package static let url: URL = {
        let beside = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("runbook")
        return beside ?? TestFiles.url(".build/debug/runbook")
    }()

    /// The binary's URL, or a failure naming where it was looked for.
    package static func require(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> URL {
        try #require(
            FileManager.default.isExecutableFile(atPath: url.path),
            "the runbook executable is not at \(url.path): the test target depends on runbook-cli, so `swift build --build-tests` builds it",
            sourceLocation: sourceLocation)
        return url
    }
}
