import OCPModel
import RunbookLanguage
import RunbookStepLog
import RunbookSupport

// MARK: - OceanBase 4.x tenants: the tenant phrases of the task-starting, pre-check, wait and
// assertion families. Each makes its descriptor's calls, in order.

extension Interpreter {
    // MARK: - Finding and reading tenants

    /// The cluster that holds tenant `id`: known to the run, or found by listing OCP's tenants
    /// (`GET /api/v2/ob/tenants`, every page) once.
    func locate(tenant id: Int) async throws(StepFailure) -> Int {
        let client = self.client
        let found = try await call { () async throws(OCPError) in
            try await self.state.tenants.locate(id) { () async throws(OCPError) -> [Tenant] in
                var all: [Tenant] = []
                var query = TenantQuery.lookup
                while true {
                    let page = try await client.tenants(query)
                    all += page.contents
                    if query.page >= page.page.totalPages || page.contents.isEmpty { return all }
                    query.page += 1
                }
            }
        }
        guard let found else {
            throw StepFailure(
                "OCP lists no tenant with id \(id): a tenant is named by its OCP tenant id (such as 2000025), not by "
                    + "its obTenantId or a cluster id")
        }
        return found
    }

    /// `GET .../clusters/{c}/tenants/{id}`, recorded as what the step saw.
    func readTenant(_ id: Int, in clusterId: Int, trace: StepTrace) async throws(StepFailure) -> Tenant {
        let tenant = try await call { () async throws(OCPError) in
            try await self.client.tenant(clusterId: clusterId, tenantId: id)
        }
        trace.observe(tenant)
        state.tenants.learn([tenant])
        return tenant
    }

    /// Every tenant of a cluster (`GET .../clusters/{c}/tenants`, every page), recorded as seen.
    func readTenants(ofCluster clusterId: Int, trace: StepTrace) async throws(StepFailure) -> [Tenant] {
        let tenants = try await call { () async throws(OCPError) in
            try await self.client.allTenants(clusterId: clusterId)
        }
        for t in tenants { trace.observe(t) }
        state.tenants.learn(tenants)
        return tenants
    }

    /// The primary a standby follows, and that primary's cluster, as OCP relates them now.
    func primary(of standby: Tenant) async throws(StepFailure) -> (id: Int, clusterId: Int) {
        guard let link = standby.basicPrimaryTenant else {
            throw StepFailure(
                "tenant \(standby.id) (\(standby.name)) is \(standby.currentRole) and follows no primary (OCP gives it no "
                    + "basicPrimaryTenant): name the STANDBY tenant to promote")
        }
        if let c = link.clusterId {
            state.tenants.learn(link.tenantId, cluster: c)
            return (link.tenantId, c)
        }
        return (link.tenantId, try await locate(tenant: link.tenantId))
    }

