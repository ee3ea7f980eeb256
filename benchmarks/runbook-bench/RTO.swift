// rto: the recovery time a drill measures against the truth, on the simulator's clock. The brief's
// region loss (one standby tenant failed over), the service coming back 30 s, 2 min, 10 min and
// 25 min after the outage: the proxies reroute 20 s after the role switch (OceanBase: 20 s to a
// minute), the failover's "Failover to primary tenant" taking the rest. Measured two ways in one
// run: runbook's `await probe` after `await task ... SUCCESS` (then `recovered`), and a `watch`
// probing every second from the outage (the naive poller). Prints one line per case:
//   return-seconds truth-ms measured-ms error-ms await-probes watch-detected-ms watch-error-ms watch-probes
// At speed instant: simulated time, exact and repeatable.
import Foundation
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

func rto() async {
    let text = """
        runbook: rto
        objectives:
          recovery time: 1h
        watch:
          - probe http: https://orders.example.com/healthz
            every: 1s
        simulate:
          clusters:
            - {id: 3000009, name: ob-hz}
            - {id: 3000010, name: ob-sh}
          tenants:
            - {id: 2000022, name: orders, cluster: 3000009, role: PRIMARY, reachable: false}
            - {id: 2000025, name: orders, cluster: 3000010, role: STANDBY, primary: 2000022, lag: 800ms}
          services:
            - {probe: "https://orders.example.com/healthz", tenant: orders, reroute: 20s}
        steps:
          - outage: region lost
          - failover tenant: 2000025
          - await task status: SUCCESS
            timeout: 2h
          - await probe http: https://orders.example.com/healthz
            timeout: 2h
          - recovered: orders answers
        """
    guard let runbook = RunbookChecker.check(text, file: "rto.yaml").runbook, let block = runbook.simulate else {
        FileHandle.standardError.write(Data("the rto runbook does not check\n".utf8))
        exit(1)
    }
    let reroute = Duration.seconds(20)
    // The role switch at the end of "Failover to primary tenant": found by one run with its default.
    func run(_ timings: SimulatorTimings) async -> (RunFinished, [StepLogRecord], Duration?) {
        let clock = SimulationClock(speed: .instant)
        let simulator = OCPSimulator(setup: SimulationSetup(block), clock: clock, options: SimulatorOptions(timings: timings))
        let memory = MemoryStepLog()
        var configuration = RunConfiguration()
        configuration.probes = simulator
        let interpreter = Interpreter(
            runbook: runbook, client: simulator, clock: SimulatedRunClock(clock, origin: Date()), log: StepLog([memory]),
            configuration: configuration)
        let finished = await interpreter.run()
        return (finished, await memory.records, await simulator.servingSince(tenantNamed: "orders"))
    }
    let base = SimulatorTimings()
    let (_, _, basePromotion) = await run(base)
    guard let basePromotion else {
        FileHandle.standardError.write(Data("no tenant was promoted\n".utf8))
        exit(1)
    }
    let step = "Failover to primary tenant"
    for seconds in [30, 120, 600, 1500] {
        var timings = base
        // The promotion comes `reroute` before the service is back.
        let extra = Duration.seconds(seconds) - reroute - basePromotion
        timings.durations[step] = base.duration(of: step) + max(extra, .zero)
        let (finished, records, promoted) = await run(timings)
        guard finished.outcome == .passed, let promoted, let evidence = finished.evidence,
            let measured = evidence.recoveryTimeMs
        else {
            FileHandle.standardError.write(Data("the \(seconds) s run did not pass: \(finished.reason ?? "")\n".utf8))
            exit(1)
        }
        let truth = (promoted + reroute).milliseconds
        let awaitProbes = records.lazy.compactMap { record -> Int? in
            guard case .stepFinished(let s) = record, s.phrase.hasPrefix("await probe") else { return nil }
            return s.probes?.count
        }.first ?? 0
        let detected = records.lazy.compactMap { record -> Int64? in
            guard case .watchChanged(let w) = record, w.up else { return nil }
            return w.atMs
        }.first ?? -1
        print("\(seconds) \(truth) \(measured) \(measured - truth) \(awaitProbes) \(detected) \(detected - truth) \(detected / 1000 + 1)")
    }
}
