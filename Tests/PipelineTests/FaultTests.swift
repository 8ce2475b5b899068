import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Faults and hostile settings (issue 12): a clear error and exit code, and nothing outside textpipe's own folders
/// touched.
@Suite(.serialized) struct FaultTests {
    /// A pipeline name is a folder name inside work_dir and report.out: `..` or a leading dot is refused.
    @Test func pipelineNamesCannotLeaveTheirFolders() throws {
        let root = TestSupport.temporaryDirectory()
        for name in ["..", ".", ".hidden", "a/b"] {
            TestSupport.write(
                "name: \"\(name)\"\ndata: {dataset: polarity-sentences}\n", to: root.appendingPathComponent("p.yaml"))
            let r = try TestSupport.runTextpipe(["validate", "p.yaml"], in: root)
            #expect(r.status == 2 && r.err.contains("p.yaml:1") && r.err.contains("name must be"), "\(name): \(r.err)")
        }
    }

    /// A spec nested 100,000 levels deep is refused before the YAML parser recurses into it.
    @Test func deeplyNestedSpecsAreRefused() throws {
        let root = TestSupport.temporaryDirectory()
        TestSupport.write(
            "name: x\ndata: " + String(repeating: "[", count: 100_000), to: root.appendingPathComponent("deep.yaml"))
        let r = try TestSupport.runTextpipe(["validate", "deep.yaml"], in: root)
        #expect(
            r.status == 2 && r.err.contains("deep.yaml:2") && r.err.contains("more than 64 deep"),
            "\(r.err.prefix(300))")
        // Brackets inside quotes do not count.
        TestSupport.write(
            "name: \"[[[[\"\ndata: {dataset: polarity-sentences}\n", to: root.appendingPathComponent("q.yaml"))
        #expect(try TestSupport.runTextpipe(["validate", "q.yaml"], in: root).err.contains("name must be"))
    }

    /// A folders dataset holding a FIFO or a link to /dev/zero is refused (reading either would block or never
    /// end), naming the file.
    @Test func devicesAndFIFOsAreNotRead() throws {
        let root = makeProject(documentsPerClass: 10)
        let fifo = root.appendingPathComponent("corpus/pos/fifo.txt")
        #expect(mkfifo(fifo.path, 0o644) == 0)
        let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(
            r.status == 3 && r.err.contains("corpus/pos/fifo.txt") && r.err.contains("not a regular file"), "\(r.err)")
        try FileManager.default.removeItem(at: fifo)
        try FileManager.default.createSymbolicLink(
            atPath: root.appendingPathComponent("corpus/neg/zero.txt").path, withDestinationPath: "/dev/zero")
        let z = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(z.status == 3 && z.err.contains("corpus/neg/zero.txt"), "\(z.err)")
    }

    /// Only textpipe's own temporary folders are removed from the work folder, never another file named `.tmp-*`.
    @Test func onlyOwnTemporariesAreRemoved() throws {
        #expect(LocalArtifactStore.isOwnTemporary(".tmp-1234-train-0123456789abcdef0123"))
        #expect(LocalArtifactStore.isOwnTemporary(".tmp-1234-report-0123456789abcdef0123-old"))
        #expect(!LocalArtifactStore.isOwnTemporary(".tmp-mine"))
        #expect(!LocalArtifactStore.isOwnTemporary(".tmp-12-notastage-0123456789abcdef0123"))
        #expect(!LocalArtifactStore.isOwnTemporary(".tmp-x-train-0123456789abcdef0123"))
        let root = makeProject(documentsPerClass: 10)
        let work = root.appendingPathComponent("data/work/demo")
        TestSupport.write("keep me", to: work.appendingPathComponent(".tmp-mine/notes.txt"))
        TestSupport.write("half", to: work.appendingPathComponent(".tmp-99999-clean-0123456789abcdef0123/train.bin"))
        _ = try run(root)
        #expect(FileManager.default.fileExists(atPath: work.appendingPathComponent(".tmp-mine/notes.txt").path))
        #expect(
            !FileManager.default.fileExists(
                atPath: work.appendingPathComponent(".tmp-99999-clean-0123456789abcdef0123").path))
    }

    /// A system failure (a report folder that cannot be created) exits 4 naming the path in words, not 1 with an
    /// error domain's text.
    @Test func systemFailuresExitFourWithThePath() throws {
        let root = makeProject(documentsPerClass: 10)
        let spec = try String(contentsOf: root.appendingPathComponent("pipelines/demo.yaml"), encoding: .utf8)
        TestSupport.write(
            spec.replacingOccurrences(
                of: "report: {out: reports/demo,", with: "report: {out: /proc/textpipe-no-such-place,"),
            to: root.appendingPathComponent("pipelines/demo.yaml"))
        let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml"], in: root)
        #expect(
            r.status == 4 && r.err.contains("/proc/textpipe-no-such-place") && !r.err.contains("Domain"), "\(r.err)")
    }
}

