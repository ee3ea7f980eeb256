import OCPModel
import RunbookSupport

/// Every phrase of the language.
package enum PhraseKind: String, Sendable, Hashable, CaseIterable, Codable {
    // Cluster actions
    case failoverCluster, switchoverCluster, precheckFailoverCluster, precheckSwitchoverCluster
    // Tenant actions (OceanBase 4.x)
    case precheckSwitchoverTenant, switchoverTenant, precheckFailoverTenant, failoverTenant
    case failoverTenantsOfCluster, switchoverTenantsOfCluster
    // Task operations
    case retryTask, rollbackTask, retrySubtask, skipSubtask, cancelSubtask
    // Waits
    case awaitTask, awaitSubtask, awaitCluster, awaitTenant
    // Assertions
    case assertTask, assertSubtask, assertCluster, assertTenant
    // Evidence: markers and probes of the service
    case outage, recovered, probeHttp, probeTcp, probeCommand, awaitProbeHttp, awaitProbeTcp, awaitProbeCommand
    // Other steps
    case sleep, note, confirm, forEach, parallelForEach

    /// The phrase's descriptor.
    package var descriptor: PhraseDescriptor { PhraseDescriptor.table[self] ?? PhraseDescriptor.fallback }
}

/// The moments a run marks for its recovery time.
package enum MarkerKind: String, Sendable, Hashable, Codable {
    case outage, recovered
}

/// What a probe looks at.
package enum ProbeKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A URL.
    case http
    /// A `host:port`.
    case tcp
    /// A program.
    case command

    /// The options a probe of this kind takes, beside `timeout` (and `every` when it waits).
    package var options: [String] {
        switch self {
        case .http: ["method", "headers", "expect status", "expect body"]
        case .tcp: []
        case .command: ["expect exit", "expect output"]
        }
    }
}

/// What a phrase names in its key: a cluster (an OB 3.x standby, or a 4.x cluster whose tenants a
/// batch phrase acts on) or an OceanBase 4.x tenant, by its OCP id.
package enum SubjectKind: String, Sendable, Hashable {
    case cluster
    case tenant

    /// `cluster id`, for messages.
    package var noun: String { "\(rawValue) id" }
}

/// One element of a phrase's grammar (docs/language.md, "The phrase grammar").
package enum PhraseElement: Sendable, Hashable {
    /// A keyword.
    case word(String)
    /// The subject's id: a number or `${...}`. When not `required`, it may be given as the value
    /// instead (`failover cluster: 6`).
    case subject(SubjectKind, required: Bool)
    /// An optional `task NAME`, `task ID` or `task ${...}` reference; the words in `followers`
    /// end it instead (`await task status`).
    case task(followers: [String])
    /// A subtask's name in double quotes, or `${...}`.
    case subtask
    /// An optional `of task TASK`.
    case ofTask
    /// The word of one field (`status`, `type`): required in a wait, optional in an assertion.
    case field(required: Bool)
    /// A loop variable.
    case variable
    /// A `${...}` list.
    case list
}

/// What kind of value a field takes.
package enum FieldKind: Sendable, Hashable {
    /// A word of OCP's vocabulary.
    case word(WordSet)
    /// A whole number, at least 1.
    case count
    /// A duration.
    case duration
    /// Text: a subtask name.
    case text
    /// An OCP id: a number or `${...}` (a tenant's `cluster`).
    case id
    /// An OCP tenant id, or `none` (a tenant's `primary`).
    case idOrNone
}

/// A field a wait or assertion checks: `status`, `runTime`, `took under`, `type`, ...
package struct FieldSpec: Sendable, Hashable {
    package var name: String
    package var kind: FieldKind
    /// Whether the field may be written in the key (`assert cluster 6 type: PRIMARY`), and awaited.
    package var inKey: Bool
    /// What it checks, for the schema.
    package var summary: String

    package init(_ name: String, _ kind: FieldKind, inKey: Bool = false, _ summary: String) {
        self.name = name
        self.kind = kind
        self.inKey = inKey
        self.summary = summary
    }
}

