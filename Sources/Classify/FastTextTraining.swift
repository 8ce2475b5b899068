import CKernels
import Dispatch
import Foundation
import TextCore

extension FastText {
    /// fastText's learning rate after `processed` of the `total` tokens of every epoch: `lr (1 - processed / total)`,
    /// a linear decay to 0 over the whole training (`FastText::trainThread`), never below 0.
    ///
    /// lr 0.5 after 250 of 1,000 tokens -> 0.375; after 1,000 -> 0.
    static func learningRate(_ lr: Double, processed: Double, total: Double) -> Float {
        Float(lr * max(0, 1 - processed / total))
    }

    /// fastText's SGD on `shards` parallel shards, with a model that depends on the seed and the shard count only
    /// (not on the cores, the scheduler or timing), where fastText's Hogwild threads race on shared rows.
    ///
    /// Every epoch the documents are shuffled (seeded) and cut into rounds; in a round each shard takes the next
    /// `blockTokens` tokens' worth of documents. First every shard stamps the rows its block touches. Then the shards
    /// train side by side: a row no other shard touches this round is read and written in place (nobody else reads
    /// it), a row another shard touches too (frequent words) is read and written in the shard's own copy, made at
    /// its first touch. After the round every copy's change is added to its row, shard by shard in order, and the
    /// same for the output layer (copied per shard). The learning rate decays with the tokens done before the round
    /// plus the shard's own tokens times the shard count. One shard is plain sequential SGD, as fastText's `-thread 1`.
    struct ShardedSGD {
        let dim: Int
        let shards: Int
        /// Tokens per shard per round (a round is a few milliseconds: the barriers cost little, the frequent rows'
        /// changes are shared often).
        let blockTokens: Int
        /// Threads to run the shards on (nil: one per core, at most one per shard); the model does not depend on it.
        var workers: Int?
        let learningRate: Double
        let epochs: Int
        let tree: HuffmanTree?
        let classCount: Int

        /// The documents' rows, flattened: document r's rows are `rows[start[r]..<start[r + 1]]`.
        let rows: [Int32]
        let start: [Int]
        /// 1 / (the document's id count), fastText's averaging and gradient scale.
        let inverseCount: [Float]
        /// Tokens per document plus the end token (the learning rate's clock).
        let tokens: [Int]
        let labels: [Int]

        init(
            lines: [(rows: [Int32], count: Int)], tokens: [Int], labels: [Int], settings: FastTextConfiguration,
            tree: HuffmanTree?, classCount: Int
        ) {
            dim = settings.dim
            shards = settings.threads
            // At most 16,384 tokens per shard per round, and at least 16 rounds per epoch.
            let epochTokens = tokens.reduce(0, +)
            blockTokens = settings.threads == 1 ? Int.max : max(256, min(16_384, epochTokens / (settings.threads * 16)))
            learningRate = settings.lr
            epochs = settings.epochs
            self.tree = tree
            self.classCount = classCount
            var rows: [Int32] = []
            rows.reserveCapacity(lines.reduce(0) { $0 + $1.rows.count })
            var start = [0]
            start.reserveCapacity(lines.count + 1)
            for line in lines {
                rows.append(contentsOf: line.rows)
                start.append(rows.count)
            }
            self.rows = rows
            self.start = start
            inverseCount = lines.map { 1 / Float(max(1, $0.count)) }
            self.tokens = tokens
            self.labels = labels
        }

        /// A shard's state: its scratch vectors, its copy of the output layer, and per round its own copies of the
        /// shared rows it touches (with their values at the round's start), found through `copyRound`/`copyIndex`.
        /// Pointers only: the hot loop reads them into locals (a class's `var`s cost an exclusivity check per access).
        final class Shard {
            let dim: Int
            let hidden: UnsafeMutablePointer<Float>
            let gradient: UnsafeMutablePointer<Float>
            let scores: UnsafeMutablePointer<Float>
            let output: UnsafeMutablePointer<Float>
            /// The round in which this shard last touched each row (read by the other shards in the same round).
            let stamp: UnsafeMutablePointer<Int32>
            let copyRound: UnsafeMutablePointer<Int32>
            let copyIndex: UnsafeMutablePointer<Int32>
            /// The current document's vectors (room for the longest document).
            let vectors: UnsafeMutablePointer<UnsafeMutablePointer<Float>>
            /// The shared rows copied this round (`copiedCount` of them), their copies and their values at the round's
            /// start, room for `capacity` rows.
            private(set) var copiedRows: UnsafeMutablePointer<Int32>
            private(set) var copies: UnsafeMutablePointer<Float>
            private(set) var bases: UnsafeMutablePointer<Float>
            private(set) var capacity = 0
            var copiedCount = 0
            var loss = 0.0
            /// The learning rate of the shard's last update (what fastText's progress line shows as `lr:`).
            var lastRate: Float = 0

