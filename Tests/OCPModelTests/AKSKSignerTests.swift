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

@Suite struct AKSKSignerTests {
    /// The vector published with OCP's API documentation (reference section 7).
    static let published = AKSKSigner.Request(
        method: "POST", path: "/api/v2/compute/idcs",
        body: Array(#"{"name":"test01","description":"test","regionId":1}"#.utf8), contentType: "application/json",
        date: "Tue, 17 Jan 2023 09:13:57 GMT", host: "ocp.alibaba.net:8080", headers: [("x-ocp-data", "A,1")])

    @Test func publishedTestVector() {
        let signer = AKSKSigner(accessKeyId: "cqammmxBpfGjFlto", accessKeySecret: "2fc0c299cc94c6be266f2ceece765d4d")
        #expect(signer.signature(for: Self.published) == "XN8P+O+v3vUabB16ZCooq5wMJoY=")
        #expect(
            signer.authorization(for: Self.published)
                == "OCP-ACCESS-KEY-HMACSHA1 cqammmxBpfGjFlto:XN8P+O+v3vUabB16ZCooq5wMJoY=")
    }

    @Test func messageKeepsEmptyPartsAndSortsHeadersAndQuery() {
        let request = AKSKSigner.Request(
            method: "get", path: "/api/v2/tasks/instances",
            query: [("size", "10"), ("name", "Failover OB cluster"), ("a", "1"), ("a", "2")],
            date: "Tue, 17 Jan 2023 09:13:57 GMT", host: "ocp:8080",
            headers: [("X-OCP-B", "2"), ("x-ocp-a", "1"), ("x-ocp-a", "3"), ("Accept", "application/json")])
        #expect(
            AKSKSigner.message(for: request)
                == "GET\n\n\nTue, 17 Jan 2023 09:13:57 GMT\nocp:8080\nx-ocp-a:1,3\nx-ocp-b:2\n"
                + "/api/v2/tasks/instances?a=1,2&name=Failover%20OB%20cluster&size=10")
    }

    @Test func httpDateRoundTrips() throws {
        let date = Date(timeIntervalSince1970: 1_673_946_837)
        #expect(AKSKSigner.httpDate(date) == "Tue, 17 Jan 2023 09:13:57 GMT")
        #expect(try #require(AKSKSigner.parseHTTPDate("Tue, 17 Jan 2023 09:13:57 GMT")) == date)
    }
}
