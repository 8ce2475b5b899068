import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// `run --jobs N`: units side by side in one process give the outputs of a run one unit at a time, bit for bit.
@Suite struct SideBySideTests {
    /// The same project run one unit at a time and then four at a time (every unit forced): every unit's stored
    /// output is the same (binary files by SHA-256, JSON files but for timings and dates), the lock file lists the
    /// same units with the same keys in plan order, and metrics.json agrees but for timings, run ids and the
    /// comparison with the previous run. The spec has a searched logistic regression, so search trials and their
    /// choices run side by side too.
    @Test func fourAtATimeEqualsOneAtATime() throws {
        let root = makeProject()
        defer { try? FileManager.default.removeItem(at: root) }
        TestSupport.write(
            spec().replacingOccurrences(
                of: "  - softmax: {l2: 1.0}", with: "  - softmax: {l2: 1.0}\n  - logistic: {C: [0.1, 1]}")
                + "\nsearch: {inner_folds: 3}\n",
            to: root.appendingPathComponent("pipelines/demo.yaml"))
        let spec = try SpecDecoder.load(path: root.appendingPathComponent("pipelines/demo.yaml").path)
        func execute(jobs: Int) throws -> (lock: LockFile, metrics: Any, manifests: [String: [String: NSObject]]) {
            var options = RunOptions(root: root, log: { _ in })
            options.force = true
            options.jobs = jobs
            let outcome = try Runner(spec: spec, options: options).run()
            let folder = try #require(outcome.reportDirectory)
            let metrics = try JSONSerialization.jsonObject(
                with: try Data(contentsOf: folder.appendingPathComponent("metrics.json")))
            // Each stored file's SHA-256, or for JSON its content without timings and dates.
            var manifests: [String: [String: NSObject]] = [:]
            for entry in try lock(root).entries where !entry.output.isEmpty && entry.stage != "report" {
                let data = try Data(
                    contentsOf: URL(fileURLWithPath: entry.output).appendingPathComponent(".textpipe-complete"))
                let files = try #require(
                    (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["files"] as? [String: Any])
                var hashes: [String: NSObject] = [:]
                for (name, file) in files where !name.contains("second") {
                    if name.hasSuffix(".json") {
                        let url = URL(fileURLWithPath: entry.output).appendingPathComponent(name)
                        hashes[name] = Self.withoutTimings(
                            try JSONSerialization.jsonObject(
                                with: try Data(contentsOf: url), options: [.fragmentsAllowed]))
                    } else {
                        hashes[name] = ((file as? [String: Any])?["sha256"] as? String ?? "") as NSString
                    }
                }
                manifests[entry.key] = hashes
            }
            return (try lock(root), metrics, manifests)
        }
        let one = try execute(jobs: 1)
        let four = try execute(jobs: 4)
        #expect(one.lock.entries.count > 40)
        #expect(one.lock.entries.map(\.key) == four.lock.entries.map(\.key))
        #expect(one.lock.entries.map(\.name) == four.lock.entries.map(\.name))
        #expect(one.lock.entries.map(\.status) == four.lock.entries.map(\.status))
        #expect(one.manifests.count > 40 && one.manifests == four.manifests)
        // The second run also compares itself with the first (`previous`), which the first could not.
        let first = Self.withoutTimings(one.metrics) as? NSDictionary
        let second = (Self.withoutTimings(four.metrics) as? NSDictionary)?.mutableCopy() as? NSMutableDictionary
        second?.removeObject(forKey: "previous")
        #expect(first != nil && first == second)
    }

    /// The JSON with every timing, run id and date removed.
    static func withoutTimings(_ value: Any) -> NSObject {
        switch value {
        case let d as [String: Any]:
            var kept: [String: NSObject] = [:]
            for (k, v) in d
            where !k.contains("second") && !["created_at", "trained_at", "run_id", "previous_run_id"].contains(k) {
                kept[k] = withoutTimings(v)
            }
            return kept as NSDictionary
        case let a as [Any]: return a.map(withoutTimings) as NSArray
        default: return (value as? NSObject) ?? NSNull()
        }
    }
}
