import OCPModel
import RunbookSupport
import RunbookYAML

/// A word of OCP's vocabulary that a runbook writes in capitals: a status or a type.
///
/// The OCP model's word types (``TaskStatus``, ``SubtaskStatus``, ``ClusterType``,
/// ``ClusterStatus``, ``SyncStatus``) are open sets, since a newer OCP may answer a word this
/// version does not know; a runbook, though, may only write the words listed here.
public protocol VocabularyWord: OCPWord {
    /// What the word names, for messages: "task status".
    static var wordKind: String { get }
    /// The words a runbook may write, in OCP's spelling.
    static var allCases: [Self] { get }
    /// Other accepted spellings (`SUCCESS` for `SUCCESSFUL`).
    static var aliases: [String: Self] { get }
}

extension VocabularyWord {
    public static var aliases: [String: Self] { [:] }

    /// The word for `written`, accepting aliases; nil when it is not one (case matters).
    public init?(written: String) {
        if let word = Self.allCases.first(where: { $0.rawValue == written }) {
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

extension TaskStatus: VocabularyWord {
    public static let wordKind = "task status"
    public static var allCases: [TaskStatus] { [.running, .successful, .failed] }
    public static var aliases: [String: TaskStatus] { ["SUCCESS": .successful] }
}

extension SubtaskStatus: VocabularyWord {
    public static let wordKind = "subtask status"
    public static var allCases: [SubtaskStatus] { [.pending, .ready, .running, .canceling, .successful, .failed] }
    public static var aliases: [String: SubtaskStatus] { ["SUCCESS": .successful] }
}

extension ClusterType: VocabularyWord {
    public static let wordKind = "cluster type"
    public static var allCases: [ClusterType] { known }
}

extension ClusterStatus: VocabularyWord {
    public static let wordKind = "cluster status"
    public static var allCases: [ClusterStatus] { known }
}

extension SyncStatus: VocabularyWord {
    public static let wordKind = "sync status"
    public static var allCases: [SyncStatus] { known }
}

/// An OCP word as written in a runbook: its meaning, its spelling (`SUCCESS`) and its place.
public struct Word<Value: VocabularyWord>: Sendable, Hashable {
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
