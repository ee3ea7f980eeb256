import Foundation
import RunbookTestSupport
import Testing

/// `runbook plan --format json` as other tools read it: one object on standard output, the same
/// steps and calls as the text plan, and the errors `check --format json` reports.
@Suite(.serialized)
struct PlanCommandTests {
    private func object(_ text: String) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(value as? [String: Any], "not a JSON object: \(text)")
    }

    private func steps(_ plan: [String: Any]) throws -> [[String: Any]] {
        try #require(plan["steps"] as? [[String: Any]])
    }

    @Test func theDrillsPlanAsJSON() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let drill = CLI.example("failover-drill.yaml")
        let result = try await CLI.run(["plan", drill, "--format", "json"], in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let plan = try object(result.stdout)
        #expect(plan["file"] as? String == drill)
        #expect(plan["runbook"] as? String == "Fail over ob-prod-sh (cluster 6) to primary")
        #expect(plan["target"] as? String == "embedded")
        #expect((plan["diagnostics"] as? [Any])?.isEmpty == true)
        let all = try steps(plan)
        #expect(all.map { $0["label"] as? String } == (0..<7).map { "steps[\($0)]" })
        let failover = all[2]
        #expect(failover["phrase"] as? String == "failover cluster: 6")
        #expect(failover["changesSystem"] as? Bool == true)
        #expect(failover["calls"] as? [String] == ["POST /api/v2/ob/clusters/6/failover"])
        #expect(failover["block"] as? String == "steps")
        #expect(failover["path"] as? [Int] == [2])
        #expect((failover["items"] as? [Any])?.isEmpty == true)
        #expect(failover["file"] as? String == drill)
        #expect(failover["line"] as? Int == 14)
        #expect(failover["column"] as? Int == 5)
        #expect(failover["detail"] is NSNull)
        let wait = all[3]
        #expect(wait["changesSystem"] as? Bool == false)
        #expect((wait["detail"] as? String)?.contains("timeout 30m") == true, "\(wait)")
    }

    /// Every step and call of the text plan is in the JSON, in the same order.
    @Test(arguments: ["failover-drill.yaml", "fleet-failover.yaml", "rollback-refused.yaml", "switchover-rehearsal.yaml"])
    func jsonMirrorsTheTextPlan(example: String) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = CLI.example(example)
        let text = try await CLI.run(["plan", file], in: folder)
        let json = try await CLI.run(["plan", file, "--format", "json"], in: folder)
        #expect(text.status == 0 && json.status == 0, "\(text.stderr)\(json.stderr)")
        let all = try steps(try object(json.stdout))
        var rendered: [String] = []
        for step in all {
            let label = try #require(step["label"] as? String), phrase = try #require(step["phrase"] as? String)
            let line = try #require(step["line"] as? Int), column = try #require(step["column"] as? Int)
            rendered.append("\(label)  \(phrase)  (\(file):\(line):\(column))")
            for call in try #require(step["calls"] as? [String]) { rendered.append("→ \(call)") }
        }
        let lines = text.stdout.split(separator: "\n").map { $0.drop(while: { $0 == " " || $0 == "!" }) }
            .filter { $0.contains("  (\(file):") || $0.hasPrefix("→ ") }.map(String.init)
        #expect(!rendered.isEmpty)
        #expect(lines == rendered)
    }

    @Test func loopItemsAreNamed() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["plan", CLI.example("fleet-failover.yaml"), "--format", "json"], in: folder)
        #expect(result.status == 0)
        let all = try steps(try object(result.stdout))
        let second = try #require(all.first { $0["label"] as? String == "steps[0]/standby=4[1]" })
        #expect(second["path"] as? [Int] == [0, 1, 1])
        #expect(second["items"] as? [[String: String]] == [["variable": "standby", "value": "4"]])
        #expect(second["calls"] as? [String] == ["POST /api/v2/ob/clusters/4/failover"])
    }

    /// An invalid runbook: exit 2, no steps, and its diagnostics as `check --format json` gives them.
    @Test func anInvalidRunbookGivesCheckDiagnostics() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(
            "runbook: Typo\nsteps:\n  - failover cluster: 6\n  - awiat task status: SUCCESS\n", to: folder, as: "typo.yaml")
        let plan = try await CLI.run(["plan", file, "--format", "json"], in: folder)
        let check = try await CLI.run(["check", file, "--format", "json"], in: folder)
        #expect(plan.status == 2)
        #expect(plan.stderr == "runbook: error: \(file) is invalid (1 error); nothing was planned\n")
        let object = try object(plan.stdout)
        #expect(object["runbook"] is NSNull)
        #expect(object["target"] is NSNull)
        #expect(try steps(object).isEmpty)
        let fromCheck = try #require(try JSONSerialization.jsonObject(with: Data(check.stdout.utf8)) as? [[String: Any]])
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.count == 1)
        #expect(NSArray(array: diagnostics).isEqual(to: fromCheck))
        #expect(diagnostics.first?["line"] as? Int == 4)
        #expect(diagnostics.first?["severity"] as? String == "error")
    }

    @Test func aMissingFileIsADiagnostic() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["plan", "missing.yaml", "--format", "json"], in: folder)
        #expect(result.status == 2)
        let diagnostics = try #require(try object(result.stdout)["diagnostics"] as? [[String: Any]])
        #expect(diagnostics.first?["file"] as? String == "missing.yaml")
        #expect(diagnostics.first?["message"] as? String == "no such file")
    }

    /// A target that would be refused is an error of the plan, with id `target`.
    @Test func aRefusedTargetIsADiagnostic() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(
            "runbook: t\ntarget: ${env.RUNBOOK_PLAN_TEST_UNSET}\nsteps:\n  - failover cluster: 6\n", to: folder, as: "t.yaml")
        let result = try await CLI.run(["plan", file, "--format", "json"], in: folder)
        #expect(result.status == 2)
        #expect(result.stderr == "runbook: error: the target of \(file) cannot be used; nothing was planned\n")
        let object = try object(result.stdout)
        #expect(try steps(object).isEmpty)
        let diagnostics = try #require(object["diagnostics"] as? [[String: Any]])
        let target = try #require(diagnostics.first { $0["id"] as? String == "target" }, "\(diagnostics)")
        #expect(target["line"] as? Int == 2)
        #expect(target["column"] as? Int == 9)
        #expect((target["message"] as? String)?.contains("RUNBOOK_PLAN_TEST_UNSET, which is not set") == true)
    }
}
