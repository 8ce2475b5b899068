import Evaluate
import Foundation
import Ingest
import TextCore

/// A tagging run's sentences, in the model scheme: training and held-out (or given test) sentences.
struct TaggedCorpus: Artifact {
    var train: [TaggedSentence]
    var test: [TaggedSentence]
    /// Tags the scheme conversion had to repair (an `I-` with no `B-` before it, ...).
    var repaired: Int

    func write(to folder: URL) throws {
        try AtomicFile.write(SentenceStore.encode(train), to: folder.appendingPathComponent("train.bin"))
        try AtomicFile.write(SentenceStore.encode(test), to: folder.appendingPathComponent("test.bin"))
        try AtomicFile.write("\(repaired)", to: folder.appendingPathComponent("repaired"))
    }

    static func read(from folder: URL) throws -> TaggedCorpus {
        let trainURL = folder.appendingPathComponent("train.bin")
        let testURL = folder.appendingPathComponent("test.bin")
        return TaggedCorpus(
            train: try SentenceStore.decode(try AtomicFile.read(trainURL), name: trainURL.path),
            test: try SentenceStore.decode(try AtomicFile.read(testURL), name: testURL.path),
            repaired: Int(
                String(decoding: try AtomicFile.read(folder.appendingPathComponent("repaired")), as: UTF8.self)) ?? 0)
    }
}

/// Reads tagged sentences (CoNLL, CoNLL-U, word/TAG, BMES, segmented text), converts their tags to the model scheme
/// and holds out a seeded fraction when there is no test file.
struct TaggingIngestStage: Stage {
    let tagging: TaggingSpec
    let options: RunOptions
    let source: DataSource
    let inspectFolder: URL

    init(tagging: TaggingSpec, options: RunOptions, inspectFolder: URL) throws {
        self.tagging = tagging
        self.options = options
        self.inspectFolder = inspectFolder
        source = try DataSource(
            package: tagging.dataset.flatMap { SequenceCatalog.entry(named: $0) }?.package,
            paths: (tagging.train + (tagging.test ?? [])).map(\.path), options: options)
    }

    var stage: StageName { .ingest }
    var inputs: [UnitReference] { [] }
    var outputs: [String] { ["train.bin", "test.bin", "repaired"] }
    var parameters: [String: String] {
        [
            "scheme": tagging.scheme.rawValue + " -> " + tagging.modelScheme.rawValue,
            "evaluation": tagging.test != nil
                ? "given test file" : "held-out \(tagging.testFraction) (seed \(tagging.splitSeed))"
        ]
    }

    func derive(_ key: inout StageKey) throws {
        source.derive(&key)
        key.add("train", json: tagging.train)
        key.add("test", json: tagging.test)
        key.add("scheme", tagging.scheme.rawValue + ">" + tagging.modelScheme.rawValue)
        key.add("split", "\(tagging.testFraction)|\(tagging.splitSeed)")
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let t = tagging
        let base = try source.baseFolder(options)
        func read(_ sources: [SequenceSource]) throws -> [TaggedSentence] {
            try sources.flatMap { try SequenceReader.read($0, baseDirectory: base) }
        }
        var train = try read(t.train)
        var test = try t.test.map(read) ?? []
        var repairs = 0
        for i in train.indices { repairs += TagSchemes.convert(&train[i], from: t.scheme, to: t.modelScheme) }
        for i in test.indices { repairs += TagSchemes.convert(&test[i], from: t.scheme, to: t.modelScheme) }
        if t.test == nil {
            let fold = try SentenceSplit.holdout(count: train.count, testFraction: t.testFraction, seed: t.splitSeed)
            test = fold.test.map { train[$0] }
            train = fold.train.map { train[$0] }
        }
        try TaggedCorpus(train: train, test: test, repaired: repairs).write(to: folder)
    }

    /// The sentences as read and converted, one JSON line each.
    func inspect(_ output: TaggedCorpus, context: StageContext) throws -> URL? {
        let out = inspectFolder.appendingPathComponent("sentences.jsonl")
        var lines = ""
        for (part, sentences) in [("train", output.train), ("test", output.test)] {
            for s in sentences {
                lines +=
                    "{\"part\": \"\(part)\", \"source\": \(JSONValue.quote(s.source)), \"tokens\": ["
                    + s.tokens.map(JSONValue.quote).joined(separator: ", ") + "], \"tags\": ["
                    + s.tags.map(JSONValue.quote).joined(separator: ", ") + "]}\n"
            }
        }
        try AtomicFile.write(lines, to: out)
        context.log(
            "wrote \(output.train.count + output.test.count) sentences (scheme \(tagging.modelScheme.rawValue)) to "
                + out.path
        )
        return out
    }
}

/// Tagged sentences in a binary file: source, tokens and tags of each.
enum SentenceStore {
    static func encode(_ sentences: [TaggedSentence]) -> Data {
        var w = BinaryWriter()
        w.write(Int64(sentences.count))
        for s in sentences {
            w.write(s.source)
            w.write(strings: s.tokens)
            w.write(strings: s.tags)
        }
        return w.data
    }

    static func decode(_ data: Data, name: String) throws -> [TaggedSentence] {
        var r = BinaryReader(data, name: name)
        let n = Int(try r.read(Int64.self))
        guard n >= 0, n <= data.count else { throw TextpipeError(.io, "corrupt sentence store", file: name) }
        return try (0..<n).map { _ in
            let source = try r.readString()
            let tokens = try r.readStrings()
            let tags = try r.readStrings()
            guard tokens.count == tags.count else {
                throw TextpipeError(
                    .io, "a stored sentence with \(tokens.count) tokens and \(tags.count) tags", file: name)
            }
            return TaggedSentence(tokens: tokens, tags: tags, source: source)
        }
    }
}
