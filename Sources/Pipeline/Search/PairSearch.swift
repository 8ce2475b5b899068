import Foundation

/// The search of one (feature set, classifier) pair: the searched keys of both and the joint trials.
///
/// Grid: every feature trial with every classifier trial, the feature set's keys first (the feature trial varies
/// slowest, so trials that share a featurizer are adjacent). Random: the feature set's draws and the classifier's
/// draws (each seeded by `search.seed` and its own name) are paired in draw order, the shorter list reused from its
/// start, which is a joint random draw of `trials` settings. With one side fixed its single setting is in every trial.
public struct PairSearch: Sendable, Hashable {
    /// The searched keys: the feature set's, then the classifier's.
    public var dimensions: [SearchDimension]
    /// Every trial, in run and report order; `features` names the feature trial whose featurizer it reads.
    public var trials: [SearchTrial]

    /// The pair's search, or nil when neither side has a searched key.
    public static func of(
        feature: NamedFeatureSet, classifier: NamedClassifier, settings: SearchSettings
    ) -> PairSearch? {
        guard feature.trials != nil || classifier.trials != nil else { return nil }
        let dimensions = (feature.search ?? []) + (classifier.search ?? [])
        let classifierTrials = classifier.trials ?? [SearchTrial(assignment: [:], spec: classifier.spec)]
        guard let featureTrials = feature.trials else {
            return PairSearch(dimensions: dimensions, trials: classifierTrials)
        }
        func joined(_ f: Int, _ c: SearchTrial) -> SearchTrial {
            SearchTrial(
                assignment: featureTrials[f].assignment.merging(c.assignment) { _, classifierValue in classifierValue },
                spec: c.spec, features: f)
        }
        switch settings.strategy {
        case .grid:
            return PairSearch(
                dimensions: dimensions,
                trials: featureTrials.indices.flatMap { f in classifierTrials.map { joined(f, $0) } })
        case .random:
            let count = max(featureTrials.count, classifierTrials.count)
            return PairSearch(
                dimensions: dimensions,
                trials: (0..<count).map {
                    joined($0 % featureTrials.count, classifierTrials[$0 % classifierTrials.count])
                })
        }
    }

    /// The feature trials any trial reads.
    public var featureTrialsUsed: Set<Int> { Set(trials.compactMap(\.features)) }
}
