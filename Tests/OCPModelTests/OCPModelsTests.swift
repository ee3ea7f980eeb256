import Foundation
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

@Suite struct OCPModelsTests {
    private func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    // MARK: - The seed

    @Test func seedEnvelopeDecodesEveryField() throws {
        let envelope = try decode(OCPEnvelope<TaskInstance>.self, SeedExample.failoverAnswer)
        #expect(envelope.successful)
        #expect(envelope.duration == 148)
        #expect(envelope.server == "xxx.xxx.xxx.xxx")
        #expect(envelope.status == 200)
        #expect(envelope.traceId == "b0f5f8868349493c")
        #expect(envelope.timestamp?.description == "2022-09-05T13:39:18.451+08:00")
        #expect(envelope.timestamp?.millisecondsSince1970 == 1_662_356_358_451)
        #expect(envelope.error == nil)

        let task = try #require(envelope.data)
        #expect(task.clusterId == 6)
        #expect(task.creator == .name("admin"))
        #expect(task.executor == "xxx.xxx.xxx.xxx")
        #expect(task.id == 171_603)
        #expect(task.name == "Failover OB cluster")
        #expect(task.operation == .execute)
        #expect(task.prohibitRollback == false)
        #expect(task.startTime == OCPTimestamp("2022-09-05T13:39:18.441+08:00"))
        #expect(task.startTime?.utcOffsetSeconds == 8 * 3600)
        #expect(task.status == .running)
        #expect(task.taskDefinitionId == -1)
        #expect(task.type == .manual)
        #expect(task.tenantId == nil && task.hostId == nil && task.context == nil)
        #expect(task.createTime == nil && task.finishTime == nil)
        #expect(task.subtasks?.count == 9)
    }

    /// Every subtask of the seed, in the order written: id, name, seriesId, status, timeout,
    /// prohibitRollback, parallelIdx, upstreams, downstreams.
    static let seedSubtasks: [(Int, String, Int, String, Int, Bool, Int, [Int], [Int])] = [
        (202_625, "Wait node", 6, "PENDING", 30, false, -1, [202_621], [202_627]),
        (202_622, "Remove standby cluster", 3, "PENDING", 1800, true, 0, [202_620], [202_624]),
        (202_620, "Sync all cluster info", 7, "PENDING", 60, false, -1, [202_627], [202_622]),
        (202_628, "Failover to Primary", 4, "PENDING", 1800, true, -1, [202_626], [202_621]),
        (202_623, "Mc lock ob clusters", 8, "READY", 60, false, -1, [], [202_626]),
        (202_621, "Update OB cluster status", 1, "PENDING", 30, false, 0, [202_628], [202_625]),
        (202_626, "Failover to Primary Check", 5, "PENDING", 1800, true, -1, [202_623], [202_628]),
        (202_627, "Mc ob failover update mc ob cluster", 0, "PENDING", 60, false, -1, [202_625], [202_620]),
        (202_624, "Mc unlock ob clusters", 2, "PENDING", 60, false, -1, [202_622], []),
    ]

    @Test func seedSubtasksDecodeEveryField() throws {
        let envelope = try decode(OCPEnvelope<TaskInstance>.self, SeedExample.failoverAnswer)
        let subtasks = try #require(envelope.data?.subtasks)
        #expect(subtasks.count == Self.seedSubtasks.count)
        for (s, e) in zip(subtasks, Self.seedSubtasks) {
            #expect(s.id == e.0)
            #expect(s.name == e.1)
            #expect(s.description == e.1)
            #expect(s.seriesId == e.2)
            #expect(s.status.rawValue == e.3)
            #expect(s.timeout == e.4)
            #expect(s.prohibitRollback == e.5)
            #expect(s.parallelIdx == e.6)
            #expect(s.upstreams == e.7)
            #expect(s.downstreams == e.8)
            #expect(s.nodeType == "JAVA_TASK")
            #expect(s.operation == .execute)
            #expect(s.runTime == 1)
            #expect(s.executor == nil && s.startTime == nil && s.finishTime == nil)
        }
    }

    @Test func seedExecutionOrderFollowsLinksAndMatchesTheDefinition() throws {
        let task = try #require(try decode(OCPEnvelope<TaskInstance>.self, SeedExample.failoverAnswer).data)
        let order = task.subtasksInExecutionOrder
        #expect(order.map(\.name) == TaskDefinition.failover.subtaskNames)
        for (s, d) in zip(order, TaskDefinition.failover.subtasks) {
            #expect(s.seriesId == d.seriesId)
            #expect(s.timeout == d.timeout)
            #expect(s.prohibitRollback == d.prohibitRollback)
            #expect(s.parallelIdx == d.parallelIdx)
        }
    }

