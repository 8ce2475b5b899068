import Foundation
import Tagging
import TextCore

/// A trained tagger's tags for the held-out sentences, its timings and its saved model (`<folder>/model`).
struct TaggerRun: Artifact {
    let folder: URL
    let predicted: [[String]]
    let summary: TaggerRunSummary
    var modelFolder: URL { folder.appendingPathComponent("model") }

    /// Writes the held-out sentences' tags and what training took (the saved tagger goes to `model/`).
    static func write(predicted: [[String]], summary: TaggerRunSummary, to folder: URL) throws {
        var w = BinaryWriter()
        w.write(Int64(predicted.count))
        for p in predicted { w.write(strings: p) }
        try AtomicFile.write(w.data, to: folder.appendingPathComponent("predicted.bin"))
        try AtomicFile.write(try StableJSON.encode(summary), to: folder.appendingPathComponent("summary.json"))
    }

    static func read(from folder: URL) throws -> TaggerRun {
        let url = folder.appendingPathComponent("predicted.bin")
        let data = try AtomicFile.read(url)
        var r = BinaryReader(data, name: url.path)
        let n = Int(try r.read(Int64.self))
        guard n >= 0, n <= data.count else { throw TextpipeError(.io, "corrupt predictions", file: url.path) }
        let predicted = try (0..<n).map { _ in try r.readStrings() }
        let summary = try JSONDecoder().decode(
            TaggerRunSummary.self, from: try AtomicFile.read(folder.appendingPathComponent("summary.json")))
        return TaggerRun(folder: folder, predicted: predicted, summary: summary)
    }
}

/// What training a tagger took, stored beside its predictions.
struct TaggerRunSummary: Codable {
    var trainSeconds: Double
    var tagSeconds: Double
    var training: [String: String]
    /// The tagger in words, with its vectors' resolved source.
    var description: String? = nil
}

/// Trains one tagger on the training sentences, tags the held-out ones and saves the tagger for `textpipe tag`.
struct TrainTaggerStage: Stage {
    typealias Output = TaggerRun
    let ingest: Input<TaggedCorpus>
    let tagger: NamedTagger
    let features: TokenFeatureConfiguration
    let scheme: TagScheme
    let seed: UInt64
    let pipeline: String
    let options: RunOptions
    /// The hash of its per-token vectors (pinned sha256 or file content), when it has them.
    let vectorsKey: String?

    init(
        ingest: Input<TaggedCorpus>, tagger: NamedTagger, features: TokenFeatureConfiguration, scheme: TagScheme,
        seed: UInt64,
        pipeline: String, options: RunOptions
    ) throws {
        self.ingest = ingest
        self.tagger = tagger
        self.features = features
        self.scheme = scheme
        self.seed = seed
        self.pipeline = pipeline
        self.options = options
        vectorsKey = try TokenVectors.key(tagger, options: options)
    }

    var stage: StageName { .train }
    var unit: String? { tagger.name }
    var inputs: [UnitReference] { [ingest.reference] }
    var outputs: [String] { ["predicted.bin", "summary.json", "model/tagger.json", "model/tagger.bin"] }
    var parameters: [String: String] { ["tagger": tagger.spec.kind, "seed": "\(seed)"] }

    func derive(_ key: inout StageKey) throws {
        key.add("tagger", json: tagger.spec)
        if let vectorsKey { key.add("vectors", vectorsKey) }
        key.add("features", json: features)
        key.add("seed", "\(seed)")
        key.add("name", tagger.name)
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let corpus = try context.read(ingest)
        let tagger = try TokenVectors.resolving(self.tagger, options: options)
        let tags = TaggingCorpusFacts.tags(corpus)
        guard tags.count >= 2 else {
            throw TextpipeError(.data, "the training sentences have \(tags.count) tag(s); tagging needs at least two")
        }
        let watch = Stopwatch()
        var vectors: TokenVectorSource? = nil
        if let v = tagger.spec.tokenVectors { vectors = try TokenVectors.source(v) }
        let model = try tagger.spec.fit(
            corpus.train, tags: tags, features: features, seed: seed, vectors: vectors,
            log: { context.log("train [\(tagger.name)]: " + $0) })
        let trainSeconds = watch.seconds
        let tagWatch = Stopwatch()
        let predicted = try model.predict(corpus.test.map(\.tokens))
        let tagSeconds = tagWatch.seconds
        context.log(
            "train [\(tagger.name)]: trained in \(String(format: "%.2f", trainSeconds)) s, "
                + "tagged \(corpus.test.count) sentences in "
                + "\(String(format: "%.2f", tagSeconds)) s")
        let summary = TaggerRunSummary(
            trainSeconds: trainSeconds, tagSeconds: tagSeconds, training: model.trainingSummary,
            description: tagger.spec.summary)
        try TaggerRun.write(predicted: predicted, summary: summary, to: folder)
        // The trained tagger, for `textpipe tag --model`.
        let header = TaggerHeader(
            toolVersion: TextpipeVersion.current, pipeline: pipeline, name: tagger.name, kind: tagger.spec.kind,
            family: tagger.spec.family.rawValue, tags: tags, scheme: scheme, trainedOn: corpus.train.count,
            createdAt: ISO8601DateFormatter().string(from: Date()))
        try header.save(model, to: folder.appendingPathComponent("model"))
    }
}

/// Facts about a tagging corpus that several stages need.
enum TaggingCorpusFacts {
    /// The tags of the training sentences, sorted.
    static func tags(_ corpus: TaggedCorpus) -> [String] { Array(Set(corpus.train.flatMap(\.tags))).sorted() }
}
