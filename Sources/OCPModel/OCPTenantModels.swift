import RunbookSupport

// MARK: - Tenants (OceanBase 4.x)

/// Another tenant as a tenant names it: its upstream (`basicPrimaryTenant`) or one of its direct
/// standbys (`basicStandbyTenantList`). Tenant reference section 5.2; fields OCP may leave out
/// are optional, and unknown ones are ignored.
public struct TenantLink: Sendable, Hashable, Codable {
    /// The OCP tenant id (not the OceanBase `obTenantId`).
    public var tenantId: Int
    /// OceanBase's own id of the tenant (`1002`), which no call takes.
    public var obTenantId: Int?
    /// The linked tenant's name.
    public var tenantName: String?
    /// The OCP id of the linked tenant's cluster.
    public var clusterId: Int?
    /// OceanBase's own id of that cluster.
    public var obClusterId: Int?
    /// The name of the linked tenant's cluster.
    public var clusterName: String?
    /// The linked tenant's role in OCP's metadata: `PRIMARY`, `STANDBY`, ...
    public var role: TenantRole?
    /// The OceanBase version of the linked tenant, with its build.
    public var obVersion: String?
    /// The linked tenant's service name, if it has one.
    public var serviceName: String?
    /// Whether that service name works: `VALID` or `INVALID`.
    public var serviceNameStatus: String?
    /// "Log stream synchronization information"; OCP documents none of its fields.
    public var logRestoreInfo: JSONValue?
    /// When the linked tenant was created, on OCP's clock.
    public var createTime: OCPTimestamp?
    /// The linked tenant's status: `NORMAL`, `SWITCHOVER`, `FAILOVER`, ...
    public var status: TenantStatus?
    /// The linked tenant's replica layout (`FULL{1}@zone2, FULL{1}@zone3`).
    public var locality: String?

    /// A link to the OCP tenant `tenantId`, with the other fields OCP gives (nil when left out).
    public init(
        tenantId: Int, obTenantId: Int? = nil, tenantName: String? = nil, clusterId: Int? = nil,
        obClusterId: Int? = nil, clusterName: String? = nil, role: TenantRole? = nil, obVersion: String? = nil,
        serviceName: String? = nil, serviceNameStatus: String? = nil, logRestoreInfo: JSONValue? = nil,
        createTime: OCPTimestamp? = nil, status: TenantStatus? = nil, locality: String? = nil
    ) {
        self.tenantId = tenantId
        self.obTenantId = obTenantId
        self.tenantName = tenantName
        self.clusterId = clusterId
        self.obClusterId = obClusterId
        self.clusterName = clusterName
        self.role = role
        self.obVersion = obVersion
        self.serviceName = serviceName
        self.serviceNameStatus = serviceNameStatus
        self.logRestoreInfo = logRestoreInfo
        self.createTime = createTime
        self.status = status
        self.locality = locality
    }
}

/// A tenant's `serviceNameInfo`.
public struct ServiceNameInfo: Sendable, Hashable, Codable {
    /// The tenant's service name (`payments_sh`); nil when it has none.
    public var serviceName: String?
    /// `VALID` or `INVALID`.
    public var serviceNameStatus: String?
    /// The tenant with the same service name, when there is one.
    public var conflictTenant: JSONValue?
    /// Whether the service name is valid; only some of OCP's samples carry it.
    public var serviceNameValid: Bool?

    /// Service-name information with these fields, each as OCP names it.
    public init(
        serviceName: String? = nil, serviceNameStatus: String? = nil, conflictTenant: JSONValue? = nil,
        serviceNameValid: Bool? = nil
    ) {
        self.serviceName = serviceName
        self.serviceNameStatus = serviceNameStatus
        self.conflictTenant = conflictTenant
        self.serviceNameValid = serviceNameValid
    }
}

