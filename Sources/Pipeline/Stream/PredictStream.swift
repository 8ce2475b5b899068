import Foundation
import TextCore

/// `textpipe stream predict --model DIR` (and `textpipe predict --model DIR --stdin`): labels each record with a
/// saved model.
///
/// In: `{"id": "a", "text": "Great fun"}`. Out: `{"id":"a","label":"pos","probabilities":{"neg":0.1,"pos":0.9}}`
/// (`"scores"` instead for models without probabilities).
public struct PredictStream: StreamMode {
    let model: ModelBundle

    /// A mode labelling with `model`.
    public init(model: ModelBundle) { self.model = model }

    /// One line per record.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        let documents = try batch.map { Document(source: $0.id, text: try $0.requireText(), label: nil) }
        let labels = model.header.labels
        return try model.predict(documents).enumerated().map { i, p in
            let values = p.probabilities.map { probs in labels.map { probs[$0] ?? 0 } } ?? p.scores
            let field = p.probabilities == nil ? "scores" : "probabilities"
            let members = zip(labels, values).sorted { $0.0 < $1.0 }.map { JSONValue.quote($0.0) + ":" + number($0.1) }
            let warning =
                p.hasKnownFeatures ? "" : ",\"warning\":\"no known feature: the label is the model's prior\""
            return "{\"id\":\(batch[i].idJSON),\"label\":\(JSONValue.quote(p.label)),\"\(field)\":{"
                + members.joined(separator: ",") + "}" + warning + "}"
        }
    }

    /// Probabilities are floats: their shortest text, not the digits of the double they were widened to.
    private func number(_ x: Double) -> String { x.isFinite ? "\(Float(x))" : "null" }
}
