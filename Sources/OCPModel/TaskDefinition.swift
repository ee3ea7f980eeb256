import RunbookSupport

/// The shape of an OCP task as its engine builds it: subtasks and their dependencies.
///
/// These are the definitions the simulator instantiates and the checker knows subtask names from.
public struct TaskDefinition: Sendable, Hashable {
    /// One subtask of the definition.
    public struct Subtask: Sendable, Hashable {
        public var name: String
        public var seriesId: Int
        /// Seconds before a running subtask fails with TSK10012.
        public var timeout: Int
        public var prohibitRollback: Bool
        public var parallelIdx: Int
        /// Indexes (into ``TaskDefinition/subtasks``) of the subtasks this one waits for.
        public var upstreams: [Int]

        public init(name: String, seriesId: Int, timeout: Int, prohibitRollback: Bool, parallelIdx: Int, upstreams: [Int]) {
            self.name = name
            self.seriesId = seriesId
            self.timeout = timeout
            self.prohibitRollback = prohibitRollback
            self.parallelIdx = parallelIdx
            self.upstreams = upstreams
        }
    }

    /// The task's `name` as OCP reports it.
    public var name: String
    /// What the task does, in a word, for messages: `failover`.
    public var shortName: String
    /// The verb of what it does: `fail over`.
    public var verb: String
    /// Subtasks in execution order (a chain for both failover and switchover).
    public var subtasks: [Subtask]

    public init(name: String, shortName: String, verb: String, subtasks: [Subtask]) {
        self.name = name
        self.shortName = shortName
        self.verb = verb
        self.subtasks = subtasks
    }

    /// The names of the subtasks, in execution order.
    public var subtaskNames: [String] { subtasks.map(\.name) }

    /// OCP's failover task (the seed, reference section 5): nine subtasks in a chain.
    public static let failover = TaskDefinition(
        name: "Failover OB cluster", shortName: "failover", verb: "fail over",
        subtasks: chain([
            ("Mc lock ob clusters", 8, 60, false, -1),
            ("Failover to Primary Check", 5, 1800, true, -1),
            ("Failover to Primary", 4, 1800, true, -1),
            ("Update OB cluster status", 1, 30, false, 0),
            ("Wait node", 6, 30, false, -1),
            ("Mc ob failover update mc ob cluster", 0, 60, false, -1),
            ("Sync all cluster info", 7, 60, false, -1),
            ("Remove standby cluster", 3, 1800, true, 0),
            ("Mc unlock ob clusters", 2, 60, false, -1),
        ]))

    /// OCP's switchover task (reference section 5): seven subtasks in a chain, none prohibiting rollback.
    public static let switchover = TaskDefinition(
        name: "Switchover OB cluster", shortName: "switchover", verb: "switch over",
        subtasks: chain([
            ("Mc lock ob clusters", 6, 60, false, -1),
            ("Prepare switchover", 5, 300, false, -1),
            ("Switchover to standby", 4, 300, false, -1),
            ("Switchover to primary check", 3, 300, false, -1),
            ("Switchover to primary", 2, 300, false, -1),
            ("Switchover Update Role Task", 1, 60, false, -1),
            ("Mc unlock ob clusters", 0, 60, false, -1),
        ]))

    /// Every subtask name a runbook may refer to (failover and switchover), without repeats.
    public static let knownSubtaskNames: [String] = {
        var seen = Set<String>()
        return (failover.subtaskNames + switchover.subtaskNames).filter { seen.insert($0).inserted }
    }()

    private static func chain(_ rows: [(String, Int, Int, Bool, Int)]) -> [Subtask] {
        rows.enumerated().map { index, row in
            Subtask(
                name: row.0, seriesId: row.1, timeout: row.2, prohibitRollback: row.3, parallelIdx: row.4,
                upstreams: index == 0 ? [] : [index - 1])
        }
    }
}
