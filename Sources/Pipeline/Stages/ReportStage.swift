import Classify
import Evaluate
import Featurize
import Foundation
import Report
import TextCore

/// Writes a classification run's report folder (`<report.out>/<run id>/`): metrics.json, report.md with its charts,
/// report.html, folds.tsv, outcomes.tsv and every pair's saved model; McNemar's test between every pair; the
/// comparison with the run `latest` pointed at. The unit's own folder records the run id, so an unchanged rerun
/// shows the same report instead of writing another.
struct ReportStage: Stage {
    /// One evaluated pair: its evaluation, learning curve (when asked for) and saved model.
    struct Pair {
        let evaluation: Input<Evaluation>
        let curve: Input<LearningCurve>?
        let model: Input<FinalModel>
    }

    let classification: ClassificationSpec
    let clean: Input<Corpus>
    let tokenize: Input<Tokenized>
    let split: Input<FoldAssignment>
    let features: [(name: String, artifact: Input<FeatureArtifact>)]
    let pairs: [Pair]
    let skipped: [SkippedPair]
    let spec: PipelineSpec
    let inputFiles: [LockFile.FileHash]
    let out: URL

    var stage: StageName { .report }
    var inputs: [UnitReference] {
        [clean.reference, tokenize.reference, split.reference] + features.map(\.artifact.reference)
            + pairs.flatMap {
                [$0.evaluation.reference] + ($0.curve.map { [$0.reference] } ?? []) + [$0.model.reference]
            }
    }
    var outputs: [String] { ["run_id", "<report.out>/<run id>/"] }
    var parameters: [String: String] {
        ["out": spec.report.out, "formats": spec.report.formats.map(\.rawValue).joined(separator: ",")]
    }

    func derive(_ key: inout StageKey) throws {
        key.add("layout", "\(ReportLayout.version)")
        key.add("report", "\(spec.report.out)|\(spec.report.formats.map(\.rawValue))|\(spec.report.topFeatures)")
        key.add("dataset", classification.data.dataset ?? classification.data.train.map(\.path).joined(separator: ", "))
        key.add("skipped", json: skipped)
    }

    func isComplete(_ folder: URL) -> Bool { RunFolder.recorded(in: folder, out: out) != nil }

    func read(_ folder: URL) throws -> PublishedRun { try RunFolder.read(folder, out: out) }

