import CBLAS
import Foundation
import TextCore

/// Intrinsic evaluation of word vectors on the standard benchmarks: word-pair similarity (Spearman's rho
/// between cosine similarity and human scores) and analogies (3CosAdd accuracy, Mikolov et al. 2013).
public enum WordVectorEvaluation {
    /// Spearman correlation with human similarity judgements.
    public struct Similarity: Sendable, Codable {
        /// The benchmark.
        public var name: String
        /// Spearman's rho over the covered pairs.
        public var spearman: Double
        /// Pairs with both words known, out of all pairs.
        public var covered: Int
        /// Pairs in the benchmark.
        public var total: Int
    }

    /// Analogy accuracy.
    public struct Analogy: Sendable, Codable {
        /// The benchmark.
        public var name: String
        /// correct / covered.
        public var accuracy: Double
        /// Questions answered right.
        public var correct: Int
        /// Questions with all four words in the searched vocabulary.
        public var covered: Int
        /// Questions in the benchmark.
        public var total: Int
    }

    /// Reads `word1<TAB>word2<TAB>score` lines (lines starting with `#` are comments), lowercasing words.
    public static func readPairs(_ url: URL) throws -> [(String, String, Double)] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TextpipeError(.io, "cannot read", file: url.path)
        }
        var out: [(String, String, Double)] = []
        for (n, line) in text.textLines().enumerated()
        where !line.hasPrefix("#") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let f = line.split(whereSeparator: { $0 == "\t" || $0 == " " })
            guard f.count >= 3, let score = Double(f[2]) else {
                throw TextpipeError(.input, "expected 'word1 word2 score'", file: url.path, line: n + 1)
            }
            out.append((f[0].lowercased(), f[1].lowercased(), score))
        }
        return out
    }

    /// Spearman's rank correlation (average ranks for ties).
    public static func spearman(_ a: [Double], _ b: [Double]) -> Double {
        func ranks(_ x: [Double]) -> [Double] {
            let order = x.indices.sorted { x[$0] < x[$1] }
            var r = [Double](repeating: 0, count: x.count)
            var i = 0
            while i < order.count {
                var j = i
                while j + 1 < order.count && x[order[j + 1]] == x[order[i]] { j += 1 }
                for k in i...j { r[order[k]] = Double(i + j) / 2 + 1 }
                i = j + 1
            }
            return r
        }
        let ra = ranks(a)
        let rb = ranks(b)
        let n = Double(a.count)
        guard n > 1 else { return 0 }
        let ma = ra.reduce(0, +) / n
        let mb = rb.reduce(0, +) / n
        var num = 0.0
        var da = 0.0
        var db = 0.0
        for i in 0..<a.count {
            num += (ra[i] - ma) * (rb[i] - mb)
            da += (ra[i] - ma) * (ra[i] - ma)
            db += (rb[i] - mb) * (rb[i] - mb)
        }
        return da > 0 && db > 0 ? num / (da * db).squareRoot() : 0
    }

    /// Spearman's rho between cosine similarities and the pairs' scores.
    public static func similarity(_ vectors: WordVectors, pairs: [(String, String, Double)], name: String) -> Similarity
    {
        var model: [Double] = []
        var human: [Double] = []
        for (a, b, score) in pairs {
            if let s = vectors.similarity(a, b) {
                model.append(Double(s))
                human.append(score)
            }
        }
        return Similarity(name: name, spearman: spearman(model, human), covered: model.count, total: pairs.count)
    }

    /// questions-words format: `: section` lines, then `a b c d` (a is to b as c is to d). Searches the
    /// `restrict` most frequent words (gensim's `restrict_vocab`); questions with an unknown word are not covered.
    public static func analogies(_ vectors: WordVectors, file url: URL, restrict: Int = 300_000) throws -> Analogy {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else {
            throw TextpipeError(.io, "cannot read", file: url.path)
        }
        let limit = min(restrict, vectors.words.count)
        let d = vectors.dimensions
        let unit = vectors.normalized()
        var total = 0
        var questions: [[Int]] = []
        for line in text.textLines(omittingEmpty: true) where !line.hasPrefix(":") {
            let w = line.split(separator: " ").map { $0.lowercased() }
            guard w.count == 4 else { continue }
            total += 1
            let ids = w.compactMap { vectors.id($0) }
            if ids.count == 4, ids.allSatisfy({ $0 < limit }) { questions.append(ids) }
        }
        // Scores of every candidate for a block of questions in one matrix product (OpenBLAS sgemm).
        var correct = 0
        let block = 256
        var query = [Float](repeating: 0, count: block * d)
        var scores = [Float](repeating: 0, count: block * limit)
        for start in stride(from: 0, to: questions.count, by: block) {
            let batch = Array(questions[start..<min(questions.count, start + block)])
            for (q, ids) in batch.enumerated() {
                for k in 0..<d { query[q * d + k] = unit[ids[1] * d + k] - unit[ids[0] * d + k] + unit[ids[2] * d + k] }
            }
            // scores (batch x limit) = query (batch x d) * unit^T (d x limit)
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasTrans, Int32(batch.count), Int32(limit), Int32(d), 1,
                query, Int32(d), unit, Int32(d), 0, &scores, Int32(limit))
            for (q, ids) in batch.enumerated() {
                var best = -1
                var bestScore = -Float.infinity
                for v in 0..<limit where v != ids[0] && v != ids[1] && v != ids[2] {
                    let s = scores[q * limit + v]
                    if s > bestScore {
                        bestScore = s
                        best = v
                    }
                }
                if best == ids[3] { correct += 1 }
            }
        }
        let covered = questions.count
        return Analogy(
            name: url.lastPathComponent, accuracy: covered > 0 ? Double(correct) / Double(covered) : 0,
            correct: correct, covered: covered, total: total)
    }
}
