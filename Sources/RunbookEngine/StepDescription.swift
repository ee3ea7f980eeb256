import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - How the log names a step

extension Interpreter {
    /// The step as the log shows it: its `name` when given, else the phrase with its values
    /// resolved in OCP's words: `failover cluster: 6`, `await task status: SUCCESSFUL`,
    /// `assert cluster 6: type PRIMARY, status RUNNING`.
    /// The step's `name`, or its phrase with values resolved; at most ``maxPhraseLength`` characters.
    func phrase(of step: Step, scope: Scope) -> String {
        // What the log shows: secrets masked before the phrase is shortened.
        let shown = shownBindings(scope)
        func resolve(_ e: Expr) -> ExprValue? {
            if case .success(let v) = shown.evaluate(e) { return v }
            return nil
        }
        if let name = step.options.name, let value = resolve(name) {
            return Self.bounded(log.redaction.apply(value.text), to: Self.maxPhraseLength)
        }
        let text = StepDescription(resolve: resolve).describe(step.action)
        return Self.bounded(log.redaction.apply(text), to: Self.maxPhraseLength)
    }
}

/// Writes a step's action back as a phrase, with values resolved where they can be, from its
/// descriptor's grammar: `failover cluster: 6`, `await task drill status: SUCCESSFUL`,
/// `assert subtask "X" of task 7: status FAILED, runTime 2`.
struct StepDescription {
    var resolve: (Expr) -> ExprValue?

    func value(_ expr: Expr) -> String { resolve(expr)?.text ?? expr.sourceText }

    func quoted(_ expr: Expr) -> String { "\"\(value(expr))\"" }

    /// `drill` or `171603` after the word `task`; nothing for the current task.
    func taskName(_ ref: TaskRef) -> String? {
        switch ref {
        case .current: nil
        case .named(let name): name.text
        case .id(let expr): value(expr)
        }
    }

    func describe(_ action: StepAction) -> String {
        switch action {
        case .action(let a): return describe(a)
        case .sleep(let d): return "sleep: \(duration(d))"
        case .note(let e): return "note: \(value(e))"
        case .confirm(let e): return "confirm: \(value(e))"
        case .forEach(let block):
            return "\(block.parallel ? "in parallel for each" : "for each") \(block.variable.text) in \(value(block.list))"
        case .marker(let kind, let e): return "\(kind.rawValue): \(value(e))"
        case .probe(let p): return "\(p.waits ? "await " : "")probe \(p.kind.rawValue): \(target(p))"
        }
    }

    /// A probe's target as written, its values resolved: the URL, the address, or the program.
    func target(_ p: ProbeStep) -> String {
        switch p.target {
        case .text(let e): value(e)
        case .argv(let items): "[" + items.map(value).joined(separator: ", ") + "]"
        }
    }

    func describe(_ action: ActionStep) -> String {
        let descriptor = action.descriptor
        var words: [String] = []
        var valueText: String?
        for element in descriptor.grammar {
            switch element {
            case .word(let w): words.append(w)
            case .subject(_, let required):
                let id = action.subject.map(value) ?? "?"
                if required { words.append(id) } else { valueText = id }
            case .task: if let name = taskName(action.task) { words.append(name) }
            case .subtask: if let subtask = action.subtask { words.append(quoted(subtask)) }
            case .ofTask: if let name = taskName(action.task) { words.append("of task \(name)") }
            case .field, .variable, .list: break
            }
        }
        let head = words.joined(separator: " ")
        switch descriptor.family {
        case .wait:
            guard let field = action.fields.first else { return head }
            return "\(head) \(field.name): \(fieldValue(field.value))"
        case .assertion:
            let fields = action.fields.map { "\($0.name) \(fieldValue($0.value))" }
            if descriptor.kind == .assertSubtask, fields == ["status SUCCESSFUL"] { return head }
            return "\(head): " + fields.joined(separator: ", ")
        default:
            return valueText.map { "\(head): \($0)" } ?? head
        }
    }

    private func duration(_ d: DurationValue) -> String {
        switch d.kind {
        case .fixed(let v): DurationText.format(v)
        case .expression(let e): value(e)
        }
    }

    private func fieldValue(_ value: FieldValue) -> String {
        switch value {
        case .word(let w): w.word
        case .count(let n): String(n)
        case .duration(let d): duration(d)
        case .text(let e): quoted(e)
        case .id(let e): e.map { self.value($0) } ?? "none"
        }
    }
}
