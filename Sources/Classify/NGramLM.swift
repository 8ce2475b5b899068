import Foundation
import TextCore

/// Hyperparameters of the class-conditional n-gram language model classifier.
public struct NGramLMConfiguration: ClassifierConfiguration {
    /// What a sequence is made of.
    public enum Unit: String, Sendable, Codable, Hashable, CaseIterable { case word, char }
    /// Words, or the characters of the words (joined by a space).
    public var unit = Unit.word
    /// Highest n-gram order, 1...6.
    public var order = 3
    /// How unseen n-grams get probability.
    public var smoothing = LanguageModelSmoothing.modifiedKneserNey
    /// The discount of `kneser_ney` and `absolute`.
    public var discount = 0.75
    /// The pseudo-count of `additive`.
    public var alpha = 1.0
    /// Units seen fewer times than this in the training documents become the unknown unit.
    public var minCount = 2
    /// Start and end symbols around every document.
    public var boundaries = true
    /// Class priors p(y).
    public var priors: ClassPriors = .learned
    /// Set in the models it trains, never in a spec: modified Kneser-Ney with KenLM's sentence conventions (one `<s>`
    /// and one `</s>`, raw counts for n-grams that start a sentence; see `NGramLanguageModel.sentenceConventions`).
    /// Absent (nil) in models saved before it existed, which keep NLTK's padding their counts were made with.
    var kenLMConventions: Bool? = nil
    /// The defaults: word trigrams, modified Kneser-Ney, words seen once are unknown.
    public init() {}

    /// Start (and end) symbols around a document: `order - 1` of each as NLTK pads, one under KenLM's conventions,
    /// none without boundaries.
    var padding: Int { boundaries ? (kenLMConventions == true ? 1 : order - 1) : 0 }

    /// One line for the README.
    public static let summary =
        "one n-gram language model per class over words or characters (Kneser-Ney, Witten-Bell, absolute or "
        + "additive smoothing); `log p(y) + log p(x | y)` (Peng & Schuurmans 2003); reads token sequences"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.needsSequences, .givesProbabilities]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .choice("unit", \.unit, "`word`: the tokens; `char`: their characters, a space between words"),
        .integer("order", \.order, minimum: 1, "highest n-gram order (1 to 6)"),
        .choice(
            "smoothing", \.smoothing,
            "`modified_kneser_ney`: Chen & Goodman, three discounts, never zero; `kneser_ney`, `witten_bell`, "
                + "`absolute`: exactly as nltk.lm; `additive`: Lidstone"),
        .number("discount", \.discount, .positive, "the discount of `kneser_ney` and `absolute`"),
        .number("alpha", \.alpha, .positive, "the pseudo-count of `additive`"),
        .integer("min_count", \.minCount, minimum: 1, "rarer units are the unknown unit `<unk>`"),
        .boolean("boundaries", \.boundaries, "`<s>` before and `</s>` after every document"),
        .priors(\.priors)
    ]

    /// Checks the order's range and the smoothings' needs.
    public func validate(present: Set<String>) throws {
        guard order <= 6 else { throw SettingsConflict(key: "order", "order is 1 to 6, got \(order)") }
        if smoothing == .kneserNey, order < 2 {
            throw SettingsConflict(
                key: "order", "kneser_ney needs order >= 2 (its lowest order counts bigrams); use modified_kneser_ney")
        }
        if smoothing == .kneserNey || smoothing == .absolute, discount >= 1, present.contains("discount") {
            throw SettingsConflict(key: "discount", "discount is below 1, got \(discount)")
        }
    }

    /// Counts every class's n-grams over one vocabulary (units seen `min_count` times in the training documents,
    /// `<unk>` for the rest).
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> NGramLM {
        try TrainingData.validate(x, labels: labels, classCount: K, model: NGramLM.kind)
        try validate(present: [])
        let sequences = try TrainingData.sequences(x, model: NGramLM.kind)
        let units = NGramLM.units(sequences, unit: unit)
        var frequency: [String: Int] = [:]
        for r in 0..<units.count { for u in units[r] { frequency[u, default: 0] += 1 } }
        let words = frequency.filter { $0.value >= minCount }.keys.sorted()
        guard words.count + NGramLM.reserved <= Gram.maximumId else {
            throw TextpipeError(
                .data,
                "ngram_lm: \(words.count) distinct \(unit.rawValue)s, more than \(Gram.maximumId); raise min_count")
        }
        let vocabulary = NGramLM.Vocabulary(words: words)
        let size = words.count + NGramLM.reserved
        // Modified Kneser-Ney is KenLM's estimator and takes its sentence conventions; the others are NLTK's.
        var settings = self
        settings.kenLMConventions = smoothing == .modifiedKneserNey && boundaries
        var models = (0..<K).map { _ in
            NGramLanguageModel(
                order: order, smoothing: smoothing, discount: discount, alpha: alpha, vocabularySize: size,
                sentenceConventions: settings.kenLMConventions == true)
        }
        for r in 0..<units.count {
            models[labels[r]].count(vocabulary.padded(units[r], padding: settings.padding))
        }
        for k in 0..<K { models[k].prepare() }
        let prior = try priors.logPriors(TrainingData.classCounts(labels, classCount: K))
        return NGramLM(settings: settings, vocabulary: vocabulary, models: models, logPriors: prior)
    }
}

/// Class-conditional n-gram language models: `score(y) = log p(y) + sum_i log p(w_i | w_{i-n+1} ... w_{i-1}, y)`
/// over the document's padded sequence.
public struct NGramLM: Classifier {
    /// Spec name.
    public static let kind = "ngram_lm"
    /// Generative or discriminative.
    public static let family = ModelFamily.generative
    /// Ids 0, 1, 2: `<unk>`, `<s>`, `</s>`.
    static let reserved = 3

