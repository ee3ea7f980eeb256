import Foundation
import OCPHTTP
import OCPHTTPServer
import OCPModel
import OCPSimulation
import ProbeRunners
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

/// Where a run goes: the embedded simulator or a real OCP.
public enum RunTarget: Sendable {
    /// The embedded simulator, set up from the runbook's `simulate:` block.
    case embedded
    /// A real OCP (or `runbook serve`) over HTTP(S), as the connection says.
    case ocp(OCPConnection)

    /// `embedded` or the base URL, for the log.
    public var description: String {
        switch self {
        case .embedded: "embedded"
        case .ocp(let connection): connection.baseURL.description
        }
    }
}

/// Wires a checked runbook to its target and runs it: the embedded simulator on its own clock
/// (the runbook's time runs on it), or the HTTP client on the wall clock.
public enum RunbookRunner {
    /// Runs `runbook` against `target`. `onStart` receives a function that interrupts the run
    /// (for SIGINT/SIGTERM handlers).
    ///
    /// - Parameter speed: when the target is embedded, replaces the speed of the runbook's
    ///   `simulate:` block (`runbook run --speed`; tests run examples at `.instant`). Nil keeps the
    ///   runbook's own speed. Ignored against a real OCP.
    public static func run(
        _ runbook: CheckedRunbook, target: RunTarget, log: StepLog, configuration: RunConfiguration,
        speed: SimulationSpeed? = nil,
        onStart: @Sendable (_ interrupt: @escaping @Sendable () -> Void) -> Void = { _ in }
    ) async -> RunFinished {
        var configuration = configuration
        configuration.target = target.description
        switch target {
        case .embedded:
            var setup = runbook.simulate.map(SimulationSetup.init) ?? SimulationSetup()
            if let speed { setup.speed = speed }
            let clock = SimulationClock(speed: setup.speed)
            let origin = Date()
            let simulator = OCPSimulator(setup: setup, clock: clock, options: .starting(at: origin))
            configuration.simulationSpeed = setup.speed.description
            // No probe of an embedded run touches the network or runs a program: the simulator answers.
            configuration.probes = simulator
            // Calls the simulator fails as a flaky OCP would are sent again as the HTTP client sends them.
            let interpreter = Interpreter(
                runbook: runbook, client: RehearsedClient(base: simulator, clock: clock),
                clock: SimulatedRunClock(clock, origin: origin), log: log, configuration: configuration)
            onStart { interpreter.interrupt() }
            return await interpreter.run()
        case .ocp(let connection):
            // Who the credentials stand for, never a secret: `Basic (user admin)`, `AK/SK (key …)`.
            if configuration.identity == nil { configuration.identity = connection.authentication.summary }
            if runbook.simulate != nil {
                configuration.notes.append("`simulate:` is ignored against a real OCP")
            }
            let client: HTTPOCPClient
            do {
                client = try HTTPOCPClient(connection: connection)
            } catch {
                let finished = RunFinished(
                    outcome: .targetFailed, reason: error.description, counts: StepCounts(), durationMs: 0,
                    wallDurationMs: 0, finishedAt: OCPTimestamp(date: Date()), recoveries: [])
                await log.write(.runFinished(finished))
                return finished
            }
            var probes: LiveProbeClient?
            if !runbook.probes.isEmpty {
                do {
                    let redaction = log.redaction
                    let live = try LiveProbeClient(
                        insecure: connection.insecure, caFile: connection.caFile, redact: { redaction.apply($0) })
                    probes = live
                    configuration.probes = live
                } catch {
                    await client.shutdown()
                    let finished = RunFinished(
                        outcome: .targetFailed, reason: error.description, counts: StepCounts(), durationMs: 0,
                        wallDurationMs: 0, finishedAt: OCPTimestamp(date: Date()), recoveries: [])
                    await log.write(.runFinished(finished))
                    return finished
                }
            }
            let interpreter = Interpreter(
                runbook: runbook, client: client, clock: ContinuousClock(), log: log, configuration: configuration)
            onStart { interpreter.interrupt() }
            let finished = await interpreter.run()
            await probes?.shutdown()
            await client.shutdown()
            return finished
        }
    }
}
