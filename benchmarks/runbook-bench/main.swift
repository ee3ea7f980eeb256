// runbook-bench: measures the library's stages in isolation for the scripts in benchmarks/.
//
//   runbook-bench yaml-load FILE [RUNS]     the loader building its tree (benchmarks/yaml-load)
//   runbook-bench polling                   polls and detection latency of task waits (benchmarks/run)
//   runbook-bench rto                       measured recovery time against the truth (benchmarks/rto)
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
switch arguments.first {
case "yaml-load":
    yamlLoad(arguments)
case "polling":
    await polling()
case "rto":
    await rto()
default:
    FileHandle.standardError.write(Data("usage: runbook-bench yaml-load FILE [RUNS] | polling | rto\n".utf8))
    exit(2)
}
