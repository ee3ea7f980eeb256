/// "Did you mean" suggestions from edit distance.
package enum Suggestion {
    /// The optimal-string-alignment (restricted Damerau-Levenshtein) distance: insertions,
    /// deletions, substitutions and transpositions of neighbours each cost 1.
    package static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                var best = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    best = min(best, before[j - 2] + 1)
                }
                current[j] = best
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }

    /// How far a slip may go.
    package enum Slack: Sendable {
        /// A keyword or a short name: about one edit per three letters, at least 1, at most 3.
        case word
        /// A long name of several words (a subtask's): up to a quarter of its letters, at least 2.
        case name
    }

    /// The distance at or under which `word` is taken as a slip for a candidate (case and spacing
    /// are ignored).
    static func limit(for word: String, _ candidate: String, _ slack: Slack) -> Int {
        let length = max(word.unicodeScalars.count, candidate.unicodeScalars.count)
        switch slack {
        case .word: return max(1, min(3, length / 3))
        case .name: return max(2, word.unicodeScalars.count / 4)
        }
    }

    /// `word` lower-cased with its runs of spaces made one: how two spellings are compared.
    package static func normalized(_ word: String) -> String {
        word.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Whether two names differ only in case and spacing (`failover  to primary`,
    /// `FailoverToPrimary` and `Failover to Primary` are one name).
    package static func sameName(_ a: String, _ b: String) -> Bool {
        normalized(a) == normalized(b) || normalized(a).filter { $0 != " " } == normalized(b).filter { $0 != " " }
    }

    /// The candidates close to `word`, closest first (candidates equal to `word` are left out).
    /// A candidate that differs only in case or spacing comes first.
    package static func candidates(for word: String, among candidates: [String], slack: Slack = .word) -> [String] {
        let lower = normalized(word)
        var scored: [(distance: Int, order: Int, candidate: String)] = []
        for (order, candidate) in candidates.enumerated() where candidate != word {
            let d = distance(lower, normalized(candidate))
            guard d <= limit(for: word, candidate, slack), d < max(word.unicodeScalars.count, 2) else { continue }
            scored.append((d, order, candidate))
        }
        return scored.sorted { ($0.distance, $0.order) < ($1.distance, $1.order) }.map(\.candidate)
    }

    /// The closest candidate to `word`, or nil when none is close.
    package static func closest(to word: String, among candidates: [String], slack: Slack = .word) -> String? {
        self.candidates(for: word, among: candidates, slack: slack).first
    }

    /// `; did you mean 'X'?` when a candidate is close, else the empty string.
    package static func didYouMean(_ word: String, among candidates: [String]) -> String {
        closest(to: word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
