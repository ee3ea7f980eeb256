import Probes
import RunbookSupport

/// An embedded run touches no network and runs no program: every probe must stand for a service
/// of `simulate: services`, which the simulator answers from its state.
package enum ProbeCoverage {
    /// An error for each probe (steps and `watch`) whose target, known before the run, is not a
    /// service of `simulate: services`. A target known only at run time is checked when it is made.
    package static func problems(in runbook: CheckedRunbook, environment: [String: String]) -> [Diagnostic] {
        let services = runbook.simulate?.services ?? []
        let bindings = Bindings.declaring(runbook.vars, environment: environment).bindings
        var out: [Diagnostic] = []
        for probe in runbook.probes {
            guard let target = target(of: probe, bindings: bindings) else { continue }
            guard !services.contains(where: { $0.probe.sameService(as: target) }) else { continue }
            let written: String
            switch target {
            case .command(let argv): written = "[" + argv.joined(separator: ", ") + "]"
            default: written = target.description
            }
            out.append(
                .error(
                    "probe.not-simulated",
                    "an embedded run answers probes from `simulate: services`, which describes no \(target.kind) probe of \(target): add `- {probe: \(written), tenant: NAME}` (or `cluster: ID`), or run against a real OCP",
                    at: probe.location))
        }
        return out
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
