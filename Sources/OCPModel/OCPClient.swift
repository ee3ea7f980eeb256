import RunbookSupport

/// The OCP API as runbook uses it (reference section 1). The interpreter talks to OCP only through
/// this protocol; the embedded simulator and the HTTP client are its two implementations, and
/// `runbook serve` puts any of them behind HTTP.
///
/// An implementation answers one requirement, ``send(_:)``, for every ``OCPEndpoint``. It reports
/// each call it makes (each attempt) to ``OCPCallLog/current`` and fails with an ``OCPError`` that
/// names the call. The typed methods below (``failover(clusterId:)``, ``task(id:)``, ...) are
/// written once, on top of it.
public protocol OCPClient: Sendable {
    /// Sends one request and returns its answer's `data`.
    func send<Response>(_ operation: OCPOperation<Response>) async throws(OCPError) -> Response
}

extension OCPClient {
    /// `POST /api/v2/ob/clusters/{id}/failoverPreCheck`: can this standby fail over?
    public func failoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await send(OCPOperation<PreCheckData>(.failoverPreCheck, [clusterId])).result
    }

    /// `POST /api/v2/ob/clusters/{id}/failover`: promote the standby; answers at once with the task.
    public func failover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await send(OCPOperation<TaskInstance>(.failover, [clusterId]))
    }

    /// `POST /api/v2/ob/clusters/{id}/switchoverPreCheck`.
    public func switchoverPreCheck(clusterId: Int) async throws(OCPError) -> PreCheckResult {
        try await send(OCPOperation<PreCheckData>(.switchoverPreCheck, [clusterId])).result
    }

    /// `POST /api/v2/ob/clusters/{id}/switchover`: planned role swap.
    public func switchover(clusterId: Int) async throws(OCPError) -> TaskInstance {
        try await send(OCPOperation<TaskInstance>(.switchover, [clusterId]))
    }

    /// `GET /api/v2/ob/clusters`.
    public func clusters(_ query: ClusterQuery) async throws(OCPError) -> Page<Cluster> {
        try await send(OCPOperation<Page<Cluster>>(.listClusters, query: query.items))
    }

    /// `GET /api/v2/tasks/instances`.
    public func tasks(_ query: TaskQuery) async throws(OCPError) -> Page<TaskInstance> {
        try await send(OCPOperation<Page<TaskInstance>>(.listTasks, query: query.items))
    }

    /// `GET /api/v2/tasks/instances/{taskId}`: the full task with its subtasks.
    public func task(id: Int) async throws(OCPError) -> TaskInstance {
        try await send(OCPOperation<TaskInstance>(.getTask, [id]))
    }

    /// `POST /api/v2/tasks/instances/{taskId}/retry`.
    public func retryTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await send(OCPOperation<TaskInstance>(.retryTask, [id]))
    }

    /// `POST /api/v2/tasks/instances/{taskId}/rollback`.
    public func rollbackTask(id: Int) async throws(OCPError) -> TaskInstance {
        try await send(OCPOperation<TaskInstance>(.rollbackTask, [id]))
    }

    /// `GET /api/v2/tasks/instances/{taskId}/subtasks/{subtaskId}/log`.
    public func subtaskLog(taskId: Int, subtaskId: Int) async throws(OCPError) -> String {
        try await send(OCPOperation<SubtaskLog>(.subtaskLog, [taskId, subtaskId])).log
    }

    /// `POST .../subtasks/{subtaskId}/retry`.
    public func retrySubtask(taskId: Int, subtaskId: Int) async throws(OCPError) -> SubtaskInstance {
        try await send(OCPOperation<SubtaskInstance>(.retrySubtask, [taskId, subtaskId]))
    }

    /// `POST .../subtasks/{subtaskId}/skip`.
    public func skipSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        _ = try await send(OCPOperation<NoPayload>(.skipSubtask, [taskId, subtaskId]))
    }

    /// `POST .../subtasks/{subtaskId}/cancel`.
    public func cancelSubtask(taskId: Int, subtaskId: Int) async throws(OCPError) {
        _ = try await send(OCPOperation<NoPayload>(.cancelSubtask, [taskId, subtaskId]))
    }

    /// Finds a cluster by id through the list endpoint (OCP documents no single-cluster GET),
    /// paging with the largest page size. Fails with an ``OCPError`` of kind `.api` and no HTTP
    /// status (the list was answered) when it is absent.
    public func cluster(id: Int) async throws(OCPError) -> Cluster {
        var page = 1
        while true {
            let result = try await clusters(ClusterQuery(page: page, size: ClusterQuery.lookup.size))
            if let found = result.contents.first(where: { $0.id == id }) { return found }
            if page >= result.page.totalPages || result.contents.isEmpty { break }
            page += 1
        }
        throw OCPError(
            .api, call: OCPRequest(.listClusters, query: ClusterQuery.lookup.items).call,
            message: "OCP lists no cluster with id \(id)")
    }
}

