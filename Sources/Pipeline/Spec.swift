import Classify
import Evaluate
import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// A pipeline spec: what the user asked for, decoded and checked. What actually ran goes to the lock file.
public struct PipelineSpec: Sendable {
    public var name: String
    public var data: DataSpec
    public var clean: CleanConfiguration
    public var tokenize: TokenizeConfiguration
    public var features: [NamedFeatureSet]
    public var classifiers: [NamedClassifier]
    public var evaluation: EvaluationPlan
    /// Retrain on growing subsets and plot error against training size (`evaluate.learning_curve`).
    public var learningCurve: LearningCurveSpec?
    public var report: ReportSpec
    /// Seed for everything random not seeded elsewhere (model training).
    public var seed: UInt64
    /// Folder for stage outputs, relative to the spec's project root.
    public var workDirectory: String
    /// The file it was read from and its SHA-256.
    public var file: String
    public var sha256: String
    /// Set for `task: tagging` specs (sequence labelling); the document fields above are then unused.
    public var tagging: TaggingSpec? = nil
}

/// Where the documents come from: a catalog dataset or the user's own files.
public struct DataSpec: Sendable, Hashable {
    public var dataset: String?
    public var train: [SourceConfiguration]
    public var test: [SourceConfiguration]?
}

/// A feature set with the name it has in reports (`ngram`, or the user's `name:`).
public struct NamedFeatureSet: Sendable, Hashable {
    public var name: String
    public var configuration: FeatureSetConfiguration
}

/// A classifier with the name it has in reports.
public struct NamedClassifier: Sendable, Hashable {
    public var name: String
    public var spec: ClassifierSpec
}

/// Output formats of a report.
public enum ReportFormat: String, Sendable, CaseIterable, Codable { case md, html, json }

public struct ReportSpec: Sendable, Hashable {
    public var out: String
    public var formats: [ReportFormat]
    /// How many informative features to list per class.
    public var topFeatures: Int
    /// How many misclassified test documents to show per model.
    public var misclassifiedExamples = 5
    /// A model's macro-F1 falling by more than this (absolute, 0.01 = one point) from the previous run is a regression.
    public var regressionThreshold = 0.01
}
