import OCPModel
import RunbookSupport

/// OceanBase 4.x tenants: the pre-checks with the findings OCP documents, the switchover and
/// failover calls (single and batch) with the refusals of the tenant reference's choices 2, 3, 9
/// and 10, the effects of the two chains' subtasks (choice 7), and the tenant reads.
extension SimulatorModel {
    // MARK: - Refusals

    static func tenantNotFound(_ id: Int, cluster: Int? = nil) -> SimulatorRefusal {
        SimulatorRefusal(
            status: 404, code: OCPErrorCode.tenantNotFound,
            message: cluster.map { "The tenant \(id) does not exist in cluster \($0)." }
                ?? "The tenant \(id) does not exist.")
    }

    static func illegal(_ message: String) -> SimulatorRefusal {
        SimulatorRefusal(status: 400, code: OCPErrorCode.illegalArgument, message: message)
    }

    /// The tenant `id` of cluster `clusterId`: 404 when the cluster or the tenant is unknown, or the
    /// tenant is in another cluster.
    func tenant(_ id: Int, in clusterId: Int) throws(SimulatorRefusal) -> TenantState {
        guard clusters[clusterId] != nil else { throw .clusterNotFound(clusterId) }
        guard let t = tenants[id], t.clusterId == clusterId else { throw Self.tenantNotFound(id, cluster: clusterId) }
        return t
    }

    /// A blocking finding as the refusal of the call that would start the task (choice 2): HTTP
    /// 400 with the first finding's code and every blocking finding's text.
    static func refusal(_ findings: [TenantCheckFinding]) -> SimulatorRefusal? {
        let blocking = findings.filter { !$0.warning }
        guard let first = blocking.first else { return nil }
        return SimulatorRefusal(
            status: 400, code: first.errorCode ?? OCPErrorCode.tenantStateInvalid,
            message: blocking.compactMap(\.errorMessage).joined(separator: " "))
    }

    // MARK: - Findings

    /// Whether a tenant can be connected: it is reachable and its cluster RUNNING.
    func isReachable(_ t: TenantState) -> Bool {
        t.reachable && clusters[t.clusterId]?.baseStatus == .running
    }

    private static func blocking(_ code: String, _ message: String) -> TenantCheckFinding {
        TenantCheckFinding(warning: false, errorCode: code, errorMessage: message)
    }

    /// `14,883,430`: milliseconds as OCP's OBE26009 text writes them.
    static func grouped(_ n: Int64) -> String {
        let digits = String(n)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return out
    }

    /// A tenant another task holds, or whose status is not NORMAL: OBE11020.
    private func busyFindings(_ ids: [Int]) -> [TenantCheckFinding] {
        ids.compactMap { id in
            guard let t = tenants[id] else { return nil }
            if let refusal = tenantConflict(over: [id], except: nil) {
                return Self.blocking(refusal.code, refusal.message)
            }
            guard t.status != .normal else { return nil }
            return Self.blocking(
                OCPErrorCode.clusterTaskInProgress, "The tenant \(tenantLabel(id)) is \(t.status), not NORMAL.")
        }
    }

    private func clusterFindings(_ ids: [Int]) -> [TenantCheckFinding] {
        var seen = Set<Int>()
        return ids.compactMap { id in
            guard let c = tenants[id].flatMap({ clusters[$0.clusterId] }), seen.insert(c.id).inserted,
                c.status != .running
            else { return nil }
            return Self.blocking(
                OCPErrorCode.clusterStateInvalid,
                "The cluster \(clusterLabel(c.id)) of tenant \(tenantLabel(id)) is "
                    + "\(c.status), not RUNNING.")
        }
    }

