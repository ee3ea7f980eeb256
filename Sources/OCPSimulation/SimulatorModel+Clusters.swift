import OCPModel
import RunbookSupport

extension SimulatorModel {
    // MARK: - Failover and switchover

    /// `POST .../{id}/failover`: refused for an unknown cluster (404), a cluster another running task
    /// works on or holds (409), a PRIMARY (400) or a standby that is not RUNNING (400).
    mutating func failover(_ clusterId: Int) throws(SimulatorRefusal) -> Int {
        guard let standby = clusters[clusterId] else { throw .clusterNotFound(clusterId) }
        let peer = standby.roles.primaryId.flatMap { clusters[$0] == nil ? nil : $0 }
        if let refusal = conflict(over: [clusterId] + (peer.map { [$0] } ?? []), except: nil) { throw refusal }
        guard standby.roles.type == .standby else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.clusterStateInvalid,
                message: "The cluster \(clusterLabel(clusterId)) is \(standby.roles.type): only a STANDBY cluster can "
                    + "fail over.")
        }
        guard standby.baseStatus == .running else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.clusterStateInvalid,
                message: "The standby cluster \(clusterLabel(clusterId)) is \(standby.baseStatus): a failover needs a "
                    + "RUNNING standby.")
        }
        return createTask(.failover, clusterId: clusterId, peerId: peer)
    }

    /// `POST .../{id}/switchover`: refused for an unknown cluster (404), a busy one (409), a cluster that
    /// is not a RUNNING standby with a primary (400). A primary that is down or a DISABLED sync makes
    /// the task's "Prepare switchover" subtask fail.
    mutating func switchover(_ clusterId: Int) throws(SimulatorRefusal) -> Int {
        guard let standby = clusters[clusterId] else { throw .clusterNotFound(clusterId) }
        let peer = standby.roles.primaryId.flatMap { clusters[$0] == nil ? nil : $0 }
        if let refusal = conflict(over: [clusterId] + (peer.map { [$0] } ?? []), except: nil) { throw refusal }
        guard standby.roles.type == .standby else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.clusterStateInvalid,
                message: "The cluster \(clusterLabel(clusterId)) is \(standby.roles.type): a switchover is started on "
                    + "the STANDBY that is to become primary.")
        }
        guard let peer else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.clusterStateInvalid,
                message: "The standby cluster \(clusterLabel(clusterId)) has no primary cluster to switch over with.")
        }
        guard standby.baseStatus == .running else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.clusterStateInvalid,
                message: "The standby cluster \(clusterLabel(clusterId)) is \(standby.baseStatus): a switchover needs a "
                    + "RUNNING standby.")
        }
        return createTask(.switchover, clusterId: clusterId, peerId: peer)
    }

    // MARK: - Pre-checks

    /// `failoverPreCheck`: valid when the cluster is a RUNNING standby, free, whose primary is not RUNNING.
    func failoverPreCheck(_ clusterId: Int) throws(SimulatorRefusal) -> PreCheckResult {
        guard let standby = clusters[clusterId] else { throw .clusterNotFound(clusterId) }
        var messages: [String] = []
        if standby.roles.type != .standby {
            messages.append("The cluster \(clusterLabel(clusterId)) is \(standby.roles.type): only a STANDBY can fail over.")
        }
        if standby.baseStatus != .running {
            messages.append("The standby cluster \(clusterLabel(clusterId)) is \(standby.baseStatus), not RUNNING.")
        }
        let peer = standby.roles.primaryId.flatMap { clusters[$0] }
        if let peer, peer.baseStatus == .running {
            messages.append(
                "The primary cluster \(clusterLabel(peer.id)) is still RUNNING: fail over only when the primary is "
                    + "down; switch over while it is up.")
        }
        if let refusal = conflict(over: [clusterId] + (peer.map { [$0.id] } ?? []), except: nil) {
            messages.append(refusal.message)
        }
        return PreCheckResult(valid: messages.isEmpty, messages: messages)
    }

    /// `switchoverPreCheck`: valid when the cluster is a RUNNING standby, free, whose primary is RUNNING
    /// and whose sync is not DISABLED.
    func switchoverPreCheck(_ clusterId: Int) throws(SimulatorRefusal) -> PreCheckResult {
        guard let standby = clusters[clusterId] else { throw .clusterNotFound(clusterId) }
        var messages: [String] = []
        if standby.roles.type != .standby {
            messages.append(
                "The cluster \(clusterLabel(clusterId)) is \(standby.roles.type): a switchover is started on the "
                    + "STANDBY.")
        }
        if standby.baseStatus != .running {
            messages.append("The standby cluster \(clusterLabel(clusterId)) is \(standby.baseStatus), not RUNNING.")
        }
        let peer = standby.roles.primaryId.flatMap { clusters[$0] }
        if let peer {
            if peer.baseStatus != .running {
                messages.append(
                    "The primary cluster \(clusterLabel(peer.id)) is \(peer.baseStatus), not RUNNING: switch over only "
                        + "while the primary is up; fail over when it is down.")
            }
        } else if standby.roles.type == .standby {
            messages.append("The standby cluster \(clusterLabel(clusterId)) has no primary cluster.")
        }
        if standby.roles.type == .standby, standby.roles.syncStatus == .disabled {
            messages.append("Log sync of the standby cluster \(clusterLabel(clusterId)) is DISABLED.")
        }
        if let refusal = conflict(over: [clusterId] + (peer.map { [$0.id] } ?? []), except: nil) {
            messages.append(refusal.message)
        }
        return PreCheckResult(valid: messages.isEmpty, messages: messages)
    }

    // MARK: - Reading

    static let maxPageSize = 2000

    static func checkPaging(page: Int, size: Int) throws(SimulatorRefusal) {
        guard page >= 1 else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.illegalArgument, message: "page must be 1 or more, not \(page).")
        }
        guard (1...maxPageSize).contains(size) else {
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.illegalArgument,
                message: "size must be between 1 and \(maxPageSize), not \(size).")
        }
    }

    static func paged<T>(_ all: [T], page: Int, size: Int) -> Page<T> {
        let start = min(all.count, (page - 1) * size)
        let end = min(all.count, start + size)
        let totalPages = (all.count + size - 1) / size
        return Page(
            contents: Array(all[start..<end]),
            page: Page<T>.Info(totalElements: all.count, totalPages: totalPages, number: page, size: size))
    }

    /// `GET /api/v2/ob/clusters`: by id, filtered by `name` (contains) and `status`.
    func clusterPage(_ query: ClusterQuery) throws(SimulatorRefusal) -> Page<Cluster> {
        try Self.checkPaging(page: query.page, size: query.size)
        var matching: [Cluster] = []
        for id in clusterIds {
            guard let c = clusters[id] else { continue }
            if let name = query.name, !c.name.contains(name) { continue }
            if let status = query.status, c.status != status { continue }
            matching.append(cluster(c))
        }
        return Self.paged(matching, page: query.page, size: query.size)
    }

    /// `GET /api/v2/ob/clusters/{id}` (a simulator convenience; OCP documents no such endpoint).
    func cluster(id: Int) throws(SimulatorRefusal) -> Cluster {
        guard let c = clusters[id] else { throw .clusterNotFound(id) }
        return cluster(c)
    }

    /// `GET /api/v2/tasks/instances`: summaries (no subtasks), newest first unless `sort` is `id,asc`.
    func taskPage(_ query: TaskQuery) throws(SimulatorRefusal) -> Page<TaskInstance> {
        try Self.checkPaging(page: query.page, size: query.size)
        let ascending: Bool
        switch (query.sort ?? "id,desc").filter({ $0 != " " }).lowercased() {
        case "id,desc": ascending = false
        case "id,asc", "id": ascending = true
        default:
            throw SimulatorRefusal(
                status: 400, code: OCPErrorCode.illegalArgument,
                message: "sort must be id,asc or id,desc, not \(query.sort ?? "").")
        }
        var matching: [TaskInstance] = []
        for id in ascending ? taskIds : taskIds.reversed() {
            guard let t = tasks[id] else { continue }
            if let status = query.status, t.status != status { continue }
            if let clusterId = query.clusterId, t.clusterId != clusterId { continue }
            if let tenantId = query.tenantId, t.tenantId != tenantId { continue }
            if let name = query.name, !t.name.contains(name) { continue }
            if let type = query.type, type != .manual { continue }
            matching.append(instance(t, form: .summary))
        }
        return Self.paged(matching, page: query.page, size: query.size)
    }

    func task(_ id: Int) throws(SimulatorRefusal) -> TaskInstance {
        guard let t = tasks[id] else { throw .taskNotFound(id) }
        return instance(t, form: .detail)
    }

    func subtaskLog(_ taskId: Int, _ subtaskId: Int) throws(SimulatorRefusal) -> String {
        guard let t = tasks[taskId] else { throw .taskNotFound(taskId) }
        guard let i = t.index(ofSubtask: subtaskId) else {
            throw SimulatorRefusal(
                status: 404, code: OCPErrorCode.taskNotFound,
                message: "The subtask \(subtaskId) does not exist in task \(taskId).")
        }
        return t.subtasks[i].log.joined(separator: "\n")
    }

    // MARK: - Answers

    /// Which shape of a task an answer gives.
    enum TaskForm {
        /// The failover/switchover POST answer, exactly the seed's fields: `creator` a string, no
        /// create/finish times, subtasks without times or executor.
        case created
        /// The task-detail GET (and retry/rollback answers): `creator` an object, times, subtasks.
        case detail
        /// A task list row: the detail without subtasks.
        case summary
    }

    func instance(_ t: TaskState, form: TaskForm) -> TaskInstance {
        let created = form == .created
        return TaskInstance(
            id: t.id, name: t.name, clusterId: t.clusterId, tenantId: t.tenantId, type: .manual, status: t.status, operation: t.operation,
            creator: created ? .name(options.userName) : .user(id: options.userId, name: options.userName),
            executor: options.executor, createTime: created ? nil : timestamp(t.createTime),
            startTime: timestamp(t.startTime), finishTime: created ? nil : t.finishTime.map(timestamp),
            prohibitRollback: t.prohibitRollback, taskDefinitionId: -1,
            subtasks: form == .summary ? nil : t.kind.answerOrder.map { subtask(t, $0, detail: !created) })
    }

    func subtask(_ t: TaskState, _ index: Int, detail: Bool) -> SubtaskInstance {
        let s = t.subtasks[index]
        return SubtaskInstance(
            id: s.id, name: s.name, description: s.name, seriesId: s.definition.seriesId, status: s.status,
            operation: s.operation, nodeType: "JAVA_TASK", parallelIdx: s.definition.parallelIdx, runTime: s.runTime,
            timeout: s.definition.timeout, prohibitRollback: s.definition.prohibitRollback,
            upstreams: s.upstreams.map { t.subtasks[$0].id }, downstreams: s.downstreams.map { t.subtasks[$0].id },
            executor: detail && s.startTime != nil ? options.executor : nil,
            startTime: detail ? s.startTime.map(timestamp) : nil, finishTime: detail ? s.finishTime.map(timestamp) : nil)
    }

    /// A cluster as OCP lists it: `syncStatus` and `delayTime` only for a standby; `standbyClusters`
    /// for a primary (empty when it has none).
    func cluster(_ c: ClusterState) -> Cluster {
        let standby = c.roles.type == .standby
        let links = c.roles.standbyIds.map { ClusterLink(id: $0, name: clusters[$0]?.name) }
        return Cluster(
            id: c.id, name: c.name, obClusterId: c.obClusterId, obVersion: c.obVersion, type: c.roles.type,
            status: c.status, syncStatus: standby ? c.roles.syncStatus : nil, delayTime: standby ? c.roles.delayTime : nil,
            primaryCluster: c.roles.primaryId.map { ClusterLink(id: $0, name: clusters[$0]?.name) },
            standbyClusters: c.roles.type == .primary || !links.isEmpty ? links : nil,
            createTime: timestamp(c.createTime), updateTime: timestamp(c.updateTime))
    }
}
