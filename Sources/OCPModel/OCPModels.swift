import RunbookSupport

/// A task's `creator`: a plain name in the failover/switchover POST answer, an object
/// `{ "id": 1, "name": "admin" }` in the task-detail GET. Both decode and encode back as written.
public enum Creator: Sendable, Hashable, Codable {
    case name(String)
    case user(id: Int?, name: String?)

    /// The user name, whichever form was used.
    public var userName: String? {
        switch self {
        case .name(let n): n
        case .user(_, let n): n
        }
    }

    private enum Keys: String, CodingKey { case id, name }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let name = try? single.decode(String.self) {
            self = .name(name)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        self = .user(id: try c.decodeIfPresent(Int.self, forKey: .id), name: try c.decodeIfPresent(String.self, forKey: .name))
    }

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
    public var id: Int
    public var name: String
    public var clusterId: Int?
    public var tenantId: Int?
    public var hostId: Int?
    public var type: TaskType?
    public var status: TaskStatus
    public var operation: TaskOperation?
    public var creator: Creator?
    public var executor: String?
    public var context: JSONValue?
    public var createTime: OCPTimestamp?
    public var startTime: OCPTimestamp?
    public var finishTime: OCPTimestamp?
    public var prohibitRollback: Bool?
    public var taskDefinitionId: Int?
    /// In no particular order; order comes from `upstreams`/`downstreams`. Absent in task lists.
    public var subtasks: [SubtaskInstance]?

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
    public var id: Int
    public var name: String
    public var description: String?
    public var seriesId: Int?
    public var status: SubtaskStatus
    public var operation: TaskOperation?
    public var nodeType: String?
    public var parallelIdx: Int?
    /// How many times it has run.
    public var runTime: Int?
    /// Seconds.
    public var timeout: Int?
    public var prohibitRollback: Bool?
    public var upstreams: [Int]?
    public var downstreams: [Int]?
    public var executor: String?
    public var startTime: OCPTimestamp?
    public var finishTime: OCPTimestamp?
    public var context: JSONValue?
    public var className: String?

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
    public var id: Int
    public var name: String?

    public init(id: Int, name: String? = nil) {
        self.id = id
        self.name = name
    }

    private enum Keys: String, CodingKey { case id, name }

    public init(from decoder: any Decoder) throws {
        if let single = try? decoder.singleValueContainer(), let id = try? single.decode(Int.self) {
            self.init(id: id)
            return
        }
        let c = try decoder.container(keyedBy: Keys.self)
        self.init(id: try c.decode(Int.self, forKey: .id), name: try c.decodeIfPresent(String.self, forKey: .name))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encodeIfPresent(name, forKey: .name)
    }
}

/// An OceanBase cluster as OCP lists it (reference section 6).
public struct Cluster: Sendable, Hashable, Codable {
    public var id: Int
    public var name: String
    public var obClusterId: Int?
    public var obVersion: String?
    /// The role: PRIMARY or STANDBY.
    public var type: ClusterType
    public var status: ClusterStatus
    public var syncStatus: SyncStatus?
    /// Seconds behind the primary.
    public var delayTime: Int?
    public var primaryCluster: ClusterLink?
    public var standbyClusters: [ClusterLink]?
    public var zones: [JSONValue]?
    public var createTime: OCPTimestamp?
    public var updateTime: OCPTimestamp?

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
    public var valid: Bool
    public var messages: [String]

    public init(valid: Bool, messages: [String] = []) {
        self.valid = valid
        self.messages = messages
    }

    private enum Keys: String, CodingKey { case valid, messages }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        valid = try c.decode(Bool.self, forKey: .valid)
        messages = try c.decodeIfPresent([String].self, forKey: .messages) ?? []
    }
}

/// The `data` of a pre-check answer: `{ "result": {...} }`.
public struct PreCheckData: Sendable, Hashable, Codable {
    public var result: PreCheckResult
    public init(result: PreCheckResult) { self.result = result }
}

/// The `data` of a subtask-log answer: `{ "log": "..." }`.
public struct SubtaskLog: Sendable, Hashable, Codable {
    public var log: String
    public init(log: String) { self.log = log }
}

/// A page of a list answer: `data.contents` and `data.page`.
public struct Page<Element: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    public struct Info: Sendable, Hashable, Codable {
        public var totalElements: Int
        public var totalPages: Int
        /// 1-based.
        public var number: Int
        public var size: Int

        public init(totalElements: Int, totalPages: Int, number: Int, size: Int) {
            self.totalElements = totalElements
            self.totalPages = totalPages
            self.number = number
            self.size = size
        }
    }

    public var contents: [Element]
    public var page: Info

    public init(contents: [Element], page: Info) {
        self.contents = contents
        self.page = page
    }
}
