import OCPModel
import RunbookSupport
import RunbookYAML

/// A checked runbook: the typed tree the interpreter executes.
///
/// Built by ``RunbookChecker/check(bytes:file:predefinedVariables:)`` only when the file has no
/// errors, so every name in it is defined, every `task` reference has a task to act on, and every
/// phrase, option, word and duration is valid. Values that depend on the run (`${env.X}`, task
/// fields, loop items, variables) are ``Expr`` trees to evaluate, never text to parse again.
///
/// Meaning of a run: the ``vars`` are evaluated in order; ``steps`` run in order and the first
/// failure stops them (unless the step has `continue on failure`); then ``onFailure`` runs if a step
/// failed; then ``finally`` runs whatever happened.
public struct RunbookDocument: Sendable, Hashable {
    /// The `runbook:` title.
    public var title: String
    public var description: String?
    /// `embedded` (the default, also when nil) or an OCP base URL; may be a `${...}` expression.
    public var target: Expr?
    /// Variables in evaluation order; a `--var` value has replaced the file's (see ``VarDecl/origin``).
    public var vars: [VarDecl]
    /// Deadline for the whole run.
    public var timeout: DurationValue?
    /// The embedded simulator's setup (`simulate:`), ignored against a real OCP.
    public var simulate: SimulateBlock?
    public var steps: [Step]
    /// `on failure`: runs when a step of ``steps`` fails.
    public var onFailure: [Step]
    /// `finally`: runs at the end, whatever happened.
    public var finally: [Step]
    /// The path of the file as the user gave it.
    public var file: String
    /// Where the runbook starts (its first key).
    public var location: SourceLocation

    public init(
        title: String, description: String? = nil, target: Expr? = nil, vars: [VarDecl] = [],
        timeout: DurationValue? = nil, simulate: SimulateBlock? = nil, steps: [Step], onFailure: [Step] = [],
        finally: [Step] = [], file: String, location: SourceLocation
    ) {
        self.title = title
        self.description = description
        self.target = target
        self.vars = vars
        self.timeout = timeout
        self.simulate = simulate
        self.steps = steps
        self.onFailure = onFailure
        self.finally = finally
        self.file = file
        self.location = location
    }
}

/// A variable of `vars:` (or one given with `--var`).
public struct VarDecl: Sendable, Hashable {
    /// Where a variable's value comes from.
    public enum Origin: Sendable, Hashable {
        /// Written in the file's `vars:`.
        case file
        /// Given as `--var name=value`; the text was read as a YAML flow collection (`[6, 8]`) or plain scalar (`6` is a number).
        case commandLine
    }

    public var name: String
    /// The value; it may refer to earlier variables and to `${env.X}`.
    public var value: Expr
    public var origin: Origin
    /// Where the name is written in `vars:`; for a `--var` that names no declared variable, the
    /// location `<command line>:1:1`.
    public var location: SourceLocation

    public init(name: String, value: Expr, origin: Origin = .file, at location: SourceLocation) {
        self.name = name
        self.value = value
        self.origin = origin
        self.location = location
    }

    /// The location given to variables that only the command line defines.
    public static let commandLineLocation = SourceLocation(file: "<command line>", line: 1, column: 1)
}

/// A name written in a runbook (an `as` name, a loop variable) and where.
public struct Name: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var location: SourceLocation

    public init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
    }

    public var description: String { text }
}

// MARK: - Steps

/// One step: what it does, its options, and where it is written.
public struct Step: Sendable, Hashable {
    public var action: StepAction
    /// The step's options (kept in a shared box, so that a step stays small to copy).
    public var options: StepOptions {
        get { optionStorage.value }
        set { optionStorage = newValue.isEmpty ? .none : OptionStorage(newValue) }
    }
    /// The phrase as written (`await task drill status`), for the log; ``StepOptions/name`` overrides it.
    public var phrase: String
    /// Where the phrase is written.
    public var location: SourceLocation
    private var optionStorage: OptionStorage

    public init(action: StepAction, options: StepOptions = StepOptions(), phrase: String, at location: SourceLocation) {
        self.action = action
        self.optionStorage = options.isEmpty ? .none : OptionStorage(options)
        self.phrase = phrase
        self.location = location
    }

    /// An immutable box for a step's options; equal and hashed by value.
    private final class OptionStorage: Sendable, Hashable {
        let value: StepOptions
        static let none = OptionStorage(StepOptions())

        init(_ value: StepOptions) { self.value = value }

        static func == (lhs: OptionStorage, rhs: OptionStorage) -> Bool { lhs === rhs || lhs.value == rhs.value }
        func hash(into hasher: inout Hasher) { hasher.combine(value) }
    }

