import Classify
import Foundation
import Report
import TextCore

/// Compiles a spec into a plan: one unit per stage of the data's journey, per feature set, per (features,
/// classifier) pair and fold. Nothing runs; outside files are hashed (their hashes are part of the keys).
///
/// A classification spec with two feature sets, three classifiers and 10 folds compiles to ingest, clean,
/// tokenize, the fold assignment, 2 featurize units, 6 x (10 fold + 1 final) train units, 6 evaluate units and
/// the report.
public enum PlanCompiler {
    /// The plan of a spec, with the lock file's header and location; hashes input files, fetches nothing.
    public static func compile(_ spec: PipelineSpec, options: RunOptions) throws -> Plan {
        var plan = Plan(pipeline: spec.name)
        let out = options.resolve(spec.report.out)
        let inspect = out.appendingPathComponent("inspect")
        let evaluation: String
        switch spec.task {
        case .tagging(let tagging):
            try compileTagging(spec, tagging, options: options, out: out, inspect: inspect, into: &plan)
            evaluation =
                tagging.test != nil ? "given test file" : "held-out \(tagging.testFraction) (seed \(tagging.splitSeed))"
        case .classification(let classification):
            try compileClassification(spec, classification, options: options, out: out, inspect: inspect, into: &plan)
            evaluation = classification.evaluation.description
        }
        // Outputs never overwrite or feed inputs (catalog packages live in the data cache, not in the spec's paths).
        let work = options.resolve(spec.workDirectory).appendingPathComponent(spec.name)
        try PathOverlap.check(
            inputs: plan.dataPaths.map { ($0, options.resolve($0)) },
            outputs: [("report.out", out), ("work_dir", work)], spec: spec.file)
        plan.lock = LockFile(
            pipeline: spec.name, runId: "", startedAt: "", toolVersion: TextpipeVersion.current,
            spec: .init(path: spec.file, sha256: spec.sha256), inputs: plan.inputs, seed: spec.seed,
            evaluation: evaluation,
            entries: [], totalSeconds: 0, allCached: false)
        plan.lockURL = out.appendingPathComponent("textpipe.lock")
        return plan
    }

