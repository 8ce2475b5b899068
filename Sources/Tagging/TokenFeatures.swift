import TextCore

/// Which window features describe a token (its "attributes"; a model pairs each with each tag).
public struct TokenFeatureConfiguration: Sendable, Codable, Hashable {
    /// `words`: the token, lowercase form, shape, prefixes and suffixes, neighbours; `characters`: character
    /// unigrams and bigrams in the window plus character classes (Chinese segmentation); `auto` picks
    /// `characters` when nearly every training token is one character.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable { case auto, words, characters }
    /// Words, characters (CJK) or chosen from the data.
    public var kind: Kind = .auto
    /// Neighbours on each side.
    public var window = 2
    /// Longest prefix and suffix of the token (`words`).
    public var affixes = 4
    /// The defaults: kind from the data, window 2, affixes up to 4.
    public init() {}

    /// `characters` when at least 95% of `sentences`' tokens are single characters, else `words`.
    public func resolved(for sentences: [TaggedSentence]) -> TokenFeatureConfiguration {
        guard kind == .auto else { return self }
        var single = 0
        var total = 0
        for s in sentences.prefix(2000) {
            for t in s.tokens {
                total += 1
                if t.count == 1 { single += 1 }
            }
        }
        var c = self
        c.kind = total > 0 && Double(single) >= 0.95 * Double(total) ? .characters : .words
        return c
    }
}

/// Turns sentences into attribute strings per token.
///
/// Words, for "Vinken" in "Pierre Vinken ,": `w=Vinken`, `lw=vinken`, `shape=Xx`, `p1=V` ... `s4=nken`,
/// `w-1=pierre`, `w+1=,`, `w-2=<s>`, `w+2=</s>`, `bias`. Characters, for 向 in 迈向充: `c0=向`, `c-1=迈`,
/// `c+1=充`, `c-1c0=迈向`, `c0c+1=向充`, `c-1c+1=迈充`, ..., `t=CJK`, `t-1t0t+1=CJK|CJK|CJK`.
public struct TokenFeatureExtractor: Sendable {
    /// Its settings.
    public let configuration: TokenFeatureConfiguration
    /// An extractor with these settings.
    public init(_ configuration: TokenFeatureConfiguration) {
        precondition(configuration.kind != .auto, "resolve .auto against the training sentences first")
        self.configuration = configuration
    }

    /// `Xxxx` -> `Xx`, `1984` -> `d`, `U.S.` -> `X.X.`: letters by case, digits, everything else as itself, runs collapsed.
    public static func shape(_ token: String) -> String {
        var out = ""
        var last: Character? = nil
        for ch in token {
            let c: Character = ch.isUppercase ? "X" : ch.isLowercase ? "x" : ch.isNumber ? "d" : ch.isLetter ? "L" : ch
            if c != last { out.append(c) }
            last = c
        }
        return out
    }

    /// A character's class: digit, Latin letter, CJK, punctuation or other.
    static func characterClass(_ token: String) -> String {
        guard let s = token.unicodeScalars.first else { return "E" }
        let v = s.value
        if s.properties.numericType != nil { return "D" }
        if (0x4E00...0x9FFF).contains(v) || (0x3400...0x4DBF).contains(v) { return "C" }
        if s.properties.isAlphabetic { return "L" }
        switch s.properties.generalCategory {
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return "P"
        default: break
        }
        if (0x3000...0x303F).contains(v) || (0xFF00...0xFF0F).contains(v) { return "P" }
        return "O"
    }

    /// Attribute strings of every token of a sentence.
    public func attributes(_ tokens: [String]) -> [[String]] {
        let n = tokens.count
        let w = configuration.window
        func at(_ i: Int) -> String { i < 0 ? "<s>" : i >= n ? "</s>" : tokens[i] }
        switch configuration.kind {
        case .characters:
            let classes = tokens.map(Self.characterClass)
            func cls(_ i: Int) -> String { i < 0 || i >= n ? "_" : classes[i] }
            return (0..<n).map { i in
                var a = ["bias"]
                a.reserveCapacity(4 * w + 6)
                for d in -w...w { a.append("c\(d)=\(at(i + d))") }
                for d in -w..<w { a.append("c\(d)c\(d + 1)=\(at(i + d))\(at(i + d + 1))") }
                a.append("c-1c+1=\(at(i - 1))\(at(i + 1))")
                a.append("t=\(cls(i))")
                a.append("t3=\(cls(i - 1))\(cls(i))\(cls(i + 1))")
                return a
            }
        case .words, .auto:
            let lower = tokens.map { $0.lowercased() }
            func low(_ i: Int) -> String { i < 0 ? "<s>" : i >= n ? "</s>" : lower[i] }
            return (0..<n).map { i in
                let t = tokens[i]
                var a = ["bias", "w=\(t)", "lw=\(lower[i])", "shape=\(Self.shape(t))"]
                let chars = Array(t)
                for k in 1...max(1, configuration.affixes) where k <= chars.count {
                    a.append("p\(k)=\(String(chars[..<k]))")
                    a.append("s\(k)=\(String(chars[(chars.count - k)...]))")
                }
                for d in 1...max(1, w) where d <= w {
                    a.append("w-\(d)=\(low(i - d))")
                    a.append("w+\(d)=\(low(i + d))")
                }
                a.append("w-1w0=\(low(i - 1))|\(lower[i])")
                a.append("w0w+1=\(lower[i])|\(low(i + 1))")
                return a
            }
        }
    }
}

/// Attribute ids of one sentence: token `t` has `ids[offsets[t]..<offsets[t + 1]]`.
public struct AttributeSequence: Sendable, Equatable {
    /// Where each token's attributes start in `ids`.
    public var offsets: [Int32]
    /// Attribute ids of every token, concatenated.
    public var ids: [Int32]
    /// Tokens.
    public var count: Int { offsets.count - 1 }
    /// The attribute ids of token `t`.
    public func attributes(of t: Int) -> ArraySlice<Int32> { ids[Int(offsets[t])..<Int(offsets[t + 1])] }
}

/// The attribute vocabulary of the training sentences (unseen attributes are dropped at test time).
public struct AttributeIndex: Sendable {
    /// Attribute strings by id.
    public private(set) var names: [String] = []
    private var ids: [String: Int32] = [:]
    /// Attributes known.
    public var count: Int { names.count }
    /// An empty index.
    public init() {}
    /// An index of these attribute strings.
    public init(names: [String]) {
        self.names = names
        ids = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, Int32($0)) })
    }

    /// Sequences for `sentences`; with `grow` new attributes are added to the index.
    public mutating func encode(_ sentences: [[String]], extractor: TokenFeatureExtractor, grow: Bool)
        -> [AttributeSequence]
    {
        sentences.map { encodeOne(extractor.attributes($0), grow: grow) }
    }

    mutating func encodeOne(_ tokens: [[String]], grow: Bool) -> AttributeSequence {
        var offsets: [Int32] = [0]
        var list: [Int32] = []
        for attributes in tokens {
            for a in attributes {
                if let id = ids[a] {
                    list.append(id)
                } else if grow {
                    let id = Int32(names.count)
                    ids[a] = id
                    names.append(a)
                    list.append(id)
                }
            }
            offsets.append(Int32(list.count))
        }
        return AttributeSequence(offsets: offsets, ids: list)
    }

    /// The id of an attribute string, if known.
    public func id(_ name: String) -> Int32? { ids[name] }

    /// Sequences for attribute strings given per token.
    public mutating func encode(attributeStrings sentences: [[[String]]], grow: Bool) -> [AttributeSequence] {
        sentences.map { encodeOne($0, grow: grow) }
    }
}
