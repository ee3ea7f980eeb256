// Our loader: builds the node tree of a file and prints the milliseconds that took and the
// number of nodes. The file is read before the clock starts; the tree is freed after it stops.
import Foundation
import Runbook

func count(_ node: Node) -> Int {
    switch node.content {
    case .scalar: return 1
    case .sequence(let items): return 1 + items.reduce(0) { $0 + count($1) }
    case .mapping(let pairs): return 1 + pairs.reduce(0) { $0 + count($1.key) + count($1.value) }
    }
}

guard CommandLine.arguments.count > 1, let data = FileManager.default.contents(atPath: CommandLine.arguments[1]) else {
    FileHandle.standardError.write(Data("usage: loader FILE\n".utf8))
    exit(2)
}
let bytes = [UInt8](data)
var options = YAMLLoader.Options()
options.maxBytes = max(options.maxBytes, bytes.count)
let loader = YAMLLoader(options: options)
let clock = ContinuousClock()
var tree: Node?
let elapsed: Duration
do {
    let start = clock.now
    tree = try loader.load(bytes: bytes, file: CommandLine.arguments[1])
    elapsed = clock.now - start
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(1)
}
let ms = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
print(String(format: "%.3f %d", ms, tree.map(count) ?? 0))
