import Foundation
import OCPModel
import RunbookSupport

/// What the client found when it looked for the effect of a call after an ambiguous outcome.
struct Lookup<T: Sendable>: Sendable {
    /// The value the call would have answered, and what was found.
    var found: (value: T, what: String)?
    /// How many looks were made.
    var looks = 0
    /// Time spent looking: the pauses between looks and the looks themselves.
    var spent: Duration = .zero
    /// The error of the last look, when it failed.
    var lastError: OCPError?
    /// The window ended while a look was still out.
    var cutShort = false

    /// `found on look 3, 1.5s after the first`, `5 looks over the 40s reconciliation window`.
    func summary(window: Duration) -> String {
        if found != nil {
            return looks <= 1
                ? "found on the first look"
                : "found on look \(looks), \(DurationText.format(spent)) after the first"
        }
        let n = HTTPOCPClient.count(looks, "look")
        let w = "the \(DurationText.format(window)) reconciliation window"
        if cutShort { return "\(n); \(w) ended during a look" }
        return spent >= window ? "\(n) over \(w)" : "\(n) in \(DurationText.format(spent)) of \(w)"
    }
}

extension HTTPOCPClient {
    /// Looks for the effect of a call that changes state, after an ambiguous outcome: now, then
    /// again with backoff (the retry policy's, without the server's headers) until the effect is
    /// found or the reconciliation window ends. The window counts the pauses asked of `sleep:`
    /// and the time the looks take; a look still out when the window, on the real clock, has
    /// passed by a connect and a read timeout is cut short. Call it from a task that the caller's
    /// cancellation does not reach.
    func lookForEffect<T: Sendable>(_ request: OCPRequest, as: T.Type, sentAt: Date) async -> Lookup<T> {
        let window = connection.reconciliationWindow
        let limit = window + connection.connectTimeout + connection.readTimeout
        return await withTaskGroup(of: Lookup<T>?.self) { group in
            group.addTask { await self.looks(request, as: T.self, sentAt: sentAt, window: window) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            var result: Lookup<T>?
            while let next = await group.next() {
                if let next {
                    result = next
                } else if result == nil {
                    // The real clock says the window is over: stop the look that is out.
                    group.cancelAll()
                    continue
                }
                group.cancelAll()
            }
            return result ?? Lookup(cutShort: true)
        }
    }

    private func looks<T: Sendable>(_ request: OCPRequest, as: T.Type, sentAt: Date, window: Duration) async
        -> Lookup<T>
    {
        var lookup = Lookup<T>()
        while true {
            lookup.looks += 1
            let started = ContinuousClock.now
            do throws(OCPError) {
                if let (value, what) = try await reconcile(request, sentAt: sentAt) {
                    guard let typed = value as? T else { return lookup }
                    lookup.found = (typed, what)
                    return lookup
                }
                lookup.lastError = nil
            } catch {
                lookup.lastError = error
                if error.kind == .cancelled {
                    lookup.cutShort = true
                    return lookup
                }
            }
            lookup.spent += started.duration(to: .now)
            // Refused credentials will not be accepted on the next look either.
            if lookup.lastError?.kind == .unauthorized || lookup.spent >= window { return lookup }
            let pause = min(Self.backoff(before: lookup.looks + 1, policy: connection.retry), window - lookup.spent)
            do {
                try await sleeper(pause)
            } catch {
                lookup.cutShort = true
                return lookup
            }
            lookup.spent += pause
            if Task.isCancelled {
                lookup.cutShort = true
                return lookup
            }
        }
    }

    /// The value the call would have answered and what was found, or nil when there is no sign
    /// of the call's effect (yet).
    private func reconcile(_ request: OCPRequest, sentAt: Date) async throws(OCPError) -> (any Sendable, String)? {
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
            guard task.operation == operation, task.status != .failed || Self.ranSince(sentAt, task.subtasks ?? []) else {
                return nil
            }
            return (task, "task \(id) is in \(operation) (\(task.status)): the \(isRetry ? "retry" : "rollback") took effect")
        case .retriesSubtask:
            let task = try await self.task(id: id)
            guard let s = task.subtasks?.first(where: { $0.id == subtaskId }), s.operation == .retry,
                s.status != .failed || Self.ranSince(sentAt, [s])
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

    /// Whether one of `subtasks` started after `sentAt` (allowing for clock skew): a retry or a
    /// rollback that ran and failed again still shows that it ran.
    static func ranSince(_ sentAt: Date, _ subtasks: [SubtaskInstance]) -> Bool {
        let earliest = sentAt.addingTimeInterval(-clockSkewAllowance)
        return subtasks.contains { $0.startTime.map { $0.date >= earliest } ?? false }
    }

    /// The task a failover or switchover call started, in full: the newest task of that name on
    /// that cluster that is RUNNING or was created since `since` (allowing for clock skew); nil
    /// when there is none.
    private func findStartedTask(named name: String, clusterId: Int, since: Date) async throws(OCPError)
        -> (TaskInstance, String)?
    {
        let page = try await tasks(TaskQuery(clusterId: clusterId, name: name, page: 1, size: 20, sort: "id,desc"))
        let earliest = since.addingTimeInterval(-Self.clockSkewAllowance)
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
        let earliest = since.addingTimeInterval(-Self.clockSkewAllowance)
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

    /// How far the server's clock may be behind the client's when matching a task's create time.
    static let clockSkewAllowance: TimeInterval = 120
}
