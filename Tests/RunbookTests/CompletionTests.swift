import Foundation
import RunbookTestSupport
import Testing

@testable import RunbookSupport

/// `runbook --version` and the shell completion of the built binary: `--var` offers the variables
/// of the runbook named on the line, and never fails on a bad one.
@Suite(.serialized)
struct CompletionTests {
    // MARK: - --version

    @Test func versionNamesTheVersionAndTheCommit() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["--version"], in: folder)
        #expect(result.status == 0)
        // A plain `swift build` does not know its commit; scripts/release writes it in.
        let line = try #require(result.stdout.split(separator: "\n").first.map(String.init))
        #expect(result.stdout == line + "\n")
        #expect(line.hasPrefix("runbook \(RunbookVersion.current) (commit "))
        let commit = line.dropFirst("runbook \(RunbookVersion.current) (commit ".count).dropLast()
        #expect(line.hasSuffix(")"))
        #expect(commit == "unknown" || (commit.count == 12 && commit.allSatisfy(\.isHexDigit)), "\(line)")
    }

    // MARK: - --var

    /// What `runbook ---completion SUBCOMMAND -- --var` answers for `words` when completing the
    /// word at `index` (the last by default), as the generated scripts call it.
    private func complete(_ subcommand: String, _ words: [String], at index: Int? = nil, in folder: URL) async throws
        -> [String]
    {
        let index = index ?? words.count - 1
        let result = try await CLI.run(
            ["---completion", subcommand, "--", "--var", String(index), String(words[index].count)] + words, in: folder)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    @Test(arguments: ["run", "plan", "check"])
    func varOffersTheVariablesOfTheRunbookOnTheLine(subcommand: String) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let drill = CLI.example("failover-drill.yaml")
        #expect(try await complete(subcommand, ["runbook", subcommand, drill, "--var", ""], in: folder) == ["standby=", "rto="])
        #expect(try await complete(subcommand, ["runbook", subcommand, drill, "--var", "r"], in: folder) == ["rto="])
        // The file may come after the option, and other options may stand between.
        #expect(
            try await complete(subcommand, ["runbook", subcommand, "--var", "st", "--var", "rto=5m", drill], at: 3, in: folder)
                == ["standby="])
        #expect(
            try await complete(subcommand, ["runbook", subcommand, "--var", "rto=5m", drill, "--var", "st"], in: folder)
                == ["standby="])
    }

    @Test func varReadsOnlyTheRunbookNotAnOptionsFile() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let runbook = try CLI.write(
            "runbook: t\nvars:\n  cluster: 6\n  env_name: prod\nsteps:\n  - note: ${cluster} ${env_name}\n", to: folder,
            as: "t.yaml")
        let credentials = try CLI.write("vars:\n  secret: 1\nuser: u\npassword: p\n", to: folder, as: "creds.yaml")
        let words = ["runbook", "run", "--credentials", credentials, runbook, "--var", ""]
        #expect(try await complete("run", words, in: folder) == ["cluster=", "env_name="])
    }

    @Test func checkOffersTheVariablesOfEveryFileOnce() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let a = try CLI.write("runbook: a\nvars:\n  x: 1\n  y: 2\nsteps:\n  - note: ${x}${y}\n", to: folder, as: "a.yaml")
        let b = try CLI.write("runbook: b\nvars:\n  y: 3\n  z: 4\nsteps:\n  - note: ${y}${z}\n", to: folder, as: "b.yml")
        #expect(try await complete("check", ["runbook", "check", a, b, "--var", ""], in: folder) == ["x=", "y=", "z="])
    }

    /// A runbook that is missing, unreadable, not YAML or has no `vars:` mapping offers nothing,
    /// quietly: completion never prints an error into the user's shell.
    @Test(arguments: [
        "", "vars: [a, b]\n", "vars:\n  a: 1\n  a: 2\n  ]]]\n", "runbook: t\nsteps: []\n", "\u{0}\u{1}\u{2}binary",
        "vars:\n  ? [a, b]\n  : 1\n", "- a\n- b\n", "vars: &x\n  a: *x\n",
    ])
    func aBadRunbookOffersNothing(text: String) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = try CLI.write(text, to: folder, as: "bad.yaml")
        #expect(try await complete("run", ["runbook", "run", file, "--var", ""], in: folder).isEmpty)
    }

    @Test func aMissingRunbookOffersNothing() async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.yaml").path
        #expect(try await complete("run", ["runbook", "run", missing, "--var", ""], in: folder).isEmpty)
        #expect(try await complete("run", ["runbook", "run", "--var", ""], in: folder).isEmpty)
        #expect(try await complete("run", ["runbook", "run", folder.path + "/", "--var", ""], in: folder).isEmpty)
    }

    // MARK: - The scripts

    /// The bash script, sourced and driven as bash drives it on Tab: `--var` offers the runbook's
    /// variables, the runbook argument offers `.yaml` files.
    @Test func bashCompletesVariablesAndYAMLFiles() async throws {
        #expect(FileManager.default.isExecutableFile(atPath: "/bin/bash"), "this test drives bash, at /bin/bash")
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = try await CLI.run(["--generate-completion-script", "bash"], in: folder)
        #expect(script.status == 0)
        let scriptPath = try CLI.write(script.stdout, to: folder, as: "runbook.bash")
        _ = try CLI.write("runbook: t\nvars:\n  standby: 6\nsteps:\n  - note: ${standby}\n", to: folder, as: "drill.yaml")
        _ = try CLI.write("not a runbook\n", to: folder, as: "notes.txt")
        let driver = """
            source "$1"
            tab() {  # tab WORD...: completes the last word as bash does on Tab
                COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}; COMPREPLY=()
                _runbook runbook "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
                echo "$*|${COMPREPLY[*]}"
            }
            tab runbook run drill.yaml --var ''
            tab runbook plan drill.yaml --var s
            tab runbook run ''
            """
        let bin = try RunbookBinary.require().deletingLastPathComponent().path
        let result = try Self.bash(driver, scriptPath, in: folder, path: "\(bin):/usr/bin:/bin")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.split(separator: "\n") == [
                "runbook run drill.yaml --var |standby=", "runbook plan drill.yaml --var s|standby=",
                "runbook run |drill.yaml",
            ], "\(result.stderr)")
    }

    @Test(arguments: ["bash", "zsh", "fish"])
    func everyScriptCallsBackForVarAndKnowsYAMLFiles(shell: String) async throws {
        let folder = try CLI.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let result = try await CLI.run(["--generate-completion-script", shell], in: folder)
        #expect(result.status == 0)
        for subcommand in ["run", "plan", "check"] {
            #expect(result.stdout.contains("---completion \(subcommand) -- --var"), "\(shell) \(subcommand)")
        }
        #expect(result.stdout.contains("yaml"))
    }

    /// Runs `bash -c script driver ARGUMENT` in `folder` with `PATH` set; waits for it.
    private static func bash(_ script: String, _ argument: String, in folder: URL, path: String) throws -> (
        status: Int32, stdout: String, stderr: String
    ) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script, "driver", argument]
        process.currentDirectoryURL = folder
        process.environment = ["PATH": path, "HOME": folder.path, "LC_ALL": "C"]
        let out = folder.appendingPathComponent(".bash-out"), err = folder.appendingPathComponent(".bash-err")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return (
            process.terminationStatus, try String(contentsOf: out, encoding: .utf8),
            try String(contentsOf: err, encoding: .utf8)
        )
    }
}
