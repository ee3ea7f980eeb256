import RunbookSupport

/// The shape of an OCP task as its engine builds it: subtasks and their dependencies.
///
/// These are the definitions the simulator instantiates and the checker knows subtask names from.
public struct TaskDefinition: Sendable, Hashable {
    /// One subtask of the definition.
    public struct Subtask: Sendable, Hashable {
        /// The subtask's name as OCP reports it (`Failover to Primary`).
        public var name: String
        /// OCP's `seriesId` for it, which is not its place in the execution order.
        public var seriesId: Int
        /// Seconds before a running subtask fails with TSK10012.
        public var timeout: Int
        /// Whether the task can no longer be rolled back once this subtask has left PENDING and
        /// READY.
        public var prohibitRollback: Bool
        /// OCP's `parallelIdx`: -1, or 0 for the subtasks OCP marks so.
        public var parallelIdx: Int
        /// Indexes (into ``TaskDefinition/subtasks``) of the subtasks this one waits for.
        public var upstreams: [Int]

        /// A subtask definition; `timeout` is in seconds and `upstreams` are indexes into the
        /// definition's ``TaskDefinition/subtasks``.
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

    /// A definition of the task OCP calls `name`, with its `shortName` and `verb` for messages, and
    /// its `subtasks` in execution order.
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

    /// OCP 4.x's tenant switchover task (tenant reference section 4.1): ten subtasks in a chain;
    /// "Switchover standby tenant to primary" prohibits rollback, "Update log restore source" runs
    /// in parallel slot 0.
    public static let tenantSwitchover = TaskDefinition(
        name: "Switchover ob tenant for network mode", shortName: "tenant switchover", verb: "switch over",
        subtasks: chain([
            ("Prepare switchover tenant", 3, 60, false, -1),
            ("Create standby tenant read only user", 5, 1800, false, -1),
            ("Wait all relation tenants accessible", 0, 3600, false, -1),
            ("Switch primary tenant to standby", 1, 1800, false, -1),
            ("Switchover standby tenant to primary", 7, 1800, true, -1),
            ("Reset log restore source", 2, 1800, false, -1),
            ("Update log restore source", 8, 900, false, 0),
            ("Restart tenant service name if started", 9, 600, false, -1),
            ("Update tenant role in meta", 4, 120, false, -1),
            ("Reset switchover tenant info", 6, 120, false, -1),
        ]))

    /// OCP 4.x's tenant failover task (tenant reference section 4.2): five subtasks in a chain;
    /// "Failover to primary tenant" and "Update primary tenant info task" prohibit rollback.
    public static let tenantFailover = TaskDefinition(
        name: "Failover tenant", shortName: "tenant failover", verb: "fail over",
        subtasks: chain([
            ("Reset log restore source", 3, 1800, false, -1),
            ("Failover to primary tenant", 2, 1800, true, -1),
            ("Upgrade tenant data version", 1, 1800, false, -1),
            ("Create tenant service name", 0, 1800, false, -1),
            ("Update primary tenant info task", 4, 1800, true, -1),
        ]))

    /// Every task definition runbook knows: the cluster tasks (OB 3.x) and the tenant tasks (4.x).
    public static let all: [TaskDefinition] = [failover, switchover, tenantFailover, tenantSwitchover]

    /// Every subtask name a runbook may refer to (the cluster and the tenant tasks), without repeats.
    public static let knownSubtaskNames: [String] = {
        var seen = Set<String>()
        return all.flatMap(\.subtaskNames).filter { seen.insert($0).inserted }
    }()

    private static func chain(_ rows: [(String, Int, Int, Bool, Int)]) -> [Subtask] {
        rows.enumerated().map { index, row in
            Subtask(
                name: row.0, seriesId: row.1, timeout: row.2, prohibitRollback: row.3, parallelIdx: row.4,
                upstreams: index == 0 ? [] : [index - 1])
        }
    }
}
