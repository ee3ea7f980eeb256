import Foundation
import NIOCore
@_spi(Testing) @testable import OCPHTTPServer
import OCPModel

/// What `runbook serve`'s HTTP layer answered one request, without a network.
package struct ServedResponse: Sendable {
    package var status: Int
    package var headers: [String: String]
    package var body: [UInt8]
}

/// Answers one request as `runbook serve` would for `client`, past authentication and rate limits:
/// the request is parsed into an ``OCPRequest``, sent through the client and written as OCP's
/// envelope. `timestamp` is the envelopes' time (the simulator's simulated time).
package func served(
    _ client: any OCPClient, timestamp: @escaping @Sendable () -> OCPTimestamp, method: String, path: String,
    query: [String: String] = [:], body: [UInt8]? = nil
) async -> ServedResponse {
    let server = OCPServer(configuration: ServeConfiguration(port: 0), client: client, timestamp: timestamp)
    let answer = await server.core.forward(
        method: method, path: path, query: query.sorted { $0.key < $1.key }.map { ($0.key, $0.value) },
        body: ByteBuffer(bytes: body ?? []))
    var headers: [String: String] = [:]
    for (name, value) in answer.headers { headers[name] = value }
    return ServedResponse(status: answer.status, headers: headers, body: answer.body)
}
