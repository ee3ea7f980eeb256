import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - How the log names a step

extension Interpreter {
    /// The step as the log shows it: its `name` when given, else the phrase with its values
    /// resolved in OCP's words: `failover cluster: 6`, `await task status: SUCCESSFUL`,
    /// `assert cluster 6: type PRIMARY, status RUNNING`.
    func phrase(of step: Step, scope: Scope) -> String {
        if let name = step.options.name, let value = try? evaluate(name, in: scope) { return value.text }
        return StepDescription(resolve: { try? self.evaluate($0, in: scope) }).describe(step.action)
    }
}

/// Writes a step's action back as a phrase, with values resolved where they can be.
struct StepDescription {
    var resolve: (Expr) -> ExprValue?

    func value(_ expr: Expr) -> String { resolve(expr)?.text ?? expr.sourceText }

    func quoted(_ expr: Expr) -> String { "\"\(value(expr))\"" }

    func task(_ ref: TaskRef) -> String {
        switch ref {
        case .current: "task"
        case .named(let name): "task \(name.text)"
        case .id(let expr): "task \(value(expr))"
        }
    }

    func describe(_ action: StepAction) -> String {
        switch action {
        case .failover(let c): return "failover cluster: \(value(c))"
        case .switchover(let c): return "switchover cluster: \(value(c))"
        case .precheckFailover(let c): return "precheck failover cluster: \(value(c))"
        case .precheckSwitchover(let c): return "precheck switchover cluster: \(value(c))"
        case .retryTask(let t): return "retry \(task(t))"
        case .rollbackTask(let t): return "rollback \(task(t))"
        case .retrySubtask(let t, let s): return "retry subtask \(quoted(s))" + on(t)
        case .skipSubtask(let t, let s): return "skip subtask \(quoted(s))" + on(t)
        case .cancelSubtask(let t, let s): return "cancel subtask \(quoted(s))" + on(t)
        case .awaitTaskStatus(let t, let w): return "await \(task(t)) status: \(w.value)"
        case .awaitSubtaskStatus(let t, let s, let w): return "await subtask \(quoted(s))\(on(t)) status: \(w.value)"
        case .awaitClusterType(let c, let w): return "await cluster \(value(c)) type: \(w.value)"
        case .awaitClusterStatus(let c, let w): return "await cluster \(value(c)) status: \(w.value)"
        case .assertTask(let t, let fields):
            return "assert \(task(t)): " + fields.map(taskField).joined(separator: ", ")
        case .assertSubtask(let t, let s, let fields):
            let list = fields.map(subtaskField)
            let base = "assert subtask \(quoted(s))\(on(t))"
            return list == ["status SUCCESSFUL"] ? base : base + ": " + list.joined(separator: ", ")
        case .assertCluster(let c, let fields):
            return "assert cluster \(value(c)): " + fields.map(clusterField).joined(separator: ", ")
        case .sleep(let d): return "sleep: \(duration(d))"
        case .note(let e): return "note: \(value(e))"
        case .confirm(let e): return "confirm: \(value(e))"
        case .forEach(let block):
            return "\(block.parallel ? "in parallel for each" : "for each") \(block.variable.text) in \(value(block.list))"
        }
    }

    private func on(_ ref: TaskRef) -> String {
        if case .current = ref { return "" }
        return " of \(task(ref))"
    }

    private func duration(_ d: DurationValue) -> String {
        switch d.kind {
        case .fixed(let v): DurationText.format(v)
        case .expression(let e): value(e)
        }
    }

    private func taskField(_ f: TaskField) -> String {
        switch f {
        case .status(let w): "status \(w.value)"
        case .runTime(let n, _): "runTime \(n)"
        case .tookUnder(let d): "took under \(duration(d))"
        }
    }

    private func subtaskField(_ f: SubtaskField) -> String {
        switch f {
        case .status(let w): "status \(w.value)"
        case .runTime(let n, _): "runTime \(n)"
        case .tookUnder(let d): "took under \(duration(d))"
        case .after(let e): "after \(quoted(e))"
        }
    }

    private func clusterField(_ f: ClusterField) -> String {
        switch f {
        case .type(let w): "type \(w.value)"
        case .status(let w): "status \(w.value)"
        case .syncStatus(let w): "syncStatus \(w.value)"
        }
    }
}
