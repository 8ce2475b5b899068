import Evaluate
import Foundation
import Report
import Tagging
import TextCore

/// A tagger's scores on the held-out sentences and the per-sentence counts its interval and the paired tests use.
struct TaggerEvaluation: Artifact {
    let result: TaggerResult
    /// Per sentence: (right, tokens) when tags are scored by accuracy, (correct, gold, predicted) chunks otherwise.
    let sentenceCounts: [[Double]]

    func write(to folder: URL) throws {
        try AtomicFile.write(try StableJSON.encode(result), to: folder.appendingPathComponent("result.json"))
        try AtomicFile.write(try StableJSON.encode(sentenceCounts), to: folder.appendingPathComponent("counts.json"))
    }

    static func read(from folder: URL) throws -> TaggerEvaluation {
        let d = JSONDecoder()
        return TaggerEvaluation(
            result: try d.decode(
                TaggerResult.self, from: try AtomicFile.read(folder.appendingPathComponent("result.json"))),
            sentenceCounts: try JSONDecoder().decode(
                [[Double]].self, from: try AtomicFile.read(folder.appendingPathComponent("counts.json"))))
    }
}

/// Scores one tagger: token and sentence accuracy, chunk P/R/F1 as conlleval counts them or SIGHAN word P/R/F1,
/// the headline metric's bootstrap interval over sentences, and a spread of wrong sentences.
struct EvaluateTaggerStage: Stage {
    typealias Output = TaggerEvaluation
    let ingest: Input<TaggedCorpus>
    let train: Input<TaggerRun>
    let tagger: NamedTagger
    let scheme: TagScheme
    let errorExamples: Int
    let seed: UInt64

    var stage: StageName { .evaluate }
    var unit: String? { tagger.name }
    var inputs: [UnitReference] { [ingest.reference, train.reference] }
    var outputs: [String] { ["result.json", "counts.json"] }
    var parameters: [String: String] { ["error_examples": "\(errorExamples)"] }

    func derive(_ key: inout StageKey) throws {
        key.add("scheme", scheme.rawValue)
        key.add("examples", "\(errorExamples)")
        key.add("seed", "\(seed)")
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let corpus = try context.read(ingest)
        let run = try context.read(train)
        let test = corpus.test
        let predicted = run.predicted
        let tags = TaggingCorpusFacts.tags(corpus)
        let unseen = Set(test.flatMap(\.tags)).subtracting(tags)
        if !unseen.isEmpty {
            context.log(
                "note: test tags never seen in training (always wrong): \(unseen.sorted().joined(separator: ", "))")
        }
        guard predicted.count == test.count, zip(predicted, test).allSatisfy({ $0.count == $1.tags.count }) else {
            throw TextpipeError(
                .internal, "tagger \(tagger.name) returned tags that do not line up with the test sentences")
        }
        let trainingWords: Set<String>? =
            scheme == .bmes
            ? Set(
                corpus.train.flatMap { s in
                    TagSchemes.chunks(s.tags, scheme: .bmes).map { s.tokens[$0.start..<$0.end].joined() }
                }) : nil
        let metrics = TaggingMetrics(
            gold: test.map(\.tags), predicted: predicted, scheme: scheme, tags: tags,
            tokens: test.map(\.tokens), trainingWords: trainingWords)
        // A spread of wrong sentences: the first errors after evenly spaced starting points.
        var errors: [TaggingErrorExample] = []
        let wrong = test.indices.filter { predicted[$0] != test[$0].tags }
        if errorExamples > 0, !wrong.isEmpty {
            let step = max(1, wrong.count / errorExamples)
            for i in stride(from: 0, to: wrong.count, by: step).prefix(errorExamples) {
                let s = test[wrong[i]]
                errors.append(
                    TaggingErrorExample(
                        source: s.source, tokens: s.tokens, gold: s.tags, predicted: predicted[wrong[i]]))
            }
        }
        let tokens = test.reduce(0) { $0 + $1.tokens.count }
        // The headline metric's interval: per-sentence counts resampled.
        let counts: [[Double]] = zip(test, predicted).map { s, p in
            if scheme == .none { return [Double(zip(s.tags, p).filter { $0 == $1 }.count), Double(s.tags.count)] }
            let g = Set(TagSchemes.chunks(s.tags, scheme: scheme))
            let q = Set(TagSchemes.chunks(p, scheme: scheme))
            return [Double(g.intersection(q).count), Double(g.count), Double(q.count)]
        }
        var result = TaggerResult(
            name: tagger.name, kind: tagger.spec.kind, family: tagger.spec.family.rawValue,
            description: run.summary.description ?? tagger.spec.summary,
            metrics: metrics, trainSeconds: run.summary.trainSeconds, tagSeconds: run.summary.tagSeconds,
            tokensPerSecond: Double(tokens) / max(run.summary.tagSeconds, 1e-9), trainingSummary: run.summary.training,
            errors: errors)
        result.headlineInterval = Bootstrap.sentenceInterval(counts: counts, seed: seed, metric: Self.headlineMetric)
        try TaggerEvaluation(result: result, sentenceCounts: counts).write(to: folder)
    }

    /// The headline metric from summed per-sentence counts: (right, tokens) gives accuracy, (correct, gold,
    /// predicted) gives F1.
    static func headlineMetric(_ c: [Double]) -> Double {
        if c.count == 2 { return c[1] > 0 ? c[0] / c[1] : 0 }
        return PrecisionRecall(correct: c[0], predicted: c[2], gold: c[1]).f1
    }
}
