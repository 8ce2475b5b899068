import Evaluate
import Foundation
import TextCore

/// The data a tagging run was trained and scored on.
public struct TaggingDatasetSummary: Sendable, Codable, Equatable {
    public var name: String
    public var trainSentences: Int
    public var testSentences: Int
    public var trainTokens: Int
    public var testTokens: Int
    /// Tag counts in the training part.
    public var tags: [String: Int]
    /// How the files write tags, and the scheme models were trained and scored in.
    public var fileScheme: String
    public var modelScheme: String
    /// Tags rewritten because their sequence was invalid in the file's scheme.
    public var repairedTags: Int
    public var evaluation: String
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
    public var source: String
    public var tokens: [String]
    public var gold: [String]
    public var predicted: [String]
    public init(source: String, tokens: [String], gold: [String], predicted: [String]) {
        self.source = source
        self.tokens = tokens
        self.gold = gold
        self.predicted = predicted
    }
}

/// One tagger's evaluation.
public struct TaggerResult: Sendable, Codable, Equatable {
    public var name: String
    public var kind: String
    public var family: String
    public var description: String
    public var metrics: TaggingMetrics
    public var trainSeconds: Double
    public var tagSeconds: Double
    public var tokensPerSecond: Double
    public var trainingSummary: [String: String]
    public var errors: [TaggingErrorExample]
    /// 95% bootstrap interval of the headline metric, resampling held-out sentences.
    public var headlineInterval: Interval? = nil
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
    public var schemaVersion = 1
    public var kind = "tagging"
    public var pipeline: String
    public var runId: String
    public var createdAt: String
    public var toolVersion: String
    public var specHash: String
    public var dataset: TaggingDatasetSummary
    public var results: [TaggerResult]
    public var stages: [StageTiming]
    public var totalSeconds: Double
    /// Paired bootstrap over held-out sentences between every pair of taggers (headline metric).
    public var significance: SignificanceMatrix? = nil
    /// Differences from the previous run of the same pipeline (headline metric and token accuracy).
    public var previous: RunComparison? = nil
    /// The spec as written, and the SHA-256 of each input (a catalog package by name and version, or a file).
    public var specText: String? = nil
    public var inputs: [String: String]? = nil

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

    public func json() throws -> Data {
        try SnakeCaseJSON.encode(self)
    }

    public static func decode(_ data: Data) throws -> TaggingRunReport {
        try SnakeCaseJSON.decode(TaggingRunReport.self, from: data)
    }

    /// Tags most often confused with another, for a readable confusion table (at most `limit` tags).
    static func confusedTags(_ m: Metrics, limit: Int) -> [Int] {
        let K = m.perClass.count
        var errors = [Int](repeating: 0, count: K)
        for g in 0..<K {
            for p in 0..<K where g != p {
                errors[g] += m.confusion[g][p]
                errors[p] += m.confusion[g][p]
            }
        }
        return (0..<K).filter { errors[$0] > 0 }.sorted { errors[$0] > errors[$1] }.prefix(limit).sorted()
    }
}
