import Foundation

/// Reads input files, turning I/O failures into located diagnostics.
public enum FileInput {
    /// The bytes of the file at `path` (`-` reads standard input).
    public static func read(_ path: String) throws(Diagnostic) -> [UInt8] {
        let location = SourceLocation(file: path, line: 1, column: 1)
        if path == "-" {
            return Array(FileHandle.standardInput.readDataToEndOfFile())
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .error("file.not-found", "no such file", at: location)
        }
        if isDirectory.boolValue {
            throw .error("file.is-directory", "this is a directory, not a runbook file", at: location)
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .error("file.unreadable", "the file cannot be read (check its permissions)", at: location)
        }
        return Array(data)
    }
}
