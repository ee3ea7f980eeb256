import Foundation
import RunbookSupport

extension OCPClient {
    /// Whether a call that starts or changes work took effect, from what OCP shows now: the value
    /// the call would have answered and what was found, or nil when there is no sign of it (yet).
    /// `sentAt` is when the call may have reached OCP, on this machine's clock (OCP's may differ by
    /// ``OCPEffectSearch/clockSkewAllowance``).
    ///
    /// A failover or switchover: the newest task of its name on its cluster (or for its tenants)
    /// that is RUNNING or was created since the call; a task retry or rollback: the task in RETRY
    /// or ROLLBACK, running or run since; a subtask's retry, skip or cancel: that subtask's state.
    /// The HTTP client looks after an ambiguous outcome; `runbook resume` before deciding about a
    /// step killed while its call was out.
    public func effect(of request: OCPRequest, sentSince sentAt: Date) async throws(OCPError) -> (any Sendable, String)? {
        let id = request.pathValues.first ?? 0
        let subtaskId = request.pathValues.count > 1 ? request.pathValues[1] : 0
        switch request.endpoint.effect {
        case .none:
            return nil
        case .startsTask(let name):
            return try await findStartedTask(named: name, clusterId: id, since: sentAt)
        case .startsTenantTasks(let name):
            return try await findStartedTenantTasks(named: name, request: request, since: sentAt)
        case .retriesTask, .rollsBackTask:
            let isRetry = request.endpoint.effect == .retriesTask
            let operation: TaskOperation = isRetry ? .retry : .rollback
            let task = try await self.task(id: id)
            guard task.operation == operation, task.status != .failed || OCPEffectSearch.ranSince(sentAt, task.subtasks ?? []) else {
                return nil
            }
            return (task, "task \(id) is in \(operation) (\(task.status)): the \(isRetry ? "retry" : "rollback") took effect")
        case .retriesSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }), s.operation == .retry,
                s.status != .failed || OCPEffectSearch.ranSince(sentAt, [s])
            else { return nil }
            return (s, "subtask \(subtaskId) is in RETRY (\(s.status)): the retry took effect")
        case .skipsSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }),
                s.operation == .skip || s.operation == .rollbackSkip || s.status == .successful
            else { return nil }
            return (NoPayload(), "subtask \(subtaskId) is \(s.status) (\(s.operation?.rawValue ?? "")): the skip took effect")
        case .cancelsSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }),
                s.status == .canceling || (s.status == .failed && s.operation == .cancel)
            else { return nil }
            return (NoPayload(), "subtask \(subtaskId) is \(s.status): the cancel took effect")
        }
    }

    /// The task a failover or switchover call started, in full: the newest task of that name on
    /// that cluster that is RUNNING or was created since `since` (allowing for clock skew); nil
    /// when there is none.
    private func findStartedTask(named name: String, clusterId: Int, since: Date) async throws(OCPError)
        -> (TaskInstance, String)?
    {
        let page = try await tasks(TaskQuery(clusterId: clusterId, name: name, page: 1, size: 20, sort: "id,desc"))
        let earliest = since.addingTimeInterval(-OCPEffectSearch.clockSkewAllowance)
        // A task of that name RUNNING on the cluster is the call's: while one runs, OCP refuses
        // another on the same cluster. One that already ended counts when it was created after the
        // call was sent (allowing for the two clocks' difference).
        let candidates = page.contents.filter { t in
            t.clusterId == clusterId && t.name == name
                && (t.status == .running || (t.createTime ?? t.startTime).map { $0.date >= earliest } == true)
        }
        guard let found = candidates.max(by: { $0.id < $1.id }) else { return nil }
        let detail = try await task(id: found.id)
        return (
            detail,
            "found task \(detail.id) '\(name)' (\(detail.status)) on cluster \(clusterId), started by the call: it took effect"
        )
    }

    /// The tasks a tenant switchover or failover started, found through
    /// `GET /api/v2/tasks/instances?tenantId=...` for each tenant the call names (the path's tenant,
    /// or every tenant of the batch body): the call's answer (one task, or `{contents}` for a batch)
    /// once every tenant has its task; nil while one has none.
    private func findStartedTenantTasks(named name: String, request: OCPRequest, since: Date) async throws(OCPError)
        -> (any Sendable, String)?
    {
        let tenantIds: [Int]
        let batch: Bool
        switch request.endpoint {
        case .tenantsSwitchover:
            tenantIds = (TenantPair.pairs(in: request.body, batch: true) ?? []).map(\.primaryTenantId)
            batch = true
        case .tenantsFailover:
            tenantIds = (TenantFailoverItem.items(in: request.body) ?? []).map(\.tenantId)
            batch = true
        default:
            tenantIds = request.pathValue("tenantId").map { [$0] } ?? []
            batch = false
        }
        guard !tenantIds.isEmpty else { return nil }
        let earliest = since.addingTimeInterval(-OCPEffectSearch.clockSkewAllowance)
        var found: [TaskInstance] = []
        for tenantId in tenantIds {
            let page = try await tasks(TaskQuery(tenantId: tenantId, name: name, page: 1, size: 20, sort: "id,desc"))
            // As for a cluster: a task of that name RUNNING for the tenant is the call's (OCP holds a
            // tenant while its task runs), and one that ended counts when it was created after the call.
            let candidates = page.contents.filter { t in
                t.tenantId == tenantId && t.name == name
                    && (t.status == .running || (t.createTime ?? t.startTime).map { $0.date >= earliest } == true)
            }
            guard let task = candidates.max(by: { $0.id < $1.id }) else { return nil }
            found.append(try await self.task(id: task.id))
        }
        let ids = found.map { "\($0.id)" }.joined(separator: ", ")
        let what =
            "found task\(found.count == 1 ? "" : "s") \(ids) '\(name)' for tenant\(tenantIds.count == 1 ? "" : "s") "
            + "\(tenantIds.map(String.init).joined(separator: ", ")), started by the call: it took effect"
        return batch ? (Contents(contents: found), what) : (found[0], what)
    }
}

/// How the search for a call's effect matches OCP's clock to this machine's.
public enum OCPEffectSearch {
    /// Whether one of `subtasks` started after `sentAt` (allowing for clock skew): a retry or a
    /// rollback that ran and failed again still shows that it ran.
    static func ranSince(_ sentAt: Date, _ subtasks: [SubtaskInstance]) -> Bool {
        let earliest = sentAt.addingTimeInterval(-clockSkewAllowance)
        return subtasks.contains { $0.startTime.map { $0.date >= earliest } ?? false }
    }

    /// How far the server's clock may be behind the client's when matching a task's create time.
    public static let clockSkewAllowance: TimeInterval = 120
}