    /// Units to ids.
    struct Vocabulary: Sendable {
        let words: [String]
        let ids: [String: Int32]
        init(words: [String]) {
            self.words = words
            var ids: [String: Int32] = [:]
            for (i, w) in words.enumerated() { ids[w] = Int32(i + NGramLM.reserved) }
            self.ids = ids
        }
        /// `<s>` x `pad`, the ids, `</s>` x `pad`: NLTK's `pad_both_ends` with `order - 1`, KenLM's with 1.
        func padded(_ units: [String], padding pad: Int) -> [Int32] {
            var out = [Int32](repeating: 1, count: pad)
            out.reserveCapacity(units.count + 2 * pad)
            for u in units { out.append(ids[u] ?? 0) }
            out.append(contentsOf: [Int32](repeating: 2, count: pad))
            return out
        }
    }

    let settings: NGramLMConfiguration
    let vocabulary: Vocabulary
    let models: [NGramLanguageModel]
    let logPriors: [Double]

    /// Classes.
    public var classCount: Int { models.count }
    /// Feature columns it was trained on (none: it reads sequences).
    public var featureCount: Int { 0 }
    /// Log joints: probabilities by normalising.
    public var scoreKind: ScoreKind { .logJoint }
    /// Vocabulary size and n-grams counted, for the report.
    public var trainingSummary: [String: String] {
        [
            "vocabulary": "\(vocabulary.words.count) \(settings.unit.rawValue)s",
            "n-grams": "\(models.reduce(0) { $0 + $1.counts.reduce(0) { $0 + $1.count } })"
        ]
    }

    /// The units of each row: its tokens, or their characters with a space between words.
    static func units(_ s: TokenSequences, unit: NGramLMConfiguration.Unit) -> [[String]] {
        (0..<s.count).map { units(of: s.strings($0), unit: unit) }
    }

    /// A document's units: its tokens, or their characters (extended grapheme clusters) with a space between words.
    static func units(of tokens: [String], unit: NGramLMConfiguration.Unit) -> [String] {
        switch unit {
        case .word: return tokens
        case .char: return Array(tokens.joined(separator: " ")).map(String.init)
        }
    }

    /// log p(y) + log p(x | y) per class. A document no class model can produce (probability zero under each,
    /// possible only with `kneser_ney`, `witten_bell` or `absolute`) gets the priors; a class whose model gives it
    /// zero cannot have produced it (-infinity).
    public func scores(_ x: FeatureMatrix) -> DenseMatrix {
        var out = DenseMatrix(rowCount: x.rowCount, columnCount: classCount)
        guard let sequences = x.sequences else {
            for r in 0..<x.rowCount { for k in 0..<classCount { out[r, k] = Float(logPriors[k]) } }
            return out
        }
        let units = Self.units(sequences, unit: settings.unit)
        let K = classCount
        let first = settings.padding
        // Rows are independent: blocks of them on every core, each writing its own rows.
        let rows = units.count
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, max(1, rows / 16))
        out.values.withUnsafeMutableBufferPointer { o in
            guard let base = o.baseAddress else { return }
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for r in stride(from: w, to: rows, by: workers) {
                    let ids = vocabulary.padded(units[r], padding: settings.padding)
                    var row = logPriors
                    for k in 0..<K { row[k] += models[k].logProbability(ids, from: first) }
                    if row.allSatisfy({ $0 == -.infinity }) { row = logPriors }
                    for k in 0..<K { base[r * K + k] = Float(row[k]) }
                }
            }
        }
        return out
    }

    /// The perplexity of class `k`'s model on `sequences` (each padded as in training): exp of the mean negative
    /// log-probability of every unit after the start symbols (`</s>` included), as NLTK's `perplexity` over
    /// `padded_everygram_pipeline`'s highest-order n-grams.
    func perplexity(_ documents: [[String]], classIndex k: Int) -> Double {
        var total = 0.0
        var n = 0
        for tokens in documents {
            let units = Self.units(of: tokens, unit: settings.unit)
            let ids = vocabulary.padded(units, padding: settings.padding)
            let first = settings.padding
            total -= models[k].logProbability(ids, from: first)
            n += ids.count - first
        }
        return exp(total / Double(max(1, n)))
    }

    /// Writes the settings, vocabulary, priors and every class's counts.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try JSONEncoder().encode(settings), as: UTF8.self))
        w.write(strings: vocabulary.words)
        w.write(array: logPriors)
        w.write(UInt64(models.count))
        for m in models { m.encode(into: &w) }
    }

    /// Reads a model written by `encode`.
    public static func decode(from r: inout BinaryReader) throws -> NGramLM {
        let settings: NGramLMConfiguration
        do { settings = try JSONDecoder().decode(NGramLMConfiguration.self, from: Data(try r.readString().utf8)) } catch
        { throw TextpipeError(.model, "corrupt ngram_lm settings: \(error)") }
        guard (1...6).contains(settings.order) else { throw TextpipeError(.model, "corrupt ngram_lm order") }
        let words = try r.readStrings()
        let priors = try r.readDoubles()
        let k = try r.readCount()
        guard k == priors.count, k >= 2, words.count + reserved <= Gram.maximumId else {
            throw TextpipeError(.model, "corrupt ngram_lm model")
        }
        let size = words.count + reserved
        let models = try (0..<k).map { _ in
            try NGramLanguageModel.decode(
                from: &r, order: settings.order, smoothing: settings.smoothing, discount: settings.discount,
                alpha: settings.alpha, vocabularySize: size, sentenceConventions: settings.kenLMConventions == true)
        }
        return NGramLM(settings: settings, vocabulary: Vocabulary(words: words), models: models, logPriors: priors)
    }
}
