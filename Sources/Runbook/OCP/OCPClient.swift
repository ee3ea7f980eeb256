/// Filters for listing tasks (`GET /api/v2/tasks/instances`).
public struct TaskQuery: Sendable, Hashable {
    public var status: TaskStatus?
    public var clusterId: Int?
    public var name: String?
    public var type: TaskType?
    /// 1-based.
    public var page: Int
    public var size: Int
    /// For example `id,asc` or `id,desc`.
    public var sort: String?

    public init(
        status: TaskStatus? = nil, clusterId: Int? = nil, name: String? = nil, type: TaskType? = nil, page: Int = 1,
        size: Int = 10, sort: String? = nil
    ) {
        self.status = status
        self.clusterId = clusterId
        self.name = name
        self.type = type
        self.page = page
        self.size = size
        self.sort = sort
    }

    /// The query string, keys sorted: `clusterId=6&page=1&size=10`.
    public var queryString: String {
        var items: [(String, String)] = [("page", String(page)), ("size", String(size))]
        if let status { items.append(("status", status.rawValue)) }
        if let clusterId { items.append(("clusterId", String(clusterId))) }
        if let name { items.append(("name", name)) }
        if let type { items.append(("type", type.rawValue)) }
        if let sort { items.append(("sort", sort)) }
        return items.sorted { $0.0 < $1.0 }.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }
}

/// Filters for listing clusters (`GET /api/v2/ob/clusters`).
public struct ClusterQuery: Sendable, Hashable {
    /// 1-based.
    public var page: Int
    /// At most 2000.
    public var size: Int
    public var name: String?
    public var status: ClusterStatus?

    public init(page: Int = 1, size: Int = 10, name: String? = nil, status: ClusterStatus? = nil) {
        self.page = page
        self.size = size
        self.name = name
        self.status = status
    }

    public var queryString: String {
        var items: [(String, String)] = [("page", String(page)), ("size", String(size))]
        if let name { items.append(("name", name)) }
        if let status { items.append(("status", status.rawValue)) }
        return items.sorted { $0.0 < $1.0 }.map { "\($0.0)=\(PercentEncoding.encode($0.1))" }.joined(separator: "&")
    }
}

/// The OCP API as runbook uses it (reference section 1). The interpreter talks to OCP only through
/// this protocol; the embedded simulator and the HTTP client are its two implementations.
///
/// Every implementation reports each call it makes to ``OCPCallLog/current`` and fails with an
/// ``OCPError`` that names the call.
public protocol OCPClient: Sendable {
    /// `POST /api/v2/ob/clusters/{id}/failoverPreCheck`: can this standby fail over?
    func failoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult
    /// `POST /api/v2/ob/clusters/{id}/failover`: promote the standby; answers at once with the task.
    func failover(clusterId: Int) async throws(OCPError) -> TaskInstance
    /// `POST /api/v2/ob/clusters/{id}/switchoverPreCheck`.
    func switchoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult
    /// `POST /api/v2/ob/clusters/{id}/switchover`: planned role swap.
    func switchover(clusterId: Int) async throws(OCPError) -> TaskInstance
    /// `GET /api/v2/ob/clusters`.
    func clusters(_ query: ClusterQuery) async throws(OCPError) -> Page<Cluster>
    /// `GET /api/v2/tasks/instances`.
    func tasks(_ query: TaskQuery) async throws(OCPError) -> Page<TaskInstance>
    /// `GET /api/v2/tasks/instances/{taskId}`: the full task with its subtasks.
    func task(id: Int) async throws(OCPError) -> TaskInstance
    /// `POST /api/v2/tasks/instances/{taskId}/retry`.
    func retryTask(id: Int) async throws(OCPError) -> TaskInstance
    /// `POST /api/v2/tasks/instances/{taskId}/rollback`.
    func rollbackTask(id: Int) async throws(OCPError) -> TaskInstance
    /// `GET /api/v2/tasks/instances/{taskId}/subtasks/{subtaskId}/log`.
    func subtaskLog(taskId: Int, subtaskId: Int) async throws(OCPError) -> String
    /// `POST .../subtasks/{subtaskId}/retry`.
    func retrySubtask(taskId: Int, subtaskId: Int) async throws(OCPError) -> SubtaskInstance
    /// `POST .../subtasks/{subtaskId}/skip`.
    func skipSubtask(taskId: Int, subtaskId: Int) async throws(OCPError)
    /// `POST .../subtasks/{subtaskId}/cancel`.
    func cancelSubtask(taskId: Int, subtaskId: Int) async throws(OCPError)
}

extension OCPClient {
    /// Finds a cluster by id through the list endpoint (OCP documents no single-cluster GET),
    /// paging with the largest page size. Fails with a 404-like ``OCPError`` when it is absent.
    public func cluster(id: Int) async throws(OCPError) -> Cluster {
        var page = 1
        while true {
            let result = try await clusters(ClusterQuery(page: page, size: 2000))
            if let found = result.contents.first(where: { $0.id == id }) { return found }
            if page >= result.page.totalPages || result.contents.isEmpty { break }
            page += 1
        }
        throw OCPError(
            .api, call: OCPCall(.listClusters, query: ClusterQuery(page: 1, size: 2000).queryString), httpStatus: 404,
            message: "no cluster with id \(id)")
    }
}

/// RFC 3986 percent-encoding of query values (unreserved characters kept).
public enum PercentEncoding {
    public static func encode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(UnicodeScalar(byte))
            default:
                out += "%" + YAMLLoader.hex(byte)
            }
        }
        return out
    }
}
