import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// `textpipe stream stats --spec SPEC --features NAME --groups G`: the partial n-gram statistics of the records read
/// (one line at the end: `{"statistics":"<base64>"}`), for `stream merge-stats` to combine.
///
/// In: `{"id": 7, "row": 7, "group": 2, "tokens": [...]}` (or `"text"`, cleaned and tokenized by the spec); `row` is
/// the document's position in the corpus (ties in `max_features` go to the earliest), `group` which fits it belongs
/// to (default 0). Rows must increase within one stream, as a partition of the corpus in order gives them.
public struct StatsStream: StreamMode {
    var statistics: NGramStatistics
    let cleaner: Cleaner
    let tokenizer: Tokenizer

    /// Empty statistics for an n-gram feature set.
    public init(
        configuration: NGramConfiguration, groupCount: Int, clean: CleanConfiguration, tokenize: TokenizeConfiguration
    ) throws {
        statistics = try NGramStatistics(configuration: configuration, groupCount: groupCount)
        cleaner = Cleaner(clean)
        tokenizer = Tokenizer(tokenize)
    }

    /// Counts the batch; nothing per record.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        for record in batch {
            guard let row = record.row else { throw record.error("each record needs its \"row\"", key: "row") }
            let tokens =
                try record.tokens ?? tokenizer.tokens(cleaner.clean(record.requireText(), source: record.id).text)
            do { try statistics.add(tokens: tokens, row: row, group: record.group ?? 0) } catch let e as TextpipeError {
                throw record.error(e.message, key: e.key)
            }
        }
        return []
    }

    /// The partial, one line.
    public mutating func finish() throws -> [String] { [try Self.line(statistics)] }

    /// Statistics as a stream line.
    public static func line(_ statistics: NGramStatistics) throws -> String {
        var w = BinaryWriter()
        try statistics.encode(into: &w)
        return "{\"statistics\":\"\(w.data.base64EncodedString())\"}"
    }

    /// Statistics from a stream line's object.
    public static func statistics(_ record: StreamRecord) throws -> NGramStatistics {
        guard let text = record.fields["statistics"]?.string, let data = Data(base64Encoded: text) else {
            throw record.error("expected {\"statistics\": \"<base64>\"} (a line of `stream stats`)", key: "statistics")
        }
        var r = BinaryReader(data, name: "standard input line \(record.line)")
        do { return try NGramStatistics.decode(from: &r) } catch {
            throw record.error("corrupt n-gram statistics (not a whole line of `stream stats`)", key: "statistics")
        }
    }
}

/// `textpipe stream merge-stats`: combines partials of `stream stats` (or of earlier merges) in any order and
/// grouping into one line; with `--fit GROUPS --out FILE` it also writes the featurizer fitted on those groups
/// (exactly what one machine's fit computes).
public struct MergeStatsStream: StreamMode {
    /// The merged statistics so far.
    public private(set) var merged: NGramStatistics?

    /// Nothing merged yet.
    public init() {}

    /// Partials have no document id.
    public static var requiresID: Bool { false }

    /// Merges the batch; nothing per record.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        for record in batch {
            let partial = try StatsStream.statistics(record)
            if merged == nil {
                merged = partial
            } else {
                do { try merged?.merge(partial) } catch let e as TextpipeError { throw record.error(e.message) }
            }
        }
        return []
    }

    /// The merged statistics, one line.
    public mutating func finish() throws -> [String] {
        guard let merged else { throw TextpipeError(.input, "no statistics on standard input") }
        return [try StatsStream.line(merged)]
    }
}
