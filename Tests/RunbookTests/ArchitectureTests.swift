import Foundation
import RunbookTestSupport
import Testing

/// docs/architecture.md draws the module graph; Package.swift encodes it. They must agree.
@Suite struct ArchitectureTests {
    /// `target -> dependency` for every dependency of a library or executable target of
    /// Package.swift on another target of the package (products of other packages left out).
    static func packageEdges() throws -> Set<String> {
        let text = try TestFiles.text("Package.swift")
        var edges = Set<String>()
        // Each `.target(`, `.executableTarget(` or `.systemLibrary(` declaration, up to the next one.
        let starts = ["\n        .target(", "\n        .executableTarget(", "\n        .systemLibrary(", "\n        .testTarget("]
        var positions: [String.Index] = []
        for start in starts {
            var from = text.startIndex
            while let r = text.range(of: start, range: from..<text.endIndex) {
                positions.append(r.lowerBound)
                from = r.upperBound
            }
        }
        positions.sort()
        for (i, position) in positions.enumerated() {
            let end = i + 1 < positions.count ? positions[i + 1] : text.endIndex
            let declaration = String(text[position..<end])
            guard !declaration.contains(".testTarget("),
                let name = Self.firstQuoted(after: "name:", in: declaration), name != "RunbookTestSupport",
                name != "runbook-bench"
            else { continue }
            guard let deps = declaration.range(of: "dependencies:") else { continue }
            let list = declaration[deps.upperBound...]
            guard let open = list.firstIndex(of: "["), let close = Self.matchingBracket(list, open) else { continue }
            var depth = 0
            var quoted = ""
            var inQuote = false
            for c in list[list.index(after: open)..<close] {
                switch c {
                case "(": depth += 1
                case ")": depth -= 1
                case "\"" where depth == 0:
                    if inQuote { edges.insert("\(name) -> \(quoted)") }
                    inQuote.toggle()
                    quoted = ""
                default: if inQuote { quoted.append(c) }
                }
            }
        }
        return edges
    }

    static func firstQuoted(after marker: String, in text: String) -> String? {
        guard let r = text.range(of: marker) else { return nil }
        let rest = text[r.upperBound...]
        guard let open = rest.firstIndex(of: "\"") else { return nil }
        let after = rest[rest.index(after: open)...]
        guard let close = after.firstIndex(of: "\"") else { return nil }
        return String(after[..<close])
    }

    static func matchingBracket(_ text: Substring, _ open: String.Index) -> String.Index? {
        var depth = 0
        var i = open
        while i < text.endIndex {
            if text[i] == "[" { depth += 1 }
            if text[i] == "]" {
                depth -= 1
                if depth == 0 { return i }
            }
            i = text.index(after: i)
        }
        return nil
    }

    /// `A -> B` for each `A --> B` of the mermaid graph in docs/architecture.md.
    static func documentedEdges() throws -> Set<String> {
        let text = try TestFiles.text("docs/architecture.md")
        guard let start = text.range(of: "```mermaid"), let end = text.range(of: "```", range: start.upperBound..<text.endIndex)
        else { return [] }
        var edges = Set<String>()
        for line in text[start.upperBound..<end.lowerBound].split(separator: "\n") {
            let parts = line.components(separatedBy: "-->").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { edges.insert("\(parts[0]) -> \(parts[1])") }
        }
        return edges
    }

    @Test func theDocumentedGraphIsPackageSwifts() throws {
        let package = try Self.packageEdges()
        let documented = try Self.documentedEdges()
        #expect(package.count > 20)
        #expect(package.subtracting(documented).sorted() == [], "in Package.swift, not in docs/architecture.md")
        #expect(documented.subtracting(package).sorted() == [], "in docs/architecture.md, not in Package.swift")
    }

    /// The arrows the design forbids are absent: a stage never depends on a later one.
    @Test func noStageReachesBack() throws {
        let edges = try Self.packageEdges()
        let forbidden = [
            "RunbookEngine -> OCPSimulation", "RunbookEngine -> OCPHTTP", "RunbookEngine -> OCPHTTPServer",
            "RunbookEngine -> RunbookYAML", "OCPSimulation -> RunbookLanguage", "OCPSimulation -> RunbookEngine",
            "OCPHTTP -> RunbookLanguage", "OCPHTTPServer -> RunbookLanguage", "OCPHTTPServer -> OCPSimulation",
            "RunbookLanguage -> RunbookEngine", "RunbookLanguage -> OCPSimulation", "OCPModel -> RunbookYAML",
            "RunbookSupport -> RunbookYAML",
        ]
        for edge in forbidden { #expect(!edges.contains(edge), "\(edge)") }
        // Only the YAML stage touches C.
        #expect(edges.filter { $0.hasSuffix("-> CYaml") } == ["RunbookYAML -> CYaml"])
    }
}
