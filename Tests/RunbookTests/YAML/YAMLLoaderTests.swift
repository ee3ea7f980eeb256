import Testing
@testable import Runbook

@Suite struct YAMLLoaderTests {
    @Test func loadsNestedMappingWithLocations() throws {
        let node = try #require(try YAMLLoader().load("runbook: x\nsteps:\n  - failover cluster: 6\n", file: "a.yaml"))
        let pairs = try #require(node.mapping)
        #expect(pairs.map { $0.key.scalar?.text } == ["runbook", "steps"])
        let step = try #require(pairs[1].value.sequence?.first)
        #expect(step.location == SourceLocation(file: "a.yaml", line: 3, column: 5))
        #expect(step.mapping?.first?.value.resolvedScalar == .int(6))
    }

    @Test func duplicateKeyPointsAtSecondOccurrence() {
        #expect(throws: Diagnostic.error("yaml.duplicate-key", "duplicate key 'a' in this mapping (first at line 1)",
                                         at: SourceLocation(file: "d.yaml", line: 3, column: 1))) {
            try YAMLLoader().load("a: 1\nb: 2\na: 3\n", file: "d.yaml")
        }
    }
}
