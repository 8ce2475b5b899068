import Foundation
import TextCore

/// A `textpipe stream <mode>`: JSON Lines records in on standard input, results out on standard output, logs on
/// standard error only, a non-zero exit on any failure (so a cluster retries the task).
///
/// A mode gets its records in batches (so an encoder can batch documents) and returns exactly one line per record
/// in order; a mode that summarizes its input (`stats`) returns none per record and its summary from `finish`.
/// Memory stays bounded by the batch, not the input: the runner never holds more than one batch.
public protocol StreamMode {
    /// The result line of each record of a batch, in order (empty for a summarizing mode).
    mutating func process(_ batch: [StreamRecord]) throws -> [String]
    /// Lines written after the last record (a summarizing mode's result).
    mutating func finish() throws -> [String]
    /// Whether every record must have an `id` (a mode reading partials, not documents, says no).
    static var requiresID: Bool { get }
}

extension StreamMode {
    /// Nothing after the last record.
    public mutating func finish() throws -> [String] { [] }
    /// Records are documents with ids.
    public static var requiresID: Bool { true }
}

/// Runs a stream mode over standard input (or any descriptor) in batches.
public enum StreamRunner {
    /// Records per batch.
    public static let batchSize = 256

    /// Reads every record, writes every result, returns the number of records.
    @discardableResult
    public static func run<M: StreamMode>(
        _ mode: inout M, input: Int32 = 0, output: Int32 = 1, source: String = "standard input"
    ) throws -> Int {
        var reader = LineReader(fd: input, source: source)
        let writer = LineWriter(fd: output)
        var batch: [StreamRecord] = []
        var count = 0
        func flushBatch() throws {
            guard !batch.isEmpty else { return }
            let lines = try mode.process(batch)
            guard lines.isEmpty || lines.count == batch.count else {
                throw TextpipeError(.internal, "a stream mode returned \(lines.count) lines for \(batch.count) records")
            }
            for line in lines { try writer.write(line) }
            count += batch.count
            batch.removeAll(keepingCapacity: true)
        }
        do {
            while try reader.next({ line, number in
                // Blank lines carry no record (a trailing newline, a separator between concatenated partials).
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return }
                batch.append(try StreamRecord(line: line, number: number, source: source, requireID: M.requiresID))
            }) {
                if batch.count >= batchSize { try flushBatch() }
            }
        } catch {
            // A bad record stops the stream, but the records before it were good: their answers are written first,
            // so standard output holds exactly the records up to the one the error names.
            try flushBatch()
            try writer.flush()
            throw error
        }
        try flushBatch()
        for line in try mode.finish() { try writer.write(line) }
        try writer.flush()
        return count
    }
}
