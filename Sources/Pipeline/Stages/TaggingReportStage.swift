import Evaluate
import Foundation
import Report
import Tagging
import TextCore

/// Writes a tagging run's report folder: metrics.json, report.md, report.html, every tagger's saved model, and a
/// paired bootstrap test between every pair of taggers (Holm-corrected).
struct TaggingReportStage: Stage {
    /// One tagger: its training run (for the saved model) and its evaluation.
    struct Tagger {
        let name: String
        let run: Input<TaggerRun>
        let evaluation: Input<TaggerEvaluation>
    }

    let ingest: Input<TaggedCorpus>
    let taggers: [Tagger]
    let spec: PipelineSpec
    let tagging: TaggingSpec
    let inputFiles: [LockFile.FileHash]
    let out: URL

    var stage: StageName { .report }
    var inputs: [UnitReference] { [ingest.reference] + taggers.flatMap { [$0.run.reference, $0.evaluation.reference] } }
    var outputs: [String] { ["run_id", "<report.out>/<run id>/"] }
    var parameters: [String: String] {
        ["out": spec.report.out, "formats": spec.report.formats.map(\.rawValue).joined(separator: ",")]
    }

    func derive(_ key: inout StageKey) throws {
        key.add("layout", "\(ReportLayout.version)")
        key.add("report", "\(spec.report.out)|\(spec.report.formats.map(\.rawValue))|\(tagging.errorExamples)")
    }

    func isComplete(_ folder: URL) -> Bool { RunFolder.recorded(in: folder, out: out) != nil }

    func read(_ folder: URL) throws -> PublishedRun { try RunFolder.read(folder, out: out) }

    func run(_ context: StageContext, into folder: URL) throws {
        let watch = Stopwatch()
        let corpus = try context.read(ingest)
        let t = tagging
        let train = corpus.train
        let test = corpus.test
        let evaluations = try taggers.map { try context.read($0.evaluation) }
        let results = evaluations.map(\.result)
        var tagCounts: [String: Int] = [:]
        for s in train { for g in s.tags { tagCounts[g, default: 0] += 1 } }
        let evaluation =
            t.test != nil
            ? "given test file"
            : "held-out \(Int((t.testFraction * 100).rounded()))% of sentences (seed \(t.splitSeed))"
        let dataset = TaggingDatasetSummary(
            name: t.dataset ?? t.train.map(\.path).joined(separator: ", "), trainSentences: train.count,
            testSentences: test.count, trainTokens: train.reduce(0) { $0 + $1.tokens.count },
            testTokens: test.reduce(0) { $0 + $1.tokens.count }, tags: tagCounts,
            fileScheme: t.scheme.rawValue, modelScheme: t.modelScheme.rawValue, repairedTags: corpus.repaired,
            evaluation: evaluation)
        // Every pair of taggers: a paired bootstrap over the held-out sentences, Holm-corrected.
        let order = results.indices.sorted { results[$0].headline > results[$1].headline }
        var p = [[Double]](repeating: [Double](repeating: 1, count: order.count), count: order.count)
        for i in order.indices {
            for j in order.indices where j > i {
                let v = Bootstrap.pairedPValue(
                    evaluations[order[i]].sentenceCounts, evaluations[order[j]].sentenceCounts, seed: spec.seed,
                    metric: EvaluateTaggerStage.headlineMetric)
                p[i][j] = v
                p[j][i] = v
            }
        }
        let significance = SignificanceMatrix(
            models: order.map { results[$0].name }, pValues: p, test: "paired bootstrap over sentences")
        // The previous run of this pipeline (report.out may hold other pipelines' runs too).
        let previousRun = RunFolder.previousMetrics(in: out, pipeline: spec.name).flatMap {
            try? ScoredRuns.decode($0)
        }
        let models = try taggers.map {
            (relative: "models/\(RunFolder.safeName($0.name))", source: try context.read($0.run).modelFolder)
        }
        let published = try RunFolder.publish(in: out, startedAt: context.startedAt, log: context.log) { tmp, runId in
            try RunFolder.copyModels(models, into: tmp)
            if let best = order.first, models.indices.contains(best) {
                try RunFolder.linkBest(models[best].relative, in: tmp)
            }
            var stages = context.stageTimings
            stages.append(StageTiming(stage: "report", seconds: watch.seconds, cached: false))
            var report = TaggingRunReport(
                pipeline: spec.name, runId: runId, createdAt: ISO8601DateFormatter().string(from: context.startedAt),
                toolVersion: TextpipeVersion.current, specHash: spec.sha256, dataset: dataset, results: results,
                stages: stages, totalSeconds: context.elapsedSeconds)
            report.significance = significance
            report.specText = try? String(contentsOfFile: spec.file, encoding: .utf8)
            report.inputs = Dictionary(inputFiles.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            if let previousRun, previousRun is TaggingRunReport {
                report.previous = RunComparison(
                    previous: previousRun, current: report.scores, threshold: spec.report.regressionThreshold)
            }
            try AtomicFile.write(try report.json(), to: tmp.appendingPathComponent("metrics.json"))
            try ReportFiles.write(
                report.document, markdown: spec.report.formats.contains(.md),
                html: spec.report.formats.contains(.html), to: tmp)
        }
        try AtomicFile.write(published.runId, to: folder.appendingPathComponent("run_id"))
        context.log("report: \(published.folder.path)/report.\(spec.report.formats.contains(.html) ? "html" : "md")")
    }
}
