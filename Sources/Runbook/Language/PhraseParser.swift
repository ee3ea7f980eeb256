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
    var cluster: PhraseToken?
    var task: TaskSyntax = .current
    var subtask: PhraseToken?
    var variable: PhraseToken?
    var list: PhraseToken?
    /// The field word of an assertion key (`type` in `assert cluster 6 type`).
    var field: PhraseToken?
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
        switch first {
        case "failover", "switchover":
            try keyword("cluster")
            let cluster = optionalCluster()
            try end()
            return PhraseSyntax(kind: first == "failover" ? .failover : .switchover, cluster: cluster)
        case "precheck":
            let action = try word(["failover", "switchover"])
            try keyword("cluster")
            let cluster = optionalCluster()
            try end()
            return PhraseSyntax(kind: action == "failover" ? .precheckFailover : .precheckSwitchover, cluster: cluster)
        case "retry", "rollback", "skip", "cancel":
            let objects = first == "retry" ? ["task", "subtask"] : first == "rollback" ? ["task"] : ["subtask"]
            let object = try word(objects)
            if object == "task" {
                let task = optionalTask(followers: [])
                try end()
                return PhraseSyntax(kind: first == "retry" ? .retryTask : .rollbackTask, task: task)
            }
            let subtask = try subtaskName()
            let task = try optionalOfTask()
            try end()
            let kind: PhraseSyntax.Kind = first == "retry" ? .retrySubtask : first == "skip" ? .skipSubtask : .cancelSubtask
            return PhraseSyntax(kind: kind, task: task, subtask: subtask)
        case "await":
            switch try word(["task", "subtask", "cluster"]) {
            case "task":
                let task = optionalTask(followers: ["status"])
                try keyword("status")
                try end()
                return PhraseSyntax(kind: .awaitTask, task: task)
            case "subtask":
                let subtask = try subtaskName()
                let task = try optionalOfTask()
                try keyword("status")
                try end()
                return PhraseSyntax(kind: .awaitSubtask, task: task, subtask: subtask)
            default:
                let cluster = try clusterId()
                let field = try word(["type", "status"])
                try end()
                return PhraseSyntax(kind: field == "type" ? .awaitClusterType : .awaitClusterStatus, cluster: cluster)
            }
        case "assert":
            switch try word(["task", "subtask", "cluster"]) {
            case "task":
                let task = optionalTask(followers: ["status"])
                let field = optionalWord(["status"])
                try end()
                return PhraseSyntax(kind: .assertTask(field: field?.text), task: task, field: field)
            case "subtask":
                let subtask = try subtaskName()
                let task = try optionalOfTask()
                let field = optionalWord(["status"])
                try end()
                return PhraseSyntax(kind: .assertSubtask(field: field?.text), task: task, subtask: subtask, field: field)
            default:
                let cluster = try clusterId()
                let field = optionalWord(["type", "status", "syncStatus"])
                try end()
                return PhraseSyntax(kind: .assertCluster(field: field?.text), cluster: cluster, field: field)
            }
        case "sleep", "note", "confirm":
            try end()
            return PhraseSyntax(kind: first == "sleep" ? .sleep : first == "note" ? .note : .confirm)
        case "in":
            try keyword("parallel")
            try keyword("for")
            return try forEach(parallel: true)
        default:  // "for"
            return try forEach(parallel: false)
        }
    }

    private mutating func forEach(parallel: Bool) throws(PhraseFailure) -> PhraseSyntax {
        try keyword("each")
        guard let name = peek, name.kind == .word, name.text != "in" else {
            throw failure([.description("a loop variable name")])
        }
        advance()
        try keyword("in")
        guard let list = peek, list.kind == .reference else {
            throw failure([.description("a list as ${name}")])
        }
        advance()
        try end()
        return PhraseSyntax(kind: .forEach(parallel: parallel), variable: name, list: list)
    }

    // MARK: - References

    private mutating func optionalCluster() -> PhraseToken? {
        if let token = peek, token.kind == .number || token.kind == .reference {
            advance()
            return token
        }
        optional.append(.description("a cluster id"))
        return nil
    }

    private mutating func clusterId() throws(PhraseFailure) -> PhraseToken {
        guard let token = peek, token.kind == .number || token.kind == .reference else {
            throw failure([.description("a cluster id (a number or ${...})")])
        }
        advance()
        return token
    }

    private mutating func subtaskName() throws(PhraseFailure) -> PhraseToken {
        guard let token = peek, token.kind == .quoted || token.kind == .reference else {
            throw failure([.description("a subtask name in double quotes")])
        }
        advance()
        return token
    }

    /// `task` followed by a name, a number or a reference; a word in `followers` ends it instead.
    private mutating func optionalTask(followers: Set<String>) -> PhraseSyntax.TaskSyntax {
        guard let token = peek else {
            optional.append(.description("a task name or id"))
            return .current
        }
        switch token.kind {
        case .number, .reference:
            advance()
            return .id(token)
        case .word where !followers.contains(token.text) && token.text != "of":
            advance()
            return .named(token)
        default:
            optional.append(.description("a task name or id"))
            return .current
        }
    }

    private mutating func optionalOfTask() throws(PhraseFailure) -> PhraseSyntax.TaskSyntax {
        guard optionalWord(["of"]) != nil else { return .current }
        try keyword("task")
        guard let token = peek else { throw failure([.description("a task name or id")]) }
        switch token.kind {
        case .number, .reference:
            advance()
            return .id(token)
        case .word:
            advance()
            return .named(token)
        case .quoted:
            throw failure([.description("a task name or id")])
        }
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

    private mutating func optionalWord(_ words: [String]) -> PhraseToken? {
        if let token = peek, token.kind == .word, words.contains(token.text) {
            advance()
            return token
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
