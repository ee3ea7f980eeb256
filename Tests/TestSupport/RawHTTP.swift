import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Plain HTTP requests for tests that look at the wire itself (headers, envelopes, bad credentials).
package enum RawHTTP {
    package struct Answer: @unchecked Sendable {
        package var status: Int
        package var headers: HTTPHeaders
        package var body: String
        /// The body as a JSON object, when it is one.
        package var json: [String: Any]? {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
        }
        package var error: [String: Any]? { json?["error"] as? [String: Any] }
    }

    package static func send(_ method: String, _ url: String, headers: [(String, String)] = []) async throws -> Answer {
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            var request = HTTPClientRequest(url: url)
            request.method = HTTPMethod(rawValue: method)
            for (name, value) in headers { request.headers.add(name: name, value: value) }
            let response = try await client.execute(request, timeout: .seconds(10))
            let body = try await response.body.collect(upTo: 16 << 20)
            let answer = Answer(
                status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
            try await client.shutdown()
            return answer
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}