            init(dim: Int, classCount: Int, outputCount: Int, rowCount: Int, longest: Int) {
                self.dim = dim
                // Cache-line aligned and padded: two shards' scratch never share a line (false sharing made two
                // workers slower than one).
                hidden = Self.lines(dim)
                gradient = Self.lines(dim)
                scores = Self.lines(classCount)
                output = Self.lines(outputCount)
                stamp = .allocate(capacity: rowCount)
                copyRound = .allocate(capacity: rowCount)
                copyIndex = .allocate(capacity: rowCount)
                stamp.initialize(repeating: -1, count: rowCount)
                copyRound.initialize(repeating: -1, count: rowCount)
                copyIndex.initialize(repeating: 0, count: rowCount)
                vectors = .allocate(capacity: max(1, longest))
                copiedRows = .allocate(capacity: 1)
                copies = Self.lines(1)
                bases = Self.lines(1)
            }

            /// `count` floats on whole cache lines of their own.
            static func lines(_ count: Int) -> UnsafeMutablePointer<Float> {
                UnsafeMutableRawPointer.allocate(byteCount: (count * 4 + 63) / 64 * 64, alignment: 64)
                    .bindMemory(to: Float.self, capacity: count)
            }

            /// Room for at least `rows` copies (those made are kept).
            func grow(_ rows: Int) {
                let fresh = max(64, capacity * 2, rows)
                let freshRows = UnsafeMutablePointer<Int32>.allocate(capacity: fresh)
                let freshCopies = Self.lines(fresh * dim)
                let freshBases = Self.lines(fresh * dim)
                freshRows.update(from: copiedRows, count: copiedCount)
                freshCopies.update(from: copies, count: copiedCount * dim)
                freshBases.update(from: bases, count: copiedCount * dim)
                copiedRows.deallocate()
                copies.deallocate()
                bases.deallocate()
                copiedRows = freshRows
                copies = freshCopies
                bases = freshBases
                capacity = fresh
            }

            deinit {
                for p in [hidden, gradient, scores, output, copies, bases] { p.deallocate() }
                for p in [stamp, copyRound, copyIndex, copiedRows] { p.deallocate() }
                vectors.deallocate()
            }
        }

        /// What every shard of a round reads.
        struct RoundContext: @unchecked Sendable {
            let input: UnsafeMutablePointer<Float>
            let sharedOutput: UnsafeMutablePointer<Float>
            let shards: [Shard]
            let order: UnsafeMutablePointer<Int>
            let round: Int32
            let startClock: Double
            let total: Double
        }

