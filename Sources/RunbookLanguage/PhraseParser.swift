import OCPModel
import RunbookSupport
import RunbookYAML

/// The parsed form of a phrase key, before its value and options are looked at.
///
/// The grammar (docs/language.md, "Phrase grammar"):
///
///     phrase   = [ "precheck" ] ( "failover" | "switchover" ) "cluster" [ cluster ]
///              | ( "retry" | "rollback" ) "task" [ task ]
///              | ( "retry" | "skip" | "cancel" ) "subtask" subtask [ of ]
///              | "await" "task" [ task ] "status"
///              | "await" "subtask" subtask [ of ] "status"
///              | "await" "cluster" cluster ( "type" | "status" )
///              | "assert" "task" [ task ] [ "status" ]
///              | "assert" "subtask" subtask [ of ] [ "status" ]
///              | "assert" "cluster" cluster [ "type" | "status" | "syncStatus" ]
///              | "sleep" | "note" | "confirm"
///              | [ "in" "parallel" ] "for" "each" NAME "in" reference
///     of       = "of" "task" task
///     task     = NAME | NUMBER | reference        (NAME: not "status", "of")
///     cluster  = NUMBER | reference
///     subtask  = QUOTED | reference
struct PhraseSyntax: Sendable, Hashable {
    enum Kind: Sendable, Hashable {
        case failover, switchover, precheckFailover, precheckSwitchover
        case retryTask, rollbackTask
        case retrySubtask, skipSubtask, cancelSubtask
        case awaitTask, awaitSubtask, awaitClusterType, awaitClusterStatus
        /// `field` is the field word written in the key (`status`), if any.
        case assertTask(field: String?)
        case assertSubtask(field: String?)
        case assertCluster(field: String?)
        case sleep, note, confirm
        case forEach(parallel: Bool)
    }

    /// A `task` reference in a phrase.
    enum TaskSyntax: Sendable, Hashable {
        case current
        case named(PhraseToken)
        /// A number or a `${...}` token.
        case id(PhraseToken)
    }

    var kind: Kind
    /// The phrase's tokens; the references below are indexes into them (a parsed phrase stays small
    /// to copy).
    var tokens: [PhraseToken] = []
    var clusterIndex: Int8?
    var taskIndex: Int8?
    var subtaskIndex: Int8?
    var variableIndex: Int8?
    var listIndex: Int8?
    var fieldIndex: Int8?

    private func token(_ index: Int8?) -> PhraseToken? { index.map { tokens[Int($0)] } }

    var cluster: PhraseToken? { token(clusterIndex) }
    var subtask: PhraseToken? { token(subtaskIndex) }
    var variable: PhraseToken? { token(variableIndex) }
    var list: PhraseToken? { token(listIndex) }
    /// The field word of an assertion key (`type` in `assert cluster 6 type`).
    var field: PhraseToken? { token(fieldIndex) }
    var task: TaskSyntax {
        guard let token = token(taskIndex) else { return .current }
        return token.kind == .word ? .named(token) : .id(token)
    }
}

/// Why a phrase does not parse: the token where it stopped (``index`` == token count: at the end)
/// and what could stand there.
struct PhraseFailure: Error, Sendable, Hashable {
    enum Expectation: Sendable, Hashable {
        case keyword(String)
        case description(String)

        var text: String {
            switch self {
            case .keyword(let word): "'\(word)'"
            case .description(let text): text
            }
        }
    }

    var index: Int
    var expected: [Expectation]
}

/// A recursive-descent parser over phrase tokens; see ``PhraseSyntax`` for the grammar.
struct PhraseParser {
    /// Words that start a phrase.
    static let starters = [
        "failover", "switchover", "precheck", "retry", "rollback", "skip", "cancel", "await", "assert", "sleep",
        "note", "confirm", "for", "in",
    ]

    /// Every keyword of the grammar, for suggestions.
    static let keywords: [String] =
        starters + ["cluster", "task", "subtask", "status", "type", "syncStatus", "of", "each", "parallel"]

    /// Words that cannot name a task in `task NAME` (they would be read as the phrase's next word).
    static let reservedNames: Set<String> = Set(keywords)

    private let tokens: [PhraseToken]
    private var index = 0
    /// Optional alternatives that were possible at ``index`` (so a failure there can list them).
    private var optional: [PhraseFailure.Expectation] = []

    init(tokens: [PhraseToken]) {
        self.tokens = tokens
    }

    /// Parses tokens into a phrase.
    static func parse(_ tokens: [PhraseToken]) -> Result<PhraseSyntax, PhraseFailure> {
        var parser = PhraseParser(tokens: tokens)
        do throws(PhraseFailure) {
            return .success(try parser.phrase())
        } catch {
            return .failure(error)
        }
    }

    // MARK: - Grammar

