import Foundation
import Report
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// `runs list`, `report diff` (old, new, delta, spec changes, --json, --md), `gc --keep N`, and metrics.json's
/// `models` map (schema 2).
@Suite(.serialized) struct RunHistoryTests {
    /// Three runs of the demo pipeline with softmax's l2 changed each time; their run ids, oldest first.
    func threeRuns() throws -> (URL, [String]) {
        let root = makeProject(documentsPerClass: 25)
        var ids: [String] = []
        for l2 in ["1.0", "0.5", "2.0"] {
            TestSupport.write(spec(l2: l2, folds: 3), to: root.appendingPathComponent("pipelines/demo.yaml"))
            let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--quiet"], in: root)
            #expect(r.status == 0, "\(r.err)")
            ids.append(try #require(r.out.split(whereSeparator: \.isWhitespace).dropFirst(2).first.map(String.init)))
            Thread.sleep(forTimeInterval: 1.1)  // run ids are per second
        }
        return (root, ids)
    }

    @Test func listDiffAndCollect() throws {
        let (root, ids) = try threeRuns()
        #expect(Set(ids).count == 3)

        let list = try TestSupport.runTextpipe(["runs", "list", "demo"], in: root)
        #expect(list.status == 0, "\(list.err)")
        let rows = list.out.split(separator: "\n").dropFirst()
        #expect(rows.count == 3 && rows.first?.hasPrefix("* \(ids[2])") == true, "\(list.out)")
        #expect(rows.allSatisfy { $0.contains("macro-F1") && ($0.hasSuffix("ok") || $0.hasSuffix("regression")) })
        let json = try TestSupport.runTextpipe(["runs", "list", "--json"], in: root)
        let runs = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [[String: Any]])
        #expect(runs.map { $0["run_id"] as? String } == ids.reversed().map { $0 } && runs[0]["latest"] as? Bool == true)

        // metrics.json schema 2: every model's numbers by name.
        let metrics = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("reports/demo/\(ids[0])/metrics.json")))
                as? [String: Any])
        #expect(metrics["schema_version"] as? Int == 2)
        let models = try #require(metrics["models"] as? [String: [String: Any]])
        let softmax = try #require(models["ngram + softmax"])
        #expect(
            softmax["accuracy"] is Double && softmax["macro_f1"] is Double && softmax["rank"] is Int
                && softmax["feature_count"] is Int)
        #expect(models.count == 6 && Set(models.values.compactMap { $0["rank"] as? Int }) == Set(1...6))

        // report diff: old, new and delta of every model, and the spec's changed line.
        let a = "reports/demo/\(ids[0])"
        let b = "reports/demo/\(ids[1])"
        let diff = try TestSupport.runTextpipe(["report", "diff", a, b, "--json"], in: root)
        #expect(diff.status == 0, "\(diff.err)")
        let d = try #require(try JSONSerialization.jsonObject(with: Data(diff.out.utf8)) as? [String: Any])
        let row = try #require((d["models"] as? [[String: Any]])?.first { $0["model"] as? String == "ngram + softmax" })
        let old = row["headline_old"] as! Double
        let new = row["headline_new"] as! Double
        #expect(abs((row["headline_delta"] as! Double) - (new - old)) < 1e-12)
        #expect(
            d["spec_changes"] as? [String] == ["-   - softmax: {l2: 1.0}", "+   - softmax: {l2: 0.5}"],
            "\(d["spec_changes"] ?? "")")
        let md = try TestSupport.runTextpipe(["report", "diff", a, b, "--md"], in: root)
        #expect(
            md.out.contains("| model | accuracy % old | new | Δ | macro-F1 % old | new | Δ | flag |")
                && md.out.contains("```diff"))
        let text = try TestSupport.runTextpipe(["report", "diff", a, b], in: root)
        #expect(text.out.contains("spec changes:") && text.out.contains("+   - softmax: {l2: 0.5}"))
        #expect(RunDiff.lineDiff("x\ny\nz", "x\nw\nz") == ["- y", "+ w"])

        // A schema-1 metrics.json (before `models`) is still read: rendered again with this layout, and compared.
        var v1 = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: root.appendingPathComponent("reports/demo/\(ids[2])/metrics.json")))
                as? [String: Any])
        v1.removeValue(forKey: "models")
        v1["schema_version"] = 1
        let old1 = root.appendingPathComponent("old-run")
        TestSupport.write(
            String(decoding: try JSONSerialization.data(withJSONObject: v1), as: UTF8.self),
            to: old1.appendingPathComponent("metrics.json"))
        let render = try TestSupport.runTextpipe(["report", "render", old1.path], in: root)
        #expect(render.status == 0, "\(render.err)")
        let rendered = try String(contentsOf: old1.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(
            rendered.contains("<h2 id=\"summary\">Summary</h2>")
                && FileManager.default.fileExists(atPath: old1.appendingPathComponent("charts/comparison.svg").path))
        let mixed = try TestSupport.runTextpipe(
            ["report", "diff", old1.path, "reports/demo/\(ids[2])", "--json"], in: root)
        #expect(mixed.status == 0 && mixed.out.contains("\"headline_delta\""), "\(mixed.err)")

        // gc --keep 1: the dry run deletes nothing; the real one removes the two older runs and the cache entries
        // only they used, and the next run of the current spec is still fully cached.
        let work = root.appendingPathComponent("data/work/demo")
        let entriesBefore = try FileManager.default.contentsOfDirectory(atPath: work.path).filter { !$0.hasPrefix(".") }
        let dry = try TestSupport.runTextpipe(["gc", "--keep", "1", "--dry-run"], in: root)
        #expect(dry.status == 0 && dry.out.contains("would delete 2 run(s)"), "\(dry.out)")
        #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(a).path))
        let gc = try TestSupport.runTextpipe(["gc", "--keep", "1"], in: root)
        #expect(gc.status == 0 && gc.out.contains("deleted 2 run(s)"), "\(gc.out) \(gc.err)")
        #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(a).path))
        #expect(
            FileManager.default.fileExists(
                atPath: root.appendingPathComponent("reports/demo/\(ids[2])/report.html").path))
        let entriesAfter = try FileManager.default.contentsOfDirectory(atPath: work.path).filter { !$0.hasPrefix(".") }
        #expect(entriesAfter.count < entriesBefore.count, "\(entriesBefore.count) -> \(entriesAfter.count)")
        let rerun = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(rerun.status == 0 && rerun.out.contains("nothing changed"), "\(rerun.out)")
        let bad = try TestSupport.runTextpipe(["gc", "--keep", "0"], in: root)
        #expect(bad.status == 2 && bad.err.contains("--keep"))
    }
}
