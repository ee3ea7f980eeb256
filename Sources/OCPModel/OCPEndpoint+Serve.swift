/// The table from endpoint to typed call that lets any ``OCPClient`` answer HTTP requests
/// (`runbook serve`): the server parses a request into an ``OCPRequest``, and this sends it as
/// the endpoint's operation and hands back the answer's `data`, ready to encode.
extension OCPEndpoint {
    /// Sends `request` through `client` as this endpoint's operation.
    package func serve(_ request: OCPRequest, with client: any OCPClient) async throws(OCPError) -> OCPAnswerData {
        switch self {
        case .failoverPreCheck, .switchoverPreCheck: try await forward(PreCheckData.self, request, client)
        case .failover, .switchover, .getTask, .retryTask, .rollbackTask: try await forward(TaskInstance.self, request, client)
        case .listClusters: try await forward(Page<Cluster>.self, request, client)
        case .getCluster: try await forward(Cluster.self, request, client)
        case .listTasks: try await forward(Page<TaskInstance>.self, request, client)
        case .subtaskLog: try await forward(SubtaskLog.self, request, client)
        case .retrySubtask: try await forward(SubtaskInstance.self, request, client)
        case .listTenants, .listClusterTenants: try await forward(Page<Tenant>.self, request, client)
        case .getTenant: try await forward(Tenant.self, request, client)
        case .tenantSwitchoverPreCheck: try await forward(TenantSwitchoverPreCheckResult.self, request, client)
        case .tenantFailoverPreCheck: try await forward(TenantPreCheckResult.self, request, client)
        case .tenantSwitchover, .tenantFailover: try await forward(TaskInstance.self, request, client)
        case .tenantsSwitchoverPreCheck: try await forward(Contents<TenantSwitchoverPreCheckResult>.self, request, client)
        case .tenantsFailoverPreCheck: try await forward(Contents<TenantPreCheckResult>.self, request, client)
        case .tenantsSwitchover, .tenantsFailover: try await forward(Contents<TaskInstance>.self, request, client)
        case .skipSubtask, .cancelSubtask:
            try await { () async throws(OCPError) -> OCPAnswerData in
                _ = try await client.send(OCPOperation<NoPayload>(request))
                return OCPAnswerData(nil)
            }()
        }
    }

    private func forward<R: Codable & Sendable>(_ type: R.Type, _ request: OCPRequest, _ client: any OCPClient)
        async throws(OCPError) -> OCPAnswerData
    {
        OCPAnswerData(try await client.send(OCPOperation<R>(request)))
    }
}

/// The `data` of an answer, of whichever type its endpoint returns; nil for answers without data
/// (skip, cancel).
package struct OCPAnswerData: Sendable, Encodable {
    package let value: (any Encodable & Sendable)?

    package init(_ value: (any Encodable & Sendable)?) {
        self.value = value
    }

    package func encode(to encoder: any Encoder) throws {
        if let value {
            try value.encode(to: encoder)
        } else {
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        }
    }
}