// MARK: - Tenants (OceanBase 4.x)

extension OCPClient {
    /// `GET /api/v2/ob/tenants`: every tenant OCP manages, a page at a time.
    public func tenants(_ query: TenantQuery) async throws(OCPError) -> Page<Tenant> {
        try await send(OCPOperation<Page<Tenant>>(.listTenants, query: query.items))
    }

    /// `GET /api/v2/ob/clusters/{id}/tenants`: the tenants of one cluster.
    public func tenants(clusterId: Int, _ query: TenantQuery = .lookup) async throws(OCPError) -> Page<Tenant> {
        try await send(OCPOperation<Page<Tenant>>(.listClusterTenants, [clusterId], query: query.items))
    }

    /// `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}`: one tenant in detail.
    public func tenant(clusterId: Int, tenantId: Int) async throws(OCPError) -> Tenant {
        try await send(OCPOperation<Tenant>(.getTenant, [clusterId, tenantId]))
    }

    /// Every tenant of one cluster, all pages.
    public func allTenants(clusterId: Int) async throws(OCPError) -> [Tenant] {
        var all: [Tenant] = []
        var page = 1
        while true {
            var query = TenantQuery.lookup
            query.page = page
            let result = try await tenants(clusterId: clusterId, query)
            all += result.contents
            if page >= result.page.totalPages || result.contents.isEmpty { return all }
            page += 1
        }
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/switchoverPreCheck`: may `pair` switch over?
    /// `clusterId` is the primary's cluster.
    public func tenantSwitchoverPreCheck(clusterId: Int, pair: TenantPair) async throws(OCPError)
        -> TenantSwitchoverPreCheckResult
    {
        try await send(
            OCPOperation<TenantSwitchoverPreCheckResult>(
                .tenantSwitchoverPreCheck, [clusterId, pair.primaryTenantId], body: pair.body))
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/switchover`: the standby of `pair` becomes
    /// primary and the primary its standby; answers at once with the task (the primary's).
    public func tenantSwitchover(clusterId: Int, pair: TenantPair) async throws(OCPError) -> TaskInstance {
        try await send(OCPOperation<TaskInstance>(.tenantSwitchover, [clusterId, pair.primaryTenantId], body: pair.body))
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/switchoverPreCheck`: one result per primary of `pairs`,
    /// whose primaries are in cluster `clusterId`.
    public func tenantsSwitchoverPreCheck(clusterId: Int, pairs: [TenantPair]) async throws(OCPError)
        -> [TenantSwitchoverPreCheckResult]
    {
        try await send(
            OCPOperation<Contents<TenantSwitchoverPreCheckResult>>(
                .tenantsSwitchoverPreCheck, [clusterId], body: TenantPair.batchBody(pairs))
        ).contents
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/switchover`: one task per pair.
    public func tenantsSwitchover(clusterId: Int, pairs: [TenantPair]) async throws(OCPError) -> [TaskInstance] {
        try await send(
            OCPOperation<Contents<TaskInstance>>(.tenantsSwitchover, [clusterId], body: TenantPair.batchBody(pairs))
        ).contents
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/failoverPreCheck`: may this standby
    /// (in cluster `clusterId`) fail over?
    public func tenantFailoverPreCheck(clusterId: Int, tenantId: Int) async throws(OCPError) -> TenantPreCheckResult {
        try await send(OCPOperation<TenantPreCheckResult>(.tenantFailoverPreCheck, [clusterId, tenantId]))
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/failover`: the standby becomes a primary,
    /// with `serviceName` if given; answers at once with the task.
    public func tenantFailover(clusterId: Int, tenantId: Int, serviceName: String? = nil) async throws(OCPError)
        -> TaskInstance
    {
        try await send(
            OCPOperation<TaskInstance>(
                .tenantFailover, [clusterId, tenantId], body: TenantFailoverItem.singleBody(serviceName: serviceName)))
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/failoverPreCheck`: every standby tenant of the cluster.
    public func tenantsFailoverPreCheck(clusterId: Int) async throws(OCPError) -> [TenantPreCheckResult] {
        try await send(OCPOperation<Contents<TenantPreCheckResult>>(.tenantsFailoverPreCheck, [clusterId])).contents
    }

    /// `POST /api/v2/ob/clusters/{id}/tenants/failover`: one task per standby of `items`.
    public func tenantsFailover(clusterId: Int, items: [TenantFailoverItem]) async throws(OCPError) -> [TaskInstance] {
        try await send(
            OCPOperation<Contents<TaskInstance>>(.tenantsFailover, [clusterId], body: TenantFailoverItem.batchBody(items))
        ).contents
    }
}

// MARK: - Queries

/// Filters for listing tasks (`GET /api/v2/tasks/instances`).
public struct TaskQuery: Sendable, Hashable {
    /// Only tasks with this status.
    public var status: TaskStatus?
    /// Only tasks on this OCP cluster.
    public var clusterId: Int?
    /// The OCP tenant the task is for (a tenant switchover's primary, a failover's standby).
    public var tenantId: Int?
    /// Only tasks of this name (`Failover OB cluster`); the simulator takes every task whose name
    /// contains it.
    public var name: String?
    /// Only tasks of this type (`MANUAL`).
    public var type: TaskType?
    /// 1-based.
    public var page: Int
    /// Tasks per page (OCP's default is 10).
    public var size: Int
    /// For example `id,asc` or `id,desc`.
    public var sort: String?

    /// A task query; a nil filter is left out of the request. Page 1 of 10 tasks by default, in
    /// OCP's order unless `sort` says otherwise.
    public init(
        status: TaskStatus? = nil, clusterId: Int? = nil, tenantId: Int? = nil, name: String? = nil,
        type: TaskType? = nil, page: Int = 1, size: Int = 10, sort: String? = nil
    ) {
        self.status = status
        self.clusterId = clusterId
        self.tenantId = tenantId
        self.name = name
        self.type = type
        self.page = page
        self.size = size
        self.sort = sort
    }

    /// The query's parameters.
    public var items: [QueryItem] {
        var items = [QueryItem("page", String(page)), QueryItem("size", String(size))]
        if let status { items.append(QueryItem("status", status.rawValue)) }
        if let clusterId { items.append(QueryItem("clusterId", String(clusterId))) }
        if let tenantId { items.append(QueryItem("tenantId", String(tenantId))) }
        if let name { items.append(QueryItem("name", name)) }
        if let type { items.append(QueryItem("type", type.rawValue)) }
        if let sort { items.append(QueryItem("sort", sort)) }
        return items
    }

    /// The query of a request's parameters, or the parameter that is not a number.
    package init(_ request: OCPRequest) throws(QueryError) {
        self.init(
            status: request.queryValue("status").map(TaskStatus.init(rawValue:)),
            clusterId: try QueryError.integer(request, "clusterId"), tenantId: try QueryError.integer(request, "tenantId"),
            name: request.queryValue("name"),
            type: request.queryValue("type").map(TaskType.init(rawValue:)),
            page: try QueryError.integer(request, "page") ?? 1, size: try QueryError.integer(request, "size") ?? 10,
            sort: request.queryValue("sort"))
    }
}

/// Filters for listing tenants (`GET /api/v2/ob/tenants` and `GET /api/v2/ob/clusters/{id}/tenants`).
public struct TenantQuery: Sendable, Hashable {
    /// 1-based.
    public var page: Int
    /// At most 2000.
    public var size: Int
    /// A case-insensitive part of the name.
    public var name: String?
    /// Only tenants with one of these statuses.
    public var status: [TenantStatus]
    /// `name,asc`, `id,desc`, ...
    public var sort: String?

    /// The first page of a lookup: the largest page OCP allows, by id.
    public static let lookup = TenantQuery(page: 1, size: 2000, sort: "id,asc")

    /// A tenant query; a nil or empty filter is left out of the request. Page 1 of 10 tenants by
    /// default.
    public init(page: Int = 1, size: Int = 10, name: String? = nil, status: [TenantStatus] = [], sort: String? = nil) {
        self.page = page
        self.size = size
        self.name = name
        self.status = status
        self.sort = sort
    }

    /// The query's parameters.
    public var items: [QueryItem] {
        var items = [QueryItem("page", String(page)), QueryItem("size", String(size))]
        if let name { items.append(QueryItem("name", name)) }
        if !status.isEmpty { items.append(QueryItem("status", status.map(\.rawValue).joined(separator: ","))) }
        if let sort { items.append(QueryItem("sort", sort)) }
        return items
    }

    /// The query of a request's parameters, or the parameter that is not a number.
    package init(_ request: OCPRequest) throws(QueryError) {
        self.init(
            page: try QueryError.integer(request, "page") ?? 1, size: try QueryError.integer(request, "size") ?? 10,
            name: request.queryValue("name"),
            status: (request.queryValue("status") ?? "").split(separator: ",").map {
                TenantStatus(rawValue: String($0).trimmingSpaces.uppercased())
            }, sort: request.queryValue("sort"))
    }
}

/// Filters for listing clusters (`GET /api/v2/ob/clusters`).
public struct ClusterQuery: Sendable, Hashable {
    /// 1-based.
    public var page: Int
    /// At most 2000.
    public var size: Int
    /// Only clusters of this name; the simulator takes every cluster whose name contains it.
    public var name: String?
    /// Only clusters with this status.
    public var status: ClusterStatus?

    /// The first page of a lookup by id (``OCPClient/cluster(id:)``): the largest page OCP allows.
    public static let lookup = ClusterQuery(page: 1, size: 2000)

    /// A cluster query; a nil filter is left out of the request. Page 1 of 10 clusters by default.
    public init(page: Int = 1, size: Int = 10, name: String? = nil, status: ClusterStatus? = nil) {
        self.page = page
        self.size = size
        self.name = name
        self.status = status
    }

    /// The query's parameters.
    public var items: [QueryItem] {
        var items = [QueryItem("page", String(page)), QueryItem("size", String(size))]
        if let name { items.append(QueryItem("name", name)) }
        if let status { items.append(QueryItem("status", status.rawValue)) }
        return items
    }

    /// The query of a request's parameters, or the parameter that is not a number.
    package init(_ request: OCPRequest) throws(QueryError) {
        self.init(
            page: try QueryError.integer(request, "page") ?? 1, size: try QueryError.integer(request, "size") ?? 10,
            name: request.queryValue("name"), status: request.queryValue("status").map(ClusterStatus.init(rawValue:)))
    }
}

/// A query parameter that should be a number and is not.
package struct QueryError: Error, Sendable, Hashable {
    package var name: String
    package var value: String

    /// `page must be a number, not 'x'.`
    package var message: String { "\(name) must be a number, not '\(value)'." }

    static func integer(_ request: OCPRequest, _ name: String) throws(QueryError) -> Int? {
        guard let text = request.queryValue(name) else { return nil }
        guard let n = Int(text) else { throw QueryError(name: name, value: text) }
        return n
    }
}