    func run(_ context: StageContext, into folder: URL) throws {
        guard !pairs.isEmpty else {
            throw TextpipeError(
                .spec,
                "no (feature set, classifier) pair could be trained: "
                    + skipped.map { "\($0.features) + \($0.classifier): \($0.reason)" }.joined(separator: "; "))
        }
        let watch = Stopwatch()
        let cleaned = try context.read(clean)
        let tokenized = try context.read(tokenize)
        let assignment = try context.read(split)
        let corpus = tokenized.corpus
        let labels = assignment.labels
        let folds = assignment.folds
        var notes = cleaned.notes
        for (k, v) in assignment.notes { notes[k] = v }
        for (name, artifact) in features {
            let empty = try context.read(artifact).emptyDocuments
            if empty > 0 { notes["documents with no known word (zero vector) in \(name)"] = empty }
        }
        var classCounts: [String: Int] = [:]
        for l in corpus.labels { if let l { classCounts[l, default: 0] += 1 } }
        let dataset = DatasetSummary(
            name: classification.data.dataset ?? classification.data.train.map(\.path).joined(separator: ", "),
            trainDocuments: tokenized.trainCount, testDocuments: cleaned.test?.count, classes: classCounts,
            tokens: corpus.tokens.count, distinctTokens: corpus.types.count, notes: notes)
        let evaluations = try pairs.map { try context.read($0.evaluation) }
        let results = evaluations.map(\.result)
        var learning: LearningCurves? = nil
        if let lc = classification.learningCurve {
            let curves = try zip(pairs, results).compactMap { pair, result in
                try pair.curve.map {
                    LearningCurves.Curve(model: result.name, family: result.family, points: try context.read($0).points)
                }
            }
            learning = LearningCurves(curves: curves, repeats: lc.repeats)
        }
        // The previous run of this pipeline (report.out may hold other pipelines' runs too).
        let previousFolder = RunFolder.previous(in: out, pipeline: spec.name)
        let previousReport = RunFolder.previousMetrics(in: out, pipeline: spec.name).flatMap {
            try? RunReport.decode($0)
        }
        // McNemar's test between every pair, on each model's per-document outcomes (same documents, same order).
        let ranked = results.indices.sorted { a, b in
            let x = results[a]
            let z = results[b]
            return x.macroF1 != z.macroF1
                ? x.macroF1 > z.macroF1 : x.accuracy != z.accuracy ? x.accuracy > z.accuracy : x.name < z.name
        }
        let correct: [[Bool]] = try ranked.map { i in
            let (predicted, gold) = try evaluations[i].outcomes()
            return zip(predicted, gold).map { $0 == $1 }
        }
        let significance = SignificanceMatrix(models: ranked.map { results[$0].name }, correct: correct)
        let models = try zip(pairs, results).map { pair, result in
            (relative: result.modelPath, source: try context.read(pair.model).modelFolder)
        }
        let published = try RunFolder.publish(in: out, startedAt: context.startedAt, log: context.log) { tmp, runId in
            try RunFolder.copyModels(models, into: tmp)
            let best = BestModelChoice.choose(
                ranked: ranked.map {
                    .init(name: results[$0].name, logLoss: results[$0].logLoss, modelBytes: results[$0].modelBytes)
                }, headlines: ranked.map { results[$0].macroF1 }, significance: significance)
            if let best, let chosen = results.first(where: { $0.name == best.model }) {
                try RunFolder.linkBest(chosen.modelPath, in: tmp)
            }
            var foldLines = "source\tlabel\tfold\n"
            for (i, f) in folds.enumerated() {
                for d in f.test { foldLines += "\(corpus.sources[d])\t\(labels.names[assignment.y[d]])\t\(i)\n" }
            }
            try AtomicFile.write(foldLines, to: tmp.appendingPathComponent("folds.tsv"))
            // The inner folds of every search (the same for every trial and pair), for outside tools to redo the
            // search: `outer` is the outer fold whose training part was split (`all`: the saved model's search).
            if classification.classifiers.contains(where: { $0.trials != nil })
                || classification.features.contains(where: { $0.trials != nil })
            {
                var lines = "source\tlabel\touter\tinner\n"
                let outers: [Int?] =
                    Array(assignment.folds.indices) + (assignment.isCrossValidation ? [nil] : [])
                for outer in outers {
                    let rows = outer.map { assignment.folds[$0].train } ?? assignment.finalTrainingRows
                    let inner = try SearchTrialStage.innerFolds(
                        rows.map { assignment.y[$0] }, classCount: labels.count, settings: classification.search,
                        outer: outer)
                    for (k, fold) in inner.enumerated() {
                        for r in fold.test {
                            let d = rows[r]
                            let outerName = outer.map(String.init) ?? "all"
                            lines += "\(corpus.sources[d])\t\(labels.names[assignment.y[d]])\t\(outerName)\t\(k)\n"
                        }
                    }
                }
                try AtomicFile.write(lines, to: tmp.appendingPathComponent("search-folds.tsv"))
            }
            var stages = context.stageTimings
            stages.append(StageTiming(stage: "report", seconds: watch.seconds, cached: false))
            var r = RunReport(
                pipeline: spec.name, runId: runId, createdAt: ISO8601DateFormatter().string(from: context.startedAt),
                toolVersion: TextpipeVersion.current, specHash: spec.sha256, dataset: dataset,
                evaluation: classification.evaluation.description, results: results, stages: stages,
                totalSeconds: context.elapsedSeconds)
            r.skipped = skipped.isEmpty ? nil : skipped
            r.significance = significance
            r.best = best
            r.learningCurves = learning
            let testOrder = folds.flatMap(\.test)
            let outcomes = RunOutcomes(
                documents: testOrder.map { corpus.sources[$0] + "\t" + labels.names[assignment.y[$0]] },
                correct: Dictionary(
                    ranked.enumerated().map { (results[$0.element].name, correct[$0.offset]) },
                    uniquingKeysWith: { a, _ in a }))
            r.previous = previousReport.map {
                RunComparison(
                    previous: $0, current: results, threshold: spec.report.regressionThreshold,
                    outcomes: (previousFolder.flatMap { RunOutcomes.read(folder: $0) }, outcomes))
            }
            r.specText = try? String(contentsOfFile: spec.file, encoding: .utf8)
            r.inputs = Dictionary(inputFiles.map { ($0.path, $0.sha256) }, uniquingKeysWith: { a, _ in a })
            // Per-document outcomes of every model, for outside tools (McNemar in scipy, bootstrap, ...).
            var table = "document\tgold" + ranked.map { "\t" + results[$0].name }.joined() + "\n"
            for (d, doc) in folds.flatMap(\.test).enumerated() {
                table +=
                    corpus.sources[doc] + "\t" + labels.names[assignment.y[doc]]
                    + ranked.indices.map { correct[$0][d] ? "\t1" : "\t0" }.joined() + "\n"
            }
            try AtomicFile.write(table, to: tmp.appendingPathComponent("outcomes.tsv"))
            // metrics.json is always written: `report diff`, the run-to-run section and scripts read it.
            try AtomicFile.write(try r.json(), to: tmp.appendingPathComponent("metrics.json"))
            try ReportFiles.write(
                r.document, markdown: spec.report.formats.contains(.md), html: spec.report.formats.contains(.html),
                to: tmp)
        }
        try AtomicFile.write(published.runId, to: folder.appendingPathComponent("run_id"))
        context.log("report: \(published.folder.path)/report.\(spec.report.formats.contains(.html) ? "html" : "md")")
    }
}