/// Unbounded cost (issue 12): thousands of labels give a report of bounded size in time linear in the classes.
@Suite(.serialized) struct ManyLabelsTests {
    @Test func reportsCapPerClassTablesAndKeepEverythingInMetrics() throws {
        let root = TestSupport.temporaryDirectory()
        var rng = Xoshiro256StarStar(seed: 3)
        var csv = "text,label\n"
        let K = 300
        for i in 0..<(K * 3) {
            let words = (0..<8).map { _ in rng.nextUnit() < 0.4 ? "w\(i % K)" : "c\(rng.nextIndex(40))" }
            csv += "\"\(words.joined(separator: " "))\",label\(i % K)\n"
        }
        TestSupport.write(csv, to: root.appendingPathComponent("many.csv"))
        TestSupport.write(
            """
            name: demo
            data:
              train: {path: many.csv, format: csv, text_column: text, label_column: label}
            features:
              - onehot: {min_df: 1}
            classifiers:
              - multinomial_nb
            evaluate: {cv: {folds: 3, seed: 1}}
            report: {out: reports/demo, formats: [md, html, json]}
            """, to: root.appendingPathComponent("pipelines/demo.yaml"))
        let (outcome, _) = try run(root)
        let folder = try #require(outcome.reportDirectory)
        let md = try String(contentsOf: folder.appendingPathComponent("report.md"), encoding: .utf8)
        #expect(md.contains("The 30 most frequent of 300 classes; every class is in metrics.json."))
        #expect(md.contains("Confusion between the 20 classes most involved in errors, of 300"))
        // 30 per-class rows, a 20 x 20 confusion table, informative features of the 30 shown classes.
        let classRows = md.split(separator: "\n").filter { $0.hasPrefix("| label") }
        #expect(classRows.count <= 30 + 20 + 30, "\(classRows.count)")
        #expect(classRows.filter { $0.contains("`") }.count == 30)
        let html = try Data(contentsOf: folder.appendingPathComponent("report.html"))
        #expect(html.count < 400_000, "\(html.count)")
        // metrics.json keeps every class: 300 per-class rows and the sparse confusion.
        let metrics = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("metrics.json")))
                as? [String: Any])
        let result = try #require((metrics["results"] as? [[String: Any]])?.first)
        #expect((result["per_class"] as? [Any])?.count == K)
        let confusion = try #require(result["confusion"] as? [String: Any])
        #expect(confusion["classes"] as? Int == K)
        #expect(((confusion["cells"] as? [[Int]]) ?? []).reduce(0) { $0 + $1[2] } == K * 3)
        // predictions.tsv keeps the predicted and gold scores, not 300 columns per document.
        let evaluate = try #require(try lock(root).entries.first { $0.stage == "evaluate" })
        let predictions = try String(
            contentsOf: URL(fileURLWithPath: evaluate.output).appendingPathComponent("predictions.tsv"), encoding: .utf8
        )
        #expect(predictions.hasPrefix("source\tfold\tgold\tpredicted\tscore:predicted\tscore:gold\n"))
    }
}

/// Cache entries are trusted only whole: a manifest of every file's size and SHA-256 is written last, and a cached
/// output is checked against it before it is read; a damaged or half-deleted entry is rebuilt, never trusted.
@Suite(.serialized) struct CacheIntegrityTests {
    func entries(_ root: URL) throws -> [LockEntry] { try lock(root).entries }

    @Test func damagedOrHalfDeletedEntriesAreRebuilt() throws {
        let root = makeProject(documentsPerClass: 20)
        let (first, _) = try run(root)
        let firstReport = try #require(first.report)
        let all = try entries(root)
        // Flip a byte of a saved model and delete one fold matrix of a feature set; remove the report's entry so
        // the report is written again and reads the damaged units (damage nothing reads is never looked at).
        let final = try #require(all.first { $0.name == "train [onehot + softmax] final model" })
        let model = URL(fileURLWithPath: final.output).appendingPathComponent("model/classifier.bin")
        var bytes = [UInt8](try Data(contentsOf: model))
        bytes[bytes.count / 2] ^= 0x40
        try Data(bytes).write(to: model)
        let features = try #require(all.first { $0.name == "featurize [ngram]" })
        try FileManager.default.removeItem(
            at: URL(fileURLWithPath: features.output).appendingPathComponent("fold-1.bin"))
        let report = try #require(all.first { $0.stage == "report" })
        try FileManager.default.removeItem(at: URL(fileURLWithPath: report.output))
        let (second, log) = try run(root)
        let rebuilt = try entries(root).filter { $0.status == "rebuilt" }.map(\.name)
        #expect(
            rebuilt.contains("train [onehot + softmax] final model") && rebuilt.contains("featurize [ngram]"),
            "\(rebuilt)")
        #expect(
            log.contains { $0.contains("the cached output is damaged") && $0.contains("changed since it was written") })
        #expect(log.contains { $0.contains("fold-1.bin is missing") })
        // The same numbers as before the damage.
        let secondReport = try #require(second.report)
        #expect(secondReport.results.map(\.accuracy) == firstReport.results.map(\.accuracy))
        // A folder without its manifest (a half-written or pre-0.4 entry) is not a cache hit.
        try FileManager.default.removeItem(
            at: URL(fileURLWithPath: all.first { $0.stage == "tokenize" }!.output).appendingPathComponent(
                ".textpipe-complete"))
        _ = try run(root)
        #expect(try entries(root).first { $0.stage == "tokenize" }?.status == "run")
    }

    /// Replacing an entry (`--force`) moves the old one aside first and removes it after: nothing is left aside.
    @Test func forcedRunsReplaceEntriesWhole() throws {
        let root = makeProject(documentsPerClass: 10)
        _ = try run(root)
        _ = try run(root, force: true)
        let work = root.appendingPathComponent("data/work/demo")
        let names = try FileManager.default.contentsOfDirectory(atPath: work.path)
        #expect(!names.contains { $0.hasPrefix(".tmp-") }, "\(names)")
        #expect(try entries(root).allSatisfy { $0.status == "run" })
        for e in try entries(root) {
            #expect(
                FileManager.default.fileExists(
                    atPath: URL(fileURLWithPath: e.output).appendingPathComponent(".textpipe-complete").path))
        }
    }
}
