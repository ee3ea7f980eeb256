/// A runbook the checker passed: every name in it is defined, every `task` reference has a task
/// to act on, and every phrase, option, word and duration is valid. Only
/// ``RunbookChecker/check(bytes:file:predefinedVariables:)`` makes one; the interpreter and the
/// planner take nothing else.
public struct CheckedRunbook: Sendable, Hashable {
    /// The tree, with `--var` values in its `vars`.
    public let document: RunbookDocument

    init(_ document: RunbookDocument) {
        self.document = document
    }

    public var title: String { document.title }
    public var file: String { document.file }
    public var target: Expr? { document.target }
    public var vars: [VarDecl] { document.vars }
    public var timeout: DurationValue? { document.timeout }
    public var simulate: SimulateBlock? { document.simulate }
    public var steps: [Step] { document.steps }
    public var onFailure: [Step] { document.onFailure }
    public var finally: [Step] { document.finally }

    /// The same runbook with another `simulate:` block (a caller choosing the simulator's speed).
    public func simulating(_ block: SimulateBlock?) -> CheckedRunbook {
        var document = document
        document.simulate = block
        return CheckedRunbook(document)
    }
}
