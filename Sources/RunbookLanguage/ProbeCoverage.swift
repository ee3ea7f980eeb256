import Probes
import RunbookSupport

/// An embedded run touches no network and runs no program: every probe must stand for a service
/// of `simulate: services`, which the simulator answers from its state.
package enum ProbeCoverage {
    /// How many probe targets are worked out, loop items included, before items of further loops
    /// are left to the run (which checks each target when it is made).
    static let evaluationBudget = 100_000

    /// An error for each probe (steps and `watch`) whose target, known before the run, is not a
    /// service of `simulate: services`; in a loop over a list known before the run, each item's.
    /// A target known only at run time is checked when it is made.
    package static func problems(in runbook: CheckedRunbook, environment: [String: String]) -> [Diagnostic] {
        let services = runbook.simulate?.services ?? []
        let bindings = Bindings.declaring(runbook.vars, environment: environment).bindings
        var out: [Diagnostic] = []
        var reported = Set<String>()
        var budget = evaluationBudget
        func visit(_ probe: ProbeStep, _ bindings: Bindings) {
            budget -= 1
            guard let target = target(of: probe, bindings: bindings) else { return }
            guard !services.contains(where: { $0.probe.sameService(as: target) }) else { return }
            guard reported.insert("\(probe.location)|\(target)").inserted else { return }
            out.append(diagnostic(probe, target))
        }
        func walk(_ steps: [Step], _ bindings: Bindings) {
            for step in steps {
                switch step.action {
                case .probe(let probe): visit(probe, bindings)
                case .forEach(let block):
                    var inner = bindings
                    inner.values[block.variable.text] = nil
                    guard budget > 0, case .success(.list(let items)) = bindings.evaluate(block.list) else {
                        walk(block.body, inner)
                        continue
                    }
                    for item in items where budget > 0 {
                        inner.values[block.variable.text] = item
                        walk(block.body, inner)
                    }
                default: break
                }
            }
        }
        walk(runbook.steps + runbook.onFailure + runbook.finally, bindings)
        for probe in runbook.watch.map(\.probe) { visit(probe, bindings) }
        return out
    }

    private static func diagnostic(_ probe: ProbeStep, _ target: ProbeTarget) -> Diagnostic {
        let written: String
        switch target {
        case .command(let argv): written = "[" + argv.joined(separator: ", ") + "]"
        default: written = target.description
        }
        return .error(
            "probe.not-simulated",
            "an embedded run answers probes from `simulate: services`, which describes no \(target.kind) probe of \(target): add `- {probe: \(written), tenant: NAME}` (or `cluster: ID`), or run against a real OCP",
            at: probe.location)
    }

    /// The probe's target when its values are known before the run.
    static func target(of probe: ProbeStep, bindings: Bindings) -> ProbeTarget? {
        func text(_ e: Expr) -> String? {
            guard case .success(let value) = bindings.evaluate(e) else { return nil }
            return value.text
        }
        switch (probe.kind, probe.target) {
        case (.http, .text(let e)): return text(e).map { .http(url: $0) }
        case (.tcp, .text(let e)):
            guard let t = text(e), let (host, port) = ProbeTarget.address(t) else { return nil }
            return .tcp(host: host, port: port)
        case (.command, .text(let e)): return text(e).map { .command(argv: ["/bin/sh", "-c", $0]) }
        case (_, .argv(let items)):
            let argv = items.compactMap(text)
            return argv.count == items.count ? .command(argv: argv) : nil
        }
    }
}