/// An OceanBase 4.x tenant as OCP lists and details it (tenant reference section 5.1).
///
/// Its role is ``role`` alone (a 4.x cluster's `clusterType` says PRIMARY whatever its tenants
/// are); its primary is ``basicPrimaryTenant`` and its standbys ``basicStandbyTenantList``. OCP
/// reports no lag here: the pre-checks do.
public struct Tenant: Sendable, Hashable, Codable {
    /// The OCP tenant id, such as 2000022 (not the OceanBase `obTenantId`, such as 1002).
    public var id: Int
    /// The tenant's name (`orders`); a primary and its standby may share it.
    public var name: String
    /// OceanBase's own id of the tenant (`1002`), which no call takes; may be absent while it is
    /// created.
    public var obTenantId: Int?
    /// The OCP cluster that hosts it.
    public var clusterId: Int
    /// The name of the hosting cluster.
    public var clusterName: String?
    /// OceanBase's own id of the hosting cluster.
    public var obClusterId: Int?
    /// The hosting cluster's `type`: `PRIMARY` on every OceanBase 4.x cluster, so it says nothing
    /// of the tenant's role (read ``role``).
    public var clusterType: ClusterType?
    /// The hosting cluster's status (`RUNNING`, ...).
    public var clusterStatus: ClusterStatus?
    /// `PRIMARY`, `STANDBY`, ...; nil when OCP left it out (read as `UNKNOWN`).
    public var role: TenantRole?
    /// The tenant's status: `NORMAL`, or `SWITCHOVER` / `FAILOVER` while a task switches or fails
    /// it over, ...
    public var status: TenantStatus?
    /// The tenant's replication status: `VALID`, `DISABLED`, ...
    public var syncStatus: TenantSyncStatus?
    /// `NETWORK` or `LOG_BACKUP`.
    public var logTransportMode: String?
    /// The tenant this one follows; nil for a primary.
    public var basicPrimaryTenant: TenantLink?
    /// Its direct standbys.
    public var basicStandbyTenantList: [TenantLink]?
    /// The tenant's service name and whether it is valid.
    public var serviceNameInfo: ServiceNameInfo?
    /// `MYSQL` or `ORACLE`.
    public var mode: String?
    /// When the tenant was created, on OCP's clock.
    public var createTime: OCPTimestamp?
    /// The tenant's primary zone setting: `RANDOM`, or zones in priority order (`zone1;zone2`).
    public var primaryZone: String?
    /// The zones the tenant has replicas in (`zone2;zone3`).
    public var zoneList: String?
    /// The tenant's replica layout (`FULL{1}@zone2, FULL{1}@zone3`).
    public var locality: String?
    /// Whether the tenant is locked against logins.
    public var locked: Bool?
    /// OCP's read-only attribute of the tenant; nothing ties it to the standby role.
    public var readonly: Bool?
    /// The OceanBase version the tenant runs (`4.2.5.3`).
    public var obVersion: String?
    /// The tenant's free-text description.
    public var description: String?

    /// A tenant with these fields, each as OCP names it; what OCP leaves out is nil.
    public init(
        id: Int, name: String, obTenantId: Int? = nil, clusterId: Int, clusterName: String? = nil,
        obClusterId: Int? = nil, clusterType: ClusterType? = nil, clusterStatus: ClusterStatus? = nil,
        role: TenantRole?, status: TenantStatus?, syncStatus: TenantSyncStatus? = nil, logTransportMode: String? = nil,
        basicPrimaryTenant: TenantLink? = nil, basicStandbyTenantList: [TenantLink]? = nil,
        serviceNameInfo: ServiceNameInfo? = nil, mode: String? = nil, createTime: OCPTimestamp? = nil,
        primaryZone: String? = nil, zoneList: String? = nil, locality: String? = nil, locked: Bool? = nil,
        readonly: Bool? = nil, obVersion: String? = nil, description: String? = nil
    ) {
        self.id = id
        self.name = name
        self.obTenantId = obTenantId
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.obClusterId = obClusterId
        self.clusterType = clusterType
        self.clusterStatus = clusterStatus
        self.role = role
        self.status = status
        self.syncStatus = syncStatus
        self.logTransportMode = logTransportMode
        self.basicPrimaryTenant = basicPrimaryTenant
        self.basicStandbyTenantList = basicStandbyTenantList
        self.serviceNameInfo = serviceNameInfo
        self.mode = mode
        self.createTime = createTime
        self.primaryZone = primaryZone
        self.zoneList = zoneList
        self.locality = locality
        self.locked = locked
        self.readonly = readonly
        self.obVersion = obVersion
        self.description = description
    }

    /// The role, `UNKNOWN` when OCP left it out.
    public var currentRole: TenantRole { role ?? .unknown }
}

// MARK: - Pre-check results

/// One finding of a tenant pre-check (OCP's `PreCheckResult`): `warning: true` advises,
/// `warning: false` blocks.
public struct TenantCheckFinding: Sendable, Hashable, Codable {
    /// True for an advisory finding, which does not block; false for one that does.
    public var warning: Bool
    /// `OBE26009` (sync latency over the limit), `OBE26107` (no shared OBProxy, a warning; or, for
    /// a failover, the primary can still be connected, blocking), ...
    public var errorCode: String?
    /// The finding in OCP's (localized) words.
    public var errorMessage: String?

