// polling: on the simulator's clock, failovers whose whole duration is 30 s, 2 min, 10 min and
// 25 min, awaited by the interpreter with its adaptive schedule and with fixed 1 s (OCP's console)
// and fixed 20 s (OceanBase's diagnostic tool) pollers. Prints one line per case:
//   duration-seconds poller polls latency-ms
// where polls counts the task reads of the await and latency is the time from the task's end to
// the await noticing it. Runs at speed instant: the figures are simulated time, exact and
// repeatable.
import Foundation
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

func polling() async {
    let text = """
        runbook: polling
        steps:
          - failover cluster: 6
          - await task status: SUCCESS
            timeout: 2h
        """
    guard let runbook = RunbookChecker.check(text, file: "polling.yaml").runbook else {
        FileHandle.standardError.write(Data("the polling runbook does not check\n".utf8))
        exit(1)
    }
    let pollers: [(String, PollSchedule)] = [
        ("adaptive", PollSchedule()),
        ("fixed-1s", PollSchedule(initial: .seconds(1), fraction: 0, maximum: .seconds(1))),
        ("fixed-20s", PollSchedule(initial: .seconds(20), fraction: 0, maximum: .seconds(20))),
    ]
    let base = SimulatorTimings()
    let baseTotal = TaskDefinition.failover.subtasks.reduce(Duration.zero) {
        $0 + base.duration(of: $1.name) + base.dispatchDelay
    }
    for seconds in [30, 120, 600, 1500] {
        // Shorter than the default: every subtask and the dispatch delay scaled down. Longer: the
        // long step, "Failover to Primary" (timeout 30 min), takes the extra time, as in a real OCP;
        // scaling the short subtasks up would run them past their 30 s and 60 s timeouts.
        var timings = base
        let target = Duration.seconds(seconds)
        if target < baseTotal {
            let k = Double(seconds) / baseTotal.secondsDouble
            func scaled(_ d: Duration) -> Duration { .milliseconds(Int64((d.secondsDouble * k * 1000).rounded())) }
            timings.durations = base.durations.mapValues(scaled)
            timings.dispatchDelay = scaled(base.dispatchDelay)
        } else {
            timings.durations["Failover to Primary"] = base.duration(of: "Failover to Primary") + (target - baseTotal)
        }
        for (name, schedule) in pollers {
            let clock = SimulationClock(speed: .instant)
            let simulator = OCPSimulator(setup: SimulationSetup(), clock: clock, options: SimulatorOptions(timings: timings))
            let memory = MemoryStepLog()
            let interpreter = Interpreter(
                runbook: runbook, client: simulator, clock: SimulatedRunClock(clock, origin: Date()), log: StepLog([memory]),
                configuration: RunConfiguration(polling: schedule))
            let finished = await interpreter.run()
            let steps = await memory.finishedSteps
            guard finished.outcome == .passed, steps.count == 2, let recovery = finished.recoveries.first,
                let ended = recovery.endedAtMs, let took = recovery.recoveryMs
            else {
                FileHandle.standardError.write(Data("the \(name) run of \(seconds) s did not pass\n".utf8))
                exit(1)
            }
            let polls = steps[1].calls.count { $0.method == "GET" }
            let latency = ended - (recovery.calledAtMs + took)
            print("\(seconds) \(name) \(polls) \(latency)")
        }
    }
}
