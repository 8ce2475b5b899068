import Evaluate
import Featurize
import Foundation
import TestSupport
import Testing
import TextCore
import Tokenize

@testable import Pipeline

/// Runs a spec in a fresh folder in this process, with the project's data cache (datasets fetched once).
func runInProcess(_ yaml: String, name: String, only: StageName? = nil) throws -> (
    PipelineSpec, RunOptions, Runner.Outcome
) {
    let root = TestSupport.temporaryDirectory(name)
    TestSupport.write(yaml, to: root.appendingPathComponent("p.yaml"))
    var options = RunOptions(root: root, log: { _ in })
    options.dataCache = TestSupport.projectRoot.appendingPathComponent("data/cache")
    options.only = only
    let spec = try SpecDecoder.load(path: root.appendingPathComponent("p.yaml").path)
    return (spec, options, try Runner(spec: spec, options: options).run())
}

/// The Pang & Lee sentences tokenized by the pipeline (fetched into the project's data cache once).
func polarityTokenized() throws -> TokenizedCorpus {
    let (spec, options, _) = try runInProcess(
        """
        name: stats
        data: {dataset: polarity-sentences}
        tokenize: {lowercase: true, punctuation: drop}
        features: [onehot]
        classifiers: [multinomial_nb]
        evaluate: {cv: {folds: 10, seed: 1}}
        """, name: "stats", only: .tokenize)
    let plan = try PlanCompiler.compile(spec, options: options)
    let unit = try #require(plan.units.first { $0.stage.stage == .tokenize })
    let store = LocalArtifactStore(root: options.root.appendingPathComponent("data/work/stats"))
    return try Tokenized.read(from: store.folder(stage: .tokenize, key: unit.key)).corpus
}

/// `stream stats` + `stream merge-stats` give exactly the single-machine fit (issue 13).
@Suite(.serialized) struct NGramStatisticsTests {
    /// Counts `corpus` in `parts` contiguous partitions with random boundaries, each document in the group of the
    /// fold that tests it, and merges the partials in a random order and grouping (through their binary form).
    func partitioned(
        _ corpus: TokenizedCorpus, _ c: NGramConfiguration, group: [Int], groups: Int, parts: Int,
        seed: UInt64
    ) throws -> NGramStatistics {
        var rng = Xoshiro256StarStar(seed: seed)
        var cuts = Set<Int>()
        while cuts.count < parts - 1 { cuts.insert(Int.random(in: 1..<corpus.documentCount, using: &rng)) }
        let bounds = [0] + cuts.sorted() + [corpus.documentCount]
        var partials: [NGramStatistics] = []
        for p in 0..<parts {
            var s = try NGramStatistics(configuration: c, groupCount: groups)
            for d in bounds[p]..<bounds[p + 1] {
                try s.add(tokens: corpus.document(d).map { corpus.types[Int($0)] }, row: d, group: group[d])
            }
            var w = BinaryWriter()
            try s.encode(into: &w)
            var r = BinaryReader(w.data, name: "partial")
            partials.append(try NGramStatistics.decode(from: &r))
        }
        partials.shuffle(using: &rng)
        while partials.count > 1 {
            let a = partials.removeLast()
            let i = Int.random(in: 0..<partials.count, using: &rng)
            try partials[i].merge(a)
        }
        return partials[0]
    }

    func bytes(_ v: NGramVectorizer) throws -> Data {
        var w = BinaryWriter()
        try v.encode(into: &w)
        return w.data
    }

    @Test func mergedStatisticsFitExactlyWhatOneMachineFitsOnPolarity() throws {
        let corpus = try polarityTokenized()
        #expect(corpus.documentCount == 4000)
        let labels = LabelIndex(corpus.labels.compactMap { $0 })
        let y = corpus.labels.map { labels.index($0 ?? "") ?? 0 }
        let folds = try Stratified.kFold(labels: y, classCount: labels.count, folds: 10, seed: 1)
        var group = [Int](repeating: 0, count: corpus.documentCount)
        for (f, fold) in folds.enumerated() { for d in fold.test { group[d] = f } }
        var settings: [NGramConfiguration] = []
        var c = NGramConfiguration()
        settings.append(c)  // unigram counts
        c.maxN = 2
        c.weighting = .tfidf
        c.minDF = .count(2)
        settings.append(c)  // (1,2)-gram tf-idf, min_df 2
        c.minN = 1
        c.maxN = 3
        c.weighting = .binary
        c.minDF = .count(1)
        c.maxDF = .fraction(0.5)
        c.maxFeatures = 5000
        settings.append(c)  // (1,3)-grams capped: ties broken by first occurrence
        c = NGramConfiguration()
        c.minN = 2
        c.maxN = 2
        c.weighting = .tfidf
        c.sublinearTF = true
        c.maxFeatures = 3000
        settings.append(c)  // bigrams only
        c = NGramConfiguration()
        c.maxN = 2
        c.weighting = .tfidf
        c.hashingBits = 16
        settings.append(c)  // hashed
        for (k, setting) in settings.enumerated() {
            let stats = try partitioned(corpus, setting, group: group, groups: 10, parts: 7, seed: UInt64(k + 1))
            for f in [0, 4, 9] {
                let local = try NGramVectorizer.fit(setting, corpus: corpus, rows: folds[f].train)
                let merged = try stats.vectorizer(groups: (0..<10).filter { $0 != f })
                #expect(local.columnCount == merged.columnCount, "setting \(k) fold \(f)")
                #expect(try bytes(local) == bytes(merged), "setting \(k) fold \(f)")
            }
            let all = try NGramVectorizer.fit(setting, corpus: corpus, rows: Array(0..<corpus.documentCount))
            #expect(try bytes(all) == bytes(try stats.vectorizer(groups: Array(0..<10))), "setting \(k) all")
        }
    }

    @Test func mergingRefusesOtherSettingsAndCorruptPartials() throws {
        var a = try NGramStatistics(configuration: NGramConfiguration(), groupCount: 2)
        var c = NGramConfiguration()
        c.maxN = 2
        let b = try NGramStatistics(configuration: c, groupCount: 2)
        #expect(throws: TextpipeError.self) { try a.merge(b) }
        try a.add(tokens: ["x", "y"], row: 3, group: 1)
        #expect(throws: TextpipeError.self) { try a.add(tokens: ["x"], row: 3, group: 0) }  // row again
        #expect(throws: TextpipeError.self) { try a.add(tokens: ["x"], row: 4, group: 2) }  // no such group
        var w = BinaryWriter()
        try a.encode(into: &w)
        for cut in [1, 8, w.data.count / 2, w.data.count - 1] {
            var r = BinaryReader(w.data.prefix(cut), name: "partial")
            #expect(throws: TextpipeError.self) { try NGramStatistics.decode(from: &r) }
        }
    }
}