    /// A finding with OCP's `errorCode` and `errorMessage`; `warning` false makes it blocking.
    public init(warning: Bool, errorCode: String?, errorMessage: String?) {
        self.warning = warning
        self.errorCode = errorCode
        self.errorMessage = errorMessage
    }

    private enum Keys: String, CodingKey { case warning, errorCode, errorMessage }

    /// Reads `{warning, errorCode, errorMessage}`: an absent `warning` reads as false (blocking),
    /// and a code or message of another type as absent.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        warning = try c.decodeIfPresent(Bool.self, forKey: .warning) ?? false
        errorCode = try? c.decodeIfPresent(String.self, forKey: .errorCode)
        errorMessage = try? c.decodeIfPresent(String.self, forKey: .errorMessage)
    }

    /// `OBE26009: message (warning)`, for logs and messages.
    public var text: String {
        [errorCode, errorMessage].compactMap { $0 }.joined(separator: ": ") + (warning ? " (warning)" : "")
    }
}

/// The pre-check of one standby tenant (OCP's `ObTenantPreCheckResult`): the single failover
/// pre-check's `data`, and each standby's entry of a switchover pre-check.
public struct TenantPreCheckResult: Sendable, Hashable, Codable {
    /// Whether this standby may be switched or failed over (no blocking finding).
    public var valid: Bool
    /// The standby tenant.
    public var tenantId: Int
    /// The standby tenant's name.
    public var name: String?
    /// The OCP id of the standby's cluster.
    public var clusterId: Int?
    /// The name of the standby's cluster.
    public var clusterName: String?
    /// Typed a number and described as the "synchronization latency" in OCP's table, absent from
    /// every published sample; the embedded simulator writes an SCN (nanoseconds since the epoch
    /// of the last synced change). See ``TenantSyncLag``.
    public var syncScn: Int?
    /// The service name of the standby's primary; present in OCP's failover samples only.
    public var primaryTenantServiceName: String?
    /// The findings, blocking and advisory; empty when there are none.
    public var checkResults: [TenantCheckFinding]

    /// The result for the standby `tenantId`, with its verdict `valid` and its findings.
    public init(
        valid: Bool, tenantId: Int, name: String? = nil, clusterId: Int? = nil, clusterName: String? = nil,
        syncScn: Int? = nil, primaryTenantServiceName: String? = nil, checkResults: [TenantCheckFinding] = []
    ) {
        self.valid = valid
        self.tenantId = tenantId
        self.name = name
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.syncScn = syncScn
        self.primaryTenantServiceName = primaryTenantServiceName
        self.checkResults = checkResults
    }

    private enum Keys: String, CodingKey {
        case valid, tenantId, name, clusterId, clusterName, syncScn, primaryTenantServiceName, checkResults
    }

    /// Reads the result: `valid` and `tenantId` are required; an optional member of another type
    /// reads as absent, and absent `checkResults` as none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        valid = try c.decode(Bool.self, forKey: .valid)
        tenantId = try c.decode(Int.self, forKey: .tenantId)
        name = try? c.decodeIfPresent(String.self, forKey: .name)
        clusterId = try? c.decodeIfPresent(Int.self, forKey: .clusterId)
        clusterName = try? c.decodeIfPresent(String.self, forKey: .clusterName)
        syncScn = try? c.decodeIfPresent(Int.self, forKey: .syncScn)
        primaryTenantServiceName = try? c.decodeIfPresent(String.self, forKey: .primaryTenantServiceName)
        checkResults = try c.decodeIfPresent([TenantCheckFinding].self, forKey: .checkResults) ?? []
    }

    /// The findings that block.
    public var blocking: [TenantCheckFinding] { checkResults.filter { !$0.warning } }
    /// The findings that only advise.
    public var warnings: [TenantCheckFinding] { checkResults.filter(\.warning) }
}

/// The switchover pre-check of one primary tenant (OCP's `SwitchoverPreCheckResult`): valid when
/// every standby listed is.
public struct TenantSwitchoverPreCheckResult: Sendable, Hashable, Codable {
    /// Whether the switchover may go ahead: false when any standby listed is not valid.
    public var valid: Bool
    /// The primary tenant.
    public var tenantId: Int
    /// The primary tenant's name.
    public var name: String?
    /// The OCP id of the primary's cluster.
    public var clusterId: Int?
    /// The name of the primary's cluster.
    public var clusterName: String?
    /// One entry per standby checked (OCP's table types it as one object; its samples hold an
    /// array; both decode).
    public var standbyCheckResults: [TenantPreCheckResult]