    @Test func seedRoundTripsThroughEncoding() throws {
        let envelope = try decode(OCPEnvelope<TaskInstance>.self, SeedExample.failoverAnswer)
        let again = try decode(OCPEnvelope<TaskInstance>.self, String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self))
        #expect(again.data == envelope.data)
        let original = try decode(JSONValue.self, SeedExample.failoverAnswer)
        let encoded = try decode(JSONValue.self, String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self))
        #expect(encoded == original)
    }

    // MARK: - Tolerance

    @Test(arguments: [
        (#"{"id":1,"name":"admin"}"#, Creator.user(id: 1, name: "admin")),
        (#""admin""#, Creator.name("admin")),
        (#"{"name":"ops","extra":true}"#, Creator.user(id: nil, name: "ops")),
    ])
    func creatorDecodesBothForms(json: String, expected: Creator) throws {
        let creator = try decode(Creator.self, json)
        #expect(creator == expected)
        #expect(creator.userName == expected.userName)
    }

    @Test(arguments: [
        (#"{"code":"TSK10001","message":"The 171603 task does not exist."}"#, "TSK10001"),
        (#"{"code":60018,"message":"x","debugMessage":"d","target":"t","subErrors":[{"a":1}],"more":1}"#, "60018"),
        (#"{"message":"no code"}"#, nil),
    ])
    func errorCodeIsStringOrNumberAndExtraFieldsAreTolerated(json: String, code: String?) throws {
        let body = try decode(OCPErrorBody.self, json)
        #expect(body.code == code)
        #expect(body.message != nil)
    }

    @Test func errorEnvelopeDecodes() throws {
        let text = #"""
            { "successful": false, "status": 404, "timestamp": "2022-09-05T13:39:18.451+08:00", "duration": 0,
              "traceId": "0123456789abcdef", "server": "10.0.0.1", "unknown": [1, 2],
              "error": { "code": "TSK10001", "message": "The 171603 task does not exist.", "debugMessage": "x" } }
            """#
        let envelope = try decode(OCPEnvelope<TaskInstance>.self, text)
        #expect(!envelope.successful)
        #expect(envelope.data == nil)
        #expect(envelope.status == 404)
        #expect(envelope.error?.code == "TSK10001")
        #expect(envelope.error?.debugMessage == "x")
    }

    @Test func unknownFieldsAndWordsAreIgnoredOrKept() throws {
        let text = #"""
            { "id": 9, "name": "x", "status": "PAUSED", "newField": {"a": [1]}, "subtasks": [
              { "id": 1, "name": "s", "status": "WAITING", "operation": "SOMETHING", "brandNew": 3 } ] }
            """#
        let task = try decode(TaskInstance.self, text)
        #expect(task.status.rawValue == "PAUSED")
        #expect(!task.status.isTerminal)
        #expect(task.subtasks?.first?.status.rawValue == "WAITING")
        #expect(task.subtasks?.first?.operation?.rawValue == "SOMETHING")
    }

    // MARK: - Timestamps

    @Test(arguments: [
        ("2022-09-05T13:39:18.441+08:00", Int64(1_662_356_358_441), 28_800, "2022-09-05T13:39:18.441+08:00"),
        ("2022-09-05T05:39:18Z", Int64(1_662_356_358_000), 0, "2022-09-05T05:39:18.000+00:00"),
        ("2022-09-05T13:39:18.4+0800", Int64(1_662_356_358_400), 28_800, "2022-09-05T13:39:18.400+08:00"),
        ("2022-09-04T21:39:18.441-08:00", Int64(1_662_356_358_441), -28_800, "2022-09-04T21:39:18.441-08:00"),
    ])
    func timestampsKeepOffsetAndMilliseconds(text: String, millis: Int64, offset: Int, printed: String) throws {
        let t = try #require(OCPTimestamp(text))
        #expect(t.millisecondsSince1970 == millis)
        #expect(t.utcOffsetSeconds == offset)
        #expect(t.description == printed)
    }

    @Test(arguments: [
        "2022-09-05", "2022-13-05T00:00:00Z", "2022-09-05T13:39:18.+08:00", "2022-09-05T13:39:18+8",
        "2023-02-31T00:00:00Z", "2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2022-04-31T00:00:00Z",
        "2022-09-05T13:39:18+25:00", "2022-09-05T13:39:18+08:60",
    ])
    func malformedTimestampsAreRejected(text: String) {
        #expect(OCPTimestamp(text) == nil)
    }

    @Test(arguments: ["2024-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "2022-12-31T23:59:59+14:00"])
    func calendarEdgesAreAccepted(text: String) {
        #expect(OCPTimestamp(text) != nil)
    }

    @Test func orderAgreesWithEqualityForOneInstantWrittenTwoWays() throws {
        let utc = try #require(OCPTimestamp("2022-09-05T05:39:18Z"))
        let shanghai = try #require(OCPTimestamp("2022-09-05T13:39:18+08:00"))
        #expect(utc.millisecondsSince1970 == shanghai.millisecondsSince1970)
        #expect(utc != shanghai)
        // Exactly one of <, ==, > holds, as Comparable requires.
        #expect(utc < shanghai && !(shanghai < utc))
        #expect(utc.duration(to: shanghai) == .zero)
    }

    @Test func addingSaturatesInsteadOfTrapping() {
        let last = OCPTimestamp(millisecondsSince1970: .max - 1, utcOffsetSeconds: 0)
        #expect(last.adding(.seconds(10)).millisecondsSince1970 == .max)
        let first = OCPTimestamp(millisecondsSince1970: .min + 1, utcOffsetSeconds: 0)
        #expect(first.adding(.seconds(-10)).millisecondsSince1970 == .min)
        #expect(first.duration(to: last) == .milliseconds(Int64.max))
        #expect(last.duration(to: first) == .milliseconds(Int64.min))
    }

    @Test func simulatorEpochIsTheSeedStartTime() {
        #expect(SimulatorOptions.seedEpoch == OCPTimestamp("2022-09-05T13:39:18.441+08:00"))
        #expect(SimulatorOptions.seedEpoch.description == "2022-09-05T13:39:18.441+08:00")
    }

    // MARK: - Pages and clusters

    @Test func pageDecodes() throws {
        let text = #"""
            { "contents": [ { "id": 6, "name": "obcluster-sh", "type": "STANDBY", "status": "RUNNING",
                "syncStatus": "VALID", "delayTime": 2, "primaryCluster": { "id": 5, "name": "obcluster-hz" },
                "zones": [ { "name": "zone1" } ], "obVersion": "4.2.1.0", "futureField": 1 } ],
              "page": { "totalElements": 1, "totalPages": 1, "number": 1, "size": 10 } }
            """#
        let page = try decode(Page<Cluster>.self, text)
        #expect(page.page == Page<Cluster>.Info(totalElements: 1, totalPages: 1, number: 1, size: 10))
        let c = try #require(page.contents.first)
        #expect(c.type == .standby && c.status == .running && c.syncStatus == .valid && c.delayTime == 2)
        #expect(c.primaryCluster == ClusterLink(id: 5, name: "obcluster-hz"))
        #expect(c.zones?.count == 1)
    }

    @Test func clusterLinkAcceptsABareId() throws {
        #expect(try decode(ClusterLink.self, "7") == ClusterLink(id: 7))
    }

    @Test func preCheckResultDecodesWithoutMessages() throws {
        let data = try decode(PreCheckData.self, #"{"result":{"valid":true}}"#)
        #expect(data.result == PreCheckResult(valid: true, messages: []))
    }

    // MARK: - Envelope building

    @Test func failureEnvelopeCarriesTheError() throws {
        let error = OCPError(
            .api, call: OCPRequest(.getTask, [9]).call, httpStatus: 404, code: "TSK10001", message: "The 9 task does not exist.",
            traceId: "0123456789abcdef")
        let envelope = OCPEnvelope<TaskInstance>.failure(error, timestamp: SimulatorOptions.seedEpoch, server: "s")
        let json = try decode(JSONValue.self, String(decoding: try JSONEncoder().encode(envelope), as: UTF8.self))
        #expect(
            json == .object([
                "successful": .bool(false), "status": .number(404), "timestamp": .string("2022-09-05T13:39:18.441+08:00"),
                "duration": .number(0), "traceId": .string("0123456789abcdef"), "server": .string("s"),
                "error": .object(["code": .string("TSK10001"), "message": .string("The 9 task does not exist.")]),
            ]))
        #expect(error.description == "GET /api/v2/tasks/instances/9: HTTP 404 TSK10001: The 9 task does not exist. (traceId 0123456789abcdef)")
    }
}
