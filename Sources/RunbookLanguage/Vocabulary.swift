import OCPModel
import RunbookSupport
import RunbookYAML

/// A word of OCP's vocabulary that a runbook writes in capitals: a status or a type.
///
/// The OCP model's word types (``TaskStatus``, ``SubtaskStatus``, ``ClusterType``,
/// ``ClusterStatus``, ``SyncStatus``) are open sets, since a newer OCP may answer a word this
/// version does not know; a runbook, though, may only write the words listed here.
package protocol VocabularyWord: OCPWord {
    /// What the word names, for messages: "task status".
    static var wordKind: String { get }
    /// The words a runbook may write, in OCP's spelling.
    static var allCases: [Self] { get }
    /// Other accepted spellings (`SUCCESS` for `SUCCESSFUL`).
    static var aliases: [String: Self] { get }
}

extension VocabularyWord {
    package static var aliases: [String: Self] { [:] }

    /// The word for `written`, accepting aliases; nil when it is not one (case matters).
    package init?(written: String) {
        if let word = Self.allCases.first(where: { $0.rawValue == written }) {
            self = word
        } else if let word = Self.aliases[written] {
            self = word
        } else {
            return nil
        }
    }

    /// Every accepted spelling: OCP's words, then the aliases.
    package static var spellings: [String] { allCases.map(\.rawValue) + aliases.keys.sorted() }

    /// `RUNNING, SUCCESSFUL (or SUCCESS) or FAILED`, for messages.
    package static var spellingList: String {
        let words = allCases.map { word in
            let others = aliases.filter { $0.value == word }.keys.sorted()
            return others.isEmpty ? word.rawValue : "\(word.rawValue) (or \(others.joined(separator: ", ")))"
        }
        return NodeReader.listing(words)
    }
}

extension TaskStatus: VocabularyWord {
    package static let wordKind = "task status"
    package static var allCases: [TaskStatus] { [.running, .successful, .failed] }
    package static var aliases: [String: TaskStatus] { ["SUCCESS": .successful] }
}

extension SubtaskStatus: VocabularyWord {
    package static let wordKind = "subtask status"
    package static var allCases: [SubtaskStatus] { [.pending, .ready, .running, .canceling, .successful, .failed] }
    package static var aliases: [String: SubtaskStatus] { ["SUCCESS": .successful] }
}

extension ClusterType: VocabularyWord {
    package static let wordKind = "cluster type"
    package static var allCases: [ClusterType] { known }
}

extension ClusterStatus: VocabularyWord {
    package static let wordKind = "cluster status"
    package static var allCases: [ClusterStatus] { known }
}

extension TaskOperation: VocabularyWord {
    package static let wordKind = "task operation"
    package static var allCases: [TaskOperation] { [.execute, .retry, .rollback] }
}

extension SyncStatus: VocabularyWord {
    package static let wordKind = "sync status"
    package static var allCases: [SyncStatus] { known }
}

extension TenantRole: VocabularyWord {
    package static let wordKind = "tenant role"
    package static var allCases: [TenantRole] { known }
}

extension TenantStatus: VocabularyWord {
    package static let wordKind = "tenant status"
    package static var allCases: [TenantStatus] { known }
}

extension TenantSyncStatus: VocabularyWord {
    package static let wordKind = "tenant sync status"
    package static var allCases: [TenantSyncStatus] { known }
}

/// An OCP word as written in a runbook: OCP's word, its spelling in the file (`SUCCESS` for
/// `SUCCESSFUL`) and its place.
package struct WrittenWord: Sendable, Hashable {
    /// OCP's word: the log and the comparisons use it.
    package var word: String
    /// The spelling in the file, for messages.
    package var written: String
    package var location: SourceLocation

    package init(word: String, written: String? = nil, location: SourceLocation) {
        self.word = word
        self.written = written ?? word
        self.location = location
    }
}

/// One of OCP's vocabularies (task statuses, cluster types, ...), without its Swift type: what a
/// field's value may be.
package struct WordSet: Sendable, Hashable {
    /// `task status`, for messages.
    package var kind: String
    /// OCP's words, in order.
    package var words: [String]
    /// Other accepted spellings and the word each stands for (`SUCCESS`: `SUCCESSFUL`).
    package var aliases: [String: String]
    /// Every accepted spelling: OCP's words, then the aliases.
    package var spellings: [String]
    /// `RUNNING, SUCCESSFUL (or SUCCESS) or FAILED`, for messages.
    package var spellingList: String

    package init<W: VocabularyWord>(_ type: W.Type) {
        kind = W.wordKind
        words = W.allCases.map(\.rawValue)
        aliases = W.aliases.mapValues(\.rawValue)
        spellings = W.spellings
        spellingList = W.spellingList
    }

    /// OCP's word for a spelling, accepting aliases; nil when it is not one (case matters).
    package func word(written: String) -> String? {
        words.contains(written) ? written : aliases[written]
    }

    /// Every vocabulary a field may take, for the schema.
    package static let all: [WordSet] = [
        .taskStatus, .taskOperation, .subtaskStatus, .clusterType, .clusterStatus, .syncStatus, .tenantRole, .tenantStatus,
        .tenantSyncStatus,
    ]

    /// `taskStatus`: the kind in camel case, the name of its schema definition.
    package var schemaName: String {
        let parts = kind.split(separator: " ")
        return parts.enumerated().map { i, part in i == 0 ? String(part) : part.prefix(1).uppercased() + part.dropFirst() }
            .joined()
    }

    package static let taskStatus = WordSet(TaskStatus.self)
    package static let taskOperation = WordSet(TaskOperation.self)
    package static let subtaskStatus = WordSet(SubtaskStatus.self)
    package static let clusterType = WordSet(ClusterType.self)
    package static let clusterStatus = WordSet(ClusterStatus.self)
    package static let syncStatus = WordSet(SyncStatus.self)
    package static let tenantRole = WordSet(TenantRole.self)
    package static let tenantStatus = WordSet(TenantStatus.self)
    package static let tenantSyncStatus = WordSet(TenantSyncStatus.self)
}

/// The fields of an OCP task instance that `${NAME.field}` may read (reference section 3).
package enum TaskInstanceFields {
    package static let names = [
        "id", "name", "clusterId", "tenantId", "hostId", "type", "status", "operation", "creator", "executor",
        "createTime", "startTime", "finishTime", "prohibitRollback", "taskDefinitionId",
    ]
}