    private mutating func phrase() throws(PhraseFailure) -> PhraseSyntax {
        let first = try word(Self.starters)
        var syntax: PhraseSyntax
        switch first {
        case "failover", "switchover":
            try keyword("cluster")
            syntax = PhraseSyntax(kind: first == "failover" ? .failover : .switchover)
            syntax.clusterIndex = optionalCluster()
        case "precheck":
            let action = try word(["failover", "switchover"])
            try keyword("cluster")
            syntax = PhraseSyntax(kind: action == "failover" ? .precheckFailover : .precheckSwitchover)
            syntax.clusterIndex = optionalCluster()
        case "retry", "rollback", "skip", "cancel":
            let objects = first == "retry" ? ["task", "subtask"] : first == "rollback" ? ["task"] : ["subtask"]
            let object = try word(objects)
            if object == "task" {
                syntax = PhraseSyntax(kind: first == "retry" ? .retryTask : .rollbackTask)
                syntax.taskIndex = optionalTask(followers: [])
            } else {
                let kind: PhraseSyntax.Kind = first == "retry" ? .retrySubtask : first == "skip" ? .skipSubtask : .cancelSubtask
                syntax = PhraseSyntax(kind: kind)
                syntax.subtaskIndex = try subtaskName()
                syntax.taskIndex = try optionalOfTask()
            }
        case "await":
            switch try word(["task", "subtask", "cluster"]) {
            case "task":
                syntax = PhraseSyntax(kind: .awaitTask)
                syntax.taskIndex = optionalTask(followers: ["status"])
                try keyword("status")
            case "subtask":
                syntax = PhraseSyntax(kind: .awaitSubtask)
                syntax.subtaskIndex = try subtaskName()
                syntax.taskIndex = try optionalOfTask()
                try keyword("status")
            default:
                let cluster = try clusterId()
                let field = try word(["type", "status"])
                syntax = PhraseSyntax(kind: field == "type" ? .awaitClusterType : .awaitClusterStatus)
                syntax.clusterIndex = cluster
            }
        case "assert":
            switch try word(["task", "subtask", "cluster"]) {
            case "task":
                let task = optionalTask(followers: ["status"])
                let field = optionalWord(["status"])
                syntax = PhraseSyntax(kind: .assertTask(field: field.map { tokens[Int($0)].text }))
                (syntax.taskIndex, syntax.fieldIndex) = (task, field)
            case "subtask":
                let subtask = try subtaskName()
                let task = try optionalOfTask()
                let field = optionalWord(["status"])
                syntax = PhraseSyntax(kind: .assertSubtask(field: field.map { tokens[Int($0)].text }))
                (syntax.subtaskIndex, syntax.taskIndex, syntax.fieldIndex) = (subtask, task, field)
            default:
                let cluster = try clusterId()
                let field = optionalWord(["type", "status", "syncStatus"])
                syntax = PhraseSyntax(kind: .assertCluster(field: field.map { tokens[Int($0)].text }))
                (syntax.clusterIndex, syntax.fieldIndex) = (cluster, field)
            }
        case "sleep", "note", "confirm":
            syntax = PhraseSyntax(kind: first == "sleep" ? .sleep : first == "note" ? .note : .confirm)
        case "in":
            try keyword("parallel")
            try keyword("for")
            syntax = try forEach(parallel: true)
        default:  // "for"
            syntax = try forEach(parallel: false)
        }
        try end()
        syntax.tokens = tokens
        return syntax
    }

    private mutating func forEach(parallel: Bool) throws(PhraseFailure) -> PhraseSyntax {
        try keyword("each")
        guard let name = peek, name.kind == .word, name.text != "in" else {
            throw failure([.description("a loop variable name")])
        }
        let variable = current
        advance()
        try keyword("in")
        guard let list = peek, list.kind == .reference else {
            throw failure([.description("a list as ${name}")])
        }
        let listIndex = current
        advance()
        var syntax = PhraseSyntax(kind: .forEach(parallel: parallel))
        (syntax.variableIndex, syntax.listIndex) = (variable, listIndex)
        return syntax
    }

    // MARK: - References

    /// The index of the next token, as stored in ``PhraseSyntax``.
    private var current: Int8 { Int8(clamping: index) }

    private mutating func optionalCluster() -> Int8? {
        if let token = peek, token.kind == .number || token.kind == .reference {
            defer { advance() }
            return current
        }
        optional.append(.description("a cluster id"))
        return nil
    }

    private mutating func clusterId() throws(PhraseFailure) -> Int8 {
        guard let token = peek, token.kind == .number || token.kind == .reference else {
            throw failure([.description("a cluster id (a number or ${...})")])
        }
        defer { advance() }
        return current
    }

    private mutating func subtaskName() throws(PhraseFailure) -> Int8 {
        guard let token = peek, token.kind == .quoted || token.kind == .reference else {
            throw failure([.description("a subtask name in double quotes")])
        }
        defer { advance() }
        return current
    }

    /// `task` followed by a name, a number or a reference; a word in `followers` ends it instead.
    private mutating func optionalTask(followers: Set<String>) -> Int8? {
        guard let token = peek else {
            optional.append(.description("a task name or id"))
            return nil
        }
        switch token.kind {
        case .number, .reference:
            defer { advance() }
            return current
        case .word where !followers.contains(token.text) && token.text != "of":
            defer { advance() }
            return current
        default:
            optional.append(.description("a task name or id"))
            return nil
        }
    }

