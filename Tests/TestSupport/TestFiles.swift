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

/// The built `runbook` executable, beside the test bundle (`swift build` builds it; `swift test`
/// compiles the sources but does not link it, which is why the README's test command is
/// `swift build && swift test`). A test that needs it fails, saying what to do, when it is missing
/// or older than the code it is built from.
package enum RunbookBinary {
    package static let url: URL = {
        let beside = Bundle.main.executableURL?.deletingLastPathComponent().appendingPathComponent("runbook")
        return beside ?? TestFiles.url(".build/debug/runbook")
    }()

    /// Why the binary cannot be used, or nil.
    package static let problem: String? = {
        let files = FileManager.default
        guard files.isExecutableFile(atPath: url.path) else {
            return "the runbook executable is not at \(url.path): run `swift build` before `swift test`"
        }
        func modified(_ url: URL) -> Date? {
            (try? files.attributesOfItem(atPath: url.path))?[.modificationDate] as? Date
        }
        guard let built = modified(url) else { return "cannot read \(url.path)" }
        let folder = url.deletingLastPathComponent()
        let modules = [
            "RunbookSupport", "RunbookYAML", "OCPModel", "RunbookLanguage", "RunbookStepLog", "RunbookEngine",
            "OCPSimulation", "OCPHTTP", "OCPHTTPServer", "RunbookReport", "Runbook", "runbook_cli",
        ].map { "\($0).build" }
        for module in modules {
            let objects = folder.appendingPathComponent(module)
            let names = (try? files.contentsOfDirectory(atPath: objects.path)) ?? []
            if let newer = names.first(where: {
                $0.hasSuffix(".o") && (modified(objects.appendingPathComponent($0)) ?? .distantPast) > built
            }) {
                return "the runbook executable \(url.path) is older than \(module)/\(newer): run `swift build` before `swift test`"
            }
        }
        return nil
    }()

    /// The binary's URL, or a failure saying why it cannot be used.
    package static func require(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> URL {
        if let problem {
            Issue.record(Comment(rawValue: problem), sourceLocation: sourceLocation)
            throw TestFiles.MissingFile(path: url.path)
        }
        return url
    }
}
