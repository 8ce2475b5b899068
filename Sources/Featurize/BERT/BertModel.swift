import CBLAS
import CKernels
import Foundation
import TextCore

/// The parts of a Hugging Face BERT `config.json` the encoder needs.
public struct BertConfiguration: Codable, Sendable, Equatable {
    /// Width of every layer.
    public var hiddenSize: Int
    /// Encoder layers.
    public var numHiddenLayers: Int
    /// Attention heads per layer.
    public var numAttentionHeads: Int
    /// Width of the feed-forward layer.
    public var intermediateSize: Int
    /// Longest input.
    public var maxPositionEmbeddings: Int
    /// Segment types.
    public var typeVocabSize: Int
    /// WordPiece vocabulary size.
    public var vocabSize: Int
    /// LayerNorm epsilon.
    public var layerNormEps: Double
    /// `gelu` (the only activation read).
    public var hiddenAct: String?

    static func load(_ url: URL) throws -> BertConfiguration {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw TextpipeError(.io, "cannot read", file: url.path)
        }
        let c: BertConfiguration
        do { c = try SnakeCaseJSON.decode(BertConfiguration.self, from: data) } catch {
            throw TextpipeError(.model, "not a BERT config: \(error)", file: url.path)
        }
        try c.check(url)
        return c
    }

    /// Refuses sizes a BERT cannot have (zero heads, a width the heads do not divide, absurd counts) before
    /// anything is allocated from them.
    func check(_ url: URL) throws {
        func bad(_ key: String, _ why: String) -> TextpipeError { TextpipeError(.model, why, file: url.path, key: key) }
        guard (1...65_536).contains(hiddenSize) else { throw bad("hidden_size", "hidden_size must be in 1...65536") }
        guard (1...1024).contains(numAttentionHeads), hiddenSize % numAttentionHeads == 0 else {
            throw bad(
                "num_attention_heads", "num_attention_heads must be 1...1024 and divide hidden_size \(hiddenSize)")
        }
        guard (1...256).contains(numHiddenLayers) else {
            throw bad("num_hidden_layers", "num_hidden_layers must be in 1...256")
        }
        guard (1...262_144).contains(intermediateSize) else {
            throw bad("intermediate_size", "intermediate_size must be in 1...262144")
        }
        guard (2...1_048_576).contains(maxPositionEmbeddings) else {
            throw bad("max_position_embeddings", "max_position_embeddings must be in 2...1048576")
        }
        guard (1...16).contains(typeVocabSize) else {
            throw bad("type_vocab_size", "type_vocab_size must be in 1...16")
        }
        guard (1...10_000_000).contains(vocabSize) else {
            throw bad("vocab_size", "vocab_size must be in 1...10000000")
        }
        guard layerNormEps.isFinite, layerNormEps > 0 else { throw bad("layer_norm_eps", "layer_norm_eps must be > 0") }
    }
}

/// How a sequence of token vectors becomes one document vector.
public enum BertPooling: String, Sendable, Codable, Hashable, CaseIterable {
    /// The last layer's output at [CLS].
    case cls
    /// The mean over real (unmasked) tokens.
    case mean
    /// The pooler: tanh(W h_[CLS] + b).
    case pooler
}

/// A BERT encoder in Swift with OpenBLAS matrix products: embeddings (word + position + token type, LayerNorm),
/// then per layer multi-head self-attention, output projection, residual + LayerNorm, feed-forward with exact
/// (erf) GELU, residual + LayerNorm.
public final class BertModel: @unchecked Sendable {
    /// The checkpoint's `config.json`.
    public let configuration: BertConfiguration
    struct Layer { var q, qb, k, kb, v, vb, o, ob, ln1w, ln1b, i, ib, out, outb, ln2w, ln2b: [Float] }
    let wordEmbeddings: [Float], positionEmbeddings: [Float], typeEmbeddings: [Float], embeddingNormWeight: [Float],
        embeddingNormBias: [Float]
    let layers: [Layer]
    let poolerWeight: [Float]?, poolerBias: [Float]?

