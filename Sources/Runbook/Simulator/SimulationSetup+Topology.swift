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

    /// Problems with this setup, each at the location it was written (or `fallback` when built in code):
    /// repeated cluster ids, unknown words, a standby whose primary is missing or not a PRIMARY, a
    /// primary that names a primary, faults naming an unknown subtask or endpoint, and counts out of range.
    /// The simulator still runs a setup with problems (it ignores broken links and unknown endpoints).
    public func problems(fallback: SourceLocation = SourceLocation(file: "simulate", line: 1, column: 1))
        -> [Diagnostic]
    {
        var out: [Diagnostic] = []
        let specs = clusters ?? Self.defaultClusters
        var byId: [Int: ClusterSpec] = [:]
        for spec in specs {
            let at = spec.location ?? fallback
            if byId[spec.id] != nil {
                out.append(.error("simulate.cluster-repeated", "cluster \(spec.id) is defined more than once", at: at))
                continue
            }
            byId[spec.id] = spec
            if !ClusterType.known.map(\.rawValue).contains(spec.type.uppercased()) {
                out.append(.error("simulate.cluster-type", "cluster type must be PRIMARY or STANDBY, not \(spec.type)", at: at))
            }
            if !ClusterStatus.known.map(\.rawValue).contains(spec.status.uppercased()) {
                let words = ClusterStatus.known.map(\.rawValue).joined(separator: ", ")
                out.append(.error("simulate.cluster-status", "cluster status must be one of \(words), not \(spec.status)", at: at))
            }
            if !SyncStatus.known.map(\.rawValue).contains(spec.syncStatus.uppercased()) {
                out.append(
                    .error("simulate.cluster-sync", "syncStatus must be VALID, DISABLED or SYNCHRONIZING, not \(spec.syncStatus)", at: at))
            }
            if spec.delayTime < 0 {
                out.append(.error("simulate.cluster-delay", "delayTime must not be negative", at: at))
            }
        }
        for spec in specs {
            let at = spec.location ?? fallback
            let isStandby = spec.type.uppercased() == "STANDBY"
            if let primary = spec.primary {
                if !isStandby {
                    out.append(.error("simulate.cluster-primary", "cluster \(spec.id) is not a STANDBY, so it has no primary", at: at))
                } else if primary == spec.id {
                    out.append(.error("simulate.cluster-primary", "cluster \(spec.id) can not be its own primary", at: at))
                } else if let p = byId[primary] {
                    if p.type.uppercased() != "PRIMARY" {
                        out.append(
                            .error("simulate.cluster-primary", "the primary of cluster \(spec.id), cluster \(primary), is not a PRIMARY", at: at))
                    }
                } else {
                    out.append(.error("simulate.cluster-primary", "cluster \(spec.id) names primary \(primary), which is not defined", at: at))
                }
            }
        }
        for fault in faults {
            switch fault {
            case .subtask(let f):
                let at = f.location ?? fallback
                if !TaskDefinition.knownSubtaskNames.contains(f.subtask) {
                    let names = TaskDefinition.knownSubtaskNames.map { "'\($0)'" }.joined(separator: ", ")
                    out.append(.error("simulate.fault-subtask", "no OCP subtask is called '\(f.subtask)'; known: \(names)", at: at))
                }
                if f.fail < 0 {
                    out.append(.error("simulate.fault-fail", "fail must be 0 or more", at: at))
                }
                if let cluster = f.cluster, byId[cluster] == nil {
                    out.append(.error("simulate.fault-cluster", "the fault names cluster \(cluster), which is not defined", at: at))
                }
                if let takes = f.takes, takes < .zero {
                    out.append(.error("simulate.fault-takes", "takes must not be negative", at: at))
                }
            case .api(let f):
                let at = f.location ?? fallback
                if OCPEndpoint(signature: f.endpoint) == nil {
                    out.append(
                        .error("simulate.fault-endpoint", "'\(f.endpoint)' is not an OCP endpoint; write METHOD and path as in the reference, e.g. 'GET /api/v2/tasks/instances/{taskId}'", at: at))
                }
                if !(400...599).contains(f.status) {
                    out.append(.error("simulate.fault-status", "an API fault answers an HTTP error status (400-599), not \(f.status)", at: at))
                }
                if f.times < 1 {
                    out.append(.error("simulate.fault-times", "times must be 1 or more", at: at))
                }
            }
        }
        return out
    }
}
