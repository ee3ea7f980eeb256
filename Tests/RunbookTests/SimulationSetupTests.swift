import OCPSimulation
import Runbook
import RunbookLanguage
import Testing

/// The language's view of the simulator agrees with the simulator.
@Suite struct SimulationSetupTests {
    /// `check` tells a fault on a cluster outside the default topology by these ids.
    @Test func theLanguageKnowsTheDefaultTopologysClusters() {
        #expect(SimulateBlock.defaultClusterIds.sorted() == SimulationSetup.defaultClusters.map(\.id).sorted())
    }
}
