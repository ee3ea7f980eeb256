import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension FileInput {
    /// Whether two paths name the same file, however they are spelt: `t/../t/j.json` and
    /// `t/j.json`, a symbolic link and its target, two hard links. Files that exist are compared by
    /// device and inode; otherwise by the real path of their directory and their name.
    package static func sameFile(_ a: String, _ b: String) -> Bool {
        var sa = stat()
        var sb = stat()
        if stat(a, &sa) == 0, stat(b, &sb) == 0 { return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino }
        return resolved(a) == resolved(b)
    }

    /// The real path of `path`'s directory, and its last component (a file yet to be made).
    private static func resolved(_ path: String) -> String {
        let url = URL(fileURLWithPath: path).standardizedFileURL
        let directory = url.deletingLastPathComponent().path
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let real = realpath(directory, &buffer) != nil ? String(cString: buffer) : directory
        return real + "/" + url.lastPathComponent
    }
}
