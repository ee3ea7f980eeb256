import ArgumentParser
import Foundation
import Runbook

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check runbook files without running them.",
        discussion: """
            Prints each problem as `path:line:col: error: message` with the source line and a caret, \
            on standard error. Exit status: 0 when every file is valid, 2 when any is not.
            """
    )

    @Argument(help: "The runbook files to check.", completion: .file(extensions: ["yaml", "yml"]))
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("Name at least one runbook file to check.") }
    }

    func run() async throws {
        var failed = 0
        for path in files {
            var source: SourceText?
            let diagnostics = Self.check(path, source: &source)
            for diagnostic in diagnostics {
                FileHandle.standardError.write(Data((diagnostic.rendered(source: source) + "\n").utf8))
            }
            if diagnostics.contains(where: { $0.severity == .error }) { failed += 1 }
        }
        let summary = failed == 0
            ? "\(files.count) file\(files.count == 1 ? "" : "s") checked, no errors"
            : "\(failed) of \(files.count) file\(files.count == 1 ? "" : "s") invalid"
        FileHandle.standardError.write(Data((summary + "\n").utf8))
        if failed > 0 { throw ExitCode(2) }
    }

    static func check(_ path: String, source: inout SourceText?) -> [Diagnostic] {
        do throws(Diagnostic) {
            let bytes = try FileInput.read(path)
            source = SourceText(path: path, text: String(decoding: bytes, as: UTF8.self))
            _ = try YAMLLoader().load(bytes: bytes, file: path)
            return []
        } catch {
            return [error]
        }
    }
}