    /// True when the step starts an OCP task (`failover cluster`, `switchover cluster`) and makes it current.
    public var startsTask: Bool { action.startsTask }
}

/// The options of a step; any may be absent.
public struct StepOptions: Sendable, Hashable {
    /// `name:` a label for the log instead of the phrase (text, may interpolate).
    public var name: Expr?
    /// `timeout:` deadline for the step. Awaits default to ``StepOptions/defaultAwaitTimeout`` when nil.
    public var timeout: DurationValue?
    /// `every:` the longest interval between polls (awaits only).
    public var every: DurationValue?
    /// `as:` the name of the task this step starts (failover and switchover only).
    public var taskName: Name?
    /// `continue on failure: true`: a failure is logged and the run goes on.
    public var continueOnFailure: Bool
    /// `max concurrency:` how many items of an `in parallel for each` run at once (nil: all).
    public var maxConcurrency: CountValue?

    public init(
        name: Expr? = nil, timeout: DurationValue? = nil, every: DurationValue? = nil, taskName: Name? = nil,
        continueOnFailure: Bool = false, maxConcurrency: CountValue? = nil
    ) {
        self.name = name
        self.timeout = timeout
        self.every = every
        self.taskName = taskName
        self.continueOnFailure = continueOnFailure
        self.maxConcurrency = maxConcurrency
    }

    /// True when no option is given.
    public var isEmpty: Bool {
        if case .some = name { return false }
        if case .some = timeout { return false }
        if case .some = every { return false }
        if case .some = taskName { return false }
        if case .some = maxConcurrency { return false }
        return !continueOnFailure
    }

    /// The deadline of an await without `timeout:`.
    public static let defaultAwaitTimeout: Duration = .seconds(3600)
}

/// The task a task operation, wait or assertion acts on.
public enum TaskRef: Sendable, Hashable {
    /// `task`: the current task, started by the most recent task-starting step in scope.
    case current
    /// `task NAME`: the task a step named with `as: NAME`.
    case named(Name)
    /// `task 171603` or `task ${id}`: an OCP task id.
    case id(Expr)
}

/// What a step does: one case per phrase of the language.
public indirect enum StepAction: Sendable, Hashable {
    // MARK: Cluster actions
    /// `failover cluster: ID`: POST `.../clusters/ID/failover`; starts a task and makes it current.
    case failover(cluster: Expr)
    /// `switchover cluster: ID`: POST `.../clusters/ID/switchover`; starts a task and makes it current.
    case switchover(cluster: Expr)
    /// `precheck failover cluster: ID`: POST `.../failoverPreCheck`; passes when valid, fails listing
    /// every message. It answers at once and starts no task.
    case precheckFailover(cluster: Expr)
    /// `precheck switchover cluster: ID`: POST `.../switchoverPreCheck`.
    case precheckSwitchover(cluster: Expr)

    // MARK: Task operations
    /// `retry task`: re-run the FAILED subtasks of a FAILED task.
    case retryTask(TaskRef)
    /// `rollback task`: roll a FAILED task back.
    case rollbackTask(TaskRef)
    /// `retry subtask "NAME"`.
    case retrySubtask(TaskRef, subtask: Expr)
    /// `skip subtask "NAME"`.
    case skipSubtask(TaskRef, subtask: Expr)
    /// `cancel subtask "NAME"`.
    case cancelSubtask(TaskRef, subtask: Expr)

    // MARK: Waits
    /// `await task status: S`.
    case awaitTaskStatus(TaskRef, Word<TaskStatus>)
    /// `await subtask "NAME" status: S`.
    case awaitSubtaskStatus(TaskRef, subtask: Expr, Word<SubtaskStatus>)
    /// `await cluster ID type: T`.
    case awaitClusterType(cluster: Expr, Word<ClusterType>)
    /// `await cluster ID status: S`.
    case awaitClusterStatus(cluster: Expr, Word<ClusterStatus>)

    // MARK: Assertions
    /// `assert task: {fields}` and `assert task status: S` (one field).
    case assertTask(TaskRef, [TaskField])
    /// `assert subtask "NAME"` (the field `status: SUCCESSFUL` is filled in), `assert subtask "NAME": {fields}`,
    /// `assert subtask "NAME" status: S`.
    case assertSubtask(TaskRef, subtask: Expr, [SubtaskField])
    /// `assert cluster ID: {fields}`, `assert cluster ID type: T` (and `status`, `syncStatus`).
    case assertCluster(cluster: Expr, [ClusterField])

    // MARK: Other steps
    /// `sleep: DURATION`.
    case sleep(DurationValue)
    /// `note: TEXT`: writes the text into the step log.
    case note(Expr)
    /// `confirm: TEXT`: a manual gate.
    case confirm(Expr)
    /// `for each NAME in LIST:` and `in parallel for each NAME in LIST:`.
    case forEach(ForEachBlock)

    /// True for `failover cluster` and `switchover cluster`, which start a task and make it current.
    public var startsTask: Bool {
        switch self {
        case .failover, .switchover: true
        default: false
        }
    }

    /// True for the four cluster actions (a precheck included).
    public var isClusterAction: Bool {
        switch self {
        case .failover, .switchover, .precheckFailover, .precheckSwitchover: true
        default: false
        }
    }

    /// True for the four waits.
    public var isAwait: Bool {
        switch self {
        case .awaitTaskStatus, .awaitSubtaskStatus, .awaitClusterType, .awaitClusterStatus: true
        default: false
        }
    }

    /// The task the step acts on, for task operations, task and subtask waits and assertions.
    public var taskRef: TaskRef? {
        switch self {
        case .retryTask(let ref), .rollbackTask(let ref), .retrySubtask(let ref, _), .skipSubtask(let ref, _),
            .cancelSubtask(let ref, _), .awaitTaskStatus(let ref, _), .awaitSubtaskStatus(let ref, _, _),
            .assertTask(let ref, _), .assertSubtask(let ref, _, _):
            ref
        default:
            nil
        }
    }
}

