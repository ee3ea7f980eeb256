import RunbookSupport

/// A task's `creator`: a plain name in the failover/switchover POST answer, an object
/// `{ "id": 1, "name": "admin" }` in the task-detail GET. Both decode and encode back as written.
public enum Creator: Sendable, Hashable, Codable {
    /// The plain name of the POST answers: `"admin"`.
    case name(String)
    /// The object of the task-detail GET: `{ "id": 1, "name": "admin" }`, either member possibly
    /// absent.
    case user(id: Int?, name: String?)

    /// The user name, whichever form was used.
    public var userName: String? {
        switch self {
        case .name(let n): n
        case .user(_, let n): n
        }
    }

    private enum Keys: String, CodingKey { case id, name }

    /// Reads a string as ``name(_:)`` and an object `{id, name}` as ``user(id:name:)``.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            self = .name(name)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        self = .user(id: try c.decodeIfPresent(Int.self, forKey: .id), name: try c.decodeIfPresent(String.self, forKey: .name))
    }

    /// Writes the form that was read: a string, or the object with the members it had.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .name(let n):
            var c = encoder.singleValueContainer()
            try c.encode(n)
        case .user(let id, let name):
            var c = encoder.container(keyedBy: Keys.self)
            try c.encodeIfPresent(id, forKey: .id)
            try c.encodeIfPresent(name, forKey: .name)
        }
    }
}

/// An OCP task instance (reference section 3, "task return structure").
public struct TaskInstance: Sendable, Hashable, Codable {
    /// The task's id in OCP (`171603`).
    public var id: Int
    /// The task's name, which says what it does: `Failover OB cluster`,
    /// `Switchover ob tenant for network mode`, ...
    public var name: String
    /// The OCP cluster the task acts on: the standby promoted by a cluster failover or switchover,
    /// the tenant's cluster for a tenant task.
    public var clusterId: Int?
    /// The OCP tenant the task acts on (a tenant switchover's primary, a tenant failover's
    /// standby); nil for a cluster task.
    public var tenantId: Int?
    /// The host the task acts on; nil for cluster and tenant tasks.
    public var hostId: Int?
    /// How the task was started: `MANUAL` for every task a call starts.
    public var type: TaskType?
    /// `RUNNING`, `FAILED` or `SUCCESSFUL`.
    public var status: TaskStatus
    /// What the task is doing: `EXECUTE` as started, `RETRY` after a retry, `ROLLBACK` during and
    /// after a rollback.
    public var operation: TaskOperation?
    /// Who started it: a name in a POST's answer, `{id, name}` in the task-detail GET.
    public var creator: Creator?
    /// The OCP node that runs the task.
    public var executor: String?
    /// The task's `context`, in whatever shape OCP gives it; absent from the answers runbook reads.
    public var context: JSONValue?
    /// When the task was created, on OCP's clock; absent from the POST answer that starts it.
    public var createTime: OCPTimestamp?
    /// When the task started, on OCP's clock.
    public var startTime: OCPTimestamp?
    /// When the task ended, on OCP's clock; nil while it runs.
    public var finishTime: OCPTimestamp?
    /// Whether the task can no longer be rolled back: true once a subtask that prohibits rollback
    /// has left PENDING and READY.
    public var prohibitRollback: Bool?
    /// The id of OCP's definition of the task; -1 in the failover and switchover answers.
    public var taskDefinitionId: Int?
    /// In no particular order; order comes from `upstreams`/`downstreams`. Absent in task lists.
    public var subtasks: [SubtaskInstance]?

    /// A task with these fields, each as OCP names it; what OCP leaves out is nil.
    public init(
        id: Int, name: String, clusterId: Int? = nil, tenantId: Int? = nil, hostId: Int? = nil, type: TaskType? = nil,
        status: TaskStatus, operation: TaskOperation? = nil, creator: Creator? = nil, executor: String? = nil,
        context: JSONValue? = nil, createTime: OCPTimestamp? = nil, startTime: OCPTimestamp? = nil,
        finishTime: OCPTimestamp? = nil, prohibitRollback: Bool? = nil, taskDefinitionId: Int? = nil,
        subtasks: [SubtaskInstance]? = nil
    ) {
        self.id = id
        self.name = name
        self.clusterId = clusterId
        self.tenantId = tenantId
        self.hostId = hostId
        self.type = type
        self.status = status
        self.operation = operation
        self.creator = creator
        self.executor = executor
        self.context = context
        self.createTime = createTime
        self.startTime = startTime
        self.finishTime = finishTime
        self.prohibitRollback = prohibitRollback
        self.taskDefinitionId = taskDefinitionId
        self.subtasks = subtasks
    }

    /// The subtask called `name`, if the task has one.
    public func subtask(named name: String) -> SubtaskInstance? {
        subtasks?.first { $0.name == name }
    }

