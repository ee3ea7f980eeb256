import OCPModel
import RunbookSupport

extension SimulationSetup {
    /// The topology used when a setup names no clusters. For OB 3.x, the moment after a primary
    /// region was lost: cluster 5 `obcluster-hz` (PRIMARY, STOPPED) and its standby, cluster 6
    /// `obcluster-sh` (STANDBY, RUNNING, syncStatus VALID, 2 s behind). For OceanBase 4.x, where
    /// tenants carry the roles, a healthy pair of clusters: 3000009 `ob-hz` and 3000010 `ob-sh`,
    /// both RUNNING on 4.2.5.3, attached to no common OBProxy (see ``defaultTenants``).
    public static let defaultClusters: [ClusterSpec] = [
        ClusterSpec(id: 5, name: "obcluster-hz", type: "PRIMARY", status: "STOPPED"),
        ClusterSpec(id: 6, name: "obcluster-sh", type: "STANDBY", status: "RUNNING", primary: 5, delayTime: 2),
        ClusterSpec(id: 3_000_009, name: "ob-hz", obVersion: "4.2.5.3"),
        ClusterSpec(id: 3_000_010, name: "ob-sh", obVersion: "4.2.5.3"),
    ]

    /// The tenants of the default topology: tenant 2000022 `orders` on cluster 3000009, PRIMARY and
    /// reachable, and its standby 2000025 `orders` on cluster 3000010, 1 s behind.
    public static let defaultTenants: [TenantSpec] = [
        TenantSpec(id: 2_000_022, name: "orders", cluster: 3_000_009, role: "PRIMARY"),
        TenantSpec(
            id: 2_000_025, name: "orders", cluster: 3_000_010, role: "STANDBY", primary: 2_000_022, lag: .seconds(1)),
    ]

    /// A 4.x region loss of `clusters` standby clusters of `tenantsPerCluster` standby tenants each,
    /// for benchmarks and fleet tests. Primary cluster `firstClusterId + 2i` (`hz-i`) hosts the
    /// primaries of standby cluster `firstClusterId + 2i + 1` (`sh-i`); tenant `firstTenantId + 2k`
    /// is the primary (unreachable: the region is lost) of standby `firstTenantId + 2k + 1`.
    public static func tenantRegionLoss(
        clusters: Int, tenantsPerCluster: Int, firstClusterId: Int = 3_100_000, firstTenantId: Int = 2_100_000,
        lag: Duration = .milliseconds(800)
    ) -> (clusters: [ClusterSpec], tenants: [TenantSpec]) {
        var clusterSpecs: [ClusterSpec] = []
        var tenantSpecs: [TenantSpec] = []
        for i in 0..<max(0, clusters) {
            let hz = firstClusterId + 2 * i
            clusterSpecs.append(ClusterSpec(id: hz, name: "hz-\(i)", obVersion: "4.2.5.3"))
            clusterSpecs.append(ClusterSpec(id: hz + 1, name: "sh-\(i)", obVersion: "4.2.5.3"))
            for j in 0..<max(0, tenantsPerCluster) {
                let primary = firstTenantId + 2 * (i * tenantsPerCluster + j)
                let name = "t\(i)-\(j)"
                tenantSpecs.append(TenantSpec(id: primary, name: name, cluster: hz, role: "PRIMARY", reachable: false))
                tenantSpecs.append(
                    TenantSpec(id: primary + 1, name: name, cluster: hz + 1, role: "STANDBY", primary: primary, lag: lag))
            }
        }
        return (clusterSpecs, tenantSpecs)
    }

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
