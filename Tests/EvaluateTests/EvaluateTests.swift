import Foundation
import TestSupport
import Testing
import TextCore

@testable import Evaluate

@Suite struct MetricsTests {
    @Test func workedExample() {
        let m = Metrics(gold: [0, 0, 1, 1], predicted: [0, 1, 1, 1], probabilities: nil, labels: ["a", "b"])
        #expect(m.accuracy == 0.75)
        #expect(m.perClass[0].precision == 1 && m.perClass[0].recall == 0.5)
        #expect(abs(m.perClass[1].precision - 2.0 / 3) < 1e-12 && m.perClass[1].recall == 1)
        #expect(abs(m.macroF1 - (2.0 / 3 + 0.8) / 2) < 1e-12)
        #expect(m.confusion.dense == [[1, 1], [0, 2]])
        #expect(m.logLoss == nil)
    }

    @Test func emptyDenominatorsGiveZeroAndLogLossClips() {
        let p = DenseMatrix(rowCount: 2, columnCount: 3, values: [1, 0, 0, 0, 1, 0])
        let m = Metrics(gold: [0, 2], predicted: [0, 1], probabilities: p, labels: ["a", "b", "c"])
        #expect(m.perClass[2].precision == 0 && m.perClass[2].f1 == 0)
        #expect(m.perClass[1].recall == 0)
        // log loss: (-log(1 - 1e-15) - log(1e-15)) / 2
        #expect(abs(m.logLoss! - (-log(1e-15)) / 2) < 1e-6)
        let empty = Metrics(gold: [], predicted: [], probabilities: nil, labels: ["a"])
        #expect(empty.accuracy == 0 && empty.count == 0)
    }

    /// Many classes (issue 12): the sparse confusion, the linear-time headline numbers and the JSON forms.
    @Test func manyClassesStayLinear() throws {
        var rng = Xoshiro256StarStar(seed: 5)
        let K = 3_000
        let gold = (0..<9_000).map { $0 % K }
        let predicted = gold.map { rng.nextUnit() < 0.6 ? $0 : rng.nextIndex(K) }
        let m = Metrics(gold: gold, predicted: predicted, probabilities: nil, labels: (0..<K).map { "c\($0)" })
        let h = Metrics.headline(gold: gold, predicted: predicted, classCount: K)
        #expect(h.accuracy == m.accuracy && h.macroF1 == m.macroF1)
        #expect(m.confusion.total == gold.count && m.confusion.cells.count <= gold.count)
        let wrong = zip(gold, predicted).first { $0 != $1 }!
        #expect(
            m.confusion[wrong.0, wrong.1] >= 1
                && m.confusion[wrong.0, wrong.0] == m.perClass[wrong.0].support
                    - zip(gold, predicted).filter { $0.0 == wrong.0 && $0.1 != wrong.0 }.count
        )
        // Above 100 classes the JSON is the non-zero cells; up to 100 the dense matrix it always was.
        let json = try JSONEncoder().encode(m.confusion)
        #expect(String(decoding: json, as: UTF8.self).hasPrefix("{"))
        #expect(json.count < 200_000)
        #expect(try JSONDecoder().decode(ConfusionCounts.self, from: json) == m.confusion)
        let small = ConfusionCounts(gold: [0, 1, 1], predicted: [0, 0, 1], classCount: 2)
        #expect(String(decoding: try JSONEncoder().encode(small), as: UTF8.self) == "[[1,0],[1,1]]")
        #expect(try JSONDecoder().decode(ConfusionCounts.self, from: Data("[[1,0],[1,1]]".utf8)) == small)
        #expect(small.mostConfusedClasses(limit: 5) == [0, 1] && small.largestErrors(limit: 5).map(\.count) == [1])
        // A cell outside the class range is refused, not trusted.
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(ConfusionCounts.self, from: Data(#"{"classes": 2, "cells": [[0, 5, 1]]}"#.utf8))
        }
    }

    @Test func meanAndSampleDeviation() {
        let (m, s) = meanAndDeviation([1, 2, 3, 4])
        #expect(m == 2.5 && abs(s - 1.2909944487358056) < 1e-12)
        #expect(meanAndDeviation([5]).deviation == 0)
    }
}

@Suite struct SplitTests {
    @Test func kFoldIsStratifiedCompleteAndSeeded() throws {
        let labels = (0..<103).map { $0 < 70 ? 0 : 1 }
        let folds = try Stratified.kFold(labels: labels, classCount: 2, folds: 10, seed: 1)
        #expect(folds.count == 10)
        #expect(folds.flatMap(\.test).sorted() == Array(0..<103))
        for f in folds {
            #expect(Set(f.train).isDisjoint(with: f.test))
            #expect(f.train.count + f.test.count == 103)
            let ones = f.test.filter { labels[$0] == 1 }.count
            #expect((2...4).contains(ones))
            #expect((10...11).contains(f.test.count))
        }
        #expect(try Stratified.kFold(labels: labels, classCount: 2, folds: 10, seed: 1) == folds)
        #expect(try Stratified.kFold(labels: labels, classCount: 2, folds: 10, seed: 2) != folds)
    }

    @Test func aClassWithOneDocumentLandsInOneFold() throws {
        let labels = [0, 0, 0, 0, 0, 0, 1, 2, 2, 2, 2, 2]
        let folds = try Stratified.kFold(labels: labels, classCount: 3, folds: 3, seed: 4)
        #expect(folds.filter { $0.test.contains(6) }.count == 1)
    }

    @Test func holdOutSplit() throws {
        let labels = (0..<50).map { $0 % 2 }
        let f = try Stratified.split(labels: labels, classCount: 2, testFraction: 0.2, seed: 1)
        #expect(f.test.count == 10 && f.train.count == 40)
        #expect(f.test.filter { labels[$0] == 1 }.count == 5)
        #expect(throws: TextpipeError.self) {
            try Stratified.split(labels: labels, classCount: 2, testFraction: 1.5, seed: 1)
        }
        #expect(throws: TextpipeError.self) { try Stratified.kFold(labels: [0, 1], classCount: 2, folds: 5, seed: 1) }
    }
}

@Suite struct PrecisionRecallTests {
    /// The worked examples of its documentation, and the empty denominators conlleval and scikit-learn score as 0.
    @Test func countsToScores() {
        let s = PrecisionRecall(correct: 3, predicted: 4, gold: 6)
        #expect(s.precision == 0.75 && s.recall == 0.5 && abs(s.f1 - 0.6) < 1e-12)
        let none = PrecisionRecall(correct: 0, predicted: 0, gold: 2)
        #expect(none.precision == 0 && none.recall == 0 && none.f1 == 0)
        #expect(PrecisionRecall(correct: 0, predicted: 0, gold: 0).f1 == 0)
    }
}
