import Foundation
import TestSupport
import Testing

/// Every module a target imports is declared among its dependencies in Package.swift (not merely reachable through
/// another target), so the architecture the manifest shows is the one the code has.
@Suite struct PackageTests {
    @Test func everyImportedModuleIsDeclared() throws {
        let root = TestSupport.projectRoot
        let manifest = try String(contentsOf: root.appendingPathComponent("Package.swift"), encoding: .utf8)
        // `.target(name: "X", dependencies: [...], path: "...")` declarations, each up to the next one.
        let pattern = try NSRegularExpression(
            pattern: #"\.(target|testTarget|executableTarget|systemLibrary)\(\s*name:\s*"([^"]+)""#)
        let ns = manifest as NSString
        let matches = pattern.matches(in: manifest, range: NSRange(location: 0, length: ns.length))
        var declared: [String: (dependencies: Set<String>, path: String)] = [:]
        let modules = Set(matches.map { ns.substring(with: $0.range(at: 2)) }).union(["Yams", "ArgumentParser"])
        for (i, m) in matches.enumerated() {
            let end = i + 1 < matches.count ? matches[i + 1].range.location : ns.length
            let body = ns.substring(with: NSRange(location: m.range.location, length: end - m.range.location))
            let name = ns.substring(with: m.range(at: 2))
            let kind = ns.substring(with: m.range(at: 1))
            let dependencyList =
                body.components(separatedBy: "dependencies:").dropFirst().first?.components(separatedBy: "]").first
                ?? ""
            let dependencies = Set(modules.filter { dependencyList.contains("\"\($0)\"") })
            let path =
                body.components(separatedBy: "path: \"").dropFirst().first?.components(separatedBy: "\"").first
                ?? (kind == "testTarget" ? "Tests/\(name)" : "Sources/\(name)")
            declared[name] = (dependencies, path)
        }
        #expect(declared.count >= 20)
        var problems: [String] = []
        for (name, target) in declared {
            let folder = root.appendingPathComponent(target.path)
            guard let files = FileManager.default.enumerator(atPath: folder.path) else { continue }
            for case let file as String in files where file.hasSuffix(".swift") {
                let text = try String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8)
                for line in text.split(separator: "\n") {
                    let words = line.split(separator: " ")
                    guard let i = words.firstIndex(of: "import"), i + 1 < words.count,
                        i == 0 || words[i - 1] == "@testable"
                    else { continue }
                    let module = String(words[i + 1])
                    if modules.contains(module), module != name, !target.dependencies.contains(module) {
                        problems.append("\(name) imports \(module) (\(target.path)/\(file)) without declaring it")
                    }
                }
            }
        }
        #expect(problems.isEmpty, "\(Set(problems).sorted().joined(separator: "\n"))")
    }
}
