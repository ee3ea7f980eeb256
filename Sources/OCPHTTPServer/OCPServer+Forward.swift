import Foundation
import NIOCore
import OCPModel
import RunbookSupport

extension OCPServer.Core {
    /// What the client answered one request, as HTTP.
    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: [UInt8]
        var traceId: String?
        var code: String?
    }

    /// Parses the request into an ``OCPRequest``, sends it through the client, and writes the
    /// envelope of its answer or of its error.
    func forward(method: String, path: String, query: [(String, String)], body: ByteBuffer) async -> Answer {
        guard let (endpoint, values) = OCPEndpoint.match(method: method, path: path) else {
            return failure(
                status: 404, code: OCPErrorCode.notFound, message: "No OCP endpoint \(method.uppercased()) \(path).",
                traceId: nil)
        }
        var json: JSONValue?
        if body.readableBytes > 0 {
            do {
                json = try JSONDecoder().decode(JSONValue.self, from: Data(body.readableBytesView))
            } catch {
                return failure(
                    status: 400, code: OCPErrorCode.illegalArgument, message: "The request body is not JSON.", traceId: nil)
            }
        }
        let request = OCPRequest(
            endpoint, values, query: query.map { QueryItem($0.0, $0.1) }, body: json)
        let calls = OCPCallLog()
        let result: Result<OCPAnswerData, OCPError> = await OCPCallLog.$current.withValue(calls) {
            do throws(OCPError) {
                return .success(try await endpoint.serve(request, with: client))
            } catch {
                return .failure(error)
            }
        }
        let record = calls.calls.last
        switch result {
        case .success(let data):
                        let envelope = OCPEnvelope<OCPAnswerData>.success(
                data.value == nil ? nil : data, timestamp: timestamp(), duration: Int((record?.durationMs ?? 0).rounded()),
                traceId: record?.traceId ?? nextTraceId(), server: serverName)
            return Answer(
                status: 200, headers: [("Content-Type", "application/json")], body: Self.encode(envelope),
                traceId: envelope.traceId, code: nil)
        case .failure(let error):
            let status = error.httpStatus ?? 500
            var answer = failure(
                status: status, code: error.code ?? OCPErrorCode.internalError, message: error.message,
                traceId: error.traceId ?? record?.traceId)
            // A simulated rate limit or outage says when to come back, as OCP's gateway does.
            if status == 429 {
                answer.headers += [("RateLimit-Limit", "100"), ("RateLimit-Remaining", "0"), ("RateLimit-Reset", "1")]
            }
            if status == 429 || status == 503 { answer.headers.append(("Retry-After", "1")) }
            return answer
        }
    }

    /// An error envelope.
    func failure(status: Int, code: String, message: String, traceId: String?) -> Answer {
        let envelope = OCPEnvelope<NoPayload>(
            data: nil, successful: false, timestamp: timestamp(), duration: 0, status: status,
            traceId: traceId ?? nextTraceId(), server: serverName, error: OCPErrorBody(code: code, message: message))
        return Answer(
            status: status, headers: [("Content-Type", "application/json")], body: Self.encode(envelope),
            traceId: envelope.traceId, code: code)
    }

    static func encode<T: Encodable>(_ value: T) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return (try? encoder.encode(value)).map { Array($0) } ?? Array(#"{"successful":false}"#.utf8)
    }
}