    /// The subtasks in execution order: a topological order of the upstream links (ties by id).
    public var subtasksInExecutionOrder: [SubtaskInstance] {
        guard let subtasks, !subtasks.isEmpty else { return [] }
        // Kahn's algorithm over indexes, sorted by id so ties come out by id.
        let sorted = subtasks.sorted { $0.id < $1.id }
        var index: [Int: Int] = [:]
        index.reserveCapacity(sorted.count)
        for (i, s) in sorted.enumerated() { index[s.id] = i }
        var pending = [Int](repeating: 0, count: sorted.count)
        var downstream = [[Int]](repeating: [], count: sorted.count)
        for (i, s) in sorted.enumerated() {
            for up in s.upstreams ?? [] {
                guard let u = index[up], u != i else { continue }
                pending[i] += 1
                downstream[u].append(i)
            }
        }
        var order: [SubtaskInstance] = []
        order.reserveCapacity(sorted.count)
        var done = [Bool](repeating: false, count: sorted.count)
        while order.count < sorted.count {
            // The lowest-id subtask whose upstreams are done; a cycle (never in a real answer) is
            // broken by taking the lowest id left.
            let next = pending.indices.first { !done[$0] && pending[$0] == 0 } ?? done.firstIndex(of: false) ?? 0
            done[next] = true
            order.append(sorted[next])
            for d in downstream[next] { pending[d] -= 1 }
        }
        return order
    }
}

/// One subtask of a task instance.
public struct SubtaskInstance: Sendable, Hashable, Codable {
    /// The subtask's id in OCP; ids are not the execution order.
    public var id: Int
    /// The subtask's name (`Failover to Primary`), by which a runbook names it.
    public var name: String
    /// OCP's description of the subtask: the same text as its name.
    public var description: String?
    /// OCP's `seriesId`: not the execution order (that comes from ``upstreams`` and
    /// ``downstreams``).
    public var seriesId: Int?
    /// `PENDING`, `READY`, `RUNNING`, `CANCELING`, `FAILED` or `SUCCESSFUL`.
    public var status: SubtaskStatus
    /// What was last done to it: `EXECUTE`, `RETRY`, `ROLLBACK`, `SKIP`, `CANCEL` or
    /// `ROLLBACK_SKIP`.
    public var operation: TaskOperation?
    /// The kind of node in OCP's task graph: `JAVA_TASK`.
    public var nodeType: String?
    /// OCP's `parallelIdx`: -1, or 0 for the few subtasks OCP marks so.
    public var parallelIdx: Int?
    /// How many times it has run.
    public var runTime: Int?
    /// Seconds.
    public var timeout: Int?
    /// Whether the task cannot be rolled back once this subtask has left PENDING and READY.
    public var prohibitRollback: Bool?
    /// The ids of the subtasks this one waits for: it becomes READY when all are SUCCESSFUL.
    public var upstreams: [Int]?
    /// The ids of the subtasks that wait for this one.
    public var downstreams: [Int]?
    /// The OCP node that ran it; nil before it has run.
    public var executor: String?
    /// When its last run started, on OCP's clock; nil before it has run.
    public var startTime: OCPTimestamp?
    /// When its last run ended, on OCP's clock; nil while it has not.
    public var finishTime: OCPTimestamp?
    /// The subtask's `context`, in whatever shape OCP gives it.
    public var context: JSONValue?
    /// The class in OCP that implements the subtask.
    public var className: String?

    /// A subtask with these fields, each as OCP names it; what OCP leaves out is nil.
    public init(
        id: Int, name: String, description: String? = nil, seriesId: Int? = nil, status: SubtaskStatus,
        operation: TaskOperation? = nil, nodeType: String? = nil, parallelIdx: Int? = nil, runTime: Int? = nil,
        timeout: Int? = nil, prohibitRollback: Bool? = nil, upstreams: [Int]? = nil, downstreams: [Int]? = nil,
        executor: String? = nil, startTime: OCPTimestamp? = nil, finishTime: OCPTimestamp? = nil,
        context: JSONValue? = nil, className: String? = nil
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.seriesId = seriesId
        self.status = status
        self.operation = operation
        self.nodeType = nodeType
        self.parallelIdx = parallelIdx
        self.runTime = runTime
        self.timeout = timeout
        self.prohibitRollback = prohibitRollback
        self.upstreams = upstreams
        self.downstreams = downstreams
        self.executor = executor
        self.startTime = startTime
        self.finishTime = finishTime
        self.context = context
        self.className = className
    }
}

/// A reference from one cluster to another (`primaryCluster`, `standbyClusters`): OCP writes an
/// object with at least the id; a bare id is accepted too.
public struct ClusterLink: Sendable, Hashable, Codable {
    /// The linked cluster's OCP id.
    public var id: Int
    /// The linked cluster's name, when OCP gives it.
    public var name: String?

    /// A link to the cluster `id`, with its `name` if known.
    public init(id: Int, name: String? = nil) {
        self.id = id
        self.name = name
    }

    private enum Keys: String, CodingKey { case id, name }

    /// Reads an object with `id` (and `name`), or a bare id.
    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let id = try? single.decode(Int.self) {
            self.init(id: id)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(id: try c.decode(Int.self, forKey: .id), name: try c.decodeIfPresent(String.self, forKey: .name))
    }