        /// Trains `input` and `output` in place; returns the last epoch's mean loss, the mean loss per document over
        /// every epoch (fastText's `avg.loss`), and the learning rate of the last update (close to 0: the schedule
        /// ends at 0 after every epoch's tokens).
        func train(input: inout [Float], output: inout [Float], rng: inout Xoshiro256StarStar) -> (
            loss: Double, meanLoss: Double, lastRate: Float
        ) {
            let documentCount = labels.count
            let rowCount = shards > 1 ? input.count / dim : 0
            let total = Double(tokens.reduce(0, +) * epochs)
            let outputCount = output.count
            let longest = (0..<documentCount).map { start[$0 + 1] - start[$0] }.max() ?? 0
            let shardState = (0..<shards).map { _ in
                Shard(dim: dim, classCount: classCount, outputCount: outputCount, rowCount: rowCount, longest: longest)
            }
            let order = UnsafeMutablePointer<Int>.allocate(capacity: documentCount)
            order.initialize(from: Array(0..<documentCount), count: documentCount)
            defer { order.deallocate() }
            var blocks = [Range<Int>](repeating: 0..<0, count: shards)
            var processed = 0.0
            var round: Int32 = 0
            var lastLoss = 0.0
            var allLoss = 0.0
            let pool = ShardPool(workers: min(shards, workers ?? ProcessInfo.processInfo.activeProcessorCount))
            defer { pool.finish() }
            let workerCount = pool.workers
            input.withUnsafeMutableBufferPointer { inputBuffer in
                output.withUnsafeMutableBufferPointer { outputBuffer in
                    guard let input = inputBuffer.baseAddress, let output = outputBuffer.baseAddress else { return }
                    for _ in 0..<epochs {
                        var shuffled = UnsafeMutableBufferPointer(start: order, count: documentCount)
                        shuffled.seededShuffle(&rng)
                        for shard in shardState { shard.loss = 0 }
                        var position = 0
                        while position < documentCount {
                            // The round's blocks: each shard the next documents up to blockTokens tokens.
                            var roundTokens = 0
                            for s in 0..<shards {
                                let begin = position
                                var count = 0
                                while position < documentCount && count < blockTokens {
                                    count += tokens[order[position]]
                                    position += 1
                                }
                                roundTokens += count
                                blocks[s] = begin..<position
                            }
                            round &+= 1
                            let roundBlocks = blocks
                            let context = RoundContext(
                                input: input, sharedOutput: output, shards: shardState, order: order, round: round,
                                startClock: processed, total: total)
                            if shards > 1 {
                                // Every shard marks the rows it will touch, and starts from the shared output layer.
                                pool.run { w in
                                    for s in stride(from: w, to: shards, by: workerCount) {
                                        stampRows(shardState[s], block: roundBlocks[s], context: context)
                                        shardState[s].output.update(from: output, count: outputCount)
                                        shardState[s].copiedCount = 0
                                    }
                                }
                            }
                            pool.run { w in
                                for s in stride(from: w, to: shards, by: workerCount) {
                                    run(shard: s, block: roundBlocks[s], context: context)
                                }
                            }
                            processed += Double(roundTokens)
                            guard shards > 1 else { continue }
                            // The shards' changes of the shared rows, added in shard order (each worker a share of the
                            // rows), and of the output layer.
                            pool.run { w in
                                for shard in shardState {
                                    let copiedRows = shard.copiedRows
                                    let copies = shard.copies
                                    let bases = shard.bases
                                    for c in 0..<shard.copiedCount where Int(copiedRows[c]) % workerCount == w {
                                        let target = input + Int(copiedRows[c]) * dim
                                        let copy = copies + c * dim
                                        let base = bases + c * dim
                                        for j in 0..<dim { target[j] += copy[j] - base[j] }
                                    }
                                }
                            }
                            Self.merge(shardState.map(\.output), into: output, count: outputCount)
                        }
                        let epochLoss = shardState.reduce(0) { $0 + $1.loss }
                        lastLoss = epochLoss / Double(max(1, documentCount))
                        allLoss += epochLoss
                    }
                }
            }
            return (
                lastLoss, allLoss / Double(max(1, documentCount * epochs)), shardState.map(\.lastRate).min() ?? 0
            )
        }

        /// Marks the rows a shard's block touches this round.
        private func stampRows(_ shard: Shard, block: Range<Int>, context c: RoundContext) {
            let stamp = shard.stamp
            rows.withUnsafeBufferPointer { rows in
                start.withUnsafeBufferPointer { start in
                    for p in block {
                        let r = c.order[p]
                        for i in start[r]..<start[r + 1] { stamp[Int(rows[i])] = c.round }
                    }
                }
            }
        }

        /// `target` (the value every copy started from) plus every copy's change, in shard order; the first copy is
        /// used as scratch.
        static func merge(_ copies: [UnsafeMutablePointer<Float>], into target: UnsafeMutablePointer<Float>, count: Int)
        {
            let first = copies[0]
            for copy in copies.dropFirst() {
                for j in 0..<count { first[j] += copy[j] - target[j] }
            }
            target.update(from: first, count: count)
        }