    /// The result for the primary `tenantId`, with its verdict and one entry per standby checked.
    public init(
        valid: Bool, tenantId: Int, name: String? = nil, clusterId: Int? = nil, clusterName: String? = nil,
        standbyCheckResults: [TenantPreCheckResult] = []
    ) {
        self.valid = valid
        self.tenantId = tenantId
        self.name = name
        self.clusterId = clusterId
        self.clusterName = clusterName
        self.standbyCheckResults = standbyCheckResults
    }

    private enum Keys: String, CodingKey { case valid, tenantId, name, clusterId, clusterName, standbyCheckResults }

    /// Reads the result: `valid` and `tenantId` are required; `standbyCheckResults` may be an array
    /// or a single object (absent: none).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        valid = try c.decode(Bool.self, forKey: .valid)
        tenantId = try c.decode(Int.self, forKey: .tenantId)
        name = try? c.decodeIfPresent(String.self, forKey: .name)
        clusterId = try? c.decodeIfPresent(Int.self, forKey: .clusterId)
        clusterName = try? c.decodeIfPresent(String.self, forKey: .clusterName)
        if let list = try? c.decodeIfPresent([TenantPreCheckResult].self, forKey: .standbyCheckResults) {
            standbyCheckResults = list
        } else if let one = try c.decodeIfPresent(TenantPreCheckResult.self, forKey: .standbyCheckResults) {
            standbyCheckResults = [one]
        } else {
            standbyCheckResults = []
        }
    }
}

/// The `data` of a batch answer: `{ "contents": [...] }`, without a `page` object.
public struct Contents<Element: Sendable & Hashable & Codable>: Sendable, Hashable, Codable {
    /// The items, in OCP's order: one per pair, primary or standby of the batch.
    public var contents: [Element]

    /// The `data` `{ "contents": contents }`.
    public init(contents: [Element]) {
        self.contents = contents
    }
}

// MARK: - Request bodies

/// One primary/standby pair of a tenant switchover or its pre-check: `{tenantId, standbyTenantId}`.
public struct TenantPair: Sendable, Hashable {
    /// The primary tenant (repeats the path's `{tenantId}` in the single-pair calls).
    public var primaryTenantId: Int
    /// The standby to become primary.
    public var standbyTenantId: Int

    /// The pair of the OCP tenants `primary` and `standby` (OCP ids, not `obTenantId`s).
    public init(primary: Int, standby: Int) {
        primaryTenantId = primary
        standbyTenantId = standby
    }

    /// `{"standbyTenantId": S, "tenantId": P}`: the single-pair body, and one item of a batch's list.
    public var body: JSONValue {
        .object(["tenantId": .number(Double(primaryTenantId)), "standbyTenantId": .number(Double(standbyTenantId))])
    }

    /// `{"tenantParamList": [...]}`: the body of a batch switchover or its pre-check.
    public static func batchBody(_ pairs: [TenantPair]) -> JSONValue {
        .object(["tenantParamList": .array(pairs.map(\.body))])
    }

    /// The pairs of a body: a single pair (`{tenantId, standbyTenantId}`) or a batch's
    /// `tenantParamList`; nil when the body has neither shape.
    public static func pairs(in body: JSONValue?, batch: Bool) -> [TenantPair]? {
        func pair(_ value: JSONValue) -> TenantPair? {
            guard let p = value["tenantId"]?.integer, let s = value["standbyTenantId"]?.integer else { return nil }
            return TenantPair(primary: p, standby: s)
        }
        guard let body else { return nil }
        if !batch { return pair(body).map { [$0] } }
        guard case .array(let items)? = body["tenantParamList"] else { return nil }
        let pairs = items.compactMap(pair)
        return pairs.count == items.count ? pairs : nil
    }
}

/// One standby of a tenant failover: the tenant and the service name to create on it, if any.
public struct TenantFailoverItem: Sendable, Hashable {
    /// The OCP id of the standby tenant to promote.
    public var tenantId: Int
    /// The service name the failover creates on it; nil for none.
    public var serviceName: String?

    /// The standby `tenantId` (an OCP id), with the `serviceName` to create on it, if any.
    public init(tenantId: Int, serviceName: String? = nil) {
        self.tenantId = tenantId
        self.serviceName = serviceName
    }

    /// The single failover's body: `{"serviceName": NAME}`, or `{}` without one.
    public static func singleBody(serviceName: String?) -> JSONValue {
        .object(serviceName.map { ["serviceName": .string($0)] } ?? [:])
    }

