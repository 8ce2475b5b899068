import Evaluate
import Foundation

/// Which test documents each model of a run got right: `outcomes.tsv` (`document`, `gold`, then one 0/1 column per
/// model, documents in evaluation order). Two runs whose document and gold columns are equal can be compared model by
/// model with a paired test (the decision rule's McNemar), as the run-to-run comparison and `report diff` do.
public struct RunOutcomes: Sendable, Equatable {
    /// `document<TAB>gold` of every row, in order.
    public var documents: [String]
    /// Per model: whether it got each document right.
    public var correct: [String: [Bool]]

    /// Outcomes from the columns a run writes.
    public init(documents: [String], correct: [String: [Bool]]) {
        self.documents = documents
        self.correct = correct
    }

    /// Parses an `outcomes.tsv`; nil when the text is not one (a row of the wrong width, a cell not 0 or 1), so a
    /// damaged or foreign file means "no paired test", never a wrong one.
    ///
    /// `"document\tgold\ta\tb\nx.txt\tpos\t1\t0\n"` -> documents `["x.txt\tpos"]`,
    /// correct `["a": [true], "b": [false]]`.
    public init?(tsv: String) {
        var lines = tsv.split(separator: "\n", omittingEmptySubsequences: true)
        guard !lines.isEmpty else { return nil }
        let header = lines.removeFirst().split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
        guard header.count >= 2, header[0] == "document", header[1] == "gold" else { return nil }
        let models = Array(header.dropFirst(2))
        guard Set(models).count == models.count else { return nil }
        var documents: [String] = []
        var columns = [[Bool]](repeating: [], count: models.count)
        documents.reserveCapacity(lines.count)
        for line in lines {
            let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard fields.count == header.count else { return nil }
            documents.append(fields[0] + "\t" + fields[1])
            for k in models.indices {
                switch fields[k + 2] {
                case "1": columns[k].append(true)
                case "0": columns[k].append(false)
                default: return nil
                }
            }
        }
        self.documents = documents
        correct = Dictionary(uniqueKeysWithValues: zip(models, columns))
    }

    /// Reads `<folder>/outcomes.tsv`, nil when absent or unreadable.
    public static func read(folder: URL) -> RunOutcomes? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent("outcomes.tsv").path)
        else { return nil }
        return RunOutcomes(tsv: String(decoding: data, as: UTF8.self))
    }
}
