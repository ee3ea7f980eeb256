/// A word of OCP's vocabulary that a runbook writes in capitals: a status or a type.
public protocol OCPWord: RawRepresentable<String>, CaseIterable, Sendable, Hashable {
    /// What the word names, for messages: "task status".
    static var wordKind: String { get }
    /// Other accepted spellings (`SUCCESS` for `SUCCESSFUL`).
    static var aliases: [String: Self] { get }
}

extension OCPWord {
    public static var aliases: [String: Self] { [:] }

    /// The word for `written`, accepting aliases; nil when it is not one (case matters).
    public init?(written: String) {
        if let word = Self(rawValue: written) {
            self = word
        } else if let word = Self.aliases[written] {
            self = word
        } else {
            return nil
        }
    }

    /// Every accepted spelling: OCP's words, then the aliases.
    public static var spellings: [String] { allCases.map(\.rawValue) + aliases.keys.sorted() }

    /// `RUNNING, SUCCESSFUL (or SUCCESS) or FAILED`, for messages.
    public static var spellingList: String {
        let words = allCases.map { word in
            let others = aliases.filter { $0.value == word }.keys.sorted()
            return others.isEmpty ? word.rawValue : "\(word.rawValue) (or \(others.joined(separator: ", ")))"
        }
        return NodeReader.listing(words)
    }
}

/// A task's status (`SUCCESS` is accepted for `SUCCESSFUL`).
public enum TaskStatus: String, OCPWord {
    case running = "RUNNING"
    case successful = "SUCCESSFUL"
    case failed = "FAILED"

    public static let wordKind = "task status"
    public static var aliases: [String: TaskStatus] { ["SUCCESS": .successful] }
}

/// A subtask's status (`SUCCESS` is accepted for `SUCCESSFUL`).
public enum SubtaskStatus: String, OCPWord {
    case pending = "PENDING"
    case ready = "READY"
    case running = "RUNNING"
    case canceling = "CANCELING"
    case successful = "SUCCESSFUL"
    case failed = "FAILED"

    public static let wordKind = "subtask status"
    public static var aliases: [String: SubtaskStatus] { ["SUCCESS": .successful] }
}

/// A cluster's role.
public enum ClusterType: String, OCPWord {
    case primary = "PRIMARY"
    case standby = "STANDBY"

    public static let wordKind = "cluster type"
}

/// A cluster's status.
public enum ClusterStatus: String, OCPWord {
    case running = "RUNNING"
    case creating = "CREATING"
    case stopped = "STOPPED"
    case switchover = "SWITCHOVER"
    case failover = "FAILOVER"
    case operating = "OPERATING"

    public static let wordKind = "cluster status"
}

/// A standby's replication state.
public enum SyncStatus: String, OCPWord {
    case valid = "VALID"
    case disabled = "DISABLED"
    case synchronizing = "SYNCHRONIZING"

    public static let wordKind = "sync status"
}

/// An OCP word as written in a runbook: its meaning, its spelling (`SUCCESS`) and its place.
public struct Word<Value: OCPWord>: Sendable, Hashable {
    public var value: Value
    /// The spelling in the file, for messages; the log shows ``value``'s OCP word.
    public var written: String
    public var location: SourceLocation

    public init(_ value: Value, written: String? = nil, at location: SourceLocation) {
        self.value = value
        self.written = written ?? value.rawValue
        self.location = location
    }
}

/// The fields of an OCP task instance that `${NAME.field}` may read (reference section 3).
public enum TaskInstanceFields {
    public static let names = [
        "id", "name", "clusterId", "tenantId", "hostId", "type", "status", "operation", "creator", "executor",
        "createTime", "startTime", "finishTime", "prohibitRollback", "taskDefinitionId",
    ]
}
