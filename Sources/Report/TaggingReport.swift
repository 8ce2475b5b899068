import Evaluate
import Foundation
import TextCore

/// The data a tagging run was trained and scored on.
public struct TaggingDatasetSummary: Sendable, Codable, Equatable {
    /// The catalog dataset or the input paths.
    public var name: String
    /// Training sentences.
    public var trainSentences: Int
    /// Held-out sentences.
    public var testSentences: Int
    /// Training tokens.
    public var trainTokens: Int
    /// Held-out tokens.
    public var testTokens: Int
    /// Tag counts in the training part.
    public var tags: [String: Int]
    /// How the files write tags, and the scheme models were trained and scored in.
    public var fileScheme: String
    /// The scheme models were trained and scored in.
    public var modelScheme: String
    /// Tags rewritten because their sequence was invalid in the file's scheme.
    public var repairedTags: Int
    /// How taggers were evaluated, in words.
    public var evaluation: String
    /// A summary of the data.
    public init(
        name: String, trainSentences: Int, testSentences: Int, trainTokens: Int, testTokens: Int, tags: [String: Int],
        fileScheme: String, modelScheme: String, repairedTags: Int, evaluation: String
    ) {
        self.name = name
        self.trainSentences = trainSentences
        self.testSentences = testSentences
        self.trainTokens = trainTokens
        self.testTokens = testTokens
        self.tags = tags
        self.fileScheme = fileScheme
        self.modelScheme = modelScheme
        self.repairedTags = repairedTags
        self.evaluation = evaluation
    }
}

/// A held-out sentence a tagger got wrong.
public struct TaggingErrorExample: Sendable, Codable, Equatable {
    /// Where the sentence came from.
    public var source: String
    /// Its tokens.
    public var tokens: [String]
    /// The gold tags.
    public var gold: [String]
    /// The predicted tags.
    public var predicted: [String]
    /// A wrongly tagged sentence.
    public init(source: String, tokens: [String], gold: [String], predicted: [String]) {
        self.source = source
        self.tokens = tokens
        self.gold = gold
        self.predicted = predicted
    }
}

/// One tagger's evaluation.
public struct TaggerResult: Sendable, Codable, Equatable {
    /// Its name in the spec.
    public var name: String
    /// Its kind (`crf`).
    public var kind: String
    /// `generative` or `discriminative`.
    public var family: String
    /// The tagger in words.
    public var description: String
    /// Its scores on the held-out sentences.
    public var metrics: TaggingMetrics
    /// Seconds to train.
    public var trainSeconds: Double
    /// Seconds to tag the held-out sentences.
    public var tagSeconds: Double
    /// Tagging speed.
    public var tokensPerSecond: Double
    /// What training did.
    public var trainingSummary: [String: String]
    /// A spread of wrongly tagged sentences.
    public var errors: [TaggingErrorExample]
    /// 95% bootstrap interval of the headline metric, resampling held-out sentences.
    public var headlineInterval: Interval? = nil
    /// A tagger's result.
    public init(
        name: String, kind: String, family: String, description: String, metrics: TaggingMetrics, trainSeconds: Double,
        tagSeconds: Double, tokensPerSecond: Double, trainingSummary: [String: String], errors: [TaggingErrorExample]
    ) {
        self.name = name
        self.kind = kind
        self.family = family
        self.description = description
        self.metrics = metrics
        self.trainSeconds = trainSeconds
        self.tagSeconds = tagSeconds
        self.tokensPerSecond = tokensPerSecond
        self.trainingSummary = trainingSummary
        self.errors = errors
    }

    /// The number a reader compares first: word F1 (segmentation), chunk F1 (NER, chunking), or token accuracy (POS).
    public var headline: Double { metrics.segmentation?.words.f1 ?? metrics.chunks?.f1 ?? metrics.tokenAccuracy }
}

/// Everything a tagging report shows; `metrics.json` is this value (`kind: tagging`, schema_version 1).
public struct TaggingRunReport: Sendable, Codable, Equatable {
    /// The layout of this file.
    public var schemaVersion = 1
    /// `tagging`: tells it from a classification report.
    public var kind = "tagging"
    /// The pipeline (spec `name`).
    public var pipeline: String
    /// The run (its folder's name).
    public var runId: String
    /// When the run started (ISO 8601).
    public var createdAt: String
    /// The textpipe that ran.
    public var toolVersion: String
    /// The spec file's SHA-256.
    public var specHash: String
    /// What the data was.
    public var dataset: TaggingDatasetSummary
    /// One per tagger.
    public var results: [TaggerResult]
    /// Seconds per stage.
    public var stages: [StageTiming]
    /// Wall time of the run.
    public var totalSeconds: Double
    /// Paired bootstrap over held-out sentences between every pair of taggers (headline metric).
    public var significance: SignificanceMatrix? = nil
    /// Differences from the previous run of the same pipeline (headline metric and token accuracy).
    public var previous: RunComparison? = nil
    /// The spec as written, and the SHA-256 of each input (a catalog package by name and version, or a file).
    public var specText: String? = nil
    /// The SHA-256 of each input.
    public var inputs: [String: String]? = nil
    /// Every tagger's numbers by name, for tools that address metrics by path: token and sentence accuracy, the
    /// headline metric and its interval, seconds. Written by `json()` from schema version 2 on.
    public var models: [String: [String: Double?]]? = nil

    /// A report of these results.
    public init(
        pipeline: String, runId: String, createdAt: String, toolVersion: String, specHash: String,
        dataset: TaggingDatasetSummary,
        results: [TaggerResult], stages: [StageTiming], totalSeconds: Double
    ) {
        self.pipeline = pipeline
        self.runId = runId
        self.createdAt = createdAt
        self.toolVersion = toolVersion
        self.specHash = specHash
        self.dataset = dataset
        self.results = results
        self.stages = stages
        self.totalSeconds = totalSeconds
    }

    /// Best first by the headline metric.
    public var ranked: [TaggerResult] { results.sorted { $0.headline > $1.headline } }

    /// What the headline metric is called.
    public var headlineName: String {
        guard let r = results.first else { return "token accuracy" }
        return r.metrics.segmentation != nil ? "word F1" : r.metrics.chunks != nil ? "chunk F1" : "token accuracy"
    }

    /// metrics.json: pretty-printed, snake_case keys, the `models` map filled in, schema version 2.
    public func json() throws -> Data {
        var out = self
        out.schemaVersion = RunReport.currentSchemaVersion
        out.models = Dictionary(
            ranked.enumerated().map { i, r in
                (
                    r.name,
                    [
                        "rank": Double(i + 1), "token_accuracy": r.metrics.tokenAccuracy,
                        "sentence_accuracy": r.metrics.sentenceAccuracy, "headline": r.headline,
                        "headline_low": r.headlineInterval?.low, "headline_high": r.headlineInterval?.high,
                        "train_seconds": r.trainSeconds, "tag_seconds": r.tagSeconds,
                        "tokens_per_second": r.tokensPerSecond
                    ]
                )
            }, uniquingKeysWith: { a, _ in a })
        return try SnakeCaseJSON.encode(out)
    }

    /// Reads a tagging run's metrics.json.
    public static func decode(_ data: Data) throws -> TaggingRunReport {
        try SnakeCaseJSON.decode(TaggingRunReport.self, from: data)
    }

    /// Tags most often confused with another, for a readable confusion table (at most `limit` tags).
    static func confusedTags(_ m: Metrics, limit: Int) -> [Int] {
        m.confusion.mostConfusedClasses(limit: limit)
    }
}
