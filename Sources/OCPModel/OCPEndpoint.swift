import RunbookSupport

/// The OCP endpoints runbook calls (reference section 1, and the tenant reference's section 1 for
/// OceanBase 4.x tenants): method, path template, and what a call does to OCP.
///
/// This is the one list of endpoints: the HTTP client builds its requests from it, `runbook serve`
/// routes by it (``match(method:path:)``) and answers through ``OCPEndpoint/serve(_:with:)``, and
/// `simulate: faults` name endpoints by ``signature``.
public enum OCPEndpoint: String, Sendable, Hashable, CaseIterable {
    /// The cluster pre-checks and actions of OB 3.x:
    /// `POST /api/v2/ob/clusters/{id}/failoverPreCheck`, `.../failover`, `.../switchoverPreCheck`
    /// and `.../switchover`, `{id}` the standby to promote.
    case failoverPreCheck, failover, switchoverPreCheck, switchover
    /// `GET /api/v2/ob/clusters` (a page of clusters) and `GET /api/v2/ob/clusters/{id}`, which
    /// only the simulator answers (OCP documents no single-cluster GET).
    case listClusters, getCluster
    /// `GET /api/v2/tasks/instances`, `GET .../instances/{taskId}`, and a task's `POST .../retry`
    /// and `.../rollback`.
    case listTasks, getTask, retryTask, rollbackTask
    /// A subtask's `GET .../subtasks/{subtaskId}/log`, and its `POST .../retry`, `.../skip` and
    /// `.../cancel`.
    case subtaskLog, retrySubtask, skipSubtask, cancelSubtask
    // Tenants (OceanBase 4.x): reads.
    /// `GET /api/v2/ob/tenants`, `GET /api/v2/ob/clusters/{id}/tenants` and
    /// `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}`.
    case listTenants, listClusterTenants, getTenant
    // One primary/standby pair: `{id}` and `{tenantId}` are the primary (switchover) or the standby (failover).
    /// `POST /api/v2/ob/clusters/{id}/tenants/{tenantId}/switchoverPreCheck`, `.../switchover`,
    /// `.../failoverPreCheck` and `.../failover`.
    case tenantSwitchoverPreCheck, tenantSwitchover, tenantFailoverPreCheck, tenantFailover
    // A batch: one result or task per pair (switchover) or per standby (failover) of cluster `{id}`.
    /// `POST /api/v2/ob/clusters/{id}/tenants/switchoverPreCheck`, `.../switchover`,
    /// `.../failoverPreCheck` and `.../failover`.
    case tenantsSwitchoverPreCheck, tenantsSwitchover, tenantsFailoverPreCheck, tenantsFailover

    /// `GET` or `POST`.
    public var method: String {
        switch self {
        case .listClusters, .getCluster, .listTasks, .getTask, .subtaskLog, .listTenants, .listClusterTenants, .getTenant:
            "GET"
        default: "POST"
        }
    }

    /// The path template as the reference writes it: `/api/v2/ob/clusters/{id}/failover`.
    public var template: String {
        switch self {
        case .failoverPreCheck: "/api/v2/ob/clusters/{id}/failoverPreCheck"
        case .failover: "/api/v2/ob/clusters/{id}/failover"
        case .switchoverPreCheck: "/api/v2/ob/clusters/{id}/switchoverPreCheck"
        case .switchover: "/api/v2/ob/clusters/{id}/switchover"
        case .listClusters: "/api/v2/ob/clusters"
        case .getCluster: "/api/v2/ob/clusters/{id}"
        case .listTasks: "/api/v2/tasks/instances"
        case .getTask: "/api/v2/tasks/instances/{taskId}"
        case .retryTask: "/api/v2/tasks/instances/{taskId}/retry"
        case .rollbackTask: "/api/v2/tasks/instances/{taskId}/rollback"
        case .subtaskLog: "/api/v2/tasks/instances/{taskId}/subtasks/{subtaskId}/log"
        case .retrySubtask: "/api/v2/tasks/instances/{taskId}/subtasks/{subtaskId}/retry"
        case .skipSubtask: "/api/v2/tasks/instances/{taskId}/subtasks/{subtaskId}/skip"
        case .cancelSubtask: "/api/v2/tasks/instances/{taskId}/subtasks/{subtaskId}/cancel"
        case .listTenants: "/api/v2/ob/tenants"
        case .listClusterTenants: "/api/v2/ob/clusters/{id}/tenants"
        case .getTenant: "/api/v2/ob/clusters/{id}/tenants/{tenantId}"
        case .tenantSwitchoverPreCheck: "/api/v2/ob/clusters/{id}/tenants/{tenantId}/switchoverPreCheck"
        case .tenantSwitchover: "/api/v2/ob/clusters/{id}/tenants/{tenantId}/switchover"
        case .tenantFailoverPreCheck: "/api/v2/ob/clusters/{id}/tenants/{tenantId}/failoverPreCheck"
        case .tenantFailover: "/api/v2/ob/clusters/{id}/tenants/{tenantId}/failover"
        case .tenantsSwitchoverPreCheck: "/api/v2/ob/clusters/{id}/tenants/switchoverPreCheck"
        case .tenantsSwitchover: "/api/v2/ob/clusters/{id}/tenants/switchover"
        case .tenantsFailoverPreCheck: "/api/v2/ob/clusters/{id}/tenants/failoverPreCheck"
        case .tenantsFailover: "/api/v2/ob/clusters/{id}/tenants/failover"
        }
    }