    /// `- OBE26009: ...` for each blocking finding of each standby's result.
    static func blockingList(_ results: [TenantPreCheckResult]) -> String {
        var lines: [String] = []
        for r in results where !r.valid {
            let findings =
                r.blocking.isEmpty
                ? [TenantCheckFinding(warning: false, errorCode: nil, errorMessage: "not valid")] : r.blocking
            for f in findings { lines.append("- tenant \(r.tenantId)\(r.name.map { " (\($0))" } ?? ""): \(f.text)") }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: - Pre-checks

    /// `precheck switchover tenant` and `precheck failover tenant`: passes when OCP says valid;
    /// fails listing every blocking finding; warnings go into the step log.
    func precheckTenant(
        _ action: ActionStep, _ descriptor: PhraseDescriptor, _ definition: TaskDefinition, scope: Scope,
        trace: StepTrace
    ) async throws(StepFailure) {
        let id = try subject(action, in: scope)
        let clusterId = try await locate(tenant: id)
        let results: [TenantPreCheckResult]
        var valid: Bool
        if descriptor.kind == .precheckSwitchoverTenant {
            let standby = try await readTenant(id, in: clusterId, trace: trace)
            let (primaryId, primaryCluster) = try await primary(of: standby)
            let pair = TenantPair(primary: primaryId, standby: id)
            let result = try await call { () async throws(OCPError) in
                try await self.client.tenantSwitchoverPreCheck(clusterId: primaryCluster, pair: pair)
            }
            results = result.standbyCheckResults
            valid = result.valid
        } else {
            let result = try await call { () async throws(OCPError) in
                try await self.client.tenantFailoverPreCheck(clusterId: clusterId, tenantId: id)
            }
            results = [result]
            valid = result.valid
        }
        trace.observed.precheckMessages = results.flatMap { $0.checkResults.map(\.text) }
        guard valid else {
            throw StepFailure(
                "the \(definition.shortName) pre-check of tenant \(id) failed:\n\(Self.blockingList(results))",
                expected: "valid", found: "not valid")
        }
        let warnings = results.flatMap(\.warnings).count
        trace.message =
            "tenant \(id) may \(definition.verb)"
            + (warnings == 0 ? "" : " (\(warnings) warning\(warnings == 1 ? "" : "s") logged)")
    }

    // MARK: - Actions

    /// A tenant action: the pre-check right before the call (nothing starts unless it is valid),
    /// the call, and the tenants read right after; each task started is a recovery and leaves its
    /// evidence in the step log. A single tenant's task becomes current; a batch's group does.
    func startTenantTasks(
        _ action: ActionStep, _ descriptor: PhraseDescriptor, _ endpoint: OCPEndpoint, _ definition: TaskDefinition,
        step: Step, scope: inout Scope, trace: StepTrace, context: RunContext
    ) async throws(StepFailure) {
        let id = try subject(action, in: scope)
        let name = step.options.taskName?.text
        switch descriptor.kind {
        case .failoverTenant:
            let serviceName = try step.options.serviceName.map { e throws(StepFailure) in try text(e, in: scope) }
            let clusterId = try await locate(tenant: id)
            let standby = try await readTenant(id, in: clusterId, trace: trace)
            let primary = standby.basicPrimaryTenant
            let result = try await call { () async throws(OCPError) in
                try await self.client.tenantFailoverPreCheck(clusterId: clusterId, tenantId: id)
            }
            let checkedAt = context.runTimeMs(clock.now)
            try Self.requireValid([result], definition, what: "tenant \(id)", trace: trace)
            let calledAt = context.runTimeMs(clock.now)
            let task = try await call { () async throws(OCPError) in
                try await self.client.tenantFailover(clusterId: clusterId, tenantId: id, serviceName: serviceName)
            }
            let after = try await readTenant(id, in: clusterId, trace: trace)
            record(
                task, definition, standby: standby, primary: primary.map { ($0.tenantId, $0.clusterId) },
                result: result, checkedAt: checkedAt,
                after: [after], calledAt: calledAt, trace: trace, context: context)
            scope.makeCurrent(task.id, named: name)
            trace.message =
                "started task \(task.id) '\(task.name)' for tenant \(id) on cluster \(clusterId)\(lagNote(result, task, checkedAt: checkedAt, calledAt: calledAt))"

        case .switchoverTenant:
            let clusterId = try await locate(tenant: id)
            let standby = try await readTenant(id, in: clusterId, trace: trace)
            let (primaryId, primaryCluster) = try await primary(of: standby)
            let pair = TenantPair(primary: primaryId, standby: id)
            let check = try await call { () async throws(OCPError) in
                try await self.client.tenantSwitchoverPreCheck(clusterId: primaryCluster, pair: pair)
            }
            let checkedAt = context.runTimeMs(clock.now)
            try Self.requireValid(
                check.standbyCheckResults, definition, what: "tenant \(id)", valid: check.valid, trace: trace)
            let calledAt = context.runTimeMs(clock.now)
            let task = try await call { () async throws(OCPError) in
                try await self.client.tenantSwitchover(clusterId: primaryCluster, pair: pair)
            }
            let afterStandby = try await readTenant(id, in: clusterId, trace: trace)
            let afterPrimary = try await readTenant(primaryId, in: primaryCluster, trace: trace)
            let result = check.standbyCheckResults.first { $0.tenantId == id }
            record(
                task, definition, standby: standby, primary: (primaryId, primaryCluster), result: result,
                checkedAt: checkedAt, after: [afterStandby, afterPrimary], calledAt: calledAt, trace: trace,
                context: context)
            scope.makeCurrent(task.id, named: name)
            trace.message =
                "started task \(task.id) '\(task.name)' for tenant \(id) and its primary \(primaryId)\(lagNote(result, task, checkedAt: checkedAt, calledAt: calledAt))"

        case .failoverTenantsOfCluster:
            let tenants = try await readTenants(ofCluster: id, trace: trace)
            let standbys = tenants.filter { $0.currentRole == .standby }
            guard !standbys.isEmpty else {
                throw StepFailure(
                    "cluster \(id) holds no STANDBY tenant to fail over (it holds \(Self.count(tenants.count, "tenant")))"
                )
            }
            let results = try await call { () async throws(OCPError) in
                try await self.client.tenantsFailoverPreCheck(clusterId: id)
            }
            let checkedAt = context.runTimeMs(clock.now)
            try Self.requireValid(results, definition, what: "cluster \(id)'s standby tenants", trace: trace)
            let checked = Set(results.map(\.tenantId))
            let unchecked = standbys.filter { !checked.contains($0.id) }.map(\.id)
            guard unchecked.isEmpty else {
                throw StepFailure(
                    "OCP's pre-check of cluster \(id) left out standby tenant\(unchecked.count == 1 ? "" : "s") "
                        + "\(unchecked.map(String.init).joined(separator: ", ")); nothing was started")
            }
            let calledAt = context.runTimeMs(clock.now)
            let items = standbys.map { TenantFailoverItem(tenantId: $0.id) }
            let tasks = try await call { () async throws(OCPError) in
                try await self.client.tenantsFailover(clusterId: id, items: items)
            }
            let after = try await readTenants(ofCluster: id, trace: trace)
            let group = recordGroup(
                tasks, definition, standbys: standbys, results: results, checkedAt: checkedAt, after: after,
                calledAt: calledAt, trace: trace, context: context)
            scope.makeCurrent(group, named: name)
            trace.message =
                "started \(Self.count(tasks.count, "task")) '\(definition.name)', one per standby tenant of cluster \(id)"

        default:  // switchover tenants of cluster
            let tenants = try await readTenants(ofCluster: id, trace: trace)
            let standbys = tenants.filter { t in
                t.currentRole == .standby && t.basicPrimaryTenant.map { $0.clusterId != id } == true
            }
            guard !standbys.isEmpty else {
                throw StepFailure("cluster \(id) holds no STANDBY tenant whose primary is in another cluster")
            }
            // One batch per cluster of the primaries, in cluster order.
            var batches: [Int: [TenantPair]] = [:]
            for s in standbys {
                let (p, c) = try await primary(of: s)
                batches[c, default: []].append(TenantPair(primary: p, standby: s.id))
            }
            let clusters = batches.keys.sorted()
            var results: [TenantPreCheckResult] = []
            var invalid: [TenantPreCheckResult] = []
            var checkedAt: Int64 = 0
            // Each cluster's batch: when its pre-check answered, and when its call went out.
            var checkedAtOf: [Int: Int64] = [:]
            var times: [Int: (checkedAt: Int64, calledAt: Int64)] = [:]
            for c in clusters {
                let pairs = batches[c] ?? []
                let checks = try await call { () async throws(OCPError) in
                    try await self.client.tenantsSwitchoverPreCheck(clusterId: c, pairs: pairs)
                }
                checkedAt = context.runTimeMs(clock.now)
                checkedAtOf[c] = checkedAt
                for check in checks {
                    results += check.standbyCheckResults
                    if !check.valid {
                        invalid +=
                            check.standbyCheckResults.isEmpty
                            ? [TenantPreCheckResult(valid: false, tenantId: check.tenantId, name: check.name)]
                            : check.standbyCheckResults
                    }
                }
            }
            try Self.requireValid(
                invalid.isEmpty ? results : invalid, definition, what: "cluster \(id)'s standby tenants", trace: trace)
            let calledAt = context.runTimeMs(clock.now)
            var tasks: [TaskInstance] = []
            for c in clusters {
                let pairs = batches[c] ?? []
                let clusterCalledAt = context.runTimeMs(clock.now)
                do throws(StepFailure) {
                    let started = try await call { () async throws(OCPError) in
                        try await self.client.tenantsSwitchover(clusterId: c, pairs: pairs)
                    }
                    for task in started { times[task.id] = (checkedAtOf[c] ?? checkedAt, clusterCalledAt) }
                    tasks += started
                } catch {
                    // The batches already started are recorded before the step fails.
                    if !tasks.isEmpty {
                        _ = recordGroup(
                            tasks, definition, standbys: standbys, results: results, checkedAt: checkedAt, after: [],
                            calledAt: calledAt, times: times, trace: trace, context: context)
                    }
                    var failure = error
                    if !tasks.isEmpty {
                        failure.message = "\(Self.count(tasks.count, "task")) started; then " + failure.message
                    }
                    throw failure
                }
            }
            var after = try await readTenants(ofCluster: id, trace: trace)
            for c in clusters { after += try await readTenants(ofCluster: c, trace: trace) }
            let group = recordGroup(
                tasks, definition, standbys: standbys, results: results, checkedAt: checkedAt, after: after,
                calledAt: calledAt, times: times, trace: trace, context: context)
            scope.makeCurrent(group, named: name)
            trace.message =
                "started \(Self.count(tasks.count, "task")) '\(definition.name)', one per standby tenant of cluster \(id) and its primary"
        }
    }

    /// Fails, nothing started, unless every result is valid; warnings and findings go into the log.
    static func requireValid(
        _ results: [TenantPreCheckResult], _ definition: TaskDefinition, what: String, valid: Bool? = nil,
        trace: StepTrace
    ) throws(StepFailure) {
        let findings = results.flatMap { $0.checkResults.map(\.text) }
        if !findings.isEmpty { trace.observed.precheckMessages = (trace.observed.precheckMessages ?? []) + findings }
        guard valid ?? results.allSatisfy(\.valid), results.allSatisfy(\.valid) else {
            throw StepFailure(
                "not started: the \(definition.shortName) pre-check of \(what) failed:\n\(blockingList(results))",
                expected: "valid", found: "not valid")
        }
    }

    /// `; the standby was 800 ms behind (syncScn)`.
    func lagNote(_ result: TenantPreCheckResult?, _ task: TaskInstance, checkedAt: Int64, calledAt: Int64) -> String {
        guard let lag = Self.lag(result, task, checkedAt: checkedAt, calledAt: calledAt) else { return "" }
        return "; the standby was \(lag.milliseconds) ms behind (\(lag.source))"
    }

    /// The lag the pre-check reported. An SCN is read against the server's time of the pre-check
    /// answer, which OCP does not send: it is the task's `startTime` less the run time from the
    /// pre-check's answer (`checkedAt`) to the call (`calledAt`), so the time spent between the two
    /// is not counted as data the standby lacked.
    static func lag(_ result: TenantPreCheckResult?, _ task: TaskInstance, checkedAt: Int64, calledAt: Int64)
        -> TenantSyncLag?
    {
        guard let result else { return nil }
        let gap = max(0, calledAt - checkedAt)
        return TenantSyncLag.reported(by: result, at: task.startTime?.adding(.milliseconds(-gap)))
    }

    /// Registers a started tenant task: its recovery and its evidence.
    func record(
        _ task: TaskInstance, _ definition: TaskDefinition, standby: Tenant, primary: (Int, Int?)?,
        result: TenantPreCheckResult?, checkedAt: Int64, after: [Tenant], calledAt: Int64, trace: StepTrace,
        context: RunContext
    ) {
        let lag = Self.lag(result, task, checkedAt: checkedAt, calledAt: calledAt)
        state.registerRecovery(
            Recovery(
                position: trace.position, action: definition.shortName, clusterId: standby.clusterId, taskId: task.id,
                taskStatus: task.status.rawValue, calledAtMs: calledAt, endedAtMs: nil, recoveryMs: nil,
                operation: task.operation?.rawValue, tenantId: standby.id, primaryTenantId: primary?.0,
                primaryClusterId: primary?.1, lagMs: lag?.milliseconds))
        trace.record(
            TenantActionRecord(
                action: definition.shortName, taskId: task.id,
                standby: TenantPlace(tenantId: standby.id, clusterId: standby.clusterId, name: standby.name),
                primary: primary.map {
                    TenantPlace(tenantId: $0.0, clusterId: $0.1, name: standby.basicPrimaryTenant?.tenantName)
                },
                lagMs: lag?.milliseconds, lagSource: lag?.source, syncScn: result?.syncScn,
                warnings: result.map { $0.warnings.map(\.text) }.flatMap { $0.isEmpty ? nil : $0 },
                after: after.map(ObservedTenant.init)))
        see(task, trace: trace, context: context)
    }

    /// Registers the tasks of a batch, one per standby, and returns their group. `times` gives,
    /// by task id, when that task's batch's pre-check answered and its call went out (a batch over
    /// several clusters' primaries); a task not in it has `checkedAt` and `calledAt`.
    func recordGroup(
        _ tasks: [TaskInstance], _ definition: TaskDefinition, standbys: [Tenant], results: [TenantPreCheckResult],
        checkedAt: Int64, after: [Tenant], calledAt: Int64,
        times: [Int: (checkedAt: Int64, calledAt: Int64)] = [:], trace: StepTrace, context: RunContext
    ) -> TaskGroup {
        var byId: [Int: Tenant] = [:]
        for s in standbys { byId[s.id] = s }
        var resultOf: [Int: TenantPreCheckResult] = [:]
        for r in results { resultOf[r.tenantId] = r }
        var afterOf: [Int: Tenant] = [:]
        for t in after { afterOf[t.id] = t }
        var members: [TaskGroup.Member] = []
        for task in tasks {
            // A switchover's task is the primary's: its standby is the one whose primary it is.
            let standby =
                task.tenantId.flatMap { byId[$0] }
                ?? standbys.first { $0.basicPrimaryTenant?.tenantId == task.tenantId }
            members.append(TaskGroup.Member(taskId: task.id, tenantId: standby?.id ?? task.tenantId))
            guard let standby else { continue }
            let primary = standby.basicPrimaryTenant
            let afterTenants = [afterOf[standby.id], primary.flatMap { afterOf[$0.tenantId] }].compactMap { $0 }
            record(
                task, definition, standby: standby, primary: primary.map { ($0.tenantId, $0.clusterId) },
                result: resultOf[standby.id], checkedAt: times[task.id]?.checkedAt ?? checkedAt, after: afterTenants,
                calledAt: times[task.id]?.calledAt ?? calledAt,
                trace: trace, context: context)
        }
        trace.observed.taskId = nil
        trace.observed.taskName = nil
        trace.observed.taskStatus = nil
        return TaskGroup(members: members)
    }

    static func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }

    // MARK: - Waits

    /// `await tenant ID role|status|syncStatus: WORD`: polls the tenant until the field has the word.
    func awaitTenant(
        _ id: Int, field: String, wanted: String, step: Step, scope: Scope, trace: StepTrace, context: RunContext
    ) async throws(StepFailure) {
        let clusterId = try await locate(tenant: id)
        var last: Tenant?
        let started = clock.now
        let failed = try await poll(step: step, scope: scope, context: context) { () async throws(StepFailure) -> PollVerdict in
            let tenant = try await self.readTenant(id, in: clusterId, trace: trace)
            last = tenant
            if log.wantsProgress {
                await log.progress(
                    StepProgress(
                        position: trace.position, phrase: trace.phrase,
                        elapsedMs: started.duration(to: clock.now).milliseconds))
            }
            return Subject.tenant(tenant).word(field) == wanted ? .done : .waiting
        } timedOut: { deadline in
            StepFailure(
                "\(deadline.description) while awaiting tenant \(id) \(field) \(wanted)",
                expected: "tenant \(id) \(field) \(wanted)",
                found: last.map { "role \($0.currentRole), status \($0.status?.rawValue ?? "UNKNOWN")" })
        }
        trace.message = "tenant \(id) has \(field) \(wanted)" + retriedPolls(failed)
    }
}