/// The fields of one kind of subject.
package struct FieldSet: Sendable, Hashable {
    /// `task`, `subtask`, `cluster`: what the fields belong to, for messages.
    package var subject: String
    package var fields: [FieldSpec]
    /// Two fields as written, for messages: `'status: SUCCESSFUL' or 'took under: 30m'`.
    package var example: String

    package var names: [String] { fields.map(\.name) }
    package var keyWords: [String] { fields.filter(\.inKey).map(\.name) }

    package func spec(_ name: String) -> FieldSpec? { fields.first { $0.name == name } }

    /// Every field set, for the schema.
    package static let all: [FieldSet] = [.task, .subtask, .cluster, .tenant]

    package static let task = FieldSet(
        subject: "task",
        fields: [
            FieldSpec("status", .word(.taskStatus), inKey: true, "The task's status."),
            FieldSpec("runTime", .count, "The highest runTime of its subtasks."),
            FieldSpec("took under", .duration, "It finished within this duration."),
            FieldSpec("operation", .word(.taskOperation), "What the task did last: EXECUTE, RETRY or ROLLBACK."),
        ], example: "'status: SUCCESSFUL' or 'took under: 30m'")
    package static let subtask = FieldSet(
        subject: "subtask",
        fields: [
            FieldSpec("status", .word(.subtaskStatus), inKey: true, "The subtask's status."),
            FieldSpec("runTime", .count, "How many times it has run."),
            FieldSpec("took under", .duration, "It finished within this duration."),
            FieldSpec("after", .text, "The name of a subtask that finished before this one started."),
        ], example: "'status: SUCCESSFUL' or 'after: \"Wait node\"'")
    package static let cluster = FieldSet(
        subject: "cluster",
        fields: [
            FieldSpec("type", .word(.clusterType), inKey: true, "The cluster's role."),
            FieldSpec("status", .word(.clusterStatus), inKey: true, "The cluster's status."),
            FieldSpec("syncStatus", .word(.syncStatus), inKey: true, "A standby's replication state."),
        ], example: "'type: PRIMARY' or 'status: RUNNING'")
    package static let tenant = FieldSet(
        subject: "tenant",
        fields: [
            FieldSpec("role", .word(.tenantRole), inKey: true, "The tenant's role: PRIMARY or STANDBY."),
            FieldSpec("status", .word(.tenantStatus), inKey: true, "The tenant's status: NORMAL, SWITCHOVER, FAILOVER, ..."),
            FieldSpec("syncStatus", .word(.tenantSyncStatus), inKey: true, "The tenant's sync status."),
            FieldSpec("cluster", .id, "The OCP id of the cluster that hosts it."),
            FieldSpec("primary", .idOrNone, "The OCP id of the tenant it follows; none for a primary."),
        ], example: "'role: PRIMARY' or 'primary: none'")
}

/// One OCP call a phrase makes, as the plan shows it and the interpreter makes it.
package struct PlannedCall: Sendable, Hashable {
    /// What fills a path placeholder.
    package enum Argument: Sendable, Hashable {
        /// The step's subject (a cluster id).
        case subject
        /// The task the step acts on.
        case task
        /// The id of the subtask the step names (found in the task's detail).
        case subtask
        /// The id of the task's failed subtask.
        case failedSubtask
        /// The cluster of the step's tenant (found by the run).
        case subjectCluster
        /// The primary tenant of the step's standby tenant, as OCP relates them when the step runs.
        case primary
        /// That primary's cluster; for a batch switchover, each cluster holding a primary.
        case primaryCluster
    }

    /// The JSON body of a POST, as a plan shows it and the interpreter fills it in.
    package enum Body: Sendable, Hashable {
        /// `{"tenantId": PRIMARY, "standbyTenantId": STANDBY}`.
        case pair
        /// `{"serviceName": NAME}` with the step's `service name`, `{}` without.
        case serviceName
        /// `{"tenantParamList": [one pair per standby tenant of the cluster]}`.
        case pairList
        /// `{"failoverTenantItemList": [{"tenantId": ...} per standby tenant of the cluster]}`.
        case failoverList
    }

    /// How often the call is made.
    package enum Repetition: Sendable, Hashable {
        case once
        /// Polled until the wait ends.
        case polled
        /// Made only if the step fails (the failed subtask's log, read to explain a failure).
        case onFailure
        /// Made only when the run does not know yet which cluster holds the step's tenant (a
        /// tenant never moves, so the run remembers where it saw each one).
        case ifUnknown
        /// Made once for each cluster that holds a primary of the step's standby tenants.
        case perPrimaryCluster
        /// Made only when the runbook has a `data loss` objective: the standby's lag, read right
        /// before the call that promotes it.
        case forDataLoss
    }

    package var endpoint: OCPEndpoint
    package var arguments: [Argument]
    package var query: [QueryItem]
    package var repetition: Repetition
    package var body: Body?

    package init(
        _ endpoint: OCPEndpoint, _ arguments: [Argument] = [], query: [QueryItem] = [], _ repetition: Repetition = .once,
        body: Body? = nil
    ) {
        self.endpoint = endpoint
        self.arguments = arguments
        self.query = query
        self.repetition = repetition
        self.body = body
    }
}