    private mutating func optionalOfTask() throws(PhraseFailure) -> Int8? {
        guard optionalWord(["of"]) != nil else { return nil }
        try keyword("task")
        guard let token = peek, token.kind != .quoted else { throw failure([.description("a task name or id")]) }
        defer { advance() }
        return current
    }

    // MARK: - Tokens

    private var peek: PhraseToken? { index < tokens.count ? tokens[index] : nil }

    private mutating func advance() {
        index += 1
        optional = []
    }

    private func failure(_ expected: [PhraseFailure.Expectation]) -> PhraseFailure {
        PhraseFailure(index: index, expected: optional + expected)
    }

    /// One of `words`; returns the one found.
    @discardableResult
    private mutating func word(_ words: [String]) throws(PhraseFailure) -> String {
        guard let token = peek, token.kind == .word, words.contains(token.text) else {
            throw failure(words.map { .keyword($0) })
        }
        advance()
        return token.text
    }

    private mutating func keyword(_ word: String) throws(PhraseFailure) {
        try self.word([word])
    }

    private mutating func optionalWord(_ words: [String]) -> Int8? {
        if let token = peek, token.kind == .word, words.contains(token.text) {
            defer { advance() }
            return current
        }
        optional.append(contentsOf: words.map { .keyword($0) })
        return nil
    }

    private mutating func end() throws(PhraseFailure) {
        if index < tokens.count { throw failure([]) }
    }
}

// MARK: - Messages and suggestions

extension PhraseParser {
    /// The message for a phrase that does not parse, with a "did you mean" when one close phrase parses.
    /// Returns the message and the token offset to point at.
    static func explain(_ failure: PhraseFailure, tokens: [PhraseToken], phrase: String) -> (message: String, offset: Int) {
        if let (corrected, offset) = correction(tokens: tokens, failure: failure) {
            return ("unknown phrase '\(phrase)'; did you mean '\(corrected)'?", offset)
        }
        let offset = failure.index < tokens.count ? tokens[failure.index].offset : (tokens.last.map { $0.offset + $0.source.unicodeScalars.count } ?? 0)
        if failure.index == 0 {
            return ("unknown phrase '\(phrase)'", 0)
        }
        let expected = failure.expected.isEmpty ? "" : ": expected " + listing(failure.expected.map(\.text))
        if failure.index >= tokens.count {
            return ("incomplete phrase '\(phrase)'" + expected, offset)
        }
        return ("unexpected '\(tokens[failure.index].source)' in phrase '\(phrase)'" + expected, offset)
    }

    /// A close phrase that parses: one word replaced by a close keyword, an expected keyword inserted
    /// where parsing stopped, or the token there removed. Returns it and the offset of the change.
    static func correction(tokens: [PhraseToken], failure: PhraseFailure) -> (String, Int)? {
        func parses(_ candidate: [PhraseToken]) -> Bool {
            if case .success = parse(candidate) { return true }
            return false
        }
        func render(_ candidate: [PhraseToken]) -> String { candidate.map(\.source).joined(separator: " ") }
        // 1. A misspelt or miscapitalised keyword.
        for (i, token) in tokens.enumerated() where token.kind == .word && !keywords.contains(token.text) {
            for keyword in Suggestion.candidates(for: token.text, among: keywords) {
                var candidate = tokens
                candidate[i] = .word(keyword, offset: token.offset)
                if parses(candidate) { return (render(candidate), token.offset) }
            }
        }
        // A keyword in the wrong place may be a misspelling of another (`await task stats`).
        for (i, token) in tokens.enumerated() where token.kind == .word && i >= failure.index {
            for keyword in Suggestion.candidates(for: token.text, among: keywords) where keyword != token.text {
                var candidate = tokens
                candidate[i] = .word(keyword, offset: token.offset)
                if parses(candidate) { return (render(candidate), token.offset) }
            }
        }
        let offset = failure.index < tokens.count ? tokens[failure.index].offset : (tokens.last.map { $0.offset + $0.source.unicodeScalars.count } ?? 0)
        // 2. A missing keyword.
        for expectation in failure.expected {
            guard case .keyword(let keyword) = expectation else { continue }
            var candidate = tokens
            candidate.insert(.word(keyword, offset: offset), at: min(failure.index, tokens.count))
            if parses(candidate) { return (render(candidate), offset) }
        }
        // 3. One word too many.
        if failure.index < tokens.count, tokens.count > 1 {
            var candidate = tokens
            candidate.remove(at: failure.index)
            if parses(candidate) { return (render(candidate), offset) }
        }
        return nil
    }

    /// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
    static func listing(_ items: [String]) -> String {
        var unique: [String] = []
        for item in items where !unique.contains(item) { unique.append(item) }
        guard let last = unique.last else { return "" }
        if unique.count == 1 { return last }
        return unique.dropLast().joined(separator: ", ") + " or " + last
    }
}
