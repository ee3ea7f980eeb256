/// The OCP endpoints runbook calls (reference section 1), with their method and path.
public enum OCPEndpoint: Sendable, Hashable, CaseIterable {
    case failoverPreCheck, failover, switchoverPreCheck, switchover
    case listClusters, getCluster
    case listTasks, getTask, retryTask, rollbackTask
    case subtaskLog, retrySubtask, skipSubtask, cancelSubtask

    public var method: String {
        switch self {
        case .listClusters, .getCluster, .listTasks, .getTask, .subtaskLog: "GET"
        default: "POST"
        }
    }

    /// The path template as the reference writes it: `/api/v2/ob/clusters/{id}/failover`.
    public var template: String { path() }

    /// `METHOD /template`, the form fault specs use.
    public var signature: String { "\(method) \(template)" }

    /// Whether a call starts or changes work on OCP (never re-sent blindly).
    public var changesState: Bool {
        switch self {
        case .failover, .switchover, .retryTask, .rollbackTask, .retrySubtask, .skipSubtask, .cancelSubtask: true
        default: false
        }
    }

    /// The endpoint whose `signature` is `text` (spaces between method and path may vary).
    public init?(signature text: String) {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let wanted = "\(parts[0].uppercased()) \(parts[1])"
        guard let match = Self.allCases.first(where: { $0.signature == wanted }) else { return nil }
        self = match
    }

    /// The endpoint a request is for, with the ids in its path: `GET /api/v2/tasks/instances/7` is
    /// ``getTask`` with id 7. A query (`?...`) is ignored; ids must be decimal numbers. Nil when no
    /// endpoint matches the method and path.
    public static func match(method: String, path: String) -> (endpoint: OCPEndpoint, id: Int?, subtaskId: Int?)? {
        let bare = path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        let segments = bare.split(separator: "/", omittingEmptySubsequences: true)
        let upper = method.uppercased()
        for endpoint in allCases where endpoint.method == upper {
            let pattern = endpoint.template.split(separator: "/", omittingEmptySubsequences: true)
            guard pattern.count == segments.count else { continue }
            var id: Int?
            var subtaskId: Int?
            var matched = true
            for (p, s) in zip(pattern, segments) {
                if p == "{id}" || p == "{taskId}" || p == "{subtaskId}" {
                    guard s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) else {
                        matched = false
                        break
                    }
                    if p == "{subtaskId}" { subtaskId = n } else { id = n }
                } else if p != s {
                    matched = false
                    break
                }
            }
            if matched { return (endpoint, id, subtaskId) }
        }
        return nil
    }

    /// The concrete path for ids: `{id}` and `{taskId}` take `id`, `{subtaskId}` takes `subtaskId`;
    /// a placeholder without a value stays as written.
    public func path(id: Int? = nil, subtaskId: Int? = nil) -> String {
        let cluster = id.map(String.init) ?? "{id}"
        let task = id.map(String.init) ?? "{taskId}"
        let subtask = subtaskId.map(String.init) ?? "{subtaskId}"
        switch self {
        case .failoverPreCheck: return "/api/v2/ob/clusters/\(cluster)/failoverPreCheck"
        case .failover: return "/api/v2/ob/clusters/\(cluster)/failover"
        case .switchoverPreCheck: return "/api/v2/ob/clusters/\(cluster)/switchoverPreCheck"
        case .switchover: return "/api/v2/ob/clusters/\(cluster)/switchover"
        case .listClusters: return "/api/v2/ob/clusters"
        case .getCluster: return "/api/v2/ob/clusters/\(cluster)"
        case .listTasks: return "/api/v2/tasks/instances"
        case .getTask: return "/api/v2/tasks/instances/\(task)"
        case .retryTask: return "/api/v2/tasks/instances/\(task)/retry"
        case .rollbackTask: return "/api/v2/tasks/instances/\(task)/rollback"
        case .subtaskLog: return "/api/v2/tasks/instances/\(task)/subtasks/\(subtask)/log"
        case .retrySubtask: return "/api/v2/tasks/instances/\(task)/subtasks/\(subtask)/retry"
        case .skipSubtask: return "/api/v2/tasks/instances/\(task)/subtasks/\(subtask)/skip"
        case .cancelSubtask: return "/api/v2/tasks/instances/\(task)/subtasks/\(subtask)/cancel"
        }
    }
}