    /// Loads a checkpoint folder in the Hugging Face layout (`config.json`, `model.safetensors`), validating
    /// every tensor's shape against the config. Names with a `bert.` prefix are accepted too.
    public init(folder: URL) throws {
        let c = try BertConfiguration.load(folder.appendingPathComponent("config.json"))
        guard c.hiddenSize % c.numAttentionHeads == 0 else {
            throw TextpipeError(
                .model, "hidden_size \(c.hiddenSize) is not a multiple of num_attention_heads \(c.numAttentionHeads)",
                file: folder.path)
        }
        if let act = c.hiddenAct, act != "gelu" {
            throw TextpipeError(
                .model, "hidden_act '\(act)' is not supported (textpipe implements BERT's exact gelu)",
                file: folder.path)
        }
        configuration = c
        let st = try SafeTensors(folder.appendingPathComponent("model.safetensors"))
        let prefix =
            st.entries["embeddings.word_embeddings.weight"] == nil
                && st.entries["bert.embeddings.word_embeddings.weight"] != nil ? "bert." : ""
        func t(_ name: String, _ shape: [Int]) throws -> [Float] { try st.floats(prefix + name, shape: shape) }
        let h = c.hiddenSize
        let f = c.intermediateSize
        wordEmbeddings = try t("embeddings.word_embeddings.weight", [c.vocabSize, h])
        positionEmbeddings = try t("embeddings.position_embeddings.weight", [c.maxPositionEmbeddings, h])
        typeEmbeddings = try t("embeddings.token_type_embeddings.weight", [c.typeVocabSize, h])
        embeddingNormWeight = try t("embeddings.LayerNorm.weight", [h])
        embeddingNormBias = try t("embeddings.LayerNorm.bias", [h])
        layers = try (0..<c.numHiddenLayers).map { n in
            let p = "encoder.layer.\(n)."
            return Layer(
                q: try t(p + "attention.self.query.weight", [h, h]), qb: try t(p + "attention.self.query.bias", [h]),
                k: try t(p + "attention.self.key.weight", [h, h]), kb: try t(p + "attention.self.key.bias", [h]),
                v: try t(p + "attention.self.value.weight", [h, h]), vb: try t(p + "attention.self.value.bias", [h]),
                o: try t(p + "attention.output.dense.weight", [h, h]),
                ob: try t(p + "attention.output.dense.bias", [h]),
                ln1w: try t(p + "attention.output.LayerNorm.weight", [h]),
                ln1b: try t(p + "attention.output.LayerNorm.bias", [h]),
                i: try t(p + "intermediate.dense.weight", [f, h]), ib: try t(p + "intermediate.dense.bias", [f]),
                out: try t(p + "output.dense.weight", [h, f]), outb: try t(p + "output.dense.bias", [h]),
                ln2w: try t(p + "output.LayerNorm.weight", [h]), ln2b: try t(p + "output.LayerNorm.bias", [h]))
        }
        if st.entries[prefix + "pooler.dense.weight"] != nil {
            poolerWeight = try t("pooler.dense.weight", [h, h])
            poolerBias = try t("pooler.dense.bias", [h])
        } else {
            poolerWeight = nil
            poolerBias = nil
        }
    }

    /// `y (rows x out) = x (rows x in) W^T + b`, W stored as PyTorch's `[out, in]`.
    static func linear(_ x: [Float], rows: Int, _ w: [Float], _ b: [Float], inputs: Int, outputs: Int) -> [Float] {
        var y: [Float] = []
        linear(x, rows: rows, w, b, inputs: inputs, outputs: outputs, into: &y)
        return y
    }

