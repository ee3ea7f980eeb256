import OCPModel
import RunbookSupport

/// An OCP task as a step last saw it: what a report needs to draw its subtasks on a timeline, from
/// OCP's own `startTime` and `finishTime`, and its DAG, from `upstreams` and `downstreams`.
public struct TaskSnapshot: Sendable, Hashable, Codable {
    /// OCP's id of the task.
    public var id: Int
    /// The task's name, as OCP gives it.
    public var name: String
    /// Its status when last seen: `RUNNING`, `SUCCESSFUL`, `FAILED`.
    public var status: String
    /// `EXECUTE`, `RETRY` or `ROLLBACK`, as OCP wrote it.
    public var operation: String?
    /// The OCP id of the cluster it acts on, when OCP says.
    public var clusterId: Int?
    /// The OCP id of the tenant it acts on, for a tenant task.
    public var tenantId: Int?
    /// OCP's times of the task (its server's clock).
    public var startTime: OCPTimestamp?
    /// When it ended, on OCP's clock; nil while it runs.
    public var finishTime: OCPTimestamp?
    /// The subtasks in execution order (a topological order of their links, ties by id).
    public var subtasks: [SubtaskSnapshot]

    /// A snapshot with these fields; see each property for its meaning.
    public init(
        id: Int, name: String, status: String, operation: String? = nil, clusterId: Int? = nil, tenantId: Int? = nil,
        startTime: OCPTimestamp? = nil, finishTime: OCPTimestamp? = nil, subtasks: [SubtaskSnapshot] = []
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.operation = operation
        self.clusterId = clusterId
        self.tenantId = tenantId
        self.startTime = startTime
        self.finishTime = finishTime
        self.subtasks = subtasks
    }

    private enum CodingKeys: String, CodingKey {
        case id, name, status, operation, clusterId, tenantId, startTime, finishTime, subtasks
    }

    /// Reads a snapshot; its subtasks are left out (empty) when the decoder's
    /// ``withoutSubtasks`` user-info says so (a reader that draws no timeline).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        name = try c.decode(String.self, forKey: .name)
        status = try c.decode(String.self, forKey: .status)
        operation = try c.decodeIfPresent(String.self, forKey: .operation)
        clusterId = try c.decodeIfPresent(Int.self, forKey: .clusterId)
        tenantId = try c.decodeIfPresent(Int.self, forKey: .tenantId)
        startTime = try c.decodeIfPresent(OCPTimestamp.self, forKey: .startTime)
        finishTime = try c.decodeIfPresent(OCPTimestamp.self, forKey: .finishTime)
        let skip = Self.withoutSubtasks.map { decoder.userInfo[$0] as? Bool == true } ?? false
        subtasks = skip ? [] : try c.decodeIfPresent([SubtaskSnapshot].self, forKey: .subtasks) ?? []
    }

    /// A decoder user-info key: `true` leaves every snapshot's subtasks out, for a reader that
    /// needs the tasks but not their subtasks (a JUnit or Markdown report).
    public static let withoutSubtasks = CodingUserInfoKey(rawValue: "runbook.withoutSubtasks")

    /// The task as OCP answered it; `previous` gives the subtasks when this answer has none (a
    /// task list leaves them out).
    public init(_ task: TaskInstance, previous: TaskSnapshot? = nil) {
        let subtasks =
            task.subtasks == nil ? previous?.subtasks ?? [] : task.subtasksInExecutionOrder.map(SubtaskSnapshot.init)
        self.init(
            id: task.id, name: task.name, status: task.status.rawValue, operation: task.operation?.rawValue,
            clusterId: task.clusterId, tenantId: task.tenantId, startTime: task.startTime, finishTime: task.finishTime,
            subtasks: subtasks)
    }
}

/// A subtask of a ``TaskSnapshot``.
public struct SubtaskSnapshot: Sendable, Hashable, Codable {
    /// OCP's id of the subtask (not its place in the execution order).
    public var id: Int
    /// The subtask's name (`Failover to Primary`).
    public var name: String
    /// Its status when last seen: `PENDING`, `READY`, `RUNNING`, `SUCCESSFUL`, ...
    public var status: String
    /// How many times it has run (OCP's `runTime`).
    public var runTime: Int?
    /// When its last run started, on OCP's clock; nil before it has run.
    public var startTime: OCPTimestamp?
    /// When its last run ended, on OCP's clock; nil while it has not.
    public var finishTime: OCPTimestamp?
    /// The ids of the subtasks it waits for, and of those that wait for it.
    public var upstreams: [Int]
    /// The ids of the subtasks that wait for it.
    public var downstreams: [Int]

    /// A subtask with these fields; see each property for its meaning.
    public init(
        id: Int, name: String, status: String, runTime: Int? = nil, startTime: OCPTimestamp? = nil,
        finishTime: OCPTimestamp? = nil, upstreams: [Int] = [], downstreams: [Int] = []
    ) {
        self.id = id
        self.name = name
        self.status = status
        self.runTime = runTime
        self.startTime = startTime
        self.finishTime = finishTime
        self.upstreams = upstreams
        self.downstreams = downstreams
    }

    /// The subtask as OCP answered it; links OCP left out are none.
    public init(_ subtask: SubtaskInstance) {
        self.init(
            id: subtask.id, name: subtask.name, status: subtask.status.rawValue, runTime: subtask.runTime,
            startTime: subtask.startTime, finishTime: subtask.finishTime, upstreams: subtask.upstreams ?? [],
            downstreams: subtask.downstreams ?? [])
    }
}

/// How a `confirm` step was answered: the approval a report shows.
public struct Confirmation: Sendable, Hashable, Codable {
    /// The question asked.
    public var question: String
    /// `yes`, `no`, or nil when nobody answered.
    public var answer: String?
    /// `--yes` (given on the command line), `terminal` (a person typed it), `no terminal` (nobody
    /// to ask), `timed out` (no answer within the step's timeout) or `interrupted`.
    public var how: String
    /// The operator's login name: who ran the command with `--yes`, or sat at the terminal.
    public var by: String
    /// When it was answered (the runbook's clock: simulated when embedded, though a person's time
    /// passes on it one to one).
    public var at: OCPTimestamp

    /// An answer with these fields; see each property for its meaning.
    public init(question: String, answer: String?, how: String, by: String, at: OCPTimestamp) {
        self.question = question
        self.answer = answer
        self.how = how
        self.by = by
        self.at = at
    }
}
