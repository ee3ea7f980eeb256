import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - Assertions: read the state once, compare every field, report all that differ

extension Interpreter {
    /// A field that did not match.
    struct Mismatch {
        var expected: String
        var found: String
    }

    func fail(_ subject: String, _ mismatches: [Mismatch]) throws(StepFailure) {
        guard !mismatches.isEmpty else { return }
        throw StepFailure(
            "\(subject) is not as expected", expected: mismatches.map(\.expected).joined(separator: ", "),
            found: mismatches.map(\.found).joined(separator: ", "))
    }

    func checkTask(_ task: TaskInstance, _ fields: [TaskField], scope: Scope) throws(StepFailure) {
        var mismatches: [Mismatch] = []
        for field in fields {
            switch field {
            case .status(let word):
                if task.status != word.value {
                    mismatches.append(Mismatch(expected: "status \(word.value)", found: "status \(task.status)"))
                }
            case .runTime(let n, _):
                let runTime = task.subtasks?.compactMap(\.runTime).max() ?? 0
                if runTime != n { mismatches.append(Mismatch(expected: "runTime \(n)", found: "runTime \(runTime)")) }
            case .tookUnder(let value):
                let limit = try duration(value, in: scope)
                mismatches += tookUnder(limit, start: task.startTime, finish: task.finishTime, status: task.status.rawValue)
            }
        }
        try fail("task \(task.id)", mismatches)
    }

    func checkSubtask(_ subtask: SubtaskInstance, in task: TaskInstance, _ fields: [SubtaskField], scope: Scope)
        throws(StepFailure)
    {
        var mismatches: [Mismatch] = []
        for field in fields {
            switch field {
            case .status(let word):
                if subtask.status != word.value {
                    mismatches.append(Mismatch(expected: "status \(word.value)", found: "status \(subtask.status)"))
                }
            case .runTime(let n, _):
                let runTime = subtask.runTime ?? 0
                if runTime != n { mismatches.append(Mismatch(expected: "runTime \(n)", found: "runTime \(runTime)")) }
            case .tookUnder(let value):
                let limit = try duration(value, in: scope)
                mismatches += tookUnder(
                    limit, start: subtask.startTime, finish: subtask.finishTime, status: subtask.status.rawValue)
            case .after(let otherExpr):
                let otherName = try text(otherExpr, in: scope)
                let other = try findSubtask(otherName, in: task)
                guard let otherFinish = other.finishTime, let start = subtask.startTime else {
                    mismatches.append(
                        Mismatch(
                            expected: "after \"\(otherName)\"",
                            found: other.finishTime == nil
                                ? "\"\(otherName)\" has not finished (\(other.status))" : "it has not started (\(subtask.status))"))
                    continue
                }
                if start < otherFinish {
                    mismatches.append(
                        Mismatch(
                            expected: "after \"\(otherName)\"",
                            found: "started \(start), before \"\(otherName)\" finished at \(otherFinish)"))
                }
            }
        }
        try fail("subtask \"\(subtask.name)\" of task \(task.id)", mismatches)
    }

    func tookUnder(_ limit: Duration, start: OCPTimestamp?, finish: OCPTimestamp?, status: String) -> [Mismatch] {
        let expected = "took under \(DurationText.format(limit))"
        guard let start, let finish else {
            return [Mismatch(expected: expected, found: "not finished (\(status))")]
        }
        let took = start.duration(to: finish)
        return took < limit ? [] : [Mismatch(expected: expected, found: "took \(DurationText.format(took))")]
    }

    func checkCluster(_ cluster: Cluster, _ fields: [ClusterField]) throws(StepFailure) {
        var mismatches: [Mismatch] = []
        for field in fields {
            switch field {
            case .type(let word):
                if cluster.type != word.value {
                    mismatches.append(Mismatch(expected: "type \(word.value)", found: "type \(cluster.type)"))
                }
            case .status(let word):
                if cluster.status != word.value {
                    mismatches.append(Mismatch(expected: "status \(word.value)", found: "status \(cluster.status)"))
                }
            case .syncStatus(let word):
                if cluster.syncStatus != word.value {
                    mismatches.append(
                        Mismatch(expected: "syncStatus \(word.value)", found: "syncStatus \(cluster.syncStatus?.rawValue ?? "none")"))
                }
            }
        }
        try fail("cluster \(cluster.id) (\(cluster.name))", mismatches)
    }
}
