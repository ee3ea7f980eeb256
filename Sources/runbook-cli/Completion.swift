import ArgumentParser
import Foundation
import RunbookSupport
import RunbookYAML

/// Shell completion that knows runbooks. The scripts of `runbook --generate-completion-script`
/// call back into `runbook` for `--var`, which offers `name=` for each variable the runbook named
/// on the line declares in `vars:`.
enum Completion {
    /// `--var`'s completion: the runbook files on the line, read for their `vars:`.
    static let variables = CompletionKind.custom { words, index, prefix in
        variableCandidates(words: words, completing: index, prefix: completedPrefix(words, index, prefix))
    }

    /// The part of the completed word before the cursor. argument-parser (1.8) cuts the prefix
    /// from the line's last word, which is another word when the cursor is not at the end of
    /// the line (`runbook run --var st<Tab> drill.yaml`); then the whole completed word is used.
    static func completedPrefix(_ words: [String], _ index: Int, _ prefix: String) -> String {
        guard words.indices.contains(index) else { return prefix }
        let word = words[index]
        return word.hasPrefix(prefix) ? prefix : word
    }

    /// The options of `run`, `plan` and `check` whose value is the next word, so that word is not
    /// a runbook file (`--credentials creds.yaml`).
    static let optionsWithValues: Set<String> = [
        "--target", "--credentials", "--ca-file", "--connect-timeout", "--read-timeout", "--var", "--log", "--speed",
        "--unreachable-limit", "--format", "--stage", "--repeat",
    ]

    /// `name=` for each variable of the runbooks on the line that starts with `prefix`, in the
    /// order written, each once. Nothing for a file that is missing, unreadable or not YAML.
    static func variableCandidates(words: [String], completing index: Int, prefix: String) -> [String] {
        var seen: Set<String> = []
        var out: [String] = []
        for file in runbookFiles(in: words, completing: index) {
            for name in declaredVariables(inFileAt: file) where name.hasPrefix(prefix) && seen.insert(name).inserted {
                out.append(name + "=")
            }
        }
        return out
    }

    /// The words that name runbook files: after the command and subcommand, not an option, not
    /// an option's value, not the word being completed, and ending in `.yaml` or `.yml`.
    static func runbookFiles(in words: [String], completing index: Int) -> [String] {
        var files: [String] = []
        var afterTerminator = false
        var position = 2  // words[0] is `runbook`, words[1] the subcommand.
        while position < words.count {
            let word = words[position]
            defer { position += 1 }
            if position == index { continue }
            if !afterTerminator {
                if word == "--" {
                    afterTerminator = true
                    continue
                }
                if word.hasPrefix("-") {
                    if optionsWithValues.contains(word) { position += 1 }
                    continue
                }
            }
            let name = unquoted(word)
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") { files.append(name) }
        }
        return files
    }

    /// The keys of the top-level `vars:` mapping of the file at `path`, or none.
    static func declaredVariables(inFileAt path: String) -> [String] {
        let bytes: [UInt8]
        do throws(Diagnostic) {
            bytes = try FileInput.read(path)
        } catch {
            return []
        }
        guard let root = try? YAMLLoader().load(bytes: bytes, file: path),
            let vars = root.mapping?.first(where: { $0.key.scalar?.text == "vars" })?.value.mapping
        else { return [] }
        return vars.compactMap { pair in
            guard let name = pair.key.scalar?.text, !name.isEmpty, name != "env" else { return nil }
            return name
        }
    }

    /// A word as the shell passes it, without the quotes around it (`'drill.yaml'`, `"a b.yaml"`)
    /// and with a leading `~/` read as the home folder.
    private static func unquoted(_ word: String) -> String {
        var name = word
        if name.count >= 2, let first = name.first, first == "'" || first == "\"", name.last == first {
            name = String(name.dropFirst().dropLast())
        }
        if name.hasPrefix("~/"), let home = ProcessInfo.processInfo.environment["HOME"] {
            name = home + name.dropFirst()
        }
        return name
    }
}
