import Foundation
import TestSupport
import Testing
import TextCore

@testable import Tagging

/// textpipe's CRF against CRFsuite on the same attributes (scripts/reference/make_crf_fixture.py): trained to
/// convergence on 300 WSJ sentences, both minimise the same objective, so the optimum and the tags agree.
@Suite struct CRFsuiteReferenceTests {
    struct Fixture: Decodable {
        struct Sentence: Decodable {
            var x: [[String]]
            var y: [String]
            var crfsuite: [String]?
        }
        var objective: Double
        var train: [Sentence]
        var test: [Sentence]
    }

    @Test func sameOptimumAndTagsAsCRFsuite() throws {
        let url = Bundle.module.url(forResource: "Fixtures/crfsuite_wsj", withExtension: "json")!
        let f = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        let tagSet = Array(Set(f.train.flatMap(\.y))).sorted()
        let data = PreparedTrainingData(attributeStrings: f.train.map(\.x), tags: f.train.map(\.y), tagSet: tagSet)
        var c = ConditionalRandomFieldConfiguration()
        c.maxIterations = 1000
        c.delta = 1e-9
        let model = try ConditionalRandomField.fit(c, prepared: data, tags: tagSet)
        let objective = Double(model.trainingSummary["objective"]!)!
        // The same penalised negative log-likelihood at the optimum (4553.8384 here against CRFsuite's 4553.8384).
        #expect(abs(objective - f.objective) / f.objective < 1e-5, "textpipe \(objective), CRFsuite \(f.objective)")
        var index = data.attributes
        let x = index.encode(attributeStrings: f.test.map(\.x), grow: false)
        var agree = 0
        var total = 0
        for (seq, s) in zip(x, f.test) {
            let tags = model.model.chain.decode(seq).map { tagSet[Int($0)] }
            for (a, b) in zip(tags, s.crfsuite!) {
                total += 1
                if a == b { agree += 1 }
            }
        }
        #expect(Double(agree) / Double(total) > 0.995, "agreement \(agree)/\(total)")
    }
}
