import OCPModel
import Probes
import RunbookSupport
import RunbookYAML

/// Decodes the embedded simulator's setup from YAML: a runbook's `simulate:` block, or a whole
/// topology file for `runbook serve --topology FILE` (the same keys at its top level).
///
/// Keys: `speed` (`instant`, `realtime` or a factor such as `60x`), `clusters` (a list of cluster
/// specs: `id`, `name`, `type`, `status`, `primary`, `delayTime`, `syncStatus`, `obVersion`,
/// `obproxy`), `tenants` (OceanBase 4.x tenants: `id`, `name`, `cluster`, `role`, `primary`, `lag`,
/// `reachable`, `syncStatus`, `serviceName`) and `faults` (subtask faults: `subtask`, `fail`,
/// `message`, `hang`, `takes`, `cluster`, `tenant`; API faults: `endpoint`, `status`, `times`).
/// Every problem is reported with its location; a subtask name that OCP's cluster and tenant
/// tasks do not have is a warning.
package enum SimulateBlockDecoder {
    /// The result of decoding: the setup (nil when there are errors) and every diagnostic.
    package struct Outcome: Sendable {
        package var block: SimulateBlock?
        package var diagnostics: [Diagnostic]

        package var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
    }

    /// The keys of a simulate block or topology file.
    package static let keys = ["speed", "clusters", "tenants", "faults", "services"]
    static let serviceKeys = ["probe", "tenant", "cluster", "reroute", "answer"]
    static let clusterKeys = ["id", "name", "type", "status", "primary", "delayTime", "syncStatus", "obVersion", "obproxy"]
    static let tenantKeys = ["id", "name", "cluster", "role", "primary", "lag", "reachable", "syncStatus", "serviceName"]
    static let subtaskFaultKeys = ["subtask", "cluster", "tenant", "fail", "message", "hang", "takes"]
    static let apiFaultKeys = ["endpoint", "status", "times"]

    /// The endpoints an API fault may name (reference section 1), as `METHOD /path/{param}`.
    package static let endpoints = OCPEndpoint.allCases.map(\.signature)

    /// Decodes a `simulate:` block (`path` names it in messages) or a topology file's root mapping
    /// (`path` nil).
    package static func decode(_ node: Node, path: String? = "simulate") -> Outcome {
        var reader = NodeReader()
        let setup = decode(node, path: path, reader: &reader)
        let diagnostics = NodeReader.ordered(reader.diagnostics, file: node.location.file)
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return Outcome(block: hasErrors ? nil : setup, diagnostics: diagnostics)
    }

    /// Loads and decodes a topology file (`runbook serve --topology FILE`).
    package static func decodeTopology(bytes: [UInt8], file: String) -> Outcome {
        do throws(DiagnosticList) {
            guard let root = try YAMLLoader().loadReportingAll(bytes: bytes, file: file) else {
                let location = SourceLocation(file: file, line: 1, column: 1)
                return Outcome(
                    block: nil,
                    diagnostics: [
                        .error("simulate.empty", "the topology file is empty: give 'clusters', 'speed' or 'faults'", at: location)
                    ])
            }
            return decode(root, path: nil)
        } catch {
            return Outcome(block: nil, diagnostics: error.diagnostics)
        }
    }

    // MARK: - Decoding

    static func decode(_ node: Node, path: String?, reader: inout NodeReader) -> SimulateBlock {
        func named(_ key: String) -> String { path.map { "\($0).\(key)" } ?? key }
        var setup = SimulateBlock()
        guard let fields = reader.fields(node, what: path ?? "the topology", allowed: keys, unknownID: "simulate.unknown-key")
        else { return setup }
        var tenantsNode: Node?
        var servicesNode: Node?
        for (key, _, value) in fields {
            switch key {
            case "speed":
                if let text = reader.string(value, what: named("speed"), lenient: true) {
                    if let speed = SimulationSpeed(text) {
                        setup.speed = speed
                    } else {
                        let hint = Double(text) != nil ? "; did you mean '\(text)x'?" : ""
                        reader.error(
                            "simulate.speed", "'\(text)' is not a speed: write instant, realtime or a factor such as 60x (from 0.001x to 1000000x)" + hint,
                            at: value.location)
                    }
                }
            case "clusters":
                setup.clusters = clusters(value, what: named("clusters"), reader: &reader)
            case "tenants":
                tenantsNode = value
            case "services":
                servicesNode = value
            default:
                setup.faults = faults(value, what: named("faults"), reader: &reader)
            }
        }
        // Tenants name clusters, wherever `clusters` is written.
        if let tenantsNode {
            let clusterIds = setup.clusters.map { $0.map(\.id) } ?? SimulateBlock.defaultClusterIds
            setup.tenants = tenants(tenantsNode, what: named("tenants"), clusterIds: clusterIds, reader: &reader)
        }
        if let servicesNode {
            let clusterIds = setup.clusters.map { $0.map(\.id) } ?? SimulateBlock.defaultClusterIds
            let names = setup.tenants.map { $0.map(\.name) } ?? (setup.clusters == nil ? SimulateBlock.defaultTenantNames : [])
            setup.services = services(
                servicesNode, what: named("services"), clusterIds: Set(clusterIds), tenantNames: Set(names), reader: &reader)
        }
        return setup
    }

    /// A probe's target as `services:` writes it: a URL (`http://`, `https://`), a `host:port`, a
    /// list (a program and its arguments) or any other text (a command for `/bin/sh -c`).
    package static func probeTarget(_ text: String) -> ProbeTarget {
        if text.hasPrefix("http://") || text.hasPrefix("https://") { return .http(url: text) }
        if let (host, port) = ProbeTarget.address(text) { return .tcp(host: host, port: port) }
        return .command(argv: ["/bin/sh", "-c", text])
    }

    private static func services(
        _ node: Node, what: String, clusterIds: Set<Int>, tenantNames: Set<String>, reader: inout NodeReader
    ) -> [SimulateBlock.Service] {
        guard let items = node.sequence else {
            reader.wrongType(what, expected: "a list of services, such as '- {probe: URL, tenant: NAME}'", node: node)
            return []
        }
        var out: [SimulateBlock.Service] = []
        for item in items {
            guard let fields = reader.fields(item, what: "a service", allowed: serviceKeys, unknownID: "simulate.unknown-key")
            else { continue }
            var service = SimulateBlock.Service(probe: .command(argv: []), location: item.location)
            var hasProbe = false
            var valid = true
            for (key, _, value) in fields {
                switch key {
                case "probe":
                    if let list = value.sequence {
                        let argv = list.compactMap { reader.string($0, what: "an argument of the probe", lenient: true) }
                        guard !argv.isEmpty, argv.count == list.count else {
                            if list.isEmpty { reader.error("simulate.service", "a command probe needs a program", at: value.location) }
                            valid = false
                            continue
                        }
                        service.probe = .command(argv: argv)
                        hasProbe = true
                    } else if let text = reader.string(value, what: "probe") {
                        guard !text.trimmingSpaces.isEmpty else {
                            reader.error("simulate.service", "a service's probe is a URL, HOST:PORT or a command", at: value.location)
                            valid = false
                            continue
                        }
                        service.probe = probeTarget(text)
                        hasProbe = true
                    } else {
                        valid = false
                    }
                case "tenant":
                    guard let name = reader.string(value, what: "tenant", lenient: true) else {
                        valid = false
                        continue
                    }
                    if !tenantNames.contains(name) {
                        let known = tenantNames.sorted()
                        reader.error(
                            "simulate.service",
                            "no simulated tenant is named '\(name)'"
                                + (known.isEmpty ? " (the block lists no tenants)" : Suggestion.didYouMean(name, among: known)),
                            at: value.location)
                        valid = false
                    }
                    service.tenant = name
                case "cluster":
                    guard let id = reader.integer(value, what: "cluster", minimum: 1, maximum: SimulateBlock.maxId) else {
                        valid = false
                        continue
                    }
                    if !clusterIds.contains(id) {
                        reader.error(
                            "simulate.service",
                            "there is no cluster \(id) in the simulated topology (clusters \(clusterIds.sorted().map(String.init).joined(separator: ", ")))",
                            at: value.location)
                        valid = false
                    }
                    service.cluster = id
                case "reroute":
                    if let d = reader.fixedDuration(value, what: "reroute") { service.reroute = d } else { valid = false }
                default:  // answer
                    service.answer = reader.string(value, what: "answer", lenient: true)
                }
            }
            if !hasProbe, valid {
                reader.error("simulate.service", "a service needs its 'probe': a URL, HOST:PORT or a command", at: item.location)
                valid = false
            }
            if (service.tenant == nil) == (service.cluster == nil), valid {
                reader.error(
                    "simulate.service", "a service is served by a 'tenant' (by name) or a 'cluster' (by id): give one of them",
                    at: item.location)
                valid = false
            }
            if let earlier = out.first(where: { $0.probe == service.probe }), valid {
                reader.error(
                    "simulate.service", "the probe \(service.probe) is already a service at line \(earlier.location.line)",
                    at: item.location)
                valid = false
            }
            if valid { out.append(service) }
        }
        return out
    }

    private static func tenants(_ node: Node, what: String, clusterIds: [Int], reader: inout NodeReader)
        -> [SimulateBlock.Tenant]?
    {
        guard let items = node.sequence else {
            reader.wrongType(what, expected: "a list of tenants", node: node)
            return nil
        }
        var specs: [SimulateBlock.Tenant] = []
        // Where each tenant id is first written (a region's worth of tenants is thousands long).
        var lines: [Int: Int] = [:]
        let clusterSet = Set(clusterIds)
        var primaries: [(primary: Int, node: Node, standby: Int)] = []
        for item in items {
            guard let fields = reader.fields(item, what: "a tenant", allowed: tenantKeys, unknownID: "simulate.unknown-key") else {
                continue
            }
            var id: Int?
            var name: String?
            var cluster: (Int, Node)?
            var role: TenantRole?
            var primary: (Int, Node)?
            var lag: (Duration, Node)?
            var reachable = true
            var sync = TenantSyncStatus.valid
            var serviceName: String?
            for (key, _, value) in fields {
                switch key {
                case "id": id = reader.integer(value, what: "id", minimum: 1, maximum: SimulateBlock.maxId)
                case "name": name = reader.string(value, what: "name", lenient: true)
                case "cluster":
                    if let c = reader.integer(value, what: "cluster", minimum: 1, maximum: SimulateBlock.maxId) { cluster = (c, value) }
                case "role":
                    role = reader.word(value, TenantRole.self)
                    if let r = role, r != .primary, r != .standby {
                        reader.error("simulate.tenant-role", "a simulated tenant is PRIMARY or STANDBY, not \(r)", at: value.location)
                        role = nil
                    }
                case "primary":
                    if let p = reader.integer(value, what: "primary", minimum: 1, maximum: SimulateBlock.maxId) { primary = (p, value) }
                case "lag":
                    if let d = reader.fixedDuration(value, what: "lag") { lag = (d, value) }
                case "reachable": reachable = reader.bool(value, what: "reachable") ?? reachable
                case "syncStatus": sync = reader.word(value, TenantSyncStatus.self) ?? sync
                default: serviceName = reader.string(value, what: "serviceName", lenient: true)
                }
            }
            if !fields.contains(where: { $0.key == "id" }) {
                reader.error("simulate.missing-key", "a tenant needs an 'id': its OCP tenant id, such as 2000022", at: item.location)
            }
            if !fields.contains(where: { $0.key == "cluster" }) {
                reader.error("simulate.missing-key", "a tenant needs a 'cluster': the OCP id of the cluster that hosts it", at: item.location)
            }
            if !fields.contains(where: { $0.key == "role" }) {
                reader.error("simulate.missing-key", "a tenant needs a 'role' (PRIMARY or STANDBY)", at: item.location)
            }
            guard let id, let (clusterId, clusterNode) = cluster, let role else { continue }
            let idNode = fields.first { $0.key == "id" }?.value
            if let line = lines[id] {
                reader.error(
                    "simulate.duplicate-tenant", "tenant id \(id) is already used at line \(line)",
                    at: idNode?.location ?? item.location)
            } else {
                lines[id] = item.location.line
            }
            if clusterSet.contains(id) {
                reader.error(
                    "simulate.tenant-id",
                    "tenant id \(id) is also a cluster id: OCP numbers tenants and clusters apart (tenant 2000022, cluster "
                        + "3000009), so give the tenant its own id", at: idNode?.location ?? item.location)
            }
            if !clusterSet.contains(clusterId) {
                reader.error(
                    "simulate.tenant-cluster",
                    "there is no cluster \(clusterId) to host tenant \(id) (cluster ids: \(clusterIds.map(String.init).joined(separator: ", ")))",
                    at: clusterNode.location)
            }
            switch (role, primary) {
            case (.standby, nil):
                reader.error("simulate.standby-primary", "a STANDBY tenant needs 'primary': the OCP id of the tenant it follows", at: item.location)
            case (.primary, let (_, node)?):
                reader.error("simulate.standby-primary", "only a STANDBY tenant has a 'primary'", at: node.location)
            case (.standby, let (p, node)?):
                primaries.append((p, node, id))
            default:
                break
            }
            if role == .primary, let (_, node) = lag {
                reader.error("simulate.tenant-lag", "only a STANDBY tenant has a 'lag' behind its primary", at: node.location)
            }
            specs.append(
                SimulateBlock.Tenant(
                    id: id, name: name ?? "tenant-\(id)", cluster: clusterId, role: role, primary: primary?.0,
                    lag: lag?.0 ?? .zero, reachable: reachable, syncStatus: sync, serviceName: serviceName,
                    location: item.location))
        }
        for (primary, node, standby) in primaries {
            if primary == standby {
                reader.error("simulate.standby-primary", "tenant \(standby) cannot be its own primary", at: node.location)
            } else if lines[primary] == nil {
                reader.error(
                    "simulate.standby-primary",
                    "there is no tenant \(primary) in '\(what)' (ids: \(Set(specs.map(\.id)).sorted().map(String.init).joined(separator: ", ")))",
                    at: node.location)
            }
        }
        return specs
    }

    private static func clusters(_ node: Node, what: String, reader: inout NodeReader) -> [SimulateBlock.Cluster]? {
        guard let items = node.sequence else {
            reader.wrongType(what, expected: "a list of clusters", node: node)
            return nil
        }
        if items.isEmpty {
            reader.error("simulate.no-clusters", "'\(what)' is empty: list at least one cluster, or leave it out for the default topology", at: node.location)
        }
        var specs: [SimulateBlock.Cluster] = []
        // Where each id and name is first written, and the index of each id's spec.
        var idLines: [Int: Int] = [:]
        var nameLines: [String: Int] = [:]
        var specIndex: [Int: Int] = [:]
        var primaries: [(primary: Int, node: Node, standby: Int)] = []
        for item in items {
            guard let fields = reader.fields(item, what: "a cluster", allowed: clusterKeys, unknownID: "simulate.unknown-key") else {
                continue
            }
            var id: Int?
            var name: String?
            var type: ClusterType?
            var status = ClusterStatus.running
            var primary: (Int, Node)?
            var delay = 0
            var sync = SyncStatus.valid
            var obVersion: String?
            var obproxy: String?
            for (key, _, value) in fields {
                switch key {
                case "id": id = reader.integer(value, what: "id", minimum: 1, maximum: SimulateBlock.maxId)
                case "name": name = reader.string(value, what: "name", lenient: true)
                case "type": type = reader.word(value, ClusterType.self)
                case "status": status = reader.word(value, ClusterStatus.self) ?? status
                case "primary":
                    if let p = reader.integer(value, what: "primary", minimum: 1, maximum: SimulateBlock.maxId) { primary = (p, value) }
                case "delayTime": delay = reader.integer(value, what: "delayTime", minimum: 0, maximum: 31_536_000) ?? delay
                case "obVersion": obVersion = reader.string(value, what: "obVersion", lenient: true)
                case "obproxy": obproxy = reader.string(value, what: "obproxy", lenient: true)
                default: sync = reader.word(value, SyncStatus.self) ?? sync
                }
            }
            let hasID = fields.contains { $0.key == "id" }
            let hasType = fields.contains { $0.key == "type" }
            if !hasID { reader.error("simulate.missing-key", "a cluster needs an 'id'", at: item.location) }
            // Without a type, a cluster is PRIMARY: an OceanBase 4.x cluster, whose tenants carry the roles.
            if !hasType { type = .primary }
            guard let id, let type else { continue }
            if let line = idLines[id] {
                reader.error(
                    "simulate.duplicate-cluster", "cluster id \(id) is already used at line \(line)",
                    at: fields.first { $0.key == "id" }?.value.location ?? item.location)
            } else {
                idLines[id] = item.location.line
                specIndex[id] = specs.count
            }
            let clusterName = name ?? "obcluster-\(id)"
            if let name, let line = nameLines[name] {
                reader.error(
                    "simulate.duplicate-cluster", "cluster name '\(name)' is already used at line \(line)",
                    at: fields.first { $0.key == "name" }?.value.location ?? item.location)
            } else if let name {
                nameLines[name] = item.location.line
            }
            switch (type, primary) {
            case (.standby, nil) where !fields.contains(where: { $0.key == "primary" }):
                // (A 'primary' that is written but invalid was reported where it is.)
                reader.error("simulate.standby-primary", "a STANDBY cluster needs 'primary': the id of its primary cluster", at: item.location)
            case (.primary, let (_, node)?):
                reader.error("simulate.standby-primary", "only a STANDBY cluster has a 'primary'", at: node.location)
            case (.standby, let (p, node)?):
                primaries.append((p, node, id))
            default:
                break
            }
            specs.append(
                SimulateBlock.Cluster(
                    id: id, name: clusterName, type: type, status: status, primary: primary?.0, delayTime: delay,
                    syncStatus: sync, obVersion: obVersion, obproxy: obproxy, location: item.location))
        }
        for (primary, node, standby) in primaries {
            if primary == standby {
                reader.error("simulate.standby-primary", "cluster \(standby) cannot be its own primary", at: node.location)
            } else if let spec = specIndex[primary].map({ specs[$0] }) {
                if spec.type != .primary {
                    reader.error(
                        "simulate.standby-primary", "cluster \(primary) is a \(spec.type), but a standby's primary must be PRIMARY",
                        at: node.location)
                }
            } else {
                reader.error(
                    "simulate.standby-primary", "there is no cluster \(primary) in '\(what)' (ids: \(Set(specs.map(\.id)).sorted().map(String.init).joined(separator: ", ")))",
                    at: node.location)
            }
        }
        return specs
    }

    private static func faults(_ node: Node, what: String, reader: inout NodeReader) -> [SimulateBlock.Fault] {
        guard let items = node.sequence else {
            reader.wrongType(what, expected: "a list of faults", node: node)
            return []
        }
        var out: [SimulateBlock.Fault] = []
        for item in items {
            guard let pairs = item.mapping else {
                reader.wrongType("a fault", expected: "a mapping with 'subtask' or 'endpoint'", node: item)
                continue
            }
            let keys = pairs.compactMap { $0.key.scalar?.text }
            let isSubtask = keys.contains("subtask")
            let isAPI = keys.contains("endpoint")
            if isSubtask && isAPI {
                reader.error("simulate.fault", "a fault names either a 'subtask' or an 'endpoint', not both", at: item.location)
                continue
            }
            if isAPI {
                if let fault = apiFault(item, reader: &reader) { out.append(.api(fault)) }
            } else if isSubtask {
                if let fault = subtaskFault(item, reader: &reader) { out.append(.subtask(fault)) }
            } else {
                let all = subtaskFaultKeys + apiFaultKeys
                for key in keys where !all.contains(key) {
                    if let pair = pairs.first(where: { $0.key.scalar?.text == key }) {
                        reader.error(
                            "simulate.unknown-key", "unknown key '\(key)' in a fault" + Suggestion.didYouMean(key, among: all),
                            at: pair.key.location)
                    }
                }
                reader.error(
                    "simulate.fault", "a fault needs a 'subtask' (a subtask fault) or an 'endpoint' (an API fault)",
                    at: item.location)
            }
        }
        return out
    }

    private static func subtaskFault(_ node: Node, reader: inout NodeReader) -> SimulateBlock.SubtaskFault? {
        guard let fields = reader.fields(node, what: "a subtask fault", allowed: subtaskFaultKeys, unknownID: "simulate.unknown-key")
        else { return nil }
        var fault = SimulateBlock.SubtaskFault(subtask: "", location: node.location)
        var valid = true
        var actionNodes: [String: Node] = [:]
        for (key, _, value) in fields {
            switch key {
            case "subtask":
                guard let name = reader.string(value, what: "subtask") else {
                    valid = false
                    continue
                }
                fault.subtask = name
                let known = TaskDefinition.knownSubtaskNames
                if let meant = SubtaskNames.sameButForCase(name, among: known), meant != name {
                    reader.error("subtask.name-case", SubtaskNames.caseMessage(name, meant: meant), at: value.location)
                    valid = false
                } else if !known.contains(name) {
                    // The simulator runs only OCP's own chains: a fault on another name never fires.
                    reader.error(
                        "simulate.fault-never-fires",
                        SubtaskNames.unknownMessage(name, among: known, task: nil, consequence: "the fault can never fire"),
                        at: value.location)
                    valid = false
                }
            case "cluster":
                if let id = reader.integer(value, what: "cluster", minimum: 1, maximum: SimulateBlock.maxId) { fault.cluster = id } else { valid = false }
            case "tenant":
                if let id = reader.integer(value, what: "tenant", minimum: 1, maximum: SimulateBlock.maxId) { fault.tenant = id } else { valid = false }
            case "fail":
                if let n = reader.integer(value, what: "fail", minimum: 0) {
                    fault.fail = n
                    actionNodes["fail"] = value
                } else {
                    valid = false
                }
            case "message":
                if let text = reader.string(value, what: "message", lenient: true) { fault.message = text } else { valid = false }
            case "hang":
                if let b = reader.bool(value, what: "hang") {
                    fault.hang = b
                    actionNodes["hang"] = value
                } else {
                    valid = false
                }
            default:  // takes
                if let d = reader.fixedDuration(value, what: "takes") {
                    fault.takes = d
                    actionNodes["takes"] = value
                } else {
                    valid = false
                }
            }
        }
        guard valid else { return nil }
        if fault.hang, let fail = actionNodes["fail"], fault.fail > 0 {
            reader.error("simulate.fault", "'hang' and 'fail' cannot be combined: a hung subtask fails when its timeout passes", at: fail.location)
            return nil
        }
        if fault.hang, let takes = actionNodes["takes"] {
            reader.error("simulate.fault", "'hang' and 'takes' cannot be combined: a hung subtask runs until its timeout", at: takes.location)
            return nil
        }
        if !fault.hang, fault.fail == 0, fault.takes == nil {
            reader.error("simulate.fault", "this fault does nothing: give 'fail', 'hang' or 'takes'", at: node.location)
            return nil
        }
        return fault
    }

    private static func apiFault(_ node: Node, reader: inout NodeReader) -> SimulateBlock.APIFault? {
        guard let fields = reader.fields(node, what: "an API fault", allowed: apiFaultKeys, unknownID: "simulate.unknown-key")
        else { return nil }
        var endpoint: String?
        var status: Int?
        var times = 1
        var valid = true
        for (key, _, value) in fields {
            switch key {
            case "endpoint":
                guard let text = reader.string(value, what: "endpoint") else {
                    valid = false
                    continue
                }
                if let canonical = canonicalEndpoint(text) {
                    endpoint = canonical
                } else {
                    valid = false
                    let normalized = text.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                    let best = endpoints.min { Suggestion.distance(normalized, $0) < Suggestion.distance(normalized, $1) }
                    let hint = best.flatMap { Suggestion.distance(normalized, $0) <= 8 ? "; did you mean '\($0)'?" : nil } ?? ""
                    reader.error(
                        "simulate.endpoint", "unknown endpoint '\(text)': write METHOD /path as in OCP's API, such as 'GET /api/v2/tasks/instances/{taskId}'" + hint,
                        at: value.location)
                }
            case "status":
                if let code = reader.integer(value, what: "status") {
                    if (400...599).contains(code) { status = code } else {
                        valid = false
                        reader.error("simulate.status", "an API fault answers an HTTP error status (400 to 599), not \(code)", at: value.location)
                    }
                } else {
                    valid = false
                }
            default:  // times
                if let n = reader.integer(value, what: "times", minimum: 1) { times = n } else { valid = false }
            }
        }
        if !fields.contains(where: { $0.key == "status" }) {
            reader.error("simulate.missing-key", "an API fault needs a 'status', such as 503", at: node.location)
            valid = false
        }
        guard valid, let endpoint, let status else { return nil }
        return SimulateBlock.APIFault(endpoint: endpoint, status: status, times: times, location: node.location)
    }

    /// The endpoint of ``endpoints`` that `text` names (any `{param}` spelling matches), or nil.
    static func canonicalEndpoint(_ text: String) -> String? {
        let parts = text.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2 else { return nil }
        let method = parts[0].uppercased()
        let segments = parts[1].split(separator: "/", omittingEmptySubsequences: false)
        for candidate in endpoints {
            let c = candidate.split(separator: " ")
            guard c.count == 2, c[0] == method else { continue }
            let expected = c[1].split(separator: "/", omittingEmptySubsequences: false)
            guard expected.count == segments.count else { continue }
            let matches = zip(expected, segments).allSatisfy { e, s in
                e.hasPrefix("{") ? (s.hasPrefix("{") && s.hasSuffix("}") && s.count > 2) : e == s
            }
            if matches { return candidate }
        }
        return nil
    }
}

/// Messages about subtask names that OCP's tasks do not have.
enum SubtaskNames {
    /// The name among `names` that `name` matches but for case and spacing, if any.
    static func sameButForCase(_ name: String, among names: [String]) -> String? {
        names.first { Suggestion.sameName($0, name) }
    }

    /// "subtask 'x' differs from OCP's 'X' only in case or spacing; ..."
    static func caseMessage(_ name: String, meant: String) -> String {
        "subtask '\(name)' differs from OCP's '\(meant)' only in case or spacing, and OCP matches names exactly: did you mean '\(meant)'?"
    }

    /// "subtask 'X' is not in OCP's failover or switchover task; did you mean 'Y'?" (the cluster and
    /// tenant tasks alike)
    static func unknownMessage(_ name: String, among names: [String], task: String?, consequence: String? = nil) -> String {
        let place = task.map { "OCP's \($0) task" } ?? "OCP's failover or switchover task"
        var message = "subtask '\(name)' is not in \(place)"
        if let consequence { message += ": \(consequence)" }
        if let suggestion = Suggestion.closest(to: name, among: names, slack: .name) { message += "; did you mean '\(suggestion)'?" }
        return message
    }
}
