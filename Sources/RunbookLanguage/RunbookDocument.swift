import OCPModel
import RunbookSupport
import RunbookYAML

/// A parsed runbook: the typed tree of a file (a ``CheckedRunbook`` once the checker passed it).
///
/// Values that depend on the run (`${env.X}`, task fields, loop items, variables) are ``Expr``
/// trees to evaluate, never text to parse again.
///
/// Meaning of a run: the ``vars`` are evaluated in order; ``steps`` run in order and the first
/// failure stops them (unless the step has `continue on failure`); then ``onFailure`` runs if a step
/// failed; then ``finally`` runs whatever happened.
package struct RunbookDocument: Sendable, Hashable {
    /// The `runbook:` title.
    package var title: String
    package var description: String?
    /// `embedded` (the default, also when nil) or an OCP base URL; may be a `${...}` expression.
    package var target: Expr?
    /// Variables in evaluation order; a `--var` value has replaced the file's (see ``VarDecl/origin``).
    package var vars: [VarDecl]
    /// Deadline for the whole run.
    package var timeout: DurationValue?
    /// The embedded simulator's setup (`simulate:`), ignored against a real OCP.
    package var simulate: SimulateBlock?
    /// `objectives:` the recovery time and data loss the run must prove (nil: none).
    package var objectives: Objectives?
    /// `watch:` probes run all through the run, each on its own `every`.
    package var watch: [WatchProbe]
    package var steps: [Step]
    /// `on failure`: runs when a step of ``steps`` fails.
    package var onFailure: [Step]
    /// `finally`: runs at the end, whatever happened.
    package var finally: [Step]
    /// Steps whose phrase did not parse (only in a runbook with errors), in the order written.
    package var unparsedSteps: [UnparsedStep]
    /// The path of the file as the user gave it.
    package var file: String
    /// Where the runbook starts (its first key).
    package var location: SourceLocation

    package init(
        title: String, description: String? = nil, target: Expr? = nil, vars: [VarDecl] = [],
        timeout: DurationValue? = nil, simulate: SimulateBlock? = nil, objectives: Objectives? = nil,
        watch: [WatchProbe] = [], steps: [Step], onFailure: [Step] = [], finally: [Step] = [],
        unparsedSteps: [UnparsedStep] = [], file: String, location: SourceLocation
    ) {
        self.objectives = objectives
        self.watch = watch
        self.title = title
        self.description = description
        self.target = target
        self.vars = vars
        self.timeout = timeout
        self.simulate = simulate
        self.steps = steps
        self.onFailure = onFailure
        self.finally = finally
        self.unparsedSteps = unparsedSteps
        self.file = file
        self.location = location
    }
}

/// A variable of `vars:` (or one given with `--var`).
package struct VarDecl: Sendable, Hashable {
    /// Where a variable's value comes from.
    package enum Origin: Sendable, Hashable {
        /// Written in the file's `vars:`.
        case file
        /// Given as `--var name=value`; the text was read as a YAML flow collection (`[6, 8]`) or plain scalar (`6` is a number).
        case commandLine
    }

    package var name: String
    /// The value; it may refer to earlier variables and to `${env.X}`.
    package var value: Expr
    package var origin: Origin
    /// Where the name is written in `vars:`; for a `--var` that names no declared variable, the
    /// location `<command line>:1:1`.
    package var location: SourceLocation

    package init(name: String, value: Expr, origin: Origin = .file, at location: SourceLocation) {
        self.name = name
        self.value = value
        self.origin = origin
        self.location = location
    }

    /// The location given to variables that only the command line defines.
    package static let commandLineLocation = SourceLocation(file: "<command line>", line: 1, column: 1)
}

/// A name written in a runbook (an `as` name, a loop variable) and where.
package struct Name: Sendable, Hashable, CustomStringConvertible {
    package var text: String
    package var location: SourceLocation

    package init(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
    }

    package var description: String { text }
}

// MARK: - Steps

