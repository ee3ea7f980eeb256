import OCPModel
import RunbookSupport

extension SimulatorModel {
    /// Answers one request from the state at ``now``: the `data` OCP would answer, or its refusal.
    mutating func handle(_ request: OCPRequest) throws(SimulatorRefusal) -> any Sendable {
        let id = request.pathValues.first ?? 0
        let subtaskId = request.pathValues.count > 1 ? request.pathValues[1] : 0
        switch request.endpoint {
        case .failoverPreCheck:
            return PreCheckData(result: try failoverPreCheck(id))
        case .failover:
            // Two statements: the answer must read the model after the task was created.
            let taskId = try failover(id)
            return try createdAnswer(taskId)
        case .switchoverPreCheck:
            return PreCheckData(result: try switchoverPreCheck(id))
        case .switchover:
            let taskId = try switchover(id)
            return try createdAnswer(taskId)
        case .listClusters:
            return try clusterPage(try Self.query(ClusterQuery.init, request))
        case .getCluster:
            return try cluster(id: id)
        case .listTasks:
            return try taskPage(try Self.query(TaskQuery.init, request))
        case .getTask:
            return try task(id)
        case .retryTask:
            try retryTask(id)
            return try task(id)
        case .rollbackTask:
            try rollbackTask(id)
            return try task(id)
        case .subtaskLog:
            return SubtaskLog(log: try subtaskLog(id, subtaskId))
        case .retrySubtask:
            let index = try retrySubtask(id, subtaskId)
            guard let task = tasks[id] else { throw .taskNotFound(id) }
            return subtask(task, index, detail: true)
        case .skipSubtask:
            try skipSubtask(id, subtaskId)
            return NoPayload()
        case .cancelSubtask:
            try cancelSubtask(id, subtaskId)
            return NoPayload()
        case .listTenants:
            return try tenantPage(try Self.query(TenantQuery.init, request), clusterId: nil)
        case .listClusterTenants:
            return try tenantPage(try Self.query(TenantQuery.init, request), clusterId: id)
        case .getTenant:
            return try tenantDetail(request)
        case .tenantSwitchoverPreCheck:
            return try tenantSwitchoverPreCheck(request)
        case .tenantSwitchover:
            return try tenantSwitchover(request)
        case .tenantFailoverPreCheck:
            return try tenantFailoverPreCheck(request)
        case .tenantFailover:
            return try tenantFailover(request)
        case .tenantsSwitchoverPreCheck:
            return try tenantsSwitchoverPreCheck(request)
        case .tenantsSwitchover:
            return try tenantsSwitchover(request)
        case .tenantsFailoverPreCheck:
            return try tenantsFailoverPreCheck(request)
        case .tenantsFailover:
            return try tenantsFailover(request)
        }
    }

    /// A query parsed from the request's parameters; a parameter that is not a number is refused (400).
    private static func query<Q>(_ parse: (OCPRequest) throws(QueryError) -> Q, _ request: OCPRequest)
        throws(SimulatorRefusal) -> Q
    {
        do throws(QueryError) {
            return try parse(request)
        } catch {
            throw SimulatorRefusal(status: 400, code: OCPErrorCode.illegalArgument, message: error.message)
        }
    }

    /// The POST answer of a task just created.
    func createdAnswer(_ id: Int) throws(SimulatorRefusal) -> TaskInstance {
        guard let t = tasks[id] else { throw .taskNotFound(id) }
        return instance(t, form: .created)
    }
}
