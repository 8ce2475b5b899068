import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// The shared conformance suite: written once, run for every classifier in `ClassifierRegistry` at its default
/// settings, plus variants whose settings change the code path.
let everyClassifier: [ClassifierSpec] = {
    var l1 = LogisticRegressionConfiguration()
    l1.penalty = .l1
    var hinge = LinearSVMConfiguration()
    hinge.loss = .hinge
    var platt = LinearSVMConfiguration()
    platt.plattScaling = true
    var shared = NormalBayesConfiguration()
    shared.sharedCovariance = true
    var entropy = DecisionTreeConfiguration()
    entropy.criterion = .entropy
    entropy.maxDepth = 4
    var weighted = LogisticRegressionConfiguration()
    weighted.classWeights = .balanced
    return ClassifierRegistry.all.map { defaults($0) } + [
        ClassifierSpec(shared), ClassifierSpec(l1), ClassifierSpec(weighted), ClassifierSpec(hinge),
        ClassifierSpec(platt),
        ClassifierSpec(entropy)
    ]
}()

func defaults<C: ClassifierConfiguration>(_: C.Type) -> ClassifierSpec { ClassifierSpec(C()) }

/// Gaussian models refuse sparse bag-of-words input; the suite gives them the same data densely.
func needsDense(_ spec: ClassifierSpec) -> Bool { spec.capabilities.contains(.needsDenseInput) }

func toDense(_ x: FeatureMatrix) -> FeatureMatrix {
    guard case .sparse(let m) = x else { return x }
    return .dense(DenseMatrix(rowCount: m.rowCount, columnCount: m.columnCount, values: m.dense().flatMap { $0 }))
}

/// The toy data in the form the model takes.
func data(for spec: ClassifierSpec, rows: Int = 60, columns: Int = 12, classes: Int = 3) -> (FeatureMatrix, [Int]) {
    let (x, y) = toyData(rows: rows, columns: columns, classes: classes)
    return (needsDense(spec) ? toDense(x) : x, y)
}

/// A small three-class count matrix where each class prefers its own block of features, with the token sequences a
/// feature set with `sequence: true` would attach (word `wJ` repeated as often as column J counts).
func toyData(rows: Int = 60, columns: Int = 12, classes: Int = 3, seed: UInt64 = 5) -> (FeatureMatrix, [Int]) {
    var rng = Xoshiro256StarStar(seed: seed)
    var m = SparseMatrix(columnCount: columns)
    var labels: [Int] = []
    var documents: [[String]] = []
    for r in 0..<rows {
        let k = r % classes
        labels.append(k)
        var entries: [(Int32, Float)] = []
        for j in 0..<columns {
            let preferred = j % classes == k
            if rng.nextUnit() < (preferred ? 0.6 : 0.15) { entries.append((Int32(j), Float(1 + rng.nextIndex(3)))) }
        }
        m.appendRow(entries)
        documents.append(entries.flatMap { j, v in Array(repeating: "w\(j)", count: Int(v)) })
    }
    m.sequences = TokenSequences(documents: documents)
    return (.sparse(m), labels)
}

@Suite struct ClassifierConformance {
    @Test(arguments: everyClassifier)
    func shapesAndProbabilities(_ spec: ClassifierSpec) throws {
        let (x, y) = data(for: spec)
        let model = try spec.fit(x, labels: y, classCount: 3, seed: 1)
        let s = model.scores(x)
        #expect(s.rowCount == 60 && s.columnCount == 3)
        #expect(model.predict(x).count == 60)
        if let p = model.predictProbabilities(x) {
            for r in 0..<p.rowCount {
                let sum = (0..<3).reduce(Float(0)) { $0 + p[r, $1] }
                #expect(abs(sum - 1) < 1e-5)
                #expect((0..<3).allSatisfy { p[r, $0] >= 0 && p[r, $0] <= 1 })
            }
        } else {
            #expect(model.scoreKind == .decision)
        }
        // On data this separable, training accuracy is well above chance.
        let accuracy = Double(zip(model.predict(x), y).filter { $0 == $1 }.count) / 60
        #expect(accuracy > 0.8)
    }