/// One step: what it does, its options, and where it is written.
package struct Step: Sendable, Hashable {
    package var action: StepAction
    /// The step's options (kept in a shared box, so that a step stays small to copy).
    package var options: StepOptions {
        get { optionStorage.value }
        set { optionStorage = newValue.isEmpty ? .none : OptionStorage(newValue) }
    }
    /// The phrase as written (`await task drill status`), for the log; ``StepOptions/name`` overrides it.
    package var phrase: String
    /// Where the phrase is written.
    package var location: SourceLocation
    private var optionStorage: OptionStorage

    package init(action: StepAction, options: StepOptions = StepOptions(), phrase: String, at location: SourceLocation) {
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

    /// The step's phrase descriptor.
    package var descriptor: PhraseDescriptor { action.kind.descriptor }
}

/// A step whose phrase did not parse: the runbook is invalid, and the checker knows only where it
/// is and the task name it gives, so that it says nothing wrong about the steps around it.
package struct UnparsedStep: Sendable, Hashable {
    package var phrase: String
    package var location: SourceLocation
    /// Its `as:` name, if it gives a valid one.
    package var taskName: Name?

    package init(phrase: String, location: SourceLocation, taskName: Name?) {
        self.phrase = phrase
        self.location = location
        self.taskName = taskName
    }
}

/// The options of a step; any may be absent.
package struct StepOptions: Sendable, Hashable {
    /// `name:` a label for the log instead of the phrase (text, may interpolate).
    package var name: Expr?
    /// `timeout:` deadline for the step. Awaits default to ``StepOptions/defaultAwaitTimeout`` when nil.
    package var timeout: DurationValue?
    /// `every:` the longest interval between polls (awaits only).
    package var every: DurationValue?
    /// `as:` the name of the task this step starts (failover and switchover only), or of the group
    /// of tasks a batch tenant phrase starts.
    package var taskName: Name?
    /// `continue on failure: true`: a failure is logged and the run goes on.
    package var continueOnFailure: Bool
    /// `max concurrency:` how many items of an `in parallel for each` run at once (nil: the default).
    package var maxConcurrency: CountValue?
    /// `service name:` the service name a tenant failover creates on the new primary (text, may interpolate).
    package var serviceName: Expr?

    package init(
        name: Expr? = nil, timeout: DurationValue? = nil, every: DurationValue? = nil, taskName: Name? = nil,
        continueOnFailure: Bool = false, maxConcurrency: CountValue? = nil, serviceName: Expr? = nil
    ) {
        self.name = name
        self.timeout = timeout
        self.every = every
        self.taskName = taskName
        self.continueOnFailure = continueOnFailure
        self.maxConcurrency = maxConcurrency
        self.serviceName = serviceName
    }

    /// True when no option is given.
    package var isEmpty: Bool {
        if case .some = name { return false }
        if case .some = timeout { return false }
        if case .some = every { return false }
        if case .some = taskName { return false }
        if case .some = maxConcurrency { return false }
        if case .some = serviceName { return false }
        return !continueOnFailure
    }

    /// The deadline of an await without `timeout:`.
    package static let defaultAwaitTimeout: Duration = .seconds(3600)
}

/// The task a task operation, wait or assertion acts on.
package enum TaskRef: Sendable, Hashable {
    /// `task`: the current task, started by the most recent task-starting step in scope.
    case current
    /// `task NAME`: the task a step named with `as: NAME`.
    case named(Name)
    /// `task 171603` or `task ${id}`: an OCP task id.
    case id(Expr)
}

/// What a step does.
package indirect enum StepAction: Sendable, Hashable {
    /// A phrase that talks to OCP: a cluster action, a task operation, a wait or an assertion.
    case action(ActionStep)
    /// `sleep: DURATION`.
    case sleep(DurationValue)
    /// `note: TEXT`: writes the text into the step log.
    case note(Expr)
    /// `confirm: TEXT`: a manual gate.
    case confirm(Expr)
    /// `for each NAME in LIST:` and `in parallel for each NAME in LIST:`.
    case forEach(ForEachBlock)
    /// `outage: TEXT` or `recovered: TEXT`.
    case marker(MarkerKind, Expr)
    /// `probe http|tcp|command: ...` and `await probe ...`.
    case probe(ProbeStep)

    /// The phrase.
    package var kind: PhraseKind {
        switch self {
        case .action(let a): a.kind
        case .sleep: .sleep
        case .note: .note
        case .confirm: .confirm
        case .forEach(let block): block.parallel ? .parallelForEach : .forEach
        case .marker(let m, _): m == .outage ? .outage : .recovered
        case .probe(let p):
            switch (p.kind, p.waits) {
            case (.http, false): .probeHttp
            case (.tcp, false): .probeTcp
            case (.command, false): .probeCommand
            case (.http, true): .awaitProbeHttp
            case (.tcp, true): .awaitProbeTcp
            case (.command, true): .awaitProbeCommand
            }
        }
    }
}

/// A probe as written: what it looks at, and what passes it.
package struct ProbeStep: Sendable, Hashable {
    package var kind: ProbeKind
    /// The URL or `host:port` (text, may interpolate), or a program: its arguments, or one text
    /// run through `/bin/sh -c`.
    package var target: ProbeValue
    /// `await probe ...`: polled until it passes.
    package var waits: Bool
    /// `method:` (http; default GET).
    package var method: Expr?
    /// `headers:` (http), in order.
    package var headers: [(name: String, value: Expr)]
    /// `expect status:` (http; empty: any 2xx).
    package var expectStatus: [Int]
    /// `expect body:` or `expect output:`: text the answer must contain.
    package var expectText: Expr?
    /// `expect exit:` (command; default 0).
    package var expectExit: Int?
    package var location: SourceLocation

    package init(
        kind: ProbeKind, target: ProbeValue, waits: Bool, method: Expr? = nil, headers: [(name: String, value: Expr)] = [],
        expectStatus: [Int] = [], expectText: Expr? = nil, expectExit: Int? = nil, location: SourceLocation
    ) {
        self.kind = kind
        self.target = target
        self.waits = waits
        self.method = method
        self.headers = headers
        self.expectStatus = expectStatus
        self.expectText = expectText
        self.expectExit = expectExit
        self.location = location
    }

    package static func == (a: ProbeStep, b: ProbeStep) -> Bool {
        a.kind == b.kind && a.target == b.target && a.waits == b.waits && a.method == b.method
            && a.headers.map(\.name) == b.headers.map(\.name) && a.headers.map(\.value) == b.headers.map(\.value)
            && a.expectStatus == b.expectStatus && a.expectText == b.expectText && a.expectExit == b.expectExit
            && a.location == b.location
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(target)
        hasher.combine(waits)
        hasher.combine(location)
    }
}

extension ProbeStep {
    /// The expressions of its target.
    package var targetExprs: [Expr] {
        switch target {
        case .text(let e): [e]
        case .argv(let items): items
        }
    }
}

/// What a probe looks at, as written.
package enum ProbeValue: Sendable, Hashable {
    /// A URL, a `host:port`, or a command line for `/bin/sh -c`.
    case text(Expr)
    /// A program and its arguments: no shell.
    case argv([Expr])
}

/// `objectives:` what the run must prove.
package struct Objectives: Sendable, Hashable {
    /// `recovery time:` the RTO: from `outage` to `recovered`.
    package var recoveryTime: DurationValue?
    /// `data loss:` the RPO: each promoted standby's lag when it was promoted.
    package var dataLoss: DurationValue?
    package var location: SourceLocation

    package init(recoveryTime: DurationValue? = nil, dataLoss: DurationValue? = nil, location: SourceLocation) {
        self.recoveryTime = recoveryTime
        self.dataLoss = dataLoss
        self.location = location
    }
}

/// One probe of `watch:`, run from the first step to the last on its own `every`.
package struct WatchProbe: Sendable, Hashable {
    package var probe: ProbeStep
    /// How often (default ``WatchProbe/defaultEvery``).
    package var every: DurationValue?
    /// How long one attempt may take (default 5 s).
    package var timeout: DurationValue?
    package var location: SourceLocation

    /// The interval of a watch that gives no `every`.
    package static let defaultEvery: Duration = .seconds(10)

    package init(probe: ProbeStep, every: DurationValue?, timeout: DurationValue?, location: SourceLocation) {
        self.probe = probe
        self.every = every
        self.timeout = timeout
        self.location = location
    }
}

/// A phrase that talks to OCP, with the values its key and value give. Its
/// ``PhraseKind/descriptor`` says what each part means and which calls it makes.
package struct ActionStep: Sendable, Hashable {
    package var kind: PhraseKind
    /// The cluster id of a cluster action, wait or assertion.
    package var subject: Expr?
    /// The task it acts on (`.current` when the phrase names none).
    package var task: TaskRef
    /// The subtask it names.
    package var subtask: Expr?
    /// What a wait awaits (one field) or an assertion checks.
    package var fields: [FieldCheck]

    package init(
        _ kind: PhraseKind, subject: Expr? = nil, task: TaskRef = .current, subtask: Expr? = nil,
        fields: [FieldCheck] = []
    ) {
        self.kind = kind
        self.subject = subject
        self.task = task
        self.subtask = subtask
        self.fields = fields
    }

    package var descriptor: PhraseDescriptor { kind.descriptor }
}

/// A `for each` or `in parallel for each` block.
package struct ForEachBlock: Sendable, Hashable {
    /// The loop variable, bound to each item in turn inside ``body``.
    package var variable: Name
    /// The list: a `${...}` reference that evaluates to a list.
    package var list: Expr
    package var body: [Step]
    /// True for `in parallel for each`: items run concurrently, each with its own current task,
    /// at most ``StepOptions/maxConcurrency`` at once (``defaultMaxConcurrency`` without it).
    package var parallel: Bool

    /// How many items of an `in parallel for each` run at once when it says no `max concurrency`.
    package static let defaultMaxConcurrency = 100

    package init(variable: Name, list: Expr, body: [Step], parallel: Bool) {
        self.variable = variable
        self.list = list
        self.body = body
        self.parallel = parallel
    }
}

// MARK: - Fields

/// One field of a wait or an assertion: `status: SUCCESSFUL`, `took under: 10m`.
package struct FieldCheck: Sendable, Hashable {
    /// The field's name (``FieldSpec/name``).
    package var name: String
    package var value: FieldValue
    /// Where the field is written (its key, or the phrase's field word).
    package var location: SourceLocation

    package init(_ name: String, _ value: FieldValue, at location: SourceLocation) {
        self.name = name
        self.value = value
        self.location = location
    }
}

/// The expected value of a field.
package enum FieldValue: Sendable, Hashable {
    /// A word of OCP's vocabulary (`PRIMARY`, `SUCCESSFUL`).
    case word(WrittenWord)
    /// A whole number (`runTime: 2`).
    case count(Int)
    /// A duration (`took under: 10m`).
    case duration(DurationValue)
    /// Text (`after: "Wait node"`).
    case text(Expr)
    /// An OCP id (`cluster: 3000010`, `primary: ${standby}`); nil is `none` (`primary: none`).
    case id(Expr?)
}

// MARK: - Durations and counts

/// A duration as written: a fixed value, or a `${...}` expression evaluated when the step runs.
package struct DurationValue: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case fixed(Duration)
        /// Evaluates to a duration text (`30m`) or a number of seconds; see ``DurationValue/duration(from:)``.
        case expression(Expr)
    }

    package var kind: Kind
    package var location: SourceLocation

    package init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The duration a value denotes: a duration text (`500ms`, `30s`, `1h30m`) or a number of seconds
    /// (not negative), at most ``DurationText/maximum``; nil otherwise. The checker and the
    /// interpreter both use this rule.
    package static func duration(from value: ExprValue) -> Duration? { reading(from: value).duration }

    /// What a value denotes as a duration, saying why when it is none (too long, below 1ms, or
    /// not a duration at all); never traps, whatever the number.
    package static func reading(from value: ExprValue) -> DurationText.Reading {
        guard case .scalar(let scalar) = value else { return .invalid }
        switch scalar {
        case .int(let n): return DurationText.read(seconds: n)
        case .bigInt(let digits): return digits.hasPrefix("-") ? .invalid : .tooLong
        case .double(let d): return DurationText.read(seconds: d)
        case .string(let s): return DurationText.read(s)
        case .null, .bool: return .invalid
        }
    }

    /// The message for `written` (as the user wrote it), which reads as `reading`, not a duration.
    package static func message(_ reading: DurationText.Reading, written: String) -> String {
        switch reading {
        case .tooLong:
            "'\(written)' is longer than \(DurationText.format(DurationText.maximum)) (365 days), the longest duration a runbook allows"
        case .tooShort:
            "'\(written)' is shorter than 1ms, the shortest duration a runbook counts"
        case .invalid, .duration:
            NodeReader.badDurationMessage(written)
        }
    }
}

/// A whole number as written: a fixed value or a `${...}` expression (for `max concurrency`).
package struct CountValue: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        case fixed(Int)
        /// Evaluates to an integer (or a string of digits).
        case expression(Expr)
    }

    package var kind: Kind
    package var location: SourceLocation

    package init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The integer a value denotes (an integer, or a string of decimal digits), or nil.
    package static func integer(from value: ExprValue) -> Int? {
        guard case .scalar(let scalar) = value else { return nil }
        switch scalar {
        case .int(let n): return n
        case .string(let s): return Int(s.trimmingSpaces)
        default: return nil
        }
    }
}
