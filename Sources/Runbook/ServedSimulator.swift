import Foundation
import OCPHTTPServer
import OCPModel
import OCPSimulation
import RunbookSupport

extension OCPServer {
    /// `runbook serve`: the simulator of `setup` behind HTTP, at `speed`. At `instant` simulated
    /// time moves with reads (see ``SteppedSimulator``); at `realtime` and `Nx` it runs on a factor
    /// clock. OCP timestamps start at the present.
    public static func simulator(
        configuration: ServeConfiguration, setup: SimulationSetup, speed: SimulationSpeed,
        options: SimulatorOptions = .startingNow(), instantStep: Duration = .seconds(30),
        requestLog: @escaping @Sendable (ServedRequest) -> Void = { _ in }
    ) -> OCPServer {
        switch speed {
        case .instant:
            let stepped = SteppedSimulator(setup: setup, options: options, step: instantStep)
            return OCPServer(
                configuration: configuration, client: stepped, timestamp: { stepped.currentTimestamp },
                requestLog: requestLog, services: { await stepped.serviceAnswer(path: $0) })
        case .factor:
            let simulator = OCPSimulator(setup: setup, clock: SimulationClock(speed: speed), options: options)
            return OCPServer(
                configuration: configuration, client: simulator, timestamp: { simulator.currentTimestamp },
                requestLog: requestLog, services: { await simulator.serviceAnswer(path: $0) })
        }
    }
}
