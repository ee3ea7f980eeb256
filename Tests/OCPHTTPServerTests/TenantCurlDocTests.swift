import AsyncHTTPClient
import Foundation
import NIOCore
import RunbookTestSupport
import Testing

@testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookLanguage
@testable import RunbookSupport

/// docs/ocp.md's curl commands for tenants work as written: each is sent, in order, to a served
/// simulator as `runbook serve --speed instant` runs it (the default topology, then the region-loss
/// topology the document writes), and answers the HTTP status its comment gives (200 unless it
/// names a 4xx) with every word in capitals and every task id of its comment in the answer.
@Suite struct TenantCurlDocTests {
    struct Curl: CustomStringConvertible {
        var method: String
        var path: String
        var body: String?
        var comment: String

        var description: String { "\(method) \(path)" }

        var expectedStatus: Int {
            comment.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .punctuationCharacters)) }
                .first { (400...499).contains($0) } ?? 200
        }

        /// `OBE26107`, `PRIMARY`, `171603`: what the answer must hold.
        var expectedWords: [String] {
            comment.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).map(String.init).filter { w in
                (w.count >= 4 && w == w.uppercased() && w.contains { $0.isLetter })
                    || (w.count == 6 && w.allSatisfy(\.isNumber))
            }
        }
    }

    /// The curl commands of the `sh` block after `marker`, continuation lines joined.
    static func curls(after marker: String, in text: String) throws -> [Curl] {
        let start = try #require(text.range(of: marker)).upperBound
        let open = try #require(text.range(of: "```sh\n", range: start..<text.endIndex)).upperBound
        let close = try #require(text.range(of: "\n```", range: open..<text.endIndex)).lowerBound
        var lines: [String] = []
        for line in text[open..<close].split(separator: "\n") {
            if let last = lines.last, last.hasSuffix("\\") {
                lines[lines.count - 1] = String(last.dropLast()) + " " + line.trimmingCharacters(in: .whitespaces)
            } else {
                lines.append(String(line))
            }
        }
        return try lines.filter { $0.hasPrefix("curl ") }.map(parse)
    }

    static func parse(_ line: String) throws -> Curl {
        let parts = line.components(separatedBy: "   #")
        let command = parts[0]
        let comment = parts.count > 1 ? parts[1...].joined(separator: " ") : ""
        var method = "GET"
        if command.contains("-X POST") { method = "POST" }
        var body: String?
        if let d = command.range(of: "-d '") {
            let rest = command[d.upperBound...]
            body = String(rest[..<(try #require(rest.firstIndex(of: "'")))])
        }
        let url = try #require(command.split(separator: " ").last { $0.contains("http://127.0.0.1:") })
        let bare = url.trimmingCharacters(in: CharacterSet(charactersIn: "'"))
        let path = try #require(bare.range(of: "/api/")).lowerBound
        return Curl(method: method, path: String(bare[path...]), body: body, comment: comment)
    }

    /// Sends each command to `client` served over HTTP and checks its answer.
    static func replay(_ curls: [Curl], on client: any OCPClient) async throws {
        try await LiveServer.with(client) { server in
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                for curl in curls {
                    var request = HTTPClientRequest(url: server.url + curl.path)
                    request.method = curl.method == "POST" ? .POST : .GET
                    if let body = curl.body {
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.body = .bytes(ByteBuffer(string: body))
                    }
                    let response = try await http.execute(request, timeout: .seconds(30))
                    let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
                    #expect(Int(response.status.code) == curl.expectedStatus, "\(curl): \(text.prefix(300))")
                    for word in curl.expectedWords {
                        #expect(text.contains(word), "\(curl) # \(curl.comment): no \(word) in \(text.prefix(400))")
                    }
                }
            } catch {
                try? await http.shutdown()
                throw error
            }
            try await http.shutdown()
        }
    }

    @Test func theTenantCommandsWorkAsWrittenAgainstAFreshServer() async throws {
        let doc = try TestFiles.text("docs/ocp.md")
        let curls = try Self.curls(after: "OceanBase 4.x tenants, against a fresh `runbook serve`", in: doc)
        #expect(curls.count == 10)
        #expect(curls.contains { $0.expectedStatus == 409 } && curls.contains { $0.body != nil })
        try await Self.replay(curls, on: SteppedSimulator(setup: SimulationSetup()))
    }

    @Test func theRegionLossCommandsWorkAgainstTheTopologyTheDocumentWrites() async throws {
        let doc = try TestFiles.text("docs/ocp.md")
        let marker = try #require(doc.range(of: "cat > region-loss.yaml <<'EOF'\n")).upperBound
        let end = try #require(doc.range(of: "\nEOF\n", range: marker..<doc.endIndex)).lowerBound
        let outcome = SimulateBlockDecoder.decodeTopology(
            bytes: Array(doc[marker..<end].utf8), file: "region-loss.yaml")
        let block = try #require(outcome.block, "\(outcome.diagnostics)")
        let curls = try Self.curls(after: "runbook serve --topology region-loss.yaml", in: doc)
        #expect(curls.count == 4)
        try await Self.replay(curls, on: SteppedSimulator(setup: SimulationSetup(block)))
    }
}