    /// What a switchover of `standbyId` with its primary `primaryId` finds (console preconditions
    /// of the tenant reference section 3): both tenants free and reachable, both clusters RUNNING
    /// on one OceanBase version, the standby VALID and within the delay threshold (OBE26009); a
    /// warning (OBE26107) when the clusters share no OBProxy.
    func switchoverFindings(primary primaryId: Int, standby standbyId: Int) -> [TenantCheckFinding] {
        guard let p = tenants[primaryId], let s = tenants[standbyId] else { return [] }
        var findings: [TenantCheckFinding] = []
        if p.roles.role != .primary {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantStateInvalid,
                    "The tenant \(tenantLabel(p.id)) is \(p.roles.role): a switchover names the PRIMARY tenant in its "
                        + "path and body, and its standby as standbyTenantId."))
        }
        if s.roles.role != .standby || s.roles.primaryId != p.id {
            let follows = s.roles.primaryId.map { " (it follows \(tenantLabel($0)))" } ?? ""
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantStateInvalid,
                    "The tenant \(tenantLabel(s.id)) is not a standby of \(tenantLabel(p.id))\(follows)."))
        }
        findings += busyFindings([p.id, s.id])
        findings += clusterFindings([p.id, s.id])
        if let a = clusters[p.clusterId], let b = clusters[s.clusterId], a.obVersion != b.obVersion {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantStateInvalid,
                    "The clusters \(clusterLabel(a.id)) and \(clusterLabel(b.id)) run OceanBase \(a.obVersion) and "
                        + "\(b.obVersion): a switchover needs one version."))
        }
        if !isReachable(p) {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantUnreachable,
                    "The primary tenant \(tenantLabel(p.id)) cannot be connected: a switchover needs both tenants up; "
                        + "fail over when the primary is lost."))
        }
        if !isReachable(s) {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantUnreachable, "The standby tenant \(tenantLabel(s.id)) cannot be connected."))
        }
        if s.syncStatus != .valid {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantStateInvalid,
                    "Log sync of the standby tenant \(tenantLabel(s.id)) is \(s.syncStatus)."))
        }
        if s.roles.lag > options.tenantDelayThreshold {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantSyncLatency,
                    "The log synchronization latency of the \(s.name) tenant is \(Self.grouped(s.roles.lag.milliseconds)) "
                        + "ms, which exceeds \(Self.grouped(options.tenantDelayThreshold.milliseconds)) ms."))
        }
        if !sharesProxy(p.clusterId, s.clusterId) {
            findings.append(
                TenantCheckFinding(
                    warning: true, errorCode: OCPErrorCode.tenantProxyOrPrimaryReachable,
                    errorMessage: "The clusters \(clusterLabel(p.clusterId)) and \(clusterLabel(s.clusterId)) are not "
                        + "attached to a common OBProxy cluster: after the switchover, requests are not routed to the "
                        + "new primary automatically."))
        }
        return findings
    }

    private func sharesProxy(_ a: Int, _ b: Int) -> Bool {
        guard let x = clusters[a]?.obproxy, let y = clusters[b]?.obproxy else { return false }
        return x == y
    }

    /// What a failover of `standbyId` finds (console preconditions): a free, reachable STANDBY on a
    /// RUNNING cluster, in another cluster than its primary, whose primary cannot be connected
    /// (OBE26107, blocking). The lag does not block: a failover accepts losing it.
    func failoverFindings(standby standbyId: Int) -> [TenantCheckFinding] {
        guard let s = tenants[standbyId] else { return [] }
        var findings: [TenantCheckFinding] = []
        if s.roles.role != .standby {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantStateInvalid,
                    "The tenant \(tenantLabel(s.id)) is \(s.roles.role): only a STANDBY tenant can fail over."))
        }
        findings += busyFindings([s.id])
        findings += clusterFindings([s.id])
        if clusters[s.clusterId]?.status == .running, !s.reachable {
            findings.append(
                Self.blocking(
                    OCPErrorCode.tenantUnreachable, "The standby tenant \(tenantLabel(s.id)) cannot be connected."))
        }
        if let p = s.roles.primaryId.flatMap({ tenants[$0] }) {
            if p.clusterId == s.clusterId {
                findings.append(
                    Self.blocking(
                        OCPErrorCode.tenantStateInvalid,
                        "The tenant \(tenantLabel(s.id)) and its primary \(tenantLabel(p.id)) are in one cluster: a "
                            + "failover needs them in different clusters."))
            }
            if isReachable(p) {
                findings.append(
                    Self.blocking(
                        OCPErrorCode.tenantProxyOrPrimaryReachable,
                        "The primary tenant \(tenantLabel(p.id)) can still be connected: fail over only when it cannot; "
                            + "switch over while it can."))
            }
        }
        return findings
    }

    /// The SCN (nanoseconds since the epoch) a standby has synced: now less its lag (choice 5).
    func syncScn(_ t: TenantState) -> Int {
        let at = options.epoch.adding(now - t.roles.lag)
        return Int(at.millisecondsSince1970) * 1_000_000
    }

    /// One standby's pre-check result.
    func standbyResult(_ s: TenantState, _ findings: [TenantCheckFinding]) -> TenantPreCheckResult {
        let primary = s.roles.primaryId.flatMap { tenants[$0] }
        return TenantPreCheckResult(
            valid: !findings.contains { !$0.warning }, tenantId: s.id, name: s.name, clusterId: s.clusterId,
            clusterName: clusters[s.clusterId]?.name, syncScn: s.roles.role == .standby ? syncScn(s) : nil,
            primaryTenantServiceName: primary?.roles.serviceName, checkResults: findings)
    }

    /// A primary's switchover pre-check of `standbys`.
    func switchoverResult(primary p: TenantState, standbys: [Int]) -> TenantSwitchoverPreCheckResult {
        let results = standbys.compactMap { id in
            tenants[id].map { standbyResult($0, switchoverFindings(primary: p.id, standby: id)) }
        }
        return TenantSwitchoverPreCheckResult(
            valid: !results.isEmpty && results.allSatisfy(\.valid), tenantId: p.id, name: p.name,
            clusterId: p.clusterId, clusterName: clusters[p.clusterId]?.name, standbyCheckResults: results)
    }

    // MARK: - Pre-checks

    /// The pairs of a switchover body whose primaries are in `clusterId`: 400 for a body of another
    /// shape, for a path tenant the body does not repeat (choice 10), or a tenant named twice;
    /// 404 for an unknown tenant.
    private func pairs(_ request: OCPRequest, clusterId: Int, batch: Bool) throws(SimulatorRefusal) -> [TenantPair] {
        guard clusters[clusterId] != nil else { throw .clusterNotFound(clusterId) }
        guard let pairs = TenantPair.pairs(in: request.body, batch: batch), !pairs.isEmpty else {
            throw Self.illegal(
                batch
                    ? "The body must be {\"tenantParamList\": [{\"tenantId\": PRIMARY, \"standbyTenantId\": STANDBY}, ...]} "
                        + "with at least one pair."
                    : "The body must be {\"tenantId\": PRIMARY, \"standbyTenantId\": STANDBY}.")
        }
        if !batch, let path = request.pathValue("tenantId"), pairs[0].primaryTenantId != path {
            throw Self.illegal(
                "The body's tenantId \(pairs[0].primaryTenantId) is not the path's tenant \(path): both name the primary tenant."
            )
        }
        var seen = Set<Int>()
        for pair in pairs {
            _ = try tenant(pair.primaryTenantId, in: clusterId)
            guard tenants[pair.standbyTenantId] != nil else { throw Self.tenantNotFound(pair.standbyTenantId) }
            guard seen.insert(pair.standbyTenantId).inserted, pair.standbyTenantId != pair.primaryTenantId else {
                throw Self.illegal("The tenant \(pair.standbyTenantId) is named twice in the request.")
            }
        }
        return pairs
    }

    /// `switchoverPreCheck` of one pair: `{id}` and `{tenantId}` are the primary.
    func tenantSwitchoverPreCheck(_ request: OCPRequest) throws(SimulatorRefusal) -> TenantSwitchoverPreCheckResult {
        let clusterId = request.pathValue("id") ?? 0
        let pair = try pairs(request, clusterId: clusterId, batch: false)[0]
        let primary = try tenant(pair.primaryTenantId, in: clusterId)
        return switchoverResult(primary: primary, standbys: [pair.standbyTenantId])
    }

    /// The batch `switchoverPreCheck`: one result per primary, its standbys in the order written.
    func tenantsSwitchoverPreCheck(_ request: OCPRequest) throws(SimulatorRefusal)
        -> Contents<TenantSwitchoverPreCheckResult>
    {
        let clusterId = request.pathValue("id") ?? 0
        let pairs = try pairs(request, clusterId: clusterId, batch: true)
        var order: [Int] = []
        var standbys: [Int: [Int]] = [:]
        for pair in pairs {
            if standbys[pair.primaryTenantId] == nil { order.append(pair.primaryTenantId) }
            standbys[pair.primaryTenantId, default: []].append(pair.standbyTenantId)
        }
        return Contents(
            contents: order.compactMap { p in
                tenants[p].map { switchoverResult(primary: $0, standbys: standbys[p] ?? []) }
            })
    }

    /// `failoverPreCheck` of one standby: `{id}` and `{tenantId}` are the standby.
    func tenantFailoverPreCheck(_ request: OCPRequest) throws(SimulatorRefusal) -> TenantPreCheckResult {
        let s = try tenant(request.pathValue("tenantId") ?? 0, in: request.pathValue("id") ?? 0)
        return standbyResult(s, failoverFindings(standby: s.id))
    }

    /// The body-less batch `failoverPreCheck`: every STANDBY tenant of cluster `{id}` (choice 9).
    func tenantsFailoverPreCheck(_ request: OCPRequest) throws(SimulatorRefusal) -> Contents<TenantPreCheckResult> {
        let clusterId = request.pathValue("id") ?? 0
        guard clusters[clusterId] != nil else { throw .clusterNotFound(clusterId) }
        let standbys = (clusterTenantIds[clusterId] ?? []).compactMap { tenants[$0] }.filter {
            $0.roles.role == .standby
        }
        return Contents(contents: standbys.map { standbyResult($0, failoverFindings(standby: $0.id)) })
    }

    // MARK: - Starting tasks

    /// `switchover` of one pair (`{id}`, `{tenantId}`: the primary), answering the task at once.
    mutating func tenantSwitchover(_ request: OCPRequest) throws(SimulatorRefusal) -> TaskInstance {
        let clusterId = request.pathValue("id") ?? 0
        let pair = try pairs(request, clusterId: clusterId, batch: false)[0]
        try refuseSwitchover(pair)
        // Two statements: the answer must read the model after the task was created.
        let taskId = startSwitchover(pair, clusterId: clusterId)
        return try createdAnswer(taskId)
    }

    /// The batch `switchover`: one task per pair, all or none.
    mutating func tenantsSwitchover(_ request: OCPRequest) throws(SimulatorRefusal) -> Contents<TaskInstance> {
        let clusterId = request.pathValue("id") ?? 0
        let pairs = try pairs(request, clusterId: clusterId, batch: true)
        for pair in pairs { try refuseSwitchover(pair) }
        var started: [Int] = []
        for pair in pairs { started.append(startSwitchover(pair, clusterId: clusterId)) }
        var answers: [TaskInstance] = []
        for id in started { answers.append(try createdAnswer(id)) }
        return Contents(contents: answers)
    }

    /// 409 while another task holds a tenant of the pair (choice 3); 400 for a blocking finding (choice 2).
    private func refuseSwitchover(_ pair: TenantPair) throws(SimulatorRefusal) {
        if let refusal = tenantConflict(over: [pair.primaryTenantId, pair.standbyTenantId], except: nil) {
            throw refusal
        }
        if let refusal = Self.refusal(switchoverFindings(primary: pair.primaryTenantId, standby: pair.standbyTenantId))
        {
            throw refusal
        }
    }

    private mutating func startSwitchover(_ pair: TenantPair, clusterId: Int) -> Int {
        createTask(
            .tenantSwitchover, clusterId: clusterId, peerId: nil, tenantId: pair.primaryTenantId,
            peerTenantId: pair.standbyTenantId)
    }

    /// `failover` of one standby (`{id}`, `{tenantId}`), with the body's `serviceName` if any.
    mutating func tenantFailover(_ request: OCPRequest) throws(SimulatorRefusal) -> TaskInstance {
        let clusterId = request.pathValue("id") ?? 0
        let s = try tenant(request.pathValue("tenantId") ?? 0, in: clusterId)
        var serviceName: String?
        if let body = request.body, body != .null {
            guard case .object = body else { throw Self.illegal("The body must be {} or {\"serviceName\": NAME}.") }
            if let value = body["serviceName"], value != .null {
                guard let name = value.stringValue, !name.trimmingSpaces.isEmpty else {
                    throw Self.illegal("serviceName must be a non-empty string.")
                }
                serviceName = name
            }
        }
        try refuseFailover(s.id)
        let taskId = startFailover(s.id, clusterId: clusterId, serviceName: serviceName)
        return try createdAnswer(taskId)
    }

    /// The batch `failover`: one task per item of `failoverTenantItemList`, all or none; an
    /// omitted or empty list is refused (choice 9).
    mutating func tenantsFailover(_ request: OCPRequest) throws(SimulatorRefusal) -> Contents<TaskInstance> {
        let clusterId = request.pathValue("id") ?? 0
        guard clusters[clusterId] != nil else { throw .clusterNotFound(clusterId) }
        guard let items = TenantFailoverItem.items(in: request.body), !items.isEmpty else {
            throw Self.illegal(
                "The body must be {\"failoverTenantItemList\": [{\"tenantId\": STANDBY, \"serviceName\": NAME}, ...]} "
                    + "with at least one standby tenant; a serviceName, where given, is a non-empty string.")
        }
        var seen = Set<Int>()
        for item in items {
            _ = try tenant(item.tenantId, in: clusterId)
            guard seen.insert(item.tenantId).inserted else {
                throw Self.illegal("The tenant \(item.tenantId) is named twice in failoverTenantItemList.")
            }
            try refuseFailover(item.tenantId)
        }
        var started: [Int] = []
        for item in items {
            started.append(startFailover(item.tenantId, clusterId: clusterId, serviceName: item.serviceName))
        }
        var answers: [TaskInstance] = []
        for id in started { answers.append(try createdAnswer(id)) }
        return Contents(contents: answers)
    }

    private func refuseFailover(_ standby: Int) throws(SimulatorRefusal) {
        if let refusal = tenantConflict(over: [standby], except: nil) { throw refusal }
        if let refusal = Self.refusal(failoverFindings(standby: standby)) { throw refusal }
    }

    private mutating func startFailover(_ standby: Int, clusterId: Int, serviceName: String?) -> Int {
        createTask(
            .tenantFailover, clusterId: clusterId, peerId: nil, tenantId: standby,
            peerTenantId: tenants[standby]?.roles.primaryId, serviceName: serviceName)
    }

    // MARK: - The chains' effects

    /// Why a tenant subtask's successful run must fail instead.
    func tenantBlockingReason(task: TaskState, effect: SubtaskEffect) -> String? {
        let (primaryId, standbyId) = task.tenantPair
        switch effect {
        case .tenantsAccessible:
            for id in task.heldTenants {
                if let t = tenants[id], !isReachable(t) {
                    return "ret=-4043: cannot log in to tenant \(tenantLabel(id)): it cannot be connected"
                }
            }
        case .promoteStandbyTenant:
            if let p = primaryId.flatMap({ tenants[$0] }), p.roles.sqlRole != .standby {
                return "ret=-9088: the old primary tenant \(tenantLabel(p.id)) is \(p.roles.sqlRole), not STANDBY"
            }
        case .activateStandbyTenant:
            if let s = standbyId.flatMap({ tenants[$0] }), !isReachable(s) {
                return "ret=-4043: cannot log in to tenant \(tenantLabel(s.id)): it cannot be connected"
            }
        default:
            break
        }
        return nil
    }

    /// Applies a tenant subtask's effect (choice 7), saving what a rollback must restore.
    mutating func applyTenantEffect(task taskId: Int, index: Int) {
        guard let task = tasks[taskId] else { return }
        let (primaryId, standbyId) = task.tenantPair
        guard let s = standbyId, tenants[s] != nil else { return }
        let p = primaryId.flatMap { tenants[$0] == nil ? nil : $0 }
        // A role switch changes who serves the tenants' names: their reroute delay starts now.
        defer { noteServing(changed: [s] + (p.map { [$0] } ?? [])) }
        switch task.subtasks[index].effect {
        case .demotePrimaryTenant:
            guard let p else { return }
            saveTenantRoles([p], task: taskId, index: index)
            tenants[p]?.roles.sqlRole = .standby
            taskLog(
                taskId, index,
                "ALTER SYSTEM SWITCHOVER TO STANDBY TENANT = \(tenants[p]?.name ?? ""): tenant \(tenantLabel(p)) is STANDBY"
            )
        case .promoteStandbyTenant:
            saveTenantRoles([s], task: taskId, index: index)
            tenants[s]?.roles.sqlRole = .primary
            taskLog(
                taskId, index,
                "ALTER SYSTEM SWITCHOVER TO PRIMARY TENANT = \(tenants[s]?.name ?? ""): tenant \(tenantLabel(s)) is PRIMARY"
            )
        case .activateStandbyTenant:
            saveTenantRoles([s], task: taskId, index: index)
            tenants[s]?.roles.sqlRole = .primary
            taskLog(
                taskId, index,
                "ALTER SYSTEM ACTIVATE STANDBY TENANT = \(tenants[s]?.name ?? ""): tenant \(tenantLabel(s)) is PRIMARY")
        case .resetRestoreSource:
            saveTenantRoles([s], task: taskId, index: index)
            tenants[s]?.roles.restoreSourceId = nil
            taskLog(taskId, index, "tenant \(tenantLabel(s)) reads logs from no tenant")
        case .updateRestoreSource:
            guard let p else { return }
            let others = (tenants[p]?.roles.standbyIds ?? []).filter { $0 != s }
            saveTenantRoles([p] + others, task: taskId, index: index)
            for t in [p] + others { tenants[t]?.roles.restoreSourceId = s }
            taskLog(
                taskId, index,
                "tenants \(([p] + others).map(tenantLabel).joined(separator: ", ")) read logs from \(tenantLabel(s))")
        case .swapTenantRoles:
            guard let p, tenants[s]?.roles.primaryId == p else { return }
            let others = (tenants[p]?.roles.standbyIds ?? []).filter { $0 != s }
            saveTenantRoles([p, s] + others, task: taskId, index: index)
            let linkLag = tenants[s]?.roles.lag ?? .zero
            let cascade = tenants[s]?.roles.standbyIds ?? []
            tenants[s]?.roles.role = .primary
            tenants[s]?.roles.primaryId = nil
            tenants[s]?.roles.lag = .zero
            tenants[s]?.roles.standbyIds = [p] + others + cascade
            tenants[p]?.roles.role = .standby
            tenants[p]?.roles.primaryId = s
            tenants[p]?.roles.standbyIds = []
            tenants[p]?.roles.lag = linkLag
            for o in others { tenants[o]?.roles.primaryId = s }
            taskLog(taskId, index, "tenant \(tenantLabel(s)) is the primary of \(tenantLabel(p)) in OCP")
        case .createServiceName:
            guard let name = task.serviceName else {
                taskLog(taskId, index, "no service name to create")
                return
            }
            saveTenantRoles([s], task: taskId, index: index)
            tenants[s]?.roles.serviceName = name
            taskLog(taskId, index, "service name \(name) created on tenant \(tenantLabel(s))")
        case .recordFailover:
            saveTenantRoles([s] + (p.map { [$0] } ?? []), task: taskId, index: index)
            tenants[s]?.roles.role = .primary
            tenants[s]?.roles.primaryId = nil
            tenants[s]?.roles.restoreSourceId = nil
            tenants[s]?.roles.lag = .zero
            if let p { tenants[p]?.roles.standbyIds.removeAll { $0 == s } }
            taskLog(
                taskId, index,
                "tenant \(tenantLabel(s)) is a primary in OCP, no longer a standby\(p.map { " of \(tenantLabel($0))" } ?? "")"
            )
        default:
            break
        }
    }

    // MARK: - Reading

    /// `GET /api/v2/ob/tenants` (`clusterId` nil) and `GET /api/v2/ob/clusters/{id}/tenants`:
    /// filtered by a case-insensitive part of the name and by status, sorted by id (default) or name.
    func tenantPage(_ query: TenantQuery, clusterId: Int?) throws(SimulatorRefusal) -> Page<Tenant> {
        try Self.checkPaging(page: query.page, size: query.size)
        var ids: [Int]
        if let clusterId {
            guard clusters[clusterId] != nil else { throw .clusterNotFound(clusterId) }
            ids = clusterTenantIds[clusterId] ?? []
        } else {
            ids = tenantIds
        }
        let needle = query.name?.lowercased()
        var matching: [TenantState] = []
        for id in ids {
            guard let t = tenants[id] else { continue }
            if let needle, !t.name.lowercased().contains(needle) { continue }
            if !query.status.isEmpty, !query.status.contains(t.status) { continue }
            matching.append(t)
        }
        switch (query.sort ?? "id,asc").filter({ $0 != " " }).lowercased() {
        case "id,asc", "id": break
        case "id,desc": matching.reverse()
        case "name,asc", "name": matching.sort { ($0.name, $0.id) < ($1.name, $1.id) }
        case "name,desc": matching.sort { ($0.name, $0.id) > ($1.name, $1.id) }
        default: throw Self.illegal("sort must be id or name, with asc or desc, not \(query.sort ?? "").")
        }
        let start = min(matching.count, (query.page - 1) * query.size)
        let end = min(matching.count, start + query.size)
        return Page(
            contents: matching[start..<end].map(tenantAnswer),
            page: Page<Tenant>.Info(
                totalElements: matching.count, totalPages: (matching.count + query.size - 1) / query.size,
                number: query.page, size: query.size))
    }

    /// `GET /api/v2/ob/clusters/{id}/tenants/{tenantId}`.
    func tenantDetail(_ request: OCPRequest) throws(SimulatorRefusal) -> Tenant {
        tenantAnswer(try tenant(request.pathValue("tenantId") ?? 0, in: request.pathValue("id") ?? 0))
    }

    /// A tenant as OCP answers it (choice 4): its role from OCP's metadata, a standby's
    /// `basicPrimaryTenant` with an empty `logRestoreInfo`, a primary's direct standbys in
    /// `basicStandbyTenantList`; `readonly` false; the status its holding task shows, if any.
    func tenantAnswer(_ t: TenantState) -> Tenant {
        let cluster = clusters[t.clusterId]
        return Tenant(
            id: t.id, name: t.name, obTenantId: t.obTenantId, clusterId: t.clusterId, clusterName: cluster?.name,
            obClusterId: cluster?.obClusterId, clusterType: cluster?.roles.type, clusterStatus: cluster?.status,
            role: t.roles.role, status: t.status, syncStatus: t.syncStatus, logTransportMode: "NETWORK",
            basicPrimaryTenant: t.roles.primaryId.flatMap { link($0, logRestoreInfo: .object([:])) },
            basicStandbyTenantList: t.roles.standbyIds.compactMap { link($0, logRestoreInfo: nil) },
            serviceNameInfo: ServiceNameInfo(
                serviceName: t.roles.serviceName, serviceNameStatus: t.roles.serviceName == nil ? nil : "VALID"),
            mode: t.mode, createTime: timestamp(t.createTime), primaryZone: "RANDOM", locked: false, readonly: false,
            obVersion: cluster?.obVersion)
    }

    private func link(_ id: Int, logRestoreInfo: JSONValue?) -> TenantLink? {
        guard let t = tenants[id] else { return nil }
        let cluster = clusters[t.clusterId]
        return TenantLink(
            tenantId: t.id, obTenantId: t.obTenantId, tenantName: t.name, clusterId: t.clusterId,
            obClusterId: cluster?.obClusterId, clusterName: cluster?.name, role: t.roles.role,
            obVersion: cluster?.obVersion,
            serviceName: t.roles.serviceName, logRestoreInfo: logRestoreInfo, createTime: timestamp(t.createTime),
            status: t.status)
    }
}
