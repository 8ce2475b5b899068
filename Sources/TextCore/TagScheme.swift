/// How chunk (entity, word) boundaries are written in tags.
///
/// - `iob1`: `I-X` inside a chunk, `B-X` only where a chunk follows another of the same type.
/// - `iob2` (BIO): every chunk starts with `B-X`.
/// - `iobes`: `S-X` single-token chunks, `B-X` / `I-X` / `E-X` begin, inside, end.
/// - `bmes`: untyped segmentation, `B`, `M`, `E`, `S` per character (IOBES with M for I and no O).
/// - `none`: plain tags (POS): no chunks, nothing to convert.
public enum TagScheme: String, Sendable, Codable, CaseIterable, Hashable {
    case iob1, iob2, iobes, bmes, none
}

/// A chunk: tokens `start..<end` of type `type` (empty for untyped segmentation).
public struct Chunk: Sendable, Hashable, Codable {
    /// First token of the chunk.
    public var start: Int
    /// One past its last token.
    public var end: Int
    /// Its type (`PER`), empty for plain segmentation.
    public var type: String
    /// A chunk over tokens start..<end.
    public init(start: Int, end: Int, type: String) {
        self.start = start
        self.end = end
        self.type = type
    }
}

/// Chunk extraction and scheme conversion, following conlleval's reading of tags (which accepts IOB1, IOB2
/// and IOBES alike): a chunk starts at `B`, `S`, or an `I`/`E` whose predecessor cannot continue it, and ends
/// before a tag that cannot continue it. Invalid sequences are thereby repaired (an `I-PER` after `O` opens a
/// chunk), and `convert` counts the tags it had to change beyond the scheme's own rewriting.
public enum TagSchemes {
    /// Prefix and type of a tag: `B-PER` -> ("B", "PER"), `O` -> ("O", ""), BMES `M` -> ("I", "").
    public static func split(_ tag: String, scheme: TagScheme) -> (prefix: Character, type: String) {
        if scheme == .bmes {
            switch tag {
            case "B": return ("B", "")
            case "M": return ("I", "")
            case "E": return ("E", "")
            case "S": return ("S", "")
            default: return ("O", "")
            }
        }
        if tag == "O" { return ("O", "") }
        if let dash = tag.firstIndex(of: "-"), tag.distance(from: tag.startIndex, to: dash) == 1 {
            if let p = tag.first, "BIES".contains(p) { return (p, String(tag[tag.index(after: dash)...])) }
        }
        // A tag without a B/I/E/S prefix is read as the inside of a chunk of that name.
        return ("I", tag)
    }

    /// conlleval's end-of-chunk test between the previous tag and the current one.
    static func endOfChunk(_ prev: Character, _ prevType: String, _ cur: Character, _ curType: String) -> Bool {
        if prev == "E" || prev == "S" { return true }
        if prev == "B" && (cur == "B" || cur == "S" || cur == "O") { return true }
        if prev == "I" && (cur == "B" || cur == "S" || cur == "O") { return true }
        if prev != "O" && prevType != curType { return true }
        return false
    }

    /// conlleval's start-of-chunk test.
    static func startOfChunk(_ prev: Character, _ prevType: String, _ cur: Character, _ curType: String) -> Bool {
        if cur == "B" || cur == "S" { return true }
        if prev == "E" && (cur == "E" || cur == "I") { return true }
        if prev == "S" && (cur == "E" || cur == "I") { return true }
        if prev == "O" && (cur == "E" || cur == "I") { return true }
        if cur != "O" && prevType != curType { return true }
        return false
    }

    /// The chunks of a tag sequence, read as conlleval reads it.
    ///
    /// `["B-PER", "I-PER", "O", "I-LOC"]` -> `[0..<2 PER, 3..<4 LOC]`; BMES `["B", "E", "S"]` -> `[0..<2, 2..<3]`.
    public static func chunks(_ tags: [String], scheme: TagScheme) -> [Chunk] {
        var result: [Chunk] = []
        var prev: Character = "O"
        var prevType = ""
        var open: Int? = nil
        for (i, tag) in tags.enumerated() {
            let (cur, curType) = split(tag, scheme: scheme)
            if let o = open, endOfChunk(prev, prevType, cur, curType) {
                result.append(Chunk(start: o, end: i, type: prevType))
                open = nil
            }
            if cur != "O", startOfChunk(prev, prevType, cur, curType) || open == nil { open = i }
            prev = cur
            prevType = curType
        }
        if let o = open { result.append(Chunk(start: o, end: tags.count, type: prevType)) }
        return result
    }

    /// Tags for `chunks` over `count` tokens in `scheme`.
    public static func tags(_ chunks: [Chunk], count: Int, scheme: TagScheme) -> [String] {
        var tags = [String](repeating: "O", count: count)
        func typed(_ p: String, _ t: String) -> String { t.isEmpty ? p : "\(p)-\(t)" }
        var previousEnd = -1
        var previousType: String? = nil
        for c in chunks {
            let n = c.end - c.start
            switch scheme {
            case .iob2, .none:
                for i in c.start..<c.end { tags[i] = typed(i == c.start ? "B" : "I", c.type) }
            case .iob1:
                let adjacent = previousEnd == c.start && previousType == c.type
                for i in c.start..<c.end { tags[i] = typed(i == c.start && adjacent ? "B" : "I", c.type) }
            case .iobes:
                for i in c.start..<c.end {
                    tags[i] = typed(n == 1 ? "S" : i == c.start ? "B" : i == c.end - 1 ? "E" : "I", c.type)
                }
            case .bmes:
                for i in c.start..<c.end { tags[i] = n == 1 ? "S" : i == c.start ? "B" : i == c.end - 1 ? "E" : "M" }
            }
            previousEnd = c.end
            previousType = c.type
        }
        return tags
    }

    /// Rewrites a sentence's tags from one scheme to another (reading invalid sequences as conlleval does).
    /// Returns the number of tags that changed in a round trip through the source scheme, i.e. repairs.
    public static func convert(_ sentence: inout TaggedSentence, from: TagScheme, to: TagScheme) -> Int {
        guard from != .none, to != .none else { return 0 }
        let c = chunks(sentence.tags, scheme: from)
        let canonical = tags(c, count: sentence.tags.count, scheme: from)
        let repaired = zip(canonical, sentence.tags).filter { $0 != $1 }.count
        sentence.tags = from == to ? canonical : tags(c, count: sentence.tags.count, scheme: to)
        return repaired
    }
}
