import Foundation
import Report
import TestSupport
import Testing

/// textpipe's nested grid search against scikit-learn's GridSearchCV on the same inner folds
/// (Fixtures/search/polarity-sklearn.json, made by scripts/reference/search_gridsearchcv.py): Pang & Lee sentences,
/// tf-idf (1,2)-grams, alpha of multinomial_nb, C of linear_svm and logistic, 5 outer and 3 inner folds.
@Suite(.serialized) struct SearchReferenceTests {
    @Test func picksTheSettingsGridSearchCVPicks() throws {
        let (report, fixtures) = try referenceRun("search", spec: "polarity.yaml", pipeline: "search-polarity")
        let reference = try #require(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: fixtures.appendingPathComponent("polarity-sklearn.json"))) as? [String: Any])
        let folds = try #require(reference["folds"] as? [String: [String: [String: Any]]])
        var compared = 0
        var same = 0
        for result in report.results {
            let search = try #require(result.search, "\(result.classifier) was not searched")
            let key = try #require(search.keys.first)
            let values = search.trials.map { Double($0.assignment[key]!)! }
            for (name, fold) in folds {
                let ref = try #require(fold[result.classifier])
                let means = try #require(ref["means"] as? [Double])
                let ours: [Double] =
                    name == "all" ? search.trials.map { $0.all! } : search.trials.map { $0.outerFolds[Int(name)!]! }
                // Inner macro-F1 of every candidate within 0.003 (tf-idf in Float, solvers' tolerances).
                for (a, b) in zip(ours, means) {
                    #expect(abs(a - b) < 0.003, "\(result.classifier) fold \(name): \(ours) vs \(means)")
                }
                let pick = name == "all" ? search.chosenForModel : search.chosenPerFold[Int(name)!]
                if values[pick] == ref["chosen"] as? Double { same += 1 }
                // The same choice wherever scikit-learn's best is ahead of its runner-up by more than twice the largest
                // difference between the two implementations' scores in this search (so the gap is real, not noise).
                let sorted = means.sorted(by: >)
                let noise = zip(ours, means).map { abs($0 - $1) }.max() ?? 0
                guard sorted[0] - sorted[1] > 2 * noise else { continue }
                let chosen = name == "all" ? search.chosenForModel : search.chosenPerFold[Int(name)!]
                #expect(values[chosen] == ref["chosen"] as? Double, "\(result.classifier) fold \(name)")
                compared += 1
            }
        }
        // 13 of the 18 searches have a gap beyond the noise (all must agree); over all 18, 17 agree when measured
        // (the other is a near tie in scikit-learn: 0.72220 against 0.72219).
        #expect(compared >= 12, "only \(compared) clear choices compared")
        #expect(same >= 16, "\(same) of 18 choices agree")
    }
}