    @Test(arguments: everyClassifier)
    func saveLoadGivesIdenticalPredictions(_ spec: ClassifierSpec) throws {
        let (x, y) = data(for: spec)
        let model = try spec.fit(x, labels: y, classCount: 3, seed: 1)
        let back = try ClassifierStore.decode(try ClassifierStore.encode(model), name: "m")
        #expect(back.kind == model.kind)
        #expect(back.scores(x) == model.scores(x))
        #expect(throws: TextpipeError.self) {
            try ClassifierStore.decode(try ClassifierStore.encode(model).prefix(30), name: "m")
        }
    }

    @Test(arguments: everyClassifier)
    func deterministicUnderASeed(_ spec: ClassifierSpec) throws {
        let (x, y) = data(for: spec)
        let a = try spec.fit(x, labels: y, classCount: 3, seed: 9)
        let b = try spec.fit(x, labels: y, classCount: 3, seed: 9)
        #expect(a.scores(x) == b.scores(x))
    }

    @Test(arguments: everyClassifier)
    func oneClassIsAClearError(_ spec: ClassifierSpec) {
        let (x, _) = data(for: spec)
        do {
            _ = try spec.fit(x, labels: Array(repeating: 0, count: 60), classCount: 1, seed: 1)
            Issue.record("expected an error")
        } catch let e as TextpipeError {
            #expect(e.message.contains("only one class"))
        } catch { Issue.record("\(error)") }
    }

    @Test(arguments: everyClassifier)
    func aClassAbsentFromTrainingIsNeverPredictedButScored(_ spec: ClassifierSpec) throws {
        let (x, y) = data(for: spec)
        let rows = y.indices.filter { y[$0] != 2 }
        let model = try spec.fit(x.rows(rows), labels: rows.map { y[$0] }, classCount: 3, seed: 1)
        #expect(model.scores(x).columnCount == 3)
        // Predicted on every row, the absent class never wins, though its own rows are among them.
        let predicted = model.predict(x)
        #expect(predicted.count == 60 && !predicted.contains(2), "\(spec.kind) predicts the absent class")
        #expect(Set(predicted).isSubset(of: [0, 1]) && Set(predicted).count == 2)
        if let p = model.predictProbabilities(x) {
            #expect((0..<60).allSatisfy { p[$0, 0].isFinite && p[$0, 2] < 0.5 })
        }
    }

    @Test(arguments: everyClassifier)
    func unseenFeatureColumnsAndEmptyInputs(_ spec: ClassifierSpec) throws {
        let (sparse, y) = toyData()
        let x = needsDense(spec) ? toDense(sparse) : sparse
        let model = try spec.fit(x, labels: y, classCount: 3, seed: 1)
        guard case .sparse(let m) = sparse else { return }
        // A wider matrix whose extra column (never seen in training) is set scores exactly as without it.
        var wide = SparseMatrix(columnCount: m.columnCount + 5)
        for r in 0..<m.rowCount {
            var e: [(Int32, Float)] = []
            m.forEach(inRow: r) { j, v in e.append((Int32(j), v)) }
            e.append((Int32(m.columnCount + 2), 3))
            wide.appendRow(e)
        }
        wide.sequences = m.sequences
        let wideX = needsDense(spec) ? toDense(.sparse(wide)) : FeatureMatrix.sparse(wide)
        #expect(model.scores(wideX) == model.scores(x))
        // An empty test set gives empty outputs.
        let empty =
            needsDense(spec)
            ? FeatureMatrix.dense(DenseMatrix(rowCount: 0, columnCount: m.columnCount))
            : FeatureMatrix.sparse(SparseMatrix(columnCount: m.columnCount))
        #expect(model.predict(empty).isEmpty)
        #expect(model.scores(empty).rowCount == 0)
        // A document with no features still gets a prediction.
        let blank =
            needsDense(spec)
            ? FeatureMatrix.dense(DenseMatrix(rowCount: 1, columnCount: m.columnCount))
            : FeatureMatrix.sparse(SparseMatrix(columnCount: m.columnCount, rowStart: [0, 0], columns: [], values: []))
        #expect(model.predict(blank).count == 1)
    }

    @Test(arguments: everyClassifier)
    func nonFiniteFeaturesAreRejected(_ spec: ClassifierSpec) {
        let (x, y) = data(for: spec)
        for bad in [Float.infinity, .nan] {
            let broken: FeatureMatrix
            switch x {
            case .sparse(var m):
                m.values[3] = bad
                broken = .sparse(m)
            case .dense(var m):
                m.values[3] = bad
                broken = .dense(m)
            }
            #expect { try spec.fit(broken, labels: y, classCount: 3, seed: 1) } throws: {
                ($0 as? TextpipeError)?.message.contains("finite") == true
            }
        }
    }

    @Test(arguments: everyClassifier)
    func denseInputGivesTheSameModelAsSparse(_ spec: ClassifierSpec) throws {
        if needsDense(spec) {
            // Sparse input is refused with a reason the report can show.
            #expect { try spec.fit(toyData().0, labels: toyData().1, classCount: 3, seed: 1) } throws: {
                ($0 as? TextpipeError)?.kind == .unsupported
            }
            return
        }
        if spec.capabilities.contains(.needsSequences) {
            // Dense rows carry no token sequences: refused, naming what to give it.
            #expect { try spec.fit(toDense(toyData().0), labels: toyData().1, classCount: 3, seed: 1) } throws: {
                ($0 as? TextpipeError)?.message.contains("sequence: true") == true
            }
            return
        }
        let (x, y) = toyData()
        guard case .sparse(let m) = x else { return }
        let dense = FeatureMatrix.dense(
            DenseMatrix(rowCount: m.rowCount, columnCount: m.columnCount, values: m.dense().flatMap { $0 }))
        let a = try spec.fit(x, labels: y, classCount: 3, seed: 1)
        let b = try spec.fit(dense, labels: y, classCount: 3, seed: 1)
        #expect(a.predict(x) == b.predict(dense))
    }
}