/// How a phrase runs; the interpreter has one executor per family.
package enum PhraseFamily: Sendable, Hashable {
    /// POSTs an action that starts a task and makes it current.
    case startsTask(OCPEndpoint, TaskDefinition)
    /// POSTs the pre-check of the action that starts this task definition: passes when valid,
    /// fails listing every message.
    case precheck(OCPEndpoint, TaskDefinition)
    /// POSTs an operation on a task.
    case taskOperation(OCPEndpoint)
    /// Reads the task, finds the subtask, POSTs an operation on it, reads the task again.
    case subtaskOperation(OCPEndpoint)
    /// Polls a subject until a field has a value.
    case wait
    /// Reads a subject once and checks its fields.
    case assertion
    case sleep, note, confirm, loop
    /// `outage` or `recovered`: marks the moment on the run's clock.
    case marker(MarkerKind)
    /// Probes the service once (`waits`: until it passes, as a wait polls).
    case probe(ProbeKind, waits: Bool)
}

/// Everything about one phrase, in one place: its grammar, what its value holds, the fields it
/// checks, how it runs, the OCP calls it makes, whether it changes the system, and how the
/// schema describes it. The parser, the checker, the schema, the planner, the interpreter and the
/// step log all read it from here.
package struct PhraseDescriptor: Sendable {
    package let kind: PhraseKind
    package let grammar: [PhraseElement]
    package let family: PhraseFamily
    /// The fields a wait or assertion checks.
    package let fields: FieldSet?
    /// The calls it makes, in order (a plan prints them; the interpreter makes them).
    package let calls: [PlannedCall]
    /// For the schema and the docs: what the phrase does.
    package let summary: String

    /// Whether the step changes the system (a failover, a retry, ...): plans mark it `!`.
    package var changesSystem: Bool { calls.contains { $0.endpoint.changesState } }

    /// The task definition a task-starting phrase instantiates.
    package var startedTask: TaskDefinition? {
        if case .startsTask(_, let definition) = family { return definition }
        return nil
    }

    /// Whether it starts a group of tasks (one per tenant): a batch tenant phrase.
    package var startsGroup: Bool { kind == .failoverTenantsOfCluster || kind == .switchoverTenantsOfCluster }

    /// Whether it acts on OceanBase 4.x tenants (its subject is a tenant, or it starts tenant tasks).
    package var isTenantPhrase: Bool {
        subject == .tenant || startsGroup
    }

    /// Whether it starts work on OCP or checks whether it may (a cluster action or its pre-check):
    /// none starts after an interruption.
    package var isAction: Bool {
        switch family {
        case .startsTask, .precheck: true
        default: false
        }
    }

    /// The subject its key names, if any.
    package var subject: SubjectKind? {
        for element in grammar {
            if case .subject(let kind, _) = element { return kind }
        }
        return nil
    }

    /// Whether the phrase acts on a task (`task`, `task NAME`, `of task ...`).
    package var takesTask: Bool {
        grammar.contains { element in
            switch element {
            case .task, .ofTask: true
            default: false
            }
        }
    }

    /// The words of the phrase as shown in the log, before its values: `failover cluster`.
    package var words: String {
        grammar.compactMap { element -> String? in
            if case .word(let w) = element { return w }
            return nil
        }.joined(separator: " ")
    }

    init(
        _ kind: PhraseKind, _ grammar: [PhraseElement], _ family: PhraseFamily, fields: FieldSet? = nil,
        calls: [PlannedCall] = [], summary: String
    ) {
        self.kind = kind
        self.grammar = grammar
        self.family = family
        self.fields = fields
        self.calls = calls
        self.summary = summary
    }

    // MARK: - The table

    /// Every phrase, in the order the grammar and the schema list them.
    package static let all: [PhraseDescriptor] =
        clusterActions + tenantActions + taskOperations + waits + assertions + evidence + others

    static let table: [PhraseKind: PhraseDescriptor] = Dictionary(uniqueKeysWithValues: all.map { ($0.kind, $0) })

    /// Never used: every kind has a descriptor (a test checks it).
    static let fallback = PhraseDescriptor(.note, [.word("note")], .note, summary: "")

    private static let clusterActions: [PhraseDescriptor] = [
        PhraseDescriptor(
            .failoverCluster, [.word("failover"), .word("cluster"), .subject(.cluster, required: false)],
            .startsTask(.failover, .failover),
            calls: [
                PlannedCall(.listClusters, query: ClusterQuery.lookup.items, .forDataLoss), PlannedCall(.failover, [.subject]),
            ],
            summary: "Fail over this standby cluster (OB 3.x): starts OCP's failover task and makes it the current task."),
        PhraseDescriptor(
            .switchoverCluster, [.word("switchover"), .word("cluster"), .subject(.cluster, required: false)],
            .startsTask(.switchover, .switchover), calls: [PlannedCall(.switchover, [.subject])],
            summary: "Switch this standby cluster over to primary (OB 3.x): starts OCP's switchover task and makes it current."),
        PhraseDescriptor(
            .precheckFailoverCluster,
            [.word("precheck"), .word("failover"), .word("cluster"), .subject(.cluster, required: false)],
            .precheck(.failoverPreCheck, .failover), calls: [PlannedCall(.failoverPreCheck, [.subject])],
            summary: "Ask OCP whether this standby cluster may fail over; fails listing every message."),
        PhraseDescriptor(
            .precheckSwitchoverCluster,
            [.word("precheck"), .word("switchover"), .word("cluster"), .subject(.cluster, required: false)],
            .precheck(.switchoverPreCheck, .switchover), calls: [PlannedCall(.switchoverPreCheck, [.subject])],
            summary: "Ask OCP whether this standby cluster may switch over; fails listing every message."),
    ]

    /// Finds the cluster of the step's tenant (`GET /api/v2/ob/tenants`, paged) when the run does not know it.
    private static let tenantLookup = PlannedCall(.listTenants, query: TenantQuery.lookup.items, .ifUnknown)
    /// Reads the step's tenant: its pair, its role and status.
    private static let readTenant = PlannedCall(.getTenant, [.subjectCluster, .subject])
    /// Reads the primary of the step's tenant.
    private static let readPrimary = PlannedCall(.getTenant, [.primaryCluster, .primary])
    /// Reads every tenant of the step's cluster.
    private static let readClusterTenants = PlannedCall(.listClusterTenants, [.subject], query: TenantQuery.lookup.items)

    private static let tenantActions: [PhraseDescriptor] = [
        PhraseDescriptor(
            .precheckSwitchoverTenant,
            [.word("precheck"), .word("switchover"), .word("tenant"), .subject(.tenant, required: false)],
            .precheck(.tenantSwitchoverPreCheck, .tenantSwitchover),
            calls: [
                tenantLookup, readTenant,
                PlannedCall(.tenantSwitchoverPreCheck, [.primaryCluster, .primary], body: .pair),
            ],
            summary: "Ask OCP whether this standby tenant may switch over with its primary (OceanBase 4.x); fails "
                + "listing every blocking finding, warnings logged."),
        PhraseDescriptor(
            .switchoverTenant, [.word("switchover"), .word("tenant"), .subject(.tenant, required: false)],
            .startsTask(.tenantSwitchover, .tenantSwitchover),
            calls: [
                tenantLookup, readTenant,
                PlannedCall(.tenantSwitchoverPreCheck, [.primaryCluster, .primary], body: .pair),
                PlannedCall(.tenantSwitchover, [.primaryCluster, .primary], body: .pair), readTenant, readPrimary,
            ],
            summary: "Switch this standby tenant over to primary and its primary to standby (OceanBase 4.x): checks "
                + "first, starts OCP's tenant switchover task and makes it current."),
        PhraseDescriptor(
            .precheckFailoverTenant,
            [.word("precheck"), .word("failover"), .word("tenant"), .subject(.tenant, required: false)],
            .precheck(.tenantFailoverPreCheck, .tenantFailover),
            calls: [tenantLookup, PlannedCall(.tenantFailoverPreCheck, [.subjectCluster, .subject])],
            summary: "Ask OCP whether this standby tenant may fail over (OceanBase 4.x); fails listing every blocking "
                + "finding, warnings logged."),
        PhraseDescriptor(
            .failoverTenant, [.word("failover"), .word("tenant"), .subject(.tenant, required: false)],
            .startsTask(.tenantFailover, .tenantFailover),
            calls: [
                tenantLookup, readTenant, PlannedCall(.tenantFailoverPreCheck, [.subjectCluster, .subject]),
                PlannedCall(.tenantFailover, [.subjectCluster, .subject], body: .serviceName), readTenant,
            ],
            summary: "Fail this standby tenant over to primary (OceanBase 4.x; option `service name`): checks first, "
                + "starts OCP's tenant failover task and makes it current."),
        PhraseDescriptor(
            .failoverTenantsOfCluster,
            [.word("failover"), .word("tenants"), .word("of"), .word("cluster"), .subject(.cluster, required: false)],
            .startsTask(.tenantsFailover, .tenantFailover),
            calls: [
                readClusterTenants, PlannedCall(.tenantsFailoverPreCheck, [.subject]),
                PlannedCall(.tenantsFailover, [.subject], body: .failoverList), readClusterTenants,
            ],
            summary: "Fail over every standby tenant of this cluster (OceanBase 4.x): checks first, starts one task "
                + "per tenant; the group of tasks is current."),
        PhraseDescriptor(
            .switchoverTenantsOfCluster,
            [.word("switchover"), .word("tenants"), .word("of"), .word("cluster"), .subject(.cluster, required: false)],
            .startsTask(.tenantsSwitchover, .tenantSwitchover),
            calls: [
                readClusterTenants,
                PlannedCall(.tenantsSwitchoverPreCheck, [.primaryCluster], .perPrimaryCluster, body: .pairList),
                PlannedCall(.tenantsSwitchover, [.primaryCluster], .perPrimaryCluster, body: .pairList),
                readClusterTenants,
                PlannedCall(.listClusterTenants, [.primaryCluster], query: TenantQuery.lookup.items, .perPrimaryCluster),
            ],
            summary: "Switch over every standby tenant of this cluster whose primary is in another cluster (OceanBase "
                + "4.x): checks first, starts one task per pair; the group of tasks is current."),
    ]

    private static let taskOperations: [PhraseDescriptor] = [
        PhraseDescriptor(
            .retryTask, [.word("retry"), .word("task"), .task(followers: [])], .taskOperation(.retryTask),
            calls: [PlannedCall(.retryTask, [.task])], summary: "Re-run the FAILED subtasks of a FAILED task."),
        PhraseDescriptor(
            .rollbackTask, [.word("rollback"), .word("task"), .task(followers: [])], .taskOperation(.rollbackTask),
            calls: [PlannedCall(.rollbackTask, [.task])], summary: "Roll a FAILED task back."),
        subtaskOperation(.retrySubtask, "retry", .retrySubtask, summary: "Retry one FAILED subtask."),
        subtaskOperation(.skipSubtask, "skip", .skipSubtask, summary: "Skip one FAILED subtask (it then counts as done)."),
        subtaskOperation(.cancelSubtask, "cancel", .cancelSubtask, summary: "Cancel one RUNNING subtask (it ends FAILED)."),
    ]

    private static func subtaskOperation(_ kind: PhraseKind, _ verb: String, _ endpoint: OCPEndpoint, summary: String)
        -> PhraseDescriptor
    {
        PhraseDescriptor(
            kind, [.word(verb), .word("subtask"), .subtask, .ofTask], .subtaskOperation(endpoint),
            calls: [
                PlannedCall(.getTask, [.task]), PlannedCall(endpoint, [.task, .subtask]), PlannedCall(.getTask, [.task]),
            ], summary: summary)
    }

    private static let waits: [PhraseDescriptor] = [
        PhraseDescriptor(
            .awaitTask, [.word("await"), .word("task"), .task(followers: ["status"]), .field(required: true)], .wait,
            fields: .task, calls: [PlannedCall(.getTask, [.task], .polled), PlannedCall(.subtaskLog, [.task, .failedSubtask], .onFailure)],
            summary: "Wait until the task has this status; fails at once when it can no longer."),
        PhraseDescriptor(
            .awaitSubtask, [.word("await"), .word("subtask"), .subtask, .ofTask, .field(required: true)], .wait,
            fields: .subtask, calls: [PlannedCall(.getTask, [.task], .polled), PlannedCall(.subtaskLog, [.task, .failedSubtask], .onFailure)],
            summary: "Wait until the subtask has this status."),
        PhraseDescriptor(
            .awaitCluster, [.word("await"), .word("cluster"), .subject(.cluster, required: true), .field(required: true)],
            .wait, fields: .cluster, calls: [PlannedCall(.listClusters, query: ClusterQuery.lookup.items, .polled)],
            summary: "Wait until the cluster has this type or status."),
        PhraseDescriptor(
            .awaitTenant, [.word("await"), .word("tenant"), .subject(.tenant, required: true), .field(required: true)],
            .wait, fields: .tenant, calls: [tenantLookup, PlannedCall(.getTenant, [.subjectCluster, .subject], .polled)],
            summary: "Wait until the tenant has this role or status."),
    ]

    private static let assertions: [PhraseDescriptor] = [
        PhraseDescriptor(
            .assertTask, [.word("assert"), .word("task"), .task(followers: ["status"]), .field(required: false)],
            .assertion, fields: .task, calls: [PlannedCall(.getTask, [.task])], summary: "Check the task's fields once."),
        PhraseDescriptor(
            .assertSubtask, [.word("assert"), .word("subtask"), .subtask, .ofTask, .field(required: false)], .assertion,
            fields: .subtask, calls: [PlannedCall(.getTask, [.task])],
            summary: "Check the subtask once: with no value, that it is SUCCESSFUL."),
        PhraseDescriptor(
            .assertCluster, [.word("assert"), .word("cluster"), .subject(.cluster, required: true), .field(required: false)],
            .assertion, fields: .cluster, calls: [PlannedCall(.listClusters, query: ClusterQuery.lookup.items)],
            summary: "Check the cluster's fields once."),
        PhraseDescriptor(
            .assertTenant, [.word("assert"), .word("tenant"), .subject(.tenant, required: true), .field(required: false)],
            .assertion, fields: .tenant, calls: [tenantLookup, readTenant],
            summary: "Check the tenant's fields once: role, status, syncStatus, cluster, primary."),
    ]

    private static let evidence: [PhraseDescriptor] = [
        PhraseDescriptor(
            .outage, [.word("outage")], .marker(.outage),
            summary: "Mark the moment the disaster began: recovery time is measured from here."),
        PhraseDescriptor(
            .recovered, [.word("recovered")], .marker(.recovered),
            summary: "Mark the moment the service is back: recovery time is measured to here."),
        PhraseDescriptor(
            .probeHttp, [.word("probe"), .word("http")], .probe(.http, waits: false),
            summary: "Request this URL once; passes on `expect status` (default any 2xx) and `expect body`."),
        PhraseDescriptor(
            .probeTcp, [.word("probe"), .word("tcp")], .probe(.tcp, waits: false),
            summary: "Open a TCP connection to HOST:PORT once."),
        PhraseDescriptor(
            .probeCommand, [.word("probe"), .word("command")], .probe(.command, waits: false),
            summary: "Run this program once (a list: no shell; a string: through /bin/sh -c); passes on `expect exit` (default 0) and `expect output`."),
        PhraseDescriptor(
            .awaitProbeHttp, [.word("await"), .word("probe"), .word("http")], .probe(.http, waits: true),
            summary: "Request this URL again and again, adaptively, until it passes."),
        PhraseDescriptor(
            .awaitProbeTcp, [.word("await"), .word("probe"), .word("tcp")], .probe(.tcp, waits: true),
            summary: "Try a TCP connection to HOST:PORT again and again until one opens."),
        PhraseDescriptor(
            .awaitProbeCommand, [.word("await"), .word("probe"), .word("command")], .probe(.command, waits: true),
            summary: "Run this program again and again until it passes."),
    ]

    private static let others: [PhraseDescriptor] = [
        PhraseDescriptor(.sleep, [.word("sleep")], .sleep, summary: "Wait this long."),
        PhraseDescriptor(.note, [.word("note")], .note, summary: "Write this text into the step log."),
        PhraseDescriptor(.confirm, [.word("confirm")], .confirm, summary: "Ask on a terminal before going on (`--yes` answers yes)."),
        PhraseDescriptor(
            .forEach, [.word("for"), .word("each"), .variable, .word("in"), .list], .loop,
            summary: "Run these steps once per item of the list, in order."),
        PhraseDescriptor(
            .parallelForEach,
            [.word("in"), .word("parallel"), .word("for"), .word("each"), .variable, .word("in"), .list], .loop,
            summary: "Run these steps once per item of the list, concurrently."),
    ]
}
