import OCPModel
import RunbookSupport
import RunbookYAML

/// The parsed form of a phrase key, before its value and options are looked at: which phrase it
/// is, and where its references are.
struct PhraseSyntax: Sendable, Hashable {
    var kind: PhraseKind
    /// The phrase's tokens; the references below are indexes into them (a parsed phrase stays small
    /// to copy).
    var tokens: [PhraseToken] = []
    var subjectIndex: Int8?
    var taskIndex: Int8?
    var subtaskIndex: Int8?
    var variableIndex: Int8?
    var listIndex: Int8?
    var fieldIndex: Int8?

    /// A `task` reference in a phrase.
    enum TaskSyntax: Sendable, Hashable {
        case current
        case named(PhraseToken)
        /// A number or a `${...}` token.
        case id(PhraseToken)
    }

    private func token(_ index: Int8?) -> PhraseToken? { index.map { tokens[Int($0)] } }

    /// The cluster id written in the key.
    var subject: PhraseToken? { token(subjectIndex) }
    var subtask: PhraseToken? { token(subtaskIndex) }
    var variable: PhraseToken? { token(variableIndex) }
    var list: PhraseToken? { token(listIndex) }
    /// The field word of a wait or an assertion key (`type` in `assert cluster 6 type`).
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

/// Matches phrase tokens against the grammar of every ``PhraseDescriptor``.
///
/// Each descriptor's elements are matched in turn; the phrase is the descriptor that matches all
/// of its tokens. When none does, the failure is the furthest token any descriptor reached, with
/// everything that could stand there (the optional elements skipped just before it included), so
/// `await cluster status` says a cluster id is expected.
enum PhraseMatcher {
    /// Words that start a phrase.
    static let starters: [String] = unique(PhraseDescriptor.all.compactMap { descriptor in
        if case .word(let w)? = descriptor.grammar.first { return w }
        return nil
    })

    /// Every keyword of the grammar, for suggestions.
    static let keywords: [String] = unique(
        PhraseDescriptor.all.flatMap { descriptor -> [String] in
            descriptor.grammar.flatMap { element -> [String] in
                switch element {
                case .word(let w): [w]
                case .ofTask: ["of", "task"]
                case .field: descriptor.fields?.keyWords ?? []
                default: []
                }
            }
        })

    /// Words that cannot name a task in `task NAME` (they would be read as the phrase's next word).
    static let reservedNames: Set<String> = Set(keywords)

    /// The descriptors that can match a phrase starting with a word, in ``PhraseDescriptor/all``'s
    /// order: those whose grammar starts with that word, and those that start with no word.
    private static let byFirstWord: (words: [String: [PhraseDescriptor]], others: [PhraseDescriptor]) = {
        var words: [String: [PhraseDescriptor]] = [:]
        var others: [PhraseDescriptor] = []
        for descriptor in PhraseDescriptor.all {
            if case .word(let w)? = descriptor.grammar.first {
                words[w, default: []].append(descriptor)
            } else {
                others.append(descriptor)
            }
        }
        return (words, others)
    }()

    /// Parses tokens into a phrase: the first descriptor (in ``PhraseDescriptor/all``'s order)
    /// that matches them all. Only the descriptors that can start with the first token are tried
    /// (the others fail on it); when none matches, the failure is worked out over them all.
    static func parse(_ tokens: [PhraseToken]) -> Result<PhraseSyntax, PhraseFailure> {
        let first = tokens.first.flatMap { $0.kind == .word ? $0.text : nil }
        let index = byFirstWord
        let candidates = (first.flatMap { index.words[$0] } ?? []) + index.others
        // Order among the candidates is ``PhraseDescriptor/all``'s when they start with the word
        // or with none; a phrase matches descriptors of one kind of start only.
        for descriptor in candidates {
            if case .success(let syntax) = match(descriptor, tokens) { return .success(syntax) }
        }
        var failures: [PhraseFailure] = []
        for descriptor in PhraseDescriptor.all {
            if case .failure(let failure) = match(descriptor, tokens) { failures.append(failure) }
        }
        guard let far = failures.map(\.index).max() else { return .failure(PhraseFailure(index: 0, expected: [])) }
        let expected = unique(failures.filter { $0.index == far }.flatMap(\.expected))
        return .failure(PhraseFailure(index: far, expected: expected))
    }

