import Foundation
import TextCore

/// Chunk-level counts and scores for one chunk type (or overall), as conlleval reports them: a chunk is
/// correct when its start, end and type all match. An empty denominator gives 0 (as conlleval.pl).
public struct ChunkScore: Sendable, Codable, Equatable {
    /// The chunk type (`PER`), or empty for all types together.
    public var type: String
    /// Chunks in the gold tags.
    public var gold: Int
    /// Chunks in the predicted tags.
    public var predicted: Int
    /// Predicted chunks with the gold start, end and type.
    public var correct: Int
    var score: PrecisionRecall { PrecisionRecall(correct: correct, predicted: predicted, gold: gold) }
    /// correct / predicted.
    public var precision: Double { score.precision }
    /// correct / gold.
    public var recall: Double { score.recall }
    /// Harmonic mean of precision and recall.
    public var f1: Double { score.f1 }
}

/// Word segmentation scored as the SIGHAN bakeoff scores it: words are compared as character spans; out-of-
/// vocabulary words are gold words absent from the training words, and their recall is reported apart.
public struct SegmentationScore: Sendable, Codable, Equatable {
    /// Word spans compared as chunks.
    public var words: ChunkScore
    /// Gold words absent from the training words.
    public var oovWords: Int
    /// Of those, the ones predicted exactly.
    public var oovCorrect: Int
    /// Gold words seen in training.
    public var inVocabularyWords: Int
    /// Of those, the ones predicted exactly.
    public var inVocabularyCorrect: Int
    /// Share of gold words that are out of vocabulary.
    public var oovRate: Double { words.gold > 0 ? Double(oovWords) / Double(words.gold) : 0 }
    /// Recall on out-of-vocabulary words.
    public var oovRecall: Double { oovWords > 0 ? Double(oovCorrect) / Double(oovWords) : 0 }
    /// Recall on in-vocabulary words.
    public var inVocabularyRecall: Double {
        inVocabularyWords > 0 ? Double(inVocabularyCorrect) / Double(inVocabularyWords) : 0
    }
}

/// Everything a tagging evaluation reports: token accuracy, chunks per type (NER) or words (segmentation),
/// and the per-tag table and confusion.
///
/// Gold `B-PER I-PER O`, predicted `B-PER O O`: token accuracy 2/3; PER gold 1, predicted 1, correct 0.
public struct TaggingMetrics: Sendable, Codable, Equatable {
    /// Tokens scored.
    public var tokenCount: Int
    /// Sentences scored.
    public var sentenceCount: Int
    /// Share of tokens with the gold tag.
    public var tokenAccuracy: Double
    /// Sentences whose every tag is right.
    public var sentenceAccuracy: Double
    /// Chunks over all types; nil for plain tags (POS).
    public var chunks: ChunkScore?
    /// Chunk scores per type, sorted by type.
    public var chunksByType: [ChunkScore]
    /// SIGHAN word scores, for B/M/E/S segmentation.
    public var segmentation: SegmentationScore?
    /// Per tag precision/recall/F1 and `confusion[gold][predicted]` over `tags`.
    public var perTag: Metrics

    /// Scores predicted tags against gold tags, sentence by sentence; `tokens` and `trainingWords` enable the segmentation scores.
    public init(
        gold: [[String]], predicted: [[String]], scheme: TagScheme, tags: [String],
        tokens: [[String]]? = nil, trainingWords: Set<String>? = nil
    ) {
        precondition(gold.count == predicted.count)
        var correctTokens = 0
        var total = 0
        var correctSentences = 0
        var goldIndex: [Int] = []
        var predictedIndex: [Int] = []
        var tagIndex = Dictionary(uniqueKeysWithValues: tags.enumerated().map { ($1, $0) })
        var allTags = tags
        func index(_ t: String) -> Int {
            if let i = tagIndex[t] { return i }
            tagIndex[t] = allTags.count
            allTags.append(t)
            return allTags.count - 1
        }
        var byType: [String: ChunkScore] = [:]
        var segmentation = SegmentationScore(
            words: ChunkScore(type: "", gold: 0, predicted: 0, correct: 0),
            oovWords: 0, oovCorrect: 0, inVocabularyWords: 0, inVocabularyCorrect: 0)
        for (s, (g, p)) in zip(gold, predicted).enumerated() {
            precondition(g.count == p.count)
            var allRight = true
            for (a, b) in zip(g, p) {
                total += 1
                if a == b { correctTokens += 1 } else { allRight = false }
                goldIndex.append(index(a))
                predictedIndex.append(index(b))
            }
            if allRight { correctSentences += 1 }
            guard scheme != .none else { continue }
            let gc = TagSchemes.chunks(g, scheme: scheme)
            let pc = TagSchemes.chunks(p, scheme: scheme)
            let predictedSet = Set(pc)
            for c in gc {
                byType[c.type, default: ChunkScore(type: c.type, gold: 0, predicted: 0, correct: 0)].gold += 1
            }
            for c in pc {
                byType[c.type, default: ChunkScore(type: c.type, gold: 0, predicted: 0, correct: 0)].predicted += 1
            }
            for c in gc where predictedSet.contains(c) {
                byType[c.type, default: ChunkScore(type: c.type, gold: 0, predicted: 0, correct: 0)].correct += 1
            }
            if scheme == .bmes, let tokens, let trainingWords {
                for c in gc {
                    let word = tokens[s][c.start..<c.end].joined()
                    let right = predictedSet.contains(c)
                    if trainingWords.contains(word) {
                        segmentation.inVocabularyWords += 1
                        if right { segmentation.inVocabularyCorrect += 1 }
                    } else {
                        segmentation.oovWords += 1
                        if right { segmentation.oovCorrect += 1 }
                    }
                }
            }
        }
        tokenCount = total
        sentenceCount = gold.count
        tokenAccuracy = total > 0 ? Double(correctTokens) / Double(total) : 0
        sentenceAccuracy = gold.isEmpty ? 0 : Double(correctSentences) / Double(gold.count)
        chunksByType = byType.values.sorted { $0.type < $1.type }
        if scheme == .none {
            chunks = nil
        } else {
            chunks = ChunkScore(
                type: "", gold: chunksByType.reduce(0) { $0 + $1.gold },
                predicted: chunksByType.reduce(0) { $0 + $1.predicted },
                correct: chunksByType.reduce(0) { $0 + $1.correct })
        }
        if scheme == .bmes, tokens != nil, trainingWords != nil, let chunks {
            segmentation.words = chunks
            self.segmentation = segmentation
        } else {
            self.segmentation = nil
        }
        perTag = Metrics(gold: goldIndex, predicted: predictedIndex, probabilities: nil, labels: allTags)
    }
}
