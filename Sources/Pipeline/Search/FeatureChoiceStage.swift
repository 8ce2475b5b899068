import Foundation
import TextCore

/// The features a pair with a searched feature set is trained and evaluated on: each outer fold's matrices from the
/// featurizer its search chose, and the final featurizer and matrix from the choice of the search for the saved model
/// (`train [ngram + logistic] features chosen`). It links (or copies) the chosen featurizers' files, so every stage
/// downstream reads an ordinary feature artifact.
struct FeatureChoiceStage: Stage {
    typealias Output = FeatureArtifact
    /// One featurizer per feature trial (nil for a trial no pair trial reads).
    let variants: [Input<FeatureArtifact>?]
    /// Each outer fold's choice.
    let perFold: [Input<SearchSelection>]
    /// The choice for the saved model.
    let model: Input<SearchSelection>
    /// The pair's trials: which featurizer each reads.
    let trials: [SearchTrial]
    let pair: String

    var stage: StageName { .train }
    var unit: String? { pair }
    var part: String? { "features chosen" }
    var inputs: [UnitReference] {
        variants.compactMap { $0?.reference } + perFold.map(\.reference) + [model.reference]
    }
    var outputs: [String] { ["fold-<i>.bin", "final-featurizer.bin", "final-x.bin", "empty-documents"] }

    func derive(_ key: inout StageKey) throws {
        key.add("trials", json: trials.map { $0.features ?? 0 })
    }

    func run(_ context: StageContext, into folder: URL) throws {
        func source(_ selection: Input<SearchSelection>) throws -> URL {
            let chosen = try context.read(selection).chosen
            guard let f = trials[chosen].features, f < variants.count, let variant = variants[f] else {
                throw TextpipeError(.internal, "\(displayName): trial \(chosen) reads no featurizer")
            }
            return try context.read(variant).folder
        }
        for (i, selection) in perFold.enumerated() {
            try Self.link("fold-\(i).bin", from: try source(selection), to: folder)
        }
        let final = try source(model)
        for name in ["final-featurizer.bin", "final-x.bin", "empty-documents"] {
            try Self.link(name, from: final, to: folder)
        }
    }

    /// A hard link to the stored file (stored outputs are never rewritten in place), or a copy across file systems.
    static func link(_ name: String, from source: URL, to folder: URL) throws {
        let from = source.appendingPathComponent(name)
        let to = folder.appendingPathComponent(name)
        do { try FileManager.default.linkItem(at: from, to: to) } catch {
            try AtomicFile.write(try AtomicFile.read(from), to: to)
        }
    }
}