    /// Matches one descriptor's grammar.
    private static func match(_ descriptor: PhraseDescriptor, _ tokens: [PhraseToken]) -> Result<PhraseSyntax, PhraseFailure> {
        var syntax = PhraseSyntax(kind: descriptor.kind, tokens: tokens)
        var index = 0
        /// Optional alternatives that were possible at `index` (so a failure there can list them).
        var optional: [PhraseFailure.Expectation] = []
        var peek: PhraseToken? { index < tokens.count ? tokens[index] : nil }
        var current: Int8 { Int8(clamping: index) }
        func advance() {
            index += 1
            optional = []
        }
        func fail(_ expected: [PhraseFailure.Expectation]) -> Result<PhraseSyntax, PhraseFailure> {
            .failure(PhraseFailure(index: index, expected: optional + expected))
        }
        for element in descriptor.grammar {
            switch element {
            case .word(let word):
                guard let token = peek, token.kind == .word, token.text == word else { return fail([.keyword(word)]) }
                advance()
            case .subject(let kind, let required):
                if let token = peek, token.kind == .number || token.kind == .reference {
                    syntax.subjectIndex = current
                    advance()
                } else if required {
                    return fail([.description("a \(kind.noun) (a number or ${...})")])
                } else {
                    optional.append(.description("a \(kind.noun)"))
                }
            case .task(let followers):
                if let token = peek,
                    token.kind == .number || token.kind == .reference
                        || (token.kind == .word && !followers.contains(token.text) && token.text != "of")
                {
                    syntax.taskIndex = current
                    advance()
                } else {
                    optional.append(.description("a task name or id"))
                }
            case .subtask:
                guard let token = peek, token.kind == .quoted || token.kind == .reference else {
                    return fail([.description("a subtask name in double quotes")])
                }
                syntax.subtaskIndex = current
                advance()
            case .ofTask:
                guard let token = peek, token.kind == .word, token.text == "of" else {
                    optional.append(.keyword("of"))
                    continue
                }
                advance()
                guard let task = peek, task.kind == .word, task.text == "task" else { return fail([.keyword("task")]) }
                advance()
                guard let name = peek, name.kind != .quoted else { return fail([.description("a task name or id")]) }
                syntax.taskIndex = current
                advance()
            case .field(let required):
                let words = descriptor.fields?.keyWords ?? []
                if let token = peek, token.kind == .word, words.contains(token.text) {
                    syntax.fieldIndex = current
                    advance()
                } else if required {
                    return fail(words.map { .keyword($0) })
                } else {
                    optional.append(contentsOf: words.map { .keyword($0) })
                }
            case .variable:
                guard let token = peek, token.kind == .word, token.text != "in" else {
                    return fail([.description("a loop variable name")])
                }
                syntax.variableIndex = current
                advance()
            case .list:
                guard let token = peek, token.kind == .reference else { return fail([.description("a list as ${name}")]) }
                syntax.listIndex = current
                advance()
            }
        }
        if index < tokens.count { return fail([]) }
        return .success(syntax)
    }

    private static func unique<T: Hashable>(_ items: [T]) -> [T] {
        var seen = Set<T>()
        return items.filter { seen.insert($0).inserted }
    }
}

// MARK: - Messages and suggestions

extension PhraseMatcher {
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
        // One change away from a phrase of at most a dozen tokens: a longer text is none, and trying
        // every change of a very long one would take time quadratic in its length.
        guard tokens.count <= maxCorrectableTokens else { return nil }
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

    /// Longer than any phrase of the grammar plus one token.
    static let maxCorrectableTokens = 16

    /// `'a'`, `'a' or 'b'`, `'a', 'b' or 'c'`.
    static func listing(_ items: [String]) -> String {
        var unique: [String] = []
        for item in items where !unique.contains(item) { unique.append(item) }
        guard let last = unique.last else { return "" }
        if unique.count == 1 { return last }
        return unique.dropLast().joined(separator: ", ") + " or " + last
    }
}
