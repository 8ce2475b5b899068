import Foundation

/// Documents as token sequences: each row's tokens in order, as ids into a table of token strings. A feature set with
/// `sequence: true` attaches them to its matrix, for classifiers that model word order (`ngram_lm`); every other
/// classifier reads the matrix and ignores them.
///
/// The strings travel with the ids, so a classifier builds its own vocabulary (and can read the characters of a word
/// its training documents never had).
public struct TokenSequences: Sendable, Equatable {
    /// Distinct token strings; ids index this table.
    public var types: [String]
    /// Where each row's tokens start in `tokens` (one more entry than rows).
    public var offsets: [Int]
    /// Every row's token ids, concatenated.
    public var tokens: [Int32]

    /// Sequences from ids into `types`.
    public init(types: [String], offsets: [Int] = [0], tokens: [Int32] = []) {
        self.types = types
        self.offsets = offsets
        self.tokens = tokens
    }

    /// Sequences of token strings, one per row.
    public init(documents: [[String]]) {
        var ids: [String: Int32] = [:]
        var types: [String] = []
        var offsets = [0]
        var tokens: [Int32] = []
        for document in documents {
            for token in document {
                if let id = ids[token] {
                    tokens.append(id)
                } else {
                    let id = Int32(types.count)
                    ids[token] = id
                    types.append(token)
                    tokens.append(id)
                }
            }
            offsets.append(tokens.count)
        }
        self.init(types: types, offsets: offsets, tokens: tokens)
    }

    /// Rows.
    public var count: Int { offsets.count - 1 }

    /// Row `r`'s token ids.
    @inline(__always)
    public func row(_ r: Int) -> ArraySlice<Int32> { tokens[offsets[r]..<offsets[r + 1]] }

    /// Row `r`'s tokens as strings.
    public func strings(_ r: Int) -> [String] { row(r).map { types[Int($0)] } }

    /// The rows at `indices`, in that order (the same string table).
    public func rows(_ indices: [Int]) -> TokenSequences {
        var out = TokenSequences(types: types)
        out.tokens.reserveCapacity(indices.reduce(0) { $0 + offsets[$1 + 1] - offsets[$1] })
        for r in indices {
            out.tokens.append(contentsOf: row(r))
            out.offsets.append(out.tokens.count)
        }
        return out
    }

    /// Writes the table, the offsets and the ids.
    public func encode(into w: inout BinaryWriter) {
        w.write(strings: types)
        w.write(array: offsets.map { Int64($0) })
        w.write(array: tokens)
    }

    /// Reads sequences written by `encode`, every id and offset checked.
    public static func decode(from r: inout BinaryReader) throws -> TokenSequences {
        let types = try r.readStrings()
        let offsets = try r.readArray(Int64.self).map { Int($0) }
        let tokens = try r.readArray(Int32.self)
        guard offsets.first == 0, offsets.last == tokens.count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
            tokens.allSatisfy({ $0 >= 0 && Int($0) < types.count })
        else { throw TextpipeError(.model, "corrupt token sequences") }
        return TokenSequences(types: types, offsets: offsets, tokens: tokens)
    }
}