    static func compileClassification(
        _ spec: PipelineSpec, _ c: ClassificationSpec, options: RunOptions, out: URL, inspect: URL,
        into plan: inout Plan
    ) throws {
        let ingestStage = try IngestStage(data: c.data, options: options, inspectFolder: inspect)
        plan.inputs = ingestStage.source.files
        plan.dataPaths = ingestStage.source.paths
        let ingest = try plan.add(ingestStage)
        let clean = try plan.add(CleanStage(ingest: ingest, configuration: c.clean, inspectFolder: inspect))
        let tokenize = try plan.add(TokenizeStage(clean: clean, configuration: c.tokenize, inspectFolder: inspect))
        let split = try plan.add(SplitStage(tokenize: tokenize, evaluation: c.evaluation))
        let foldCount: Int
        var isCrossValidation = false
        switch c.evaluation {
        case .crossValidation(let k, _):
            foldCount = k
            isCrossValidation = true
        case .split, .givenTest: foldCount = 1
        }
        var features: [(name: String, artifact: Input<FeatureArtifact>)] = []
        var pairs: [ReportStage.Pair] = []
        var skipped: [SkippedPair] = []
        for feature in c.features {
            // A searched feature set: one featurizer per trial (shared by every classifier paired with it).
            let variants = try (feature.trials ?? []).map { trial in
                var variant = feature
                variant.configuration = trial.configuration
                return try plan.add(
                    FeaturizeStage(
                        tokenize: tokenize, split: split, feature: variant, options: options,
                        trial: SearchTrials.describe(trial.assignment, order: (feature.search ?? []).map(\.key))))
            }
            let fixed =
                try variants.first
                ?? plan.add(FeaturizeStage(tokenize: tokenize, split: split, feature: feature, options: options))
            features.append((feature.name, fixed))
            for classifier in c.classifiers {
                // Pairs the classifier's declared capabilities rule out are skipped before anything is trained.
                if let reason = classifier.spec.incompatibility(with: feature.configuration.shape) {
                    skipped.append(SkippedPair(features: feature.name, classifier: classifier.name, reason: reason))
                    options.log("train [\(feature.name) + \(classifier.name)]: skipped: \(reason)")
                    continue
                }
                let pair = "\(feature.name) + \(classifier.name)"
                let pairSearch = PairSearch.of(feature: feature, classifier: classifier, settings: c.search)
                // A searched pair: every trial a unit in every outer fold (nested cross-validation), a choice per
                // fold that the fold's model is trained with, and under cross-validation a search over all training
                // documents for the saved model.
                func search(outer: Int?) throws -> Input<SearchSelection>? {
                    guard let trials = pairSearch?.trials else { return nil }
                    let scores = try trials.enumerated().map { t, trial in
                        try plan.add(
                            SearchTrialStage(
                                split: split, features: trial.features.map { variants[$0] } ?? fixed, pair: pair,
                                trial: trial, index: t, outer: outer, settings: c.search))
                    }
                    return try plan.add(SearchSelectStage(pair: pair, trials: scores, candidates: trials, outer: outer))
                }
                let selections = try (0..<foldCount).compactMap { try search(outer: $0) }
                let modelSelection = isCrossValidation ? try search(outer: nil) : selections.first
                // With a searched feature set, each fold is trained on the featurizer its search chose.
                var artifact = fixed
                if let pairSearch, feature.trials != nil, let modelSelection {
                    let used = pairSearch.featureTrialsUsed
                    artifact = try plan.add(
                        FeatureChoiceStage(
                            variants: variants.indices.map { used.contains($0) ? variants[$0] : nil },
                            perFold: selections, model: modelSelection, trials: pairSearch.trials, pair: pair))
                }
                let folds = try (0..<foldCount).map { i in
                    try plan.add(
                        TrainStage(
                            split: split, features: artifact, pair: pair, classifier: classifier, fold: i,
                            foldCount: foldCount, seed: spec.seed, selection: selections.isEmpty ? nil : selections[i]))
                }
                let final = try plan.add(
                    FinalModelStage(
                        split: split, features: artifact, firstFold: folds[0], pair: pair, feature: feature,
                        classifier: classifier, isCrossValidation: isCrossValidation, seed: spec.seed,
                        pipeline: spec.name, clean: c.clean, tokenize: c.tokenize,
                        selection: isCrossValidation ? modelSelection : nil))
                let evaluation = try plan.add(
                    EvaluateStage(
                        tokenize: tokenize, split: split, features: artifact, folds: folds, final: final,
                        pair: pair, feature: feature, classifier: classifier, seed: spec.seed,
                        topFeatures: spec.report.topFeatures,
                        misclassifiedExamples: spec.report.misclassifiedExamples, selections: selections,
                        modelSelection: isCrossValidation ? modelSelection : nil,
                        search: pairSearch.map { ($0, c.search) }))
                let curve = try c.learningCurve.map {
                    try plan.add(
                        LearningCurveStage(
                            split: split, features: artifact, pair: pair, classifier: classifier, curve: $0,
                            seed: spec.seed, selection: modelSelection))
                }
                pairs.append(ReportStage.Pair(evaluation: evaluation, curve: curve, model: final))
            }
        }
        try plan.add(
            ReportStage(
                classification: c, clean: clean, tokenize: tokenize, split: split, features: features, pairs: pairs,
                skipped: skipped,
                spec: spec,
                inputFiles: plan.inputs, out: out))
    }

    static func compileTagging(
        _ spec: PipelineSpec, _ t: TaggingSpec, options: RunOptions, out: URL, inspect: URL, into plan: inout Plan
    ) throws {
        let ingestStage = try TaggingIngestStage(tagging: t, options: options, inspectFolder: inspect)
        plan.inputs = ingestStage.source.files
        plan.dataPaths = ingestStage.source.paths
        let ingest = try plan.add(ingestStage)
        var taggers: [TaggingReportStage.Tagger] = []
        for tagger in t.taggers {
            let run = try plan.add(
                try TrainTaggerStage(
                    ingest: ingest, tagger: tagger, features: t.features, scheme: t.modelScheme, seed: spec.seed,
                    pipeline: spec.name, options: options))
            let evaluation = try plan.add(
                EvaluateTaggerStage(
                    ingest: ingest, train: run, tagger: tagger, scheme: t.modelScheme,
                    errorExamples: t.errorExamples, seed: spec.seed))
            taggers.append(TaggingReportStage.Tagger(name: tagger.name, run: run, evaluation: evaluation))
        }
        try plan.add(
            TaggingReportStage(
                ingest: ingest, taggers: taggers, spec: spec, tagging: t, inputFiles: plan.inputs, out: out))
    }
}
