// yaml-load: builds the node tree of a file RUNS times in a row (default 1) and prints the number
// of nodes and then the milliseconds of each build (CPU time of the thread, user and system, as
// benchmarks/yaml-load/events.c measures). The file is read before the first clock starts; each
// tree is freed after its clock stops.
import Foundation
import OCPModel
import OCPSimulation
import Runbook
import RunbookEngine
import RunbookLanguage
import RunbookStepLog
import RunbookSupport
import RunbookYAML

func count(_ node: Node) -> Int {
    switch node.content {
    case .scalar: return 1
    case .sequence(let items): return 1 + items.reduce(0) { $0 + count($1) }
    case .mapping(let pairs): return 1 + pairs.reduce(0) { $0 + count($1.key) + count($1.value) }
    }
}

func yamlLoad(_ arguments: [String]) {
    guard arguments.count > 1, let data = FileManager.default.contents(atPath: arguments[1]) else {
        FileHandle.standardError.write(Data("usage: runbook-bench yaml-load FILE [RUNS]\n".utf8))
        exit(2)
    }
    let runs = min(max(arguments.count > 2 ? Int(arguments[2]) ?? 1 : 1, 1), 64)
    let bytes = [UInt8](data)
    var options = YAMLLoader.Options()
    options.maxBytes = max(options.maxBytes, bytes.count)
    let loader = YAMLLoader(options: options)
    /// CPU time of this thread, in milliseconds.
    func threadMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    var nodes = 0
    var times: [Double] = []
    for _ in 0..<runs {
        var tree: Node?
        let elapsed: Double
        do {
            let start = threadMilliseconds()
            tree = try loader.load(bytes: bytes, file: arguments[1])
            elapsed = threadMilliseconds() - start
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
        nodes = tree.map(count) ?? 0
        times.append(elapsed)
    }
    print(([String(nodes)] + times.map { String(format: "%.3f", $0) }).joined(separator: " "))
    }
