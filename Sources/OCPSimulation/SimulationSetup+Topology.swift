import OCPModel
import RunbookSupport

extension SimulationSetup {
    /// The topology used when a setup names no clusters: the moment after a primary region was lost.
    /// Cluster 5 `obcluster-hz` (PRIMARY, STOPPED) and its standby, cluster 6 `obcluster-sh`
    /// (STANDBY, RUNNING, syncStatus VALID, 2 s behind).
    public static let defaultClusters: [ClusterSpec] = [
        ClusterSpec(id: 5, name: "obcluster-hz", type: "PRIMARY", status: "STOPPED"),
        ClusterSpec(id: 6, name: "obcluster-sh", type: "STANDBY", status: "RUNNING", primary: 5, delayTime: 2),
    ]

    /// A topology of `count` primary/standby pairs, for fleets: pair `i` (from 0) is primary
    /// `firstId + 2i` (`primary-i`) and its standby `firstId + 2i + 1` (`standby-i`), RUNNING and VALID.
    /// The primaries' status is `primaryStatus` (STOPPED: every pair is ready to fail over).
    public static func pairs(_ count: Int, firstId: Int = 1, primaryStatus: String = "STOPPED") -> [ClusterSpec] {
        var specs: [ClusterSpec] = []
        specs.reserveCapacity(2 * max(0, count))
        for i in 0..<max(0, count) {
            let primaryId = firstId + 2 * i
            specs.append(ClusterSpec(id: primaryId, name: "primary-\(i)", type: "PRIMARY", status: primaryStatus))
            specs.append(
                ClusterSpec(id: primaryId + 1, name: "standby-\(i)", type: "STANDBY", status: "RUNNING", primary: primaryId))
        }
        return specs
    }
}