    /// Writes an object: `{"id": 5, "name": "..."}`, without `name` when it is nil.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(name, forKey: .name)
    }
}

/// An OceanBase cluster as OCP lists it (reference section 6).
public struct Cluster: Sendable, Hashable, Codable {
    /// The cluster's id in OCP (`6`), which runbooks and paths use.
    public var id: Int
    /// The cluster's name (`obcluster-sh`).
    public var name: String
    /// OceanBase's own id of the cluster, which no call takes.
    public var obClusterId: Int?
    /// The OceanBase version it runs (`4.2.1.0`).
    public var obVersion: String?
    /// The role: PRIMARY or STANDBY.
    public var type: ClusterType
    /// `RUNNING`, `STOPPED`, `FAILOVER` or `SWITCHOVER` while a task changes its role, ...
    public var status: ClusterStatus
    /// A standby's replication: `VALID`, `DISABLED` or `SYNCHRONIZING`; the simulator leaves it out
    /// on a primary.
    public var syncStatus: SyncStatus?
    /// Seconds behind the primary.
    public var delayTime: Int?
    /// A standby's primary; nil on a primary.
    public var primaryCluster: ClusterLink?
    /// A primary's standbys (empty when it has none); nil on a standby.
    public var standbyClusters: [ClusterLink]?
    /// The cluster's zones, in whatever shape OCP gives them.
    public var zones: [JSONValue]?
    /// When the cluster was created, on OCP's clock.
    public var createTime: OCPTimestamp?
    /// When the cluster last changed, on OCP's clock.
    public var updateTime: OCPTimestamp?

    /// A cluster with these fields, each as OCP names it; what OCP leaves out is nil.
    public init(
        id: Int, name: String, obClusterId: Int? = nil, obVersion: String? = nil, type: ClusterType,
        status: ClusterStatus, syncStatus: SyncStatus? = nil, delayTime: Int? = nil, primaryCluster: ClusterLink? = nil,
        standbyClusters: [ClusterLink]? = nil, zones: [JSONValue]? = nil, createTime: OCPTimestamp? = nil,
        updateTime: OCPTimestamp? = nil
    ) {
        self.id = id
        self.name = name
        self.obClusterId = obClusterId
        self.obVersion = obVersion
        self.type = type
        self.status = status
        self.syncStatus = syncStatus
        self.delayTime = delayTime
        self.primaryCluster = primaryCluster
        self.standbyClusters = standbyClusters
        self.zones = zones
        self.createTime = createTime
        self.updateTime = updateTime
    }
}

/// The answer of `failoverPreCheck` and `switchoverPreCheck`: `data.result`.
public struct PreCheckResult: Sendable, Hashable, Codable {
    /// Whether the failover or switchover may go ahead. A failed check is still an answer with
    /// `successful: true`.
    public var valid: Bool
    /// Why the check failed, in OCP's words; empty when it passed (and when OCP gave none).
    public var messages: [String]

    /// A result with the verdict `valid` and its `messages`.
    public init(valid: Bool, messages: [String] = []) {
        self.valid = valid
        self.messages = messages
    }

    private enum Keys: String, CodingKey { case valid, messages }

    /// Reads `{valid, messages}`; absent `messages` are none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        valid = try c.decode(Bool.self, forKey: .valid)
        messages = try c.decodeIfPresent([String].self, forKey: .messages) ?? []
    }
}

/// The `data` of a pre-check answer: `{ "result": {...} }`.
public struct PreCheckData: Sendable, Hashable, Codable {
    /// The pre-check's verdict and messages.
    public var result: PreCheckResult
    /// The `data` `{ "result": result }`.
    public init(result: PreCheckResult) { self.result = result }
}

/// The `data` of a subtask-log answer: `{ "log": "..." }`.
public struct SubtaskLog: Sendable, Hashable, Codable {
    /// The subtask's log: its lines joined by `\n`.
    public var log: String
    /// The `data` `{ "log": log }`.
    public init(log: String) { self.log = log }
}

/// A page of a list answer: `data.contents` and `data.page`.
public struct Page<Element: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// Where a page sits in the whole list: `data.page`.
    public struct Info: Sendable, Hashable, Codable {
        /// How many items the whole list holds, over all pages.
        public var totalElements: Int
        /// How many pages the whole list takes at this page size.
        public var totalPages: Int
        /// 1-based.
        public var number: Int
        /// The page size asked for (the most items a page holds).
        public var size: Int

        /// The page `number` (1-based) of `totalPages`, at `size` items a page, of `totalElements`
        /// in all.
        public init(totalElements: Int, totalPages: Int, number: Int, size: Int) {
            self.totalElements = totalElements
            self.totalPages = totalPages
            self.number = number
            self.size = size
        }
    }

    /// The items of this page, in the list's order.
    public var contents: [Element]
    /// Which page this is, and how many there are.
    public var page: Info

    /// A page of `contents`, placed in the list by `page`.
    public init(contents: [Element], page: Info) {
        self.contents = contents
        self.page = page
    }
}
