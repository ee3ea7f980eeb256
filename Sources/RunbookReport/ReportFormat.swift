import Foundation
import RunbookStepLog
import RunbookSupport

/// The formats a report is written in.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// One self-contained HTML page (``HTMLReport``).
    case html
    /// JUnit XML, for CI (``JUnitReport``).
    case junit
    /// A Markdown summary (``MarkdownReport``).
    case markdown
    /// The report model as JSON (``ReportJSON``).
    case json

    /// The format a file's extension names: `.html`/`.htm`, `.xml` (JUnit), `.md`/`.markdown`,
    /// `.json`; nil for any other.
    public init?(extensionOf path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "html", "htm": self = .html
        case "xml": self = .junit
        case "md", "markdown": self = .markdown
        case "json": self = .json
        default: return nil
        }
    }

    /// Whether the format shows the subtasks of tasks (the HTML's timeline and DAGs, the JSON's
    /// model); JUnit and Markdown do not.
    public var showsSubtasks: Bool { self == .html || self == .json }

    /// The extensions ``init(extensionOf:)`` knows, for messages.
    public static let extensionsText = ".html, .xml (JUnit), .md or .json"

    /// One drill in this format.
    public func render(_ report: DrillReport) throws(ReportError) -> String {
        switch self {
        case .html: return try HTMLReport.render(report)
        case .junit: return JUnitReport.render(report)
        case .markdown: return MarkdownReport.render(report)
        case .json: return try ReportJSON.encode(report)
        }
    }

    /// One or several drills: one drill's report, or a comparison of several.
    public func render(_ reports: [DrillReport]) throws(ReportError) -> String {
        guard reports.count != 1 else { return try render(reports[0]) }
        let comparison = ComparisonReport(reports)
        switch self {
        case .html: return try HTMLReport.render(comparison)
        case .junit:
            return JUnitReport.render(
                reports.enumerated().sorted { a, b in
                    a.element.startedAt != b.element.startedAt
                        ? a.element.startedAt < b.element.startedAt : a.offset < b.offset
                }.map(\.element))
        case .markdown: return MarkdownReport.render(comparison)
        case .json: return try ReportJSON.encode(ReportJSON.Comparison(comparison: comparison, drills: reports))
        }
    }
}

/// The JSON form of reports: the model itself, keys sorted, two-space indentation.
public enum ReportJSON {
    /// Several drills: the comparison and each drill in full.
    public struct Comparison: Sendable, Codable {
        /// The shape of this JSON, as ``DrillReport/reportVersion``.
        public var reportVersion = 1
        /// The drills side by side.
        public var comparison: ComparisonReport
        /// Each drill's report in full, in the order given.
        public var drills: [DrillReport]
    }

    /// `value` as JSON, keys sorted, two-space indentation, ending with an end of line; throws a
    /// ``ReportError`` when it cannot be encoded.
    public static func encode(_ value: some Encodable) throws(ReportError) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
        } catch {
            throw ReportError("cannot write the report as JSON: \(error)")
        }
    }
}

/// Writes reports: reads each journal, renders, and writes the file whole (a temporary file
/// renamed over it), so that a report is never left half written.
public enum ReportWriter {
    /// Writes `text` to `path` atomically, creating its folder. Throws with the path and the reason.
    public static func write(_ text: String, to path: String) throws(ReportError) {
        if isDirectory(path) {
            throw ReportError("cannot write the report \(path): it is a directory; give a file name")
        }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url, options: [.atomic])
        } catch {
            throw ReportError("cannot write the report \(path): \(Self.reason(error))")
        }
    }

    /// True when `path` names a directory (a link to one included): no report can be written there.
    public static func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    private static func reason(_ error: any Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(truncatingIfNeeded: underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(truncatingIfNeeded: ns.code))) }
        return ns.localizedDescription
    }
}