    /// The same into a buffer reused across layers (large fresh arrays cost page faults on every layer).
    static func linear(
        _ x: [Float], rows: Int, _ w: [Float], _ b: [Float], inputs: Int, outputs: Int, into y: inout [Float]
    ) {
        resize(&y, rows * outputs)
        y.withUnsafeMutableBufferPointer { yp in
            b.withUnsafeBufferPointer { bp in
                for r in 0..<rows { (yp.start + r * outputs).update(from: bp.start, count: outputs) }
            }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(rows), Int32(outputs), Int32(inputs), 1, x,
                Int32(inputs), w, Int32(inputs), 1,
                yp.start, Int32(outputs))
        }
    }

    /// `count` elements, keeping the storage when it is large enough.
    @inline(__always) static func resize(_ a: inout [Float], _ count: Int) {
        if a.count > count {
            a.removeLast(a.count - count)
        } else if a.count < count {
            a.append(contentsOf: repeatElement(0, count: count - a.count))
        }
    }

    /// `x = LayerNorm(x + residual) * w + b` row by row (vectorised in C).
    static func layerNorm(
        _ x: inout [Float], adding residual: [Float]? = nil, rows: Int, size: Int, _ w: [Float], _ b: [Float],
        eps: Float
    ) {
        x.withUnsafeMutableBufferPointer { xp in
            if let residual {
                residual.withUnsafeBufferPointer { rp in
                    textpipe_layer_norm(xp.start, rp.start, Int32(rows), Int32(size), w, b, eps)
                }
            } else {
                textpipe_layer_norm(xp.start, nil, Int32(rows), Int32(size), w, b, eps)
            }
        }
    }

    /// The last layer's vectors for one sequence (`length x hidden`, row-major).
    public func encode(ids: [Int32], tokenTypes: [Int32]? = nil) throws -> [Float] {
        try encodeBatch([ids], tokenTypes: tokenTypes.map { [$0] })[0]
    }

    /// The last layer's vectors for several sequences at once. The sequences are stacked (never padded): every
    /// position-wise step (projections, feed-forward, LayerNorm) is one large matrix product over all tokens,
    /// and only the attention is done sequence by sequence, so no position ever attends to another sequence.
    public func encodeBatch(_ sequences: [[Int32]], tokenTypes: [[Int32]]? = nil) throws -> [[Float]] {
        let h = configuration.hiddenSize
        let (x, offsets) = try forward(sequences, tokenTypes: tokenTypes, firstOnlyInLastLayer: false)
        return (0..<sequences.count).map { Array(x[offsets[$0] * h..<offsets[$0 + 1] * h]) }
    }

    /// The forward pass over stacked sequences; returns the last layer's rows and each sequence's first row.
    /// With `firstOnlyInLastLayer` the last layer computes keys and values for every token but queries, the
    /// attention output and the feed-forward only at [CLS] (all that cls and pooler pooling read), which gives
    /// the same [CLS] vector with a sixth less work for a 6-layer model; the result then has one row per sequence.
    func forward(_ sequences: [[Int32]], tokenTypes: [[Int32]]?, firstOnlyInLastLayer: Bool) throws -> ([Float], [Int])
    {
        let c = configuration
        let h = c.hiddenSize
        var offsets = [0]
        for (s, ids) in sequences.enumerated() {
            guard !ids.isEmpty, ids.count <= c.maxPositionEmbeddings else {
                throw TextpipeError(
                    .data,
                    "a sequence of \(ids.count) tokens does not fit the model's \(c.maxPositionEmbeddings) positions")
            }
            if let types = tokenTypes?[s], types.count != ids.count {
                throw TextpipeError(.internal, "token types and ids differ in length")
            }
            offsets.append((offsets.last ?? 0) + ids.count)
        }
        let total = offsets.last ?? 0
        guard total > 0 else { return ([], offsets) }
        var x = [Float](repeating: 0, count: total * h)
        for (s, ids) in sequences.enumerated() {
            for (p, id) in ids.enumerated() {
                let type = tokenTypes?[s][p] ?? 0
                guard id >= 0, Int(id) < c.vocabSize, type >= 0, Int(type) < c.typeVocabSize else {
                    throw TextpipeError(.data, "token id \(id) or type \(type) is outside the model's vocabulary")
                }
                let row = (offsets[s] + p) * h
                for k in 0..<h {
                    x[row + k] =
                        wordEmbeddings[Int(id) * h + k] + positionEmbeddings[p * h + k]
                        + typeEmbeddings[Int(type) * h + k]
                }
            }
        }
        let eps = Float(c.layerNormEps)
        Self.layerNorm(&x, rows: total, size: h, embeddingNormWeight, embeddingNormBias, eps: eps)
        let heads = c.numAttentionHeads
        let dh = h / heads
        let scale = 1 / Float(dh).squareRoot()
        let longest = sequences.map(\.count).max() ?? 1
        var scores = [Float](repeating: 0, count: longest * longest)
        var q: [Float] = []
        var k: [Float] = []
        var v: [Float] = []
        var context: [Float] = []
        var attention: [Float] = []
        var inter: [Float] = []
        var out: [Float] = []
        for (l, layer) in layers.enumerated() {
            // Query rows: every token, or in a first-only last layer each sequence's [CLS] row.
            let firstOnly = firstOnlyInLastLayer && l == layers.count - 1
            let queryRows = firstOnly ? sequences.count : total
            let input = firstOnly ? offsets.dropLast().flatMap { x[$0 * h..<($0 + 1) * h] } : x
            Self.linear(input, rows: queryRows, layer.q, layer.qb, inputs: h, outputs: h, into: &q)
            Self.linear(x, rows: total, layer.k, layer.kb, inputs: h, outputs: h, into: &k)
            Self.linear(x, rows: total, layer.v, layer.vb, inputs: h, outputs: h, into: &v)
            Self.resize(&context, queryRows * h)
            for s in 0..<sequences.count {
                let n = offsets[s + 1] - offsets[s]
                let base = offsets[s] * h
                let m = firstOnly ? 1 : n
                let queryBase = firstOnly ? s * h : base
                for head in 0..<heads {
                    let off = base + head * dh
                    let queryOff = queryBase + head * dh
                    q.withUnsafeBufferPointer { qp in
                        k.withUnsafeBufferPointer { kp in
                            cblas_sgemm(
                                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(dh), scale,
                                qp.start + queryOff, Int32(h), kp.start + off, Int32(h), 0, &scores,
                                Int32(n))
                        }
                    }
                    scores.withUnsafeMutableBufferPointer { sp in
                        textpipe_softmax_rows(sp.start, Int32(m), Int32(n))
                    }
                    v.withUnsafeBufferPointer { vp in
                        context.withUnsafeMutableBufferPointer { cp in
                            cblas_sgemm(
                                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(dh), Int32(n), 1,
                                scores, Int32(n), vp.start + off, Int32(h), 0, cp.start + queryOff,
                                Int32(h))
                        }
                    }
                }
            }
            Self.linear(context, rows: queryRows, layer.o, layer.ob, inputs: h, outputs: h, into: &attention)
            Self.layerNorm(&attention, adding: input, rows: queryRows, size: h, layer.ln1w, layer.ln1b, eps: eps)
            Self.linear(
                attention, rows: queryRows, layer.i, layer.ib, inputs: h, outputs: c.intermediateSize, into: &inter)
            inter.withUnsafeMutableBufferPointer { p in textpipe_gelu(p.start, Int32(p.count)) }
            Self.linear(
                inter, rows: queryRows, layer.out, layer.outb, inputs: c.intermediateSize, outputs: h, into: &out)
            Self.layerNorm(&out, adding: attention, rows: queryRows, size: h, layer.ln2w, layer.ln2b, eps: eps)
            swap(&x, &out)  // the old x becomes next layer's output buffer
            if firstOnly { offsets = Array(0...sequences.count) }
        }
        return (x, offsets)
    }

    /// Document vectors of several sequences by `pooling`.
    public func pooledBatch(_ sequences: [[Int32]], pooling: BertPooling) throws -> [[Float]] {
        let h = configuration.hiddenSize
        switch pooling {
        case .cls, .pooler:
            if pooling == .pooler, poolerWeight == nil {
                throw TextpipeError(.model, "this checkpoint has no pooler; use pooling cls or mean")
            }
            let (x, _) = try forward(sequences, tokenTypes: nil, firstOnlyInLastLayer: true)
            guard pooling == .pooler, let w = poolerWeight, let b = poolerBias else {
                return (0..<sequences.count).map { Array(x[$0 * h..<($0 + 1) * h]) }
            }
            let pooled = Self.linear(x, rows: sequences.count, w, b, inputs: h, outputs: h).map { tanh($0) }
            return (0..<sequences.count).map { Array(pooled[$0 * h..<($0 + 1) * h]) }
        case .mean:
            return try zip(sequences, encodeBatch(sequences)).map { ids, x in
                var m = [Float](repeating: 0, count: h)
                for p in 0..<ids.count { for k in 0..<h { m[k] += x[p * h + k] } }
                return m.map { $0 / Float(ids.count) }
            }
        }
    }

    /// One document vector by `pooling`.
    public func pooled(ids: [Int32], pooling: BertPooling) throws -> [Float] {
        try pooledBatch([ids], pooling: pooling)[0]
    }
}

extension Double { var float: Float { Float(self) } }
