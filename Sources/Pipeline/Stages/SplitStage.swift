import Classify
import Evaluate
import Foundation
import TextCore

/// The documents' labels and the evaluation's folds: which documents each model trains on and is scored on.
struct FoldAssignment: Codable {
    var labels: LabelIndex
    /// The class of every document, training documents first.
    var y: [Int]
    var trainCount: Int
    var folds: [Fold]
    /// Things worth telling the user (classes smaller than the number of folds).
    var notes: [String: Int]
    /// Under cross-validation, every fold; otherwise the one split.
    var isCrossValidation: Bool

    /// The documents the saved model is trained on: all training documents under cross-validation (the folds only
    /// estimate how well that procedure does), otherwise the evaluated training part.
    var finalTrainingRows: [Int] { isCrossValidation ? Array(0..<trainCount) : folds[0].train }

    /// `train/test` sizes of every fold: `3600/400,3600/400,...`.
    var summary: String { folds.map { "\($0.train.count)/\($0.test.count)" }.joined(separator: ",") }
}

extension FoldAssignment: Artifact {
    func write(to folder: URL) throws {
        try AtomicFile.write(try StableJSON.encode(self), to: folder.appendingPathComponent("folds.json"))
    }

    static func read(from folder: URL) throws -> FoldAssignment {
        let url = folder.appendingPathComponent("folds.json")
        do { return try JSONDecoder().decode(FoldAssignment.self, from: try AtomicFile.read(url)) } catch let e
            as TextpipeError
        { throw e } catch {
            throw TextpipeError(.io, "unreadable fold assignment: \(error)", file: url.path)
        }
    }
}

/// Assigns documents to folds by the spec's `evaluate` plan (given test set, seeded stratified split, or stratified
/// k-fold cross-validation). Its key is the tokenize key and the plan, so every later key is known in advance.
struct SplitStage: Stage {
    typealias Output = FoldAssignment
    let tokenize: Input<Tokenized>
    let evaluation: EvaluationPlan

    var stage: StageName { .featurize }
    var part: String? { "folds" }
    var inputs: [UnitReference] { [tokenize.reference] }
    var outputs: [String] { ["folds.json"] }
    var parameters: [String: String] { ["evaluation": evaluation.description] }

    func derive(_ key: inout StageKey) throws { key.add("evaluation", json: evaluation) }

    func run(_ context: StageContext, into folder: URL) throws {
        let tokenized = try context.read(tokenize)
        let corpus = tokenized.corpus
        let trainCount = tokenized.trainCount
        let labels = LabelIndex(corpus.labels.compactMap { $0 })
        guard labels.count >= 2 else {
            throw TextpipeError(
                .data,
                "the data has \(labels.count) class(es) (\(labels.names.joined(separator: ", "))); "
                    + "classification needs at least two"
            )
        }
        let y = try corpus.labels.map { label -> Int in
            guard let label, let index = labels.index(label) else {
                throw TextpipeError(.data, "a document has no label")
            }
            return index
        }
        let trainLabels = Array(y[0..<trainCount])
        var notes: [String: Int] = [:]
        let folds: [Fold]
        switch evaluation {
        case .givenTest:
            guard y.count > trainCount else {
                throw TextpipeError(.spec, "evaluate: given_test needs a test set", key: "evaluate")
            }
            folds = [Fold(train: Array(0..<trainCount), test: Array(trainCount..<y.count))]
        case .split(let fraction, let seed):
            folds = [
                try Stratified.split(labels: trainLabels, classCount: labels.count, testFraction: fraction, seed: seed)
            ]
        case .crossValidation(let k, let seed):
            let counts = TrainingData.classCounts(trainLabels, classCount: labels.count)
            let small = counts.filter { $0 > 0 && $0 < k }.count
            if small > 0 { notes["classes with fewer documents than folds (absent from some training folds)"] = small }
            folds = try Stratified.kFold(labels: trainLabels, classCount: labels.count, folds: k, seed: seed)
        }
        var isCrossValidation = false
        if case .crossValidation = evaluation { isCrossValidation = true }
        let assignment = FoldAssignment(
            labels: labels, y: y, trainCount: trainCount, folds: folds, notes: notes,
            isCrossValidation: isCrossValidation)
        try assignment.write(to: folder)
    }

}