        /// One shard's block of a round: a row another shard also touches this round is read and written in this
        /// shard's copy, any other row in place.
        private func run(shard s: Int, block: Range<Int>, context c: RoundContext) {
            let dim = self.dim
            let state = c.shards[s]
            let single = shards == 1
            let others = c.shards.enumerated().filter { $0.offset != s }.map(\.element.stamp)
            let round = c.round
            var clock = c.startClock
            let out = single ? c.sharedOutput : state.output
            let h = state.hidden
            let g = state.gradient
            let vectors = state.vectors
            let copyRound = state.copyRound
            let copyIndex = state.copyIndex
            var copied = state.copiedCount
            var copiedRows = state.copiedRows
            var copies = state.copies
            var bases = state.bases
            var loss = 0.0
            var lastRate = state.lastRate
            rows.withUnsafeBufferPointer { rows in
                others.withUnsafeBufferPointer { others in
                    for p in block {
                        let r = c.order[p]
                        let rate = FastText.learningRate(learningRate, processed: clock, total: c.total)
                        lastRate = rate
                        clock += Double(tokens[r] * shards)
                        let first = start[r]
                        let n = start[r + 1] - first
                        guard n > 0 else { continue }
                        if !single && copied + n > state.capacity {
                            state.copiedCount = copied
                            state.grow(copied + n)
                            copiedRows = state.copiedRows
                            copies = state.copies
                            bases = state.bases
                        }
                        for k in 0..<n {
                            let row = Int(rows[first + k])
                            var shared = false
                            for stamp in others where stamp[row] == round { shared = true }
                            if !shared {
                                vectors[k] = c.input + row * dim
                            } else if copyRound[row] == round {
                                vectors[k] = copies + Int(copyIndex[row]) * dim
                            } else {
                                copyRound[row] = round
                                copyIndex[row] = Int32(copied)
                                copiedRows[copied] = Int32(row)
                                let copy = copies + copied * dim
                                copy.update(from: c.input + row * dim, count: dim)
                                (bases + copied * dim).update(from: copy, count: dim)
                                vectors[k] = copy
                                copied += 1
                            }
                        }
                        // The hidden layer: the mean of the document's rows.
                        h.update(repeating: 0, count: dim)
                        for k in 0..<n { textpipe_saxpy(1, vectors[k], h, Int32(dim)) }
                        let scale = inverseCount[r]
                        for j in 0..<dim { h[j] *= scale }
                        g.update(repeating: 0, count: dim)
                        if let tree {
                            loss += FastText.hierarchicalStep(
                                tree, target: labels[r], hidden: h, output: out, gradient: g, rate: rate, dim: dim)
                        } else {
                            loss += FastText.softmaxStep(
                                target: labels[r], hidden: h, output: out, gradient: g, scores: state.scores,
                                classCount: classCount, rate: rate, dim: dim)
                        }
                        // fastText scales the hidden layer's gradient by 1/n for supervised training, then adds it to
                        // every input row of the document.
                        for k in 0..<n { textpipe_saxpy(scale, g, vectors[k], Int32(dim)) }
                    }
                }
            }
            state.copiedCount = copied
            state.loss += loss
            state.lastRate = lastRate
        }
    }

    /// One softmax step (fastText's `SoftmaxLoss::forward` with backpropagation): returns the loss.
    static func softmaxStep(
        target: Int, hidden: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
        gradient: UnsafeMutablePointer<Float>, scores: UnsafeMutablePointer<Float>, classCount K: Int, rate: Float,
        dim: Int
    ) -> Double {
        var maximum = -Float.infinity
        for k in 0..<K {
            scores[k] = textpipe_sdot(output + k * dim, hidden, Int32(dim))
            maximum = max(maximum, scores[k])
        }
        var sum: Float = 0
        for k in 0..<K {
            scores[k] = exp(scores[k] - maximum)
            sum += scores[k]
        }
        for k in 0..<K { scores[k] /= sum }
        for k in 0..<K {
            let alpha = rate * ((k == target ? 1 : 0) - scores[k])
            textpipe_unit_update(alpha, output + k * dim, hidden, gradient, Int32(dim))
        }
        return -log(Double(max(scores[target], 1e-5)))
    }

    /// One hierarchical-softmax step: a logistic unit per inner node on the target's path.
    static func hierarchicalStep(
        _ tree: HuffmanTree, target: Int, hidden: UnsafeMutablePointer<Float>, output: UnsafeMutablePointer<Float>,
        gradient: UnsafeMutablePointer<Float>, rate: Float, dim: Int
    ) -> Double {
        var loss = 0.0
        for (node, code) in zip(tree.paths[target], tree.codes[target]) {
            let row = output + Int(node) * dim
            let score = 1 / (1 + exp(-textpipe_sdot(row, hidden, Int32(dim))))
            let label: Float = code ? 1 : 0
            textpipe_unit_update(rate * (label - score), row, hidden, gradient, Int32(dim))
            loss -= log(Double(max(code ? score : 1 - score, 1e-5)))
        }
        return loss
    }
}