    /// `{"failoverTenantItemList": [{"tenantId": T, "serviceName": NAME}, ...]}`: the batch body.
    public static func batchBody(_ items: [TenantFailoverItem]) -> JSONValue {
        .object([
            "failoverTenantItemList": .array(
                items.map { item in
                    var object: [String: JSONValue] = ["tenantId": .number(Double(item.tenantId))]
                    if let name = item.serviceName { object["serviceName"] = .string(name) }
                    return .object(object)
                })
        ])
    }

    /// The items of a batch body; nil when it has no `failoverTenantItemList` array of items with a
    /// `tenantId` each and, where an item has a `serviceName` other than `null`, a non-empty string
    /// (as the single failover requires of its body).
    public static func items(in body: JSONValue?) -> [TenantFailoverItem]? {
        guard case .array(let list)? = body?["failoverTenantItemList"] else { return nil }
        let items = list.compactMap { value -> TenantFailoverItem? in
            guard let id = value["tenantId"]?.integer else { return nil }
            guard let name = value["serviceName"], name != .null else { return TenantFailoverItem(tenantId: id) }
            guard let text = name.stringValue, !text.trimmingSpaces.isEmpty else { return nil }
            return TenantFailoverItem(tenantId: id, serviceName: text)
        }
        return items.count == list.count ? items : nil
    }
}

// MARK: - Lag

/// The lag of a standby as a tenant pre-check reports it, read the one way the project reads it.
///
/// OCP publishes the lag only inside the text of an `OBE26009` finding ("... latency of the x
/// tenant is 14,883,430 ms, which exceeds 10,000 ms."), and types `syncScn` as a number it calls
/// the "synchronization latency" without a sample. The figure is taken from the OBE26009 text
/// when there is one; else from `syncScn` read as an SCN (nanoseconds since the epoch, as
/// OceanBase's `SYNC_SCN`) against `at`, the server's time of the pre-check's answer (lag = now
/// − `SYNC_SCN`); else from `syncScn` read as milliseconds when it is too small to be an SCN.
public struct TenantSyncLag: Sendable, Hashable, Codable {
    /// Milliseconds behind the primary.
    public var milliseconds: Int64
    /// Where the figure comes from: `OBE26009`, `syncScn` (an SCN against the pre-check's time) or
    /// `syncScn as milliseconds`.
    public var source: String

    /// A lag of `milliseconds`, read from `source`.
    public init(milliseconds: Int64, source: String) {
        self.milliseconds = milliseconds
        self.source = source
    }

    /// SCNs at or above this are nanoseconds since the epoch (2001 on); smaller values are taken
    /// as milliseconds of latency.
    public static let smallestSCN = 1_000_000_000_000_000_000

    /// The lag a pre-check result reports, nil when it reports none.
    public static func reported(by result: TenantPreCheckResult, at time: OCPTimestamp?) -> TenantSyncLag? {
        for finding in result.checkResults where finding.errorCode == "OBE26009" {
            if let ms = latency(in: finding.errorMessage ?? "") {
                return TenantSyncLag(milliseconds: ms, source: "OBE26009")
            }
        }
        guard let scn = result.syncScn, scn >= 0 else { return nil }
        if scn >= smallestSCN {
            guard let time else { return nil }
            let lag = time.millisecondsSince1970 - Int64(scn / 1_000_000)
            return TenantSyncLag(milliseconds: max(0, lag), source: "syncScn")
        }
        return TenantSyncLag(milliseconds: Int64(scn), source: "syncScn as milliseconds")
    }

    /// The first "N ms" of a text (digits with optional thousands separators): 14883430 for
    /// "latency ... is 14,883,430 ms, which exceeds 10,000 ms".
    static func latency(in text: String) -> Int64? {
        let words = text.split(whereSeparator: { $0 == " " })
        for (i, word) in words.enumerated() where i + 1 < words.count && words[i + 1].hasPrefix("ms") {
            let digits = word.filter { $0 != "," }
            if !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), digits.count <= 15,
                let n = Int64(digits)
            {
                return n
            }
        }
        return nil
    }
}

// MARK: - Reading JSON values

extension JSONValue {
    /// The member `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members[key]
    }

    /// A whole number that fits an `Int`; nil for anything else.
    public var integer: Int? {
        guard case .number(let n) = self, n == n.rounded(), abs(n) < 9e15 else { return nil }
        return Int(n)
    }

    /// The text of a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
