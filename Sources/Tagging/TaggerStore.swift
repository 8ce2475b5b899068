import Classify
import Foundation
import TextCore

/// Saves and loads trained taggers as binary files: a format version, the kind, the tag set, then the model's
/// own parameters (the feature extractor's settings and attribute vocabulary travel with it, so a loaded tagger
/// reads new sentences exactly as in training).
public enum TaggerStore {
    static let version: UInt32 = 1

    /// A saved tagger: format version, kind, tags, training summary, then the tagger's own body.
    public static func encode(_ tagger: any SequenceTagger) throws -> Data {
        var w = BinaryWriter()
        w.write(version)
        w.write(tagger.kind)
        w.write(strings: tagger.tags)
        w.write(String(decoding: try StableJSON.encode(tagger.trainingSummary), as: UTF8.self))
        try tagger.encodeBody(into: &w)
        return w.data
    }

    /// Reads a saved tagger; `vectors` rebuilds a per-token vector source for taggers that had one.
    public static func decode(_ data: Data, name: String, vectors: (TokenVectorSpec) throws -> TokenVectorSource) throws
        -> any SequenceTagger
    {
        var r = BinaryReader(data, name: name)
        guard try r.read(UInt32.self) == version else {
            throw TextpipeError(.model, "unknown tagger format version", file: name)
        }
        let kind = try r.readString()
        let tags = try r.readStrings()
        let summary = try JSONDecoder().decode([String: String].self, from: Data(try r.readString().utf8))
        guard let type = TaggerRegistry.settings(kind: kind)?.taggerType else {
            throw TextpipeError(
                .model, "unknown tagger '\(kind)' (known: \(TaggerRegistry.kinds.joined(separator: ", ")))", file: name)
        }
        return try decodeBody(type, tags: tags, summary: summary, from: &r, vectors: vectors)
    }

    private static func decodeBody<T: SequenceTagger>(
        _: T.Type, tags: [String], summary: [String: String], from r: inout BinaryReader,
        vectors: (TokenVectorSpec) throws -> TokenVectorSource
    ) throws -> any SequenceTagger {
        try T.decodeBody(tags: tags, summary: summary, from: &r, vectors: vectors)
    }

    static func encodeFeatures(
        _ extractor: TokenFeatureExtractor, _ attributes: AttributeIndex, _ w: inout BinaryWriter
    ) throws {
        w.write(String(decoding: try StableJSON.encode(extractor.configuration), as: UTF8.self))
        w.write(strings: attributes.names)
    }

    static func decodeFeatures(_ r: inout BinaryReader) throws -> (TokenFeatureExtractor, AttributeIndex) {
        let c = try JSONDecoder().decode(TokenFeatureConfiguration.self, from: Data(try r.readString().utf8))
        guard c.kind != .auto else { throw TextpipeError(.model, "a saved tagger with unresolved feature kind") }
        guard (0...16).contains(c.window), (0...16).contains(c.affixes) else {
            throw TextpipeError(.model, "a saved tagger with window \(c.window) and affixes \(c.affixes)")
        }
        let names = try r.readStrings()
        guard Set(names).count == names.count else {
            throw TextpipeError(.model, "a saved tagger whose attribute names repeat")
        }
        return (TokenFeatureExtractor(c), AttributeIndex(names: names))
    }

    static func encodeChain(_ t: LinearChainTagger, _ w: inout BinaryWriter) throws {
        try encodeFeatures(t.extractor, t.attributes, &w)
        t.chain.encode(into: &w)
    }

    static func decodeChain(_ tags: [String], _ r: inout BinaryReader) throws -> LinearChainTagger {
        let (extractor, attributes) = try decodeFeatures(&r)
        let chain = try LinearChain.decode(from: &r)
        guard chain.tagCount == tags.count, chain.stateStart.count == attributes.count + 1 else {
            throw TextpipeError(
                .model, "a saved tagger whose sizes disagree (\(chain.tagCount) tags, \(attributes.count) attributes)")
        }
        return LinearChainTagger(tags: tags, extractor: extractor, attributes: attributes, chain: chain)
    }
}

extension HiddenMarkovModel {
    /// Writes the HMM's settings, transitions, interpolation weights, lexicon and suffix model.
    public func encodeBody(into w: inout BinaryWriter) throws {
        w.write(String(decoding: try StableJSON.encode(configuration), as: UTF8.self))
        w.write(array: logTransition)
        w.write(array: lambdas)
        w.write(array: tagPrior)
        w.write(theta)
        let words = lexicon.keys.sorted()
        w.write(strings: words)
        var offsets: [Int32] = [0]
        var tagList: [Int32] = []
        var emissions: [Double] = []
        for word in words {
            for e in lexicon[word, default: []] {
                tagList.append(e.tag)
                emissions.append(e.logEmission)
            }
            offsets.append(Int32(tagList.count))
        }
        w.write(array: offsets)
        w.write(array: tagList)
        w.write(array: emissions)
        let keys = suffixes.keys.sorted()
        w.write(strings: keys)
        w.write(array: keys.flatMap { suffixes[$0, default: []] })
    }

    /// Reads an HMM written by `encodeBody`, checking its sizes against its tags.
    public static func decodeBody(
        tags: [String], summary: [String: String], from r: inout BinaryReader,
        vectors: (TokenVectorSpec) throws -> TokenVectorSource
    ) throws -> HiddenMarkovModel {
        let c = try JSONDecoder().decode(HiddenMarkovModelConfiguration.self, from: Data(try r.readString().utf8))
        let transitions = try r.readDoubles()
        let lambdas = try r.readDoubles()
        let prior = try r.readDoubles()
        let theta = try r.readDouble()
        let S = tags.count + 2
        guard !tags.isEmpty, c.order == 1 || c.order == 2, transitions.count == (c.order == 2 ? S * S * S : S * S),
            prior.count == tags.count, lambdas.count == 3
        else {
            throw TextpipeError(.model, "a saved HMM whose sizes disagree with its \(tags.count) tags")
        }
        let words = try r.readStrings()
        let offsets = try r.readArray(Int32.self)
        let tagList = try r.readArray(Int32.self)
        let emissions = try r.readDoubles()
        guard offsets.count == words.count + 1, tagList.count == emissions.count, offsets.first == 0,
            Int(offsets.last ?? 0) == tagList.count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }),
            tagList.allSatisfy({ $0 >= 0 && Int($0) < tags.count })
        else {
            throw TextpipeError(.model, "a saved HMM with a malformed lexicon")
        }
        var lexicon: [String: [(tag: Int32, logEmission: Double)]] = [:]
        for (i, word) in words.enumerated() {
            lexicon[word] = (Int(offsets[i])..<Int(offsets[i + 1])).map { (tagList[$0], emissions[$0]) }
        }
        let keys = try r.readStrings()
        let values = try r.readDoubles()
        guard values.count == keys.count * tags.count else {
            throw TextpipeError(.model, "a saved HMM with a malformed suffix table")
        }
        var suffixes: [String: [Double]] = [:]
        for (i, k) in keys.enumerated() { suffixes[k] = Array(values[i * tags.count..<(i + 1) * tags.count]) }
        return HiddenMarkovModel(
            tags: tags, configuration: c, logTransition: transitions, lambdas: lambdas, lexicon: lexicon,
            suffixes: suffixes, tagPrior: prior, theta: theta, trainingSummary: summary)
    }
}
