import OCPModel
import RunbookSupport

/// Live progress of a running step, for renderers that show it (never journaled).
public struct StepProgress: Sendable, Hashable {
    /// The running step's position.
    public var position: StepPosition
    /// The step's phrase, as in its `step-started`.
    public var phrase: String
    /// Time since the step started, on the runbook's clock, in milliseconds.
    public var elapsedMs: Int64
    /// The task the step is waiting on, when it waits on one task (nil otherwise).
    public var taskId: Int?
    /// 1-based index of the subtask now running (or last finished), and how many there are.
    public var subtaskIndex: Int?
    /// How many subtasks the task has (for a wait on a group of tasks: how many tasks, of which
    /// ``subtaskIndex`` are done).
    public var subtaskCount: Int?
    /// The name of that subtask; nil when none has started.
    public var subtaskName: String?

    /// Progress with these fields; see each property for its meaning.
    public init(
        position: StepPosition, phrase: String, elapsedMs: Int64, taskId: Int? = nil, subtaskIndex: Int? = nil,
        subtaskCount: Int? = nil, subtaskName: String? = nil
    ) {
        self.position = position
        self.phrase = phrase
        self.elapsedMs = elapsedMs
        self.taskId = taskId
        self.subtaskIndex = subtaskIndex
        self.subtaskCount = subtaskCount
        self.subtaskName = subtaskName
    }
}

/// Where step-log records go: the terminal, the JSON Lines journal, a test's memory.
public protocol StepLogSink: Sendable {
    /// Takes one record, in the order the run produced it.
    func write(_ record: StepLogRecord) async
    /// Takes live progress of a running step; renderers that do not show progress ignore it.
    func progress(_ update: StepProgress) async
    /// Whether this sink shows progress (when none does, the interpreter does not compute it).
    var wantsProgress: Bool { get }
    /// Takes each OCP call as it ends, with the step that made it (`--verbose`); never journaled
    /// (the step's `step-finished` record holds its calls).
    func call(_ call: OCPCallRecord, at position: StepPosition) async
    /// Whether this sink shows calls as they happen.
    var wantsCalls: Bool { get }
    /// Why this sink could not keep a record durably, once that has happened: the engine then
    /// starts no cluster action (a journal is the run's evidence). Nil for sinks that cannot fail
    /// that way, such as the terminal.
    var writeFailure: String? { get }
    /// Returns once every record taken so far is durable (on disk, for a journal): the engine
    /// calls it before a step that starts or changes work sends its call, so the journal shows
    /// the step began before OCP can have seen it.
    func sync() async
    /// The run is over: flush and close.
    func close() async
}

extension StepLogSink {
    /// Ignores the update.
    public func progress(_ update: StepProgress) async {}
    /// False: the sink shows no progress.
    public var wantsProgress: Bool { false }
    /// Ignores the call.
    public func call(_ call: OCPCallRecord, at position: StepPosition) async {}
    /// False: the sink shows no calls.
    public var wantsCalls: Bool { false }
    /// Nil: the sink cannot fail to keep a record.
    public var writeFailure: String? { nil }
    /// Returns at once: the sink has nothing to make durable.
    public func sync() async {}
    /// Does nothing.
    public func close() async {}
}

/// Fans records out to several sinks, with secrets redacted first (``Redaction``).
public struct StepLog: Sendable {
    /// The sinks, in the order each record is given to them.
    public let sinks: [any StepLogSink]
    /// Whether any sink shows live progress.
    public let wantsProgress: Bool
    /// Whether any sink shows calls as they happen.
    public let wantsCalls: Bool
    /// The secrets no sink may see.
    public let redaction: Redaction

    /// Fans out to `sinks`, hiding the secrets of `redaction` from all of them.
    public init(_ sinks: [any StepLogSink], redaction: Redaction = .none) {
        self.sinks = sinks
        self.redaction = redaction
        wantsProgress = sinks.contains { $0.wantsProgress }
        wantsCalls = sinks.contains { $0.wantsCalls }
    }

    /// Gives `record`, its secrets redacted, to each sink in turn.
    public func write(_ record: StepLogRecord) async {
        let record = redaction.apply(record)
        for sink in sinks { await sink.write(record) }
    }

    /// Gives `update`, its phrase redacted, to each sink that shows progress.
    public func progress(_ update: StepProgress) async {
        guard wantsProgress else { return }
        var update = update
        update.phrase = redaction.apply(update.phrase)
        for sink in sinks where sink.wantsProgress { await sink.progress(update) }
    }

    /// The first sink's ``StepLogSink/writeFailure``, if any.
    public var writeFailure: String? { sinks.lazy.compactMap(\.writeFailure).first }

    /// Gives `call`, its path and note redacted, to each sink that shows calls.
    public func call(_ call: OCPCallRecord, at position: StepPosition) async {
        guard wantsCalls else { return }
        var call = call
        call.path = redaction.apply(call.path)
        call.note = call.note.map(redaction.apply)
        for sink in sinks where sink.wantsCalls { await sink.call(call, at: position) }
    }

    /// Waits until every sink has made what it took durable (``StepLogSink/sync()``).
    public func sync() async {
        for sink in sinks { await sink.sync() }
    }

    /// Closes each sink in turn.
    public func close() async {
        for sink in sinks { await sink.close() }
    }
}

/// Keeps every record in memory (tests, `plan`, embedding the library).
public actor MemoryStepLog: StepLogSink {
    /// Every record written, in order.
    public private(set) var records: [StepLogRecord] = []

    /// An empty log.
    public init() {}

    /// Keeps `record`.
    public func write(_ record: StepLogRecord) { records.append(record) }

    /// The finished steps, in order.
    public var finishedSteps: [StepFinished] {
        records.compactMap { if case .stepFinished(let s) = $0 { s } else { nil } }
    }

    /// The run's end record, once written.
    public var runFinished: RunFinished? {
        records.lazy.compactMap { if case .runFinished(let r) = $0 { r } else { nil } }.first
    }
}
