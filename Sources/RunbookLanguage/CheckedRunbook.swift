/// A runbook the checker passed: every name in it is defined, every `task` reference has a task
/// to act on, and every phrase, option, word and duration is valid. Only
/// ``RunbookChecker/check(bytes:file:predefinedVariables:)`` makes one; the interpreter and the
/// planner take nothing else. Its tree is the package's own; a library user reads its title and
/// file, and hands it to ``Planner`` or the runner.
public struct CheckedRunbook: Sendable, Hashable {
    /// The tree, with `--var` values in its `vars`.
    package let document: RunbookDocument

    init(_ document: RunbookDocument) {
        self.document = document
    }

    /// The runbook's title: its `runbook:` key.
    public var title: String { document.title }
    /// The path of the runbook file as the user gave it, as its diagnostics and step log name it.
    public var file: String { document.file }
    package var target: Expr? { document.target }
    package var vars: [VarDecl] { document.vars }
    package var timeout: DurationValue? { document.timeout }
    package var simulate: SimulateBlock? { document.simulate }
    package var objectives: Objectives? { document.objectives }
    package var watch: [WatchProbe] { document.watch }
    package var steps: [Step] { document.steps }
    package var onFailure: [Step] { document.onFailure }
    package var finally: [Step] { document.finally }

    /// The same runbook with another `simulate:` block (a caller choosing the simulator's speed).
    package func simulating(_ block: SimulateBlock?) -> CheckedRunbook {
        var document = document
        document.simulate = block
        return CheckedRunbook(document)
    }
}

extension CheckedRunbook {
    /// The markers (`outage`, `recovered`) the runbook's steps write, wherever they are.
    package var markers: Set<MarkerKind> {
        var found = Set<MarkerKind>()
        func walk(_ steps: [Step]) {
            for step in steps {
                switch step.action {
                case .marker(let kind, _): found.insert(kind)
                case .forEach(let block): walk(block.body)
                default: break
                }
            }
        }
        walk(steps + onFailure + finally)
        return found
    }

    /// Every probe the runbook makes: its steps' (loop bodies included) and its `watch`.
    package var probes: [ProbeStep] {
        func collect(_ steps: [Step]) -> [ProbeStep] {
            steps.flatMap { step -> [ProbeStep] in
                switch step.action {
                case .probe(let p): [p]
                case .forEach(let block): collect(block.body)
                default: []
                }
            }
        }
        return collect(steps + onFailure + finally) + watch.map(\.probe)
    }
}
