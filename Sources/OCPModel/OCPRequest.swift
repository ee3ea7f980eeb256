import RunbookSupport

/// One call to OCP, as data: the endpoint, the ids in its path, its query and its JSON body.
///
/// The HTTP client sends it, `runbook serve` builds it from an HTTP request, and the simulator
/// answers it; all three read the same fields.
public struct OCPRequest: Sendable, Hashable {
    /// The endpoint called: its method, path template and what a call does.
    public var endpoint: OCPEndpoint
    /// The values of the path's placeholders, in order (``OCPEndpoint/placeholders``).
    public var pathValues: [Int]
    /// Query parameters, in the order given; the path sorts them by name.
    public var query: [QueryItem]
    /// The JSON body of a POST, when it has one.
    public var body: JSONValue?

    /// A request to `endpoint`, with `pathValues` filling its path's placeholders in order, the
    /// query parameters `query`, and the JSON `body` of a POST.
    public init(_ endpoint: OCPEndpoint, _ pathValues: [Int] = [], query: [QueryItem] = [], body: JSONValue? = nil) {
        self.endpoint = endpoint
        self.pathValues = pathValues
        self.query = query
        self.body = body
    }

    /// The value of the path placeholder `name` (`id`, `taskId`, ...).
    public func pathValue(_ name: String) -> Int? {
        guard let index = endpoint.placeholders.firstIndex(of: name), index < pathValues.count else { return nil }
        return pathValues[index]
    }

    /// The first query parameter called `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// The query string, parameters sorted by name and values percent-encoded: `page=1&size=10`.
    public var queryString: String {
        query.sorted { $0.name < $1.name }.map { "\($0.name)=\(PercentEncoding.encode($0.value))" }.joined(separator: "&")
    }

    /// Method and path with its query, as the step log records it.
    public var call: OCPCall {
        let base = endpoint.path(pathValues)
        let query = queryString
        return OCPCall(method: endpoint.method, path: query.isEmpty ? base : base + "?" + query)
    }
}

/// One query parameter.
public struct QueryItem: Sendable, Hashable {
    /// The parameter's name (`page`).
    public var name: String
    /// The parameter's value, not encoded: ``OCPRequest/queryString`` percent-encodes it.
    public var value: String

    /// The parameter `name=value`, with `value` not encoded.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// A request and the type of its answer's `data`.
public struct OCPOperation<Response: Codable & Sendable>: Sendable {
    /// The request sent.
    public var request: OCPRequest

    /// The operation that sends `request` and decodes its answer's `data` as `Response`.
    public init(_ request: OCPRequest) {
        self.request = request
    }

    /// The operation that sends the request built from these parts (as
    /// ``OCPRequest/init(_:_:query:body:)``) and decodes its answer's `data` as `Response`.
    public init(_ endpoint: OCPEndpoint, _ pathValues: [Int] = [], query: [QueryItem] = [], body: JSONValue? = nil) {
        request = OCPRequest(endpoint, pathValues, query: query, body: body)
    }
}

/// RFC 3986 percent-encoding of query values (unreserved characters kept).
package enum PercentEncoding {
    package static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + Hex.byte(byte)
            }
        }
        return out
    }
}
