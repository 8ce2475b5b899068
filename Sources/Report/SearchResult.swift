import Foundation

/// What the hyperparameter search of one model did (nested cross-validation): every trial's mean inner score in each
/// outer fold, which trial each outer fold chose, and which the search over all training documents chose for the
/// saved model. The model's reported score is the outer estimate; the inner scores are optimistic for the trial
/// chosen and only rank trials.
public struct SearchResult: Codable, Sendable, Equatable {
    /// One trial.
    public struct Trial: Codable, Sendable, Equatable {
        /// The searched keys' values (as the spec would write them).
        public var assignment: [String: String]
        /// Mean inner score in each outer fold; higher is better; nil where the time budget left it unrun.
        public var outerFolds: [Double?]
        /// Mean inner score over all training documents (the saved model's search), when it ran.
        public var all: Double?
        /// A trial.
        public init(assignment: [String: String], outerFolds: [Double?], all: Double?) {
            self.assignment = assignment
            self.outerFolds = outerFolds
            self.all = all
        }
    }
    /// `grid` or `random`.
    public var strategy: String
    /// `macro_f1`, `accuracy` or `log_loss` (scores are negated log losses).
    public var metric: String
    /// Inner folds per search.
    public var innerFolds: Int
    /// The searched keys, in the classifier's declared order.
    public var keys: [String]
    /// Every trial, in run order.
    public var trials: [Trial]
    /// The trial each outer fold chose (index into `trials`).
    public var chosenPerFold: [Int]
    /// The trial the saved model uses.
    public var chosenForModel: Int
    /// The time budget in seconds per outer fold's search, if any.
    public var budgetSeconds: Double? = nil
    /// Trials that ran, of all the trials of every search (outer folds and the saved model's).
    public var trialsRun: Int {
        trials.reduce(0) { $0 + $1.outerFolds.compactMap { $0 }.count + ($1.all == nil ? 0 : 1) }
    }
    /// Trials every search would run without a budget.
    public var trialsPlanned: Int {
        trials.count * (chosenPerFold.count + (trials.contains { $0.all != nil } ? 1 : 0))
    }
    /// A search result.
    public init(
        strategy: String, metric: String, innerFolds: Int, keys: [String], trials: [Trial], chosenPerFold: [Int],
        chosenForModel: Int, budgetSeconds: Double? = nil
    ) {
        self.budgetSeconds = budgetSeconds
        self.strategy = strategy
        self.metric = metric
        self.innerFolds = innerFolds
        self.keys = keys
        self.trials = trials
        self.chosenPerFold = chosenPerFold
        self.chosenForModel = chosenForModel
    }

    /// `C=0.1 penalty=l2`.
    public func describe(_ trial: Int) -> String {
        keys.compactMap { k in trials[trial].assignment[k].map { "\(k)=\($0)" } }.joined(separator: " ")
    }
}
