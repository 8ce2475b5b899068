import Classify
import Evaluate
import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// A pipeline spec: what the user asked for, decoded and checked. What actually ran goes to the lock file.
///
/// The settings every run has (name, report, seed, work folder) are here; what only one task has lives in its case of
/// `task`, so a tagging spec carries no unused document settings and the reverse.
public struct PipelineSpec: Sendable {
    /// The pipeline's name (reports, work folder, lock).
    public var name: String
    /// Classify documents or tag sentences, with that task's settings.
    public var task: PipelineTask
    /// Where and how reports are written.
    public var report: ReportSpec
    /// Seed for everything random not seeded elsewhere (model training).
    public var seed: UInt64
    /// Folder for stage outputs, relative to the spec's project root.
    public var workDirectory: String
    /// The file it was read from and its SHA-256.
    public var file: String
    /// The spec file's SHA-256.
    public var sha256: String

    /// The document-classification settings, when that is the task.
    public var classification: ClassificationSpec? {
        if case .classification(let c) = task { return c }
        return nil
    }

    /// The sequence-labelling settings (`task: tagging`), when that is the task.
    public var tagging: TaggingSpec? {
        if case .tagging(let t) = task { return t }
        return nil
    }

    /// The project folder of the spec at `path`: relative paths in the spec (data, `work_dir`, `report.out`, the data
    /// cache, named models) resolve against it, whatever the current directory (cron starts in `$HOME`). It is the
    /// spec's own folder, or that folder's parent when the folder is named `pipelines` (the layout textpipe ships:
    /// `pipelines/sentiment.yaml` writes to `reports/sentiment` beside `pipelines/`). `--root` overrides it.
    ///
    /// `/work/proj/pipelines/a.yaml` -> `/work/proj`; `/work/proj/a.yaml` -> `/work/proj`.
    public static func projectFolder(forSpecAt path: String) -> URL {
        let folder = URL(fileURLWithPath: path).standardizedFileURL.deletingLastPathComponent()
        return folder.lastPathComponent == "pipelines" ? folder.deletingLastPathComponent() : folder
    }

    /// The project root for a command: `--root` when given (relative to the current directory), else the spec's
    /// project folder.
    public static func root(forSpecAt path: String, override: String?) -> URL {
        override.map { URL(fileURLWithPath: $0).standardizedFileURL } ?? projectFolder(forSpecAt: path)
    }
}

/// What a run does: `task: classification` (the default) or `task: tagging`.
public enum PipelineTask: Sendable {
    case classification(ClassificationSpec)
    case tagging(TaggingSpec)
}

/// A document-classification spec: the documents, how they are cleaned and tokenized, the feature sets and
/// classifiers to compare, and how they are evaluated.
public struct ClassificationSpec: Sendable {
    /// Where the documents come from.
    public var data: DataSpec
    /// How HTML/XML is cleaned.
    public var clean: CleanConfiguration
    /// How text is tokenized.
    public var tokenize: TokenizeConfiguration
    /// The feature sets to compare.
    public var features: [NamedFeatureSet]
    /// The classifiers to compare.
    public var classifiers: [NamedClassifier]
    /// Given test set, split or cross-validation.
    public var evaluation: EvaluationPlan
    /// Retrain on growing subsets and plot error against training size (`evaluate.learning_curve`).
    public var learningCurve: LearningCurveSpec?
    /// How searched hyperparameters are explored (`search:`).
    public var search = SearchSettings()
}

/// Where the documents come from: a catalog dataset or the user's own files.
public struct DataSpec: Sendable, Hashable {
    /// A catalog dataset, or nil for the user's files.
    public var dataset: String?
    /// Training sources.
    public var train: [SourceConfiguration]
    /// Test sources, if any.
    public var test: [SourceConfiguration]?
}

/// A feature set with the name it has in reports (`ngram`, or the user's `name:`).
public struct NamedFeatureSet: Sendable, Hashable, Codable {
    /// Its name in reports.
    public var name: String
    /// Its settings (for a searched feature set, the first trial's).
    public var configuration: FeatureSetConfiguration
    /// The keys searched, when some of its settings are search spaces.
    public var search: [SearchDimension]? = nil
    /// Every trial of the search: one featurizer each.
    public var trials: [FeatureTrial]? = nil

    /// A feature set with fixed settings.
    public init(name: String, configuration: FeatureSetConfiguration) {
        self.name = name
        self.configuration = configuration
    }

    /// A searched feature set.
    public init(
        name: String, configuration: FeatureSetConfiguration, search: [SearchDimension], trials: [FeatureTrial]
    ) {
        self.init(name: name, configuration: configuration)
        self.search = search
        self.trials = trials
    }
}

/// A classifier with the name it has in reports.
public struct NamedClassifier: Sendable, Hashable, Codable {
    /// Its name in reports.
    public var name: String
    /// Its settings (for a searched classifier, the first trial's).
    public var spec: ClassifierSpec
    /// The keys searched, when some of its settings are search spaces.
    public var search: [SearchDimension]? = nil
    /// Every trial of the search, in run order.
    public var trials: [SearchTrial]? = nil

    /// A classifier with fixed settings.
    public init(name: String, spec: ClassifierSpec) {
        self.name = name
        self.spec = spec
    }

    /// A searched classifier.
    public init(name: String, spec: ClassifierSpec, search: [SearchDimension], trials: [SearchTrial]) {
        self.init(name: name, spec: spec)
        self.search = search
        self.trials = trials
    }
}

/// Output formats of a report.
public enum ReportFormat: String, Sendable, CaseIterable, Codable { case md, html, json }

/// The spec's `report` settings.
public struct ReportSpec: Sendable, Hashable, SpecConfigurable {
    /// Report folder (`reports/<name>`; empty until the spec's name fills it in).
    public var out = ""
    /// Which of md, html and json to write (metrics.json is always written).
    public var formats: [ReportFormat] = [.md, .html, .json]
    /// How many informative features to list per class.
    public var topFeatures = 15
    /// How many misclassified test documents to show per model.
    public var misclassifiedExamples = 5
    /// A model's macro-F1 falling by more than this (absolute, 0.01 = one point) from the previous run is a regression.
    public var regressionThreshold = 0.01
    /// The defaults.
    public init() {}

    /// The spec keys of `report:`, in documentation order.
    public static let parameters: [Parameter<ReportSpec>] = [
        Parameter(
            key: "out", type: .text, summary: "the report folder, relative to the project root",
            defaultValue: "reports/<name>"
        ) { r, v in
            if case .text(let t) = v { r.out = t }
        },
        Parameter(
            key: "formats", type: .custom(tag: "report-formats", summary: "a non-empty list of `md`, `html`, `json`"),
            summary: "which report files to write (metrics.json always is)", defaultValue: "[md, html, json]"
        ) { r, v in
            if case .custom(let list) = v, let formats = list.value as? [ReportFormat] { r.formats = formats }
        },
        .integer("top_features", \.topFeatures, minimum: 0, "informative features listed per class"),
        .integer(
            "misclassified_examples", \.misclassifiedExamples, minimum: 0, "misclassified documents shown per model"),
        .number(
            "regression_threshold", \.regressionThreshold,
            .number(minimum: 0, minimumInclusive: true, maximum: 1, maximumInclusive: false),
            "a macro-F1 drop since the previous run larger than this (0.01 = one point) is a regression")
    ]
}
