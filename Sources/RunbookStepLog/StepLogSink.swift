import OCPModel
import RunbookSupport

/// Live progress of a running step, for renderers that show it (never journaled).
public struct StepProgress: Sendable, Hashable {
    public var position: StepPosition
    public var phrase: String
    /// Time since the step started, on the runbook's clock, in milliseconds.
    public var elapsedMs: Int64
    public var taskId: Int?
    /// 1-based index of the subtask now running (or last finished), and how many there are.
    public var subtaskIndex: Int?
    public var subtaskCount: Int?
    public var subtaskName: String?

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
    /// The run is over: flush and close.
    func close() async
}

extension StepLogSink {
    public func progress(_ update: StepProgress) async {}
    public var wantsProgress: Bool { false }
    public func call(_ call: OCPCallRecord, at position: StepPosition) async {}
    public var wantsCalls: Bool { false }
    public func close() async {}
}

/// Fans records out to several sinks, with secrets redacted first (``Redaction``).
public struct StepLog: Sendable {
    public let sinks: [any StepLogSink]
    /// Whether any sink shows live progress.
    public let wantsProgress: Bool
    /// Whether any sink shows calls as they happen.
    public let wantsCalls: Bool
    /// The secrets no sink may see.
    public let redaction: Redaction

    public init(_ sinks: [any StepLogSink], redaction: Redaction = .none) {
        self.sinks = sinks
        self.redaction = redaction
        wantsProgress = sinks.contains { $0.wantsProgress }
        wantsCalls = sinks.contains { $0.wantsCalls }
    }

    public func write(_ record: StepLogRecord) async {
        let record = redaction.apply(record)
        for sink in sinks { await sink.write(record) }
    }

    public func progress(_ update: StepProgress) async {
        guard wantsProgress else { return }
        var update = update
        update.phrase = redaction.apply(update.phrase)
        for sink in sinks where sink.wantsProgress { await sink.progress(update) }
    }

    public func call(_ call: OCPCallRecord, at position: StepPosition) async {
        guard wantsCalls else { return }
        var call = call
        call.path = redaction.apply(call.path)
        call.note = call.note.map(redaction.apply)
        for sink in sinks where sink.wantsCalls { await sink.call(call, at: position) }
    }

    public func close() async {
        for sink in sinks { await sink.close() }
    }
}

/// Keeps every record in memory (tests, `plan`, embedding the library).
public actor MemoryStepLog: StepLogSink {
    public private(set) var records: [StepLogRecord] = []

    public init() {}

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
