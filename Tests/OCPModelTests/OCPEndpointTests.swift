import RunbookTestSupport
import Testing

@testable import OCPHTTP
@_spi(Testing) @testable import OCPHTTPServer
@testable import OCPModel
@testable import OCPSimulation
@testable import Runbook
@testable import RunbookEngine
@testable import RunbookLanguage
@testable import RunbookStepLog
@testable import RunbookSupport
@testable import RunbookYAML

@Suite struct OCPEndpointTests {
    @Test(arguments: [
        ("POST", "/api/v2/ob/clusters/6/failover", OCPEndpoint.failover, 6, nil),
        ("post", "/api/v2/ob/clusters/6/failoverPreCheck", .failoverPreCheck, 6, nil),
        ("POST", "/api/v2/ob/clusters/7/switchover", .switchover, 7, nil),
        ("POST", "/api/v2/ob/clusters/7/switchoverPreCheck", .switchoverPreCheck, 7, nil),
        ("GET", "/api/v2/ob/clusters?page=1&size=10", .listClusters, nil, nil),
        ("GET", "/api/v2/ob/clusters/5", .getCluster, 5, nil),
        ("GET", "/api/v2/tasks/instances", .listTasks, nil, nil),
        ("GET", "/api/v2/tasks/instances/171603", .getTask, 171_603, nil),
        ("POST", "/api/v2/tasks/instances/171603/retry", .retryTask, 171_603, nil),
        ("POST", "/api/v2/tasks/instances/171603/rollback", .rollbackTask, 171_603, nil),
        ("GET", "/api/v2/tasks/instances/1/subtasks/2/log", .subtaskLog, 1, 2),
        ("POST", "/api/v2/tasks/instances/1/subtasks/2/retry", .retrySubtask, 1, 2),
        ("POST", "/api/v2/tasks/instances/1/subtasks/2/skip", .skipSubtask, 1, 2),
        ("POST", "/api/v2/tasks/instances/1/subtasks/2/cancel", .cancelSubtask, 1, 2),
    ] as [(String, String, OCPEndpoint, Int?, Int?)])
    func matchFindsEndpointAndIds(method: String, path: String, endpoint: OCPEndpoint, id: Int?, subtaskId: Int?) throws {
        let found = try #require(OCPEndpoint.match(method: method, path: path))
        #expect(found.endpoint == endpoint)
        #expect(found.pathValues == [id, subtaskId].compactMap { $0 })
        // The concrete path rebuilt from the ids is the path without its query.
        #expect(endpoint.path(found.pathValues) == String(path.split(separator: "?")[0]))
    }

    @Test(arguments: [
        ("GET", "/api/v2/ob/clusters/6/failover"),
        ("POST", "/api/v2/ob/clusters/x/failover"),
        ("POST", "/api/v2/ob/clusters/-1/failover"),
        ("DELETE", "/api/v2/tasks/instances/1"),
        ("GET", "/api/v2/tasks"),
    ])
    func matchRejectsOtherRequests(method: String, path: String) {
        #expect(OCPEndpoint.match(method: method, path: path) == nil)
    }

    @Test func signaturesParseBack() {
        for endpoint in OCPEndpoint.allCases {
            #expect(OCPEndpoint(signature: endpoint.signature) == endpoint)
        }
        #expect(OCPEndpoint(signature: "get   /api/v2/tasks/instances/{taskId}") == .getTask)
        #expect(OCPEndpoint(signature: "GET /api/v2/tasks/instances/7") == nil)
    }
}
