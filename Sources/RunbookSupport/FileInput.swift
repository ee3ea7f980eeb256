import Foundation

/// Reads input files, turning I/O failures into located diagnostics.
package enum FileInput {
    /// The largest input read, 8 MiB: also the YAML loader's limit.
    package static let maxBytes = 8 * 1024 * 1024

    /// The bytes of the file at `path` (`-` reads standard input). Refuses, without reading them,
    /// files larger than `limit` bytes; a stream (a pipe, a device) is read only up to the limit.
    /// `noun` is what the file should be, for the messages: `this is a directory, not a journal`.
    package static func read(_ path: String, limit: Int = maxBytes, noun: String = "a runbook file") throws(Diagnostic)
        -> [UInt8]
    {
        let location = SourceLocation(file: path, line: 1, column: 1)
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .error("file.not-found", "no such file", at: location)
            }
            if isDirectory.boolValue {
                throw .error("file.is-directory", "this is a directory, not \(noun)", at: location)
            }
            if let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int, size > limit {
                throw tooLarge(size, limit: limit, noun: noun, at: location)
            }
            guard let opened = FileHandle(forReadingAtPath: path) else {
                throw .error("file.unreadable", "the file cannot be read (check its permissions)", at: location)
            }
            handle = opened
        }
        defer { if path != "-" { try? handle.close() } }
        var bytes: [UInt8] = []
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: 1 << 16)
            } catch {
                throw .error("file.unreadable", "the file cannot be read: \(error.localizedDescription)", at: location)
            }
            guard let chunk, !chunk.isEmpty else { break }
            bytes += chunk
            if bytes.count > limit { throw tooLarge(nil, limit: limit, noun: noun, at: location) }
        }
        return bytes
    }

    private static func tooLarge(_ size: Int?, limit: Int, noun: String, at location: SourceLocation) -> Diagnostic {
        let what = size.map { "\($0) bytes" } ?? "more than \(limit) bytes"
        return .error(
            "yaml.too-large",
            "the file is too large: \(what), over the limit of \(formatSize(limit)) for \(noun)",
            at: location)
    }

    /// `8 MiB`, `1.5 MiB`, `512 bytes`.
    package static func formatSize(_ bytes: Int) -> String {
        if bytes >= 1024 * 1024 {
            let tenths = (bytes * 10 + 512 * 1024) / (1024 * 1024)
            return tenths % 10 == 0 ? "\(tenths / 10) MiB" : "\(tenths / 10).\(tenths % 10) MiB"
        }
        return "\(bytes) bytes"
    }
}