/// A `for each` or `in parallel for each` block.
public struct ForEachBlock: Sendable, Hashable {
    /// The loop variable, bound to each item in turn inside ``body``.
    public var variable: Name
    /// The list: a `${...}` reference that evaluates to a list.
    public var list: Expr
    public var body: [Step]
    /// True for `in parallel for each`: items run concurrently, each with its own current task,
    /// at most ``StepOptions/maxConcurrency`` at once.
    public var parallel: Bool

    public init(variable: Name, list: Expr, body: [Step], parallel: Bool) {
        self.variable = variable
        self.list = list
        self.body = body
        self.parallel = parallel
    }
}

// MARK: - Assertion fields

/// A field of `assert task`.
public enum TaskField: Sendable, Hashable {
    /// `status: S`.
    case status(Word<TaskStatus>)
    /// `runTime: N`: the highest `runTime` among the task's subtasks (how many times it was tried).
    case runTime(Int, at: SourceLocation)
    /// `took under: DURATION`: finishTime - startTime is below it (the task must have finished).
    case tookUnder(DurationValue)
}

/// A field of `assert subtask`.
public enum SubtaskField: Sendable, Hashable {
    /// `status: S`.
    case status(Word<SubtaskStatus>)
    /// `runTime: N`: how many times the subtask has run.
    case runTime(Int, at: SourceLocation)
    /// `took under: DURATION`: finishTime - startTime is below it (the subtask must have finished).
    case tookUnder(DurationValue)
    /// `after: "OTHER NAME"`: the other subtask finished before this one started.
    case after(Expr)
}

/// A field of `assert cluster`.
public enum ClusterField: Sendable, Hashable {
    /// `type: PRIMARY`.
    case type(Word<ClusterType>)
    /// `status: RUNNING`.
    case status(Word<ClusterStatus>)
    /// `syncStatus: VALID`.
    case syncStatus(Word<SyncStatus>)
}

// MARK: - Durations and counts

/// A duration as written: a fixed value, or a `${...}` expression evaluated when the step runs.
public struct DurationValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case fixed(Duration)
        /// Evaluates to a duration text (`30m`) or a number of seconds; see ``DurationValue/duration(from:)``.
        case expression(Expr)
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The duration a value denotes: a duration text (`500ms`, `30s`, `1h30m`) or a number of seconds
    /// (not negative); nil otherwise. The checker and the interpreter both use this rule.
    public static func duration(from value: ExprValue) -> Duration? {
        guard case .scalar(let scalar) = value else { return nil }
        switch scalar {
        case .int(let n): return n >= 0 ? .seconds(n) : nil
        case .double(let d): return d.isFinite && d >= 0 ? .milliseconds(Int64((d * 1000).rounded())) : nil
        case .string(let s): return DurationText.parse(s)
        default: return nil
        }
    }
}

/// A whole number as written: a fixed value or a `${...}` expression (for `max concurrency`).
public struct CountValue: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case fixed(Int)
        /// Evaluates to an integer (or a string of digits).
        case expression(Expr)
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The integer a value denotes (an integer, or a string of decimal digits), or nil.
    public static func integer(from value: ExprValue) -> Int? {
        guard case .scalar(let scalar) = value else { return nil }
        switch scalar {
        case .int(let n): return n
        case .string(let s): return Int(s.trimmingSpaces)
        default: return nil
        }
    }
}
