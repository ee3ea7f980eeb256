import OCPModel
import RunbookStepLog

// MARK: - Approvals: how each `confirm` was answered, for the step log and the reports

extension Interpreter {
    /// Records a `confirm` step's answer: how, by whom (the operator's login name) and when.
    func approve(_ question: String, answer: String?, how: String, trace: StepTrace) {
        trace.record(
            Confirmation(question: question, answer: answer, how: how, by: configuration.user, at: timestamp()))
    }

    /// Records the reply a person gave, or why none came.
    func approve(_ question: String, _ reply: ConfirmReply, trace: StepTrace) {
        switch reply {
        case .yes: approve(question, answer: "yes", how: "terminal", trace: trace)
        case .no: approve(question, answer: "no", how: "terminal", trace: trace)
        case .noTerminal: approve(question, answer: nil, how: "no terminal", trace: trace)
        case .timedOut: approve(question, answer: nil, how: "timed out", trace: trace)
        case .cancelled: approve(question, answer: nil, how: "interrupted", trace: trace)
        }
    }
}