    /// `METHOD /template`, the form `simulate: faults` use.
    public var signature: String { "\(method) \(template)" }

    /// What a call does to OCP; the HTTP client decides from it what to do after an ambiguous failure.
    public var effect: OCPEffect {
        switch self {
        case .failover: .startsTask(TaskDefinition.failover.name)
        case .switchover: .startsTask(TaskDefinition.switchover.name)
        case .tenantSwitchover, .tenantsSwitchover: .startsTenantTasks(TaskDefinition.tenantSwitchover.name)
        case .tenantFailover, .tenantsFailover: .startsTenantTasks(TaskDefinition.tenantFailover.name)
        case .retryTask: .retriesTask
        case .rollbackTask: .rollsBackTask
        case .retrySubtask: .retriesSubtask
        case .skipSubtask: .skipsSubtask
        case .cancelSubtask: .cancelsSubtask
        default: .none
        }
    }

    /// Whether a call starts or changes work on OCP (never re-sent blindly).
    public var changesState: Bool { effect != .none }

    /// The names of the path's placeholders, in order: `["taskId", "subtaskId"]`.
    public var placeholders: [String] {
        template.split(separator: "/").compactMap { segment in
            segment.hasPrefix("{") && segment.hasSuffix("}") ? String(segment.dropFirst().dropLast()) : nil
        }
    }

    /// The endpoint whose ``signature`` is `text` (spaces between method and path may vary, and a
    /// placeholder may be spelt differently: `{taskId}` or `{id}`).
    public init?(signature text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let method = parts[0].uppercased()
        let segments = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        for endpoint in Self.allCases where endpoint.method == method {
            let expected = endpoint.template.split(separator: "/", omittingEmptySubsequences: false)
            guard expected.count == segments.count else { continue }
            let matches = zip(expected, segments).allSatisfy { e, s in
                e.hasPrefix("{") ? (s.hasPrefix("{") && s.hasSuffix("}") && s.count > 2) : e == s
            }
            if matches {
                self = endpoint
                return
            }
        }
        return nil
    }

    /// The endpoint a request is for, with the ids in its path: `GET /api/v2/tasks/instances/7` is
    /// ``getTask`` with `[7]`. A query (`?...`) is ignored; ids must be decimal numbers. Nil when no
    /// endpoint matches the method and path.
    public static func match(method: String, path: String) -> (endpoint: OCPEndpoint, pathValues: [Int])? {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let segments = bare.split(separator: "/", omittingEmptySubsequences: true)
        let upper = method.uppercased()
        for endpoint in allCases where endpoint.method == upper {
            let pattern = endpoint.template.split(separator: "/", omittingEmptySubsequences: true)
            guard pattern.count == segments.count else { continue }
            var values: [Int] = []
            var matched = true
            for (p, s) in zip(pattern, segments) {
                if p.hasPrefix("{") {
                    guard !s.isEmpty, s.count <= 18, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) else {
                        matched = false
                        break
                    }
                    values.append(n)
                } else if p != s {
                    matched = false
                    break
                }
            }
            if matched { return (endpoint, values) }
        }
        return nil
    }

    /// The concrete path: each placeholder takes the next of `values`; one without a value stays
    /// as written (`{taskId}`), as in a plan.
    public func path(_ values: [Int] = []) -> String {
        path(filling: values.map(String.init))
    }

    /// The path with placeholders replaced by texts (a plan writes `{task of steps[2]}`).
    public func path(filling values: [String]) -> String {
        var next = values.makeIterator()
        return template.split(separator: "/", omittingEmptySubsequences: false).map { segment -> String in
            guard segment.hasPrefix("{") else { return String(segment) }
            return next.next() ?? String(segment)
        }.joined(separator: "/")
    }
}

/// What a call does to OCP.
public enum OCPEffect: Sendable, Hashable {
    /// Nothing: a read or a pre-check.
    case none
    /// It starts a task of this name on the cluster of its path.
    case startsTask(String)
    /// It starts a task of this name for each tenant it names (the path's tenant, or each tenant of
    /// its body's list): a tenant switchover's task is the primary's, a failover's the standby's.
    case startsTenantTasks(String)
    /// It re-runs the FAILED subtasks of a task.
    case retriesTask
    /// It rolls a task back.
    case rollsBackTask
    /// It re-runs one FAILED subtask.
    case retriesSubtask
    /// It skips one FAILED subtask.
    case skipsSubtask
    /// It cancels one RUNNING subtask.
    case cancelsSubtask
}
