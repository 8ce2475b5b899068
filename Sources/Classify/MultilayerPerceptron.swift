import CBLAS
import CKernels
import Foundation
import TextCore

/// Hyperparameters of the multilayer perceptron: one or two hidden layers, a softmax output, Adam, L2, dropout and
/// early stopping on a validation split (scikit-learn's `MLPClassifier` with `solver="adam"` where it has a
/// counterpart: the same initialisation, L2 scaling, Adam constants and stopping rule).
public struct MLPConfiguration: ClassifierConfiguration {
    /// The hidden layers' nonlinearity.
    public enum Activation: String, Sendable, Codable, Hashable, CaseIterable { case relu, tanh }
    /// Units of the first hidden layer.
    public var hidden = 100
    /// Units of a second hidden layer (0: one hidden layer).
    public var hidden2 = 0
    /// ReLU or tanh.
    public var activation = Activation.relu
    /// Probability of dropping a hidden unit while training (inverted dropout; 0: none).
    public var dropout = 0.0
    /// L2 penalty (scikit-learn's `alpha`): `alpha / 2 * |W|^2` per batch, divided by the batch size.
    public var alpha = 0.0001
    /// Adam's learning rate.
    public var lr = 0.001
    /// Documents per batch (at most the training documents).
    public var batchSize = 200
    /// Most passes over the training documents.
    public var maxEpochs = 200
    /// Hold out `validation_fraction` of the training documents and stop when their accuracy stops improving (off,
    /// as in scikit-learn: then training stops when the training loss stops improving).
    public var earlyStopping = false
    /// The held-out share for early stopping.
    public var validationFraction = 0.1
    /// Epochs without an improvement of more than `tolerance` before stopping.
    public var patience = 10
    /// The smallest improvement that counts.
    public var tolerance = 1e-4
    /// The defaults: one hidden layer of 100 ReLU units, Adam at 0.001, scikit-learn's.
    public init() {}

    /// One line for the README.
    public static let summary =
        "a multilayer perceptron: one or two hidden layers (ReLU or tanh), dropout, softmax output, Adam, L2, early "
        + "stopping on a validation split; sparse input enters through a sparse-dense product"
    /// What it needs and gives (declared once, read before training).
    public static let capabilities: ClassifierCapabilities = [.givesProbabilities, .usesSeed]
    /// The spec keys, in documentation order.
    public static let parameters: [Parameter<Self>] = [
        .integer("hidden", \.hidden, minimum: 1, "units of the first hidden layer"),
        .integer("hidden2", \.hidden2, minimum: 0, "units of a second hidden layer (0: none)"),
        .choice("activation", \.activation, "`relu` or `tanh`"),
        .number("dropout", \.dropout, .unitInterval, "probability of dropping a hidden unit while training"),
        .number("alpha", \.alpha, .nonNegative, "L2 penalty, as scikit-learn's alpha"),
        .number("lr", \.lr, .positive, "Adam's learning rate"),
        .integer("batch_size", \.batchSize, minimum: 1, "documents per batch"),
        .integer("max_epochs", \.maxEpochs, minimum: 1, "most passes over the training documents"),
        .boolean("early_stopping", \.earlyStopping, "stop when held-out accuracy stops improving"),
        .number("validation_fraction", \.validationFraction, .unitInterval, "held-out share for early stopping"),
        .integer("patience", \.patience, minimum: 1, "epochs without improvement before stopping"),
        .number("tolerance", \.tolerance, .nonNegative, "the smallest improvement that counts")
    ]

    /// Checks the shares.
    public func validate(present: Set<String>) throws {
        guard dropout < 1 else { throw SettingsConflict(key: "dropout", "dropout is below 1, got \(dropout)") }
        guard !earlyStopping || (validationFraction > 0 && validationFraction < 1) else {
            throw SettingsConflict(
                key: "validation_fraction",
                "early stopping needs 0 < validation_fraction < 1, got \(validationFraction)")
        }
    }

    /// Adam over shuffled batches; with early stopping, the weights of the epoch with the best held-out accuracy.
    public func fit(_ x: FeatureMatrix, labels: [Int], classCount K: Int, seed: UInt64) throws -> MLP {
        try TrainingData.validate(x, labels: labels, classCount: K, model: MLP.kind)
        try validate(present: [])
        var rng = Xoshiro256StarStar(seed: seed)
        let sizes = [x.columnCount, hidden] + (hidden2 > 0 ? [hidden2] : []) + [K]
        var network = MLP.Network(sizes: sizes, activation: activation, rng: &rng)
        // A stratified held-out share for early stopping (at least one document of each class that has two).
        var train = Array(0..<labels.count)
        var validation: [Int] = []
        if earlyStopping {
            var byClass = [[Int]](repeating: [], count: K)
            for (i, y) in labels.enumerated() { byClass[y].append(i) }
            train = []
            for var members in byClass {
                members.seededShuffle(&rng)
                let held = members.count >= 2 ? max(1, Int((Double(members.count) * validationFraction).rounded())) : 0
                validation += members.prefix(held)
                train += members.dropFirst(held)
            }
            train.sort()
            validation.sort()
        }
        guard !train.isEmpty else { throw TextpipeError(.data, "mlp: no training documents left after the split") }
        var adam = MLP.Adam(network.parameterCount)
        let batch = min(batchSize, train.count)
        var best = (accuracy: -Double.infinity, network: network)
        var stale = 0
        var bestLoss = Double.infinity
        var epochs = 0
        var lastLoss = 0.0
        for _ in 0..<maxEpochs {
            epochs += 1
            train.seededShuffle(&rng)
            var lossSum = 0.0
            var start = 0
            while start < train.count {
                let rows = Array(train[start..<min(start + batch, train.count)])
                start += batch
                let (loss, gradient) = network.lossAndGradient(
                    x, rows: rows, labels: rows.map { labels[$0] }, alpha: Float(alpha), dropout: Float(dropout),
                    rng: &rng)
                lossSum += loss * Double(rows.count)
                adam.step(&network, gradient, lr: Float(lr))
            }
            lastLoss = lossSum / Double(train.count)
            guard earlyStopping, !validation.isEmpty else {
                // scikit-learn's rule without early stopping: stop when the training loss has not fallen by
                // `tolerance` for more than `patience` epochs.
                stale = lastLoss > bestLoss - tolerance ? stale + 1 : 0
                bestLoss = min(bestLoss, lastLoss)
                if stale > patience { break }
                continue
            }
            let predicted = MLP.argmax(network.logits(x.rows(validation)))
            let accuracy =
                Double(zip(predicted, validation).filter { $0 == labels[$1] }.count) / Double(validation.count)
            stale = accuracy < best.accuracy + tolerance ? stale + 1 : 0
            if accuracy > best.accuracy { best = (accuracy, network) }
            if stale > patience { break }
        }
        let final = earlyStopping && !validation.isEmpty ? best.network : network
        return MLP(
            network: final, epochs: epochs, lastLoss: lastLoss,
            validationAccuracy: earlyStopping && !validation.isEmpty ? best.accuracy : nil)
    }
}

/// A trained multilayer perceptron: per-class logits from the last layer.
public struct MLP: Classifier {
    /// Spec name.
    public static let kind = "mlp"
    /// Generative or discriminative.
    public static let family = ModelFamily.discriminative

    /// The layers: weights `in x out` row-major and biases, with the hidden layers' activation.
    struct Network: Sendable {
        var sizes: [Int]
        var activation: MLPConfiguration.Activation
        var weights: [[Float]]
        var biases: [[Float]]

        /// Glorot-uniform weights and biases in `±sqrt(6 / (in + out))`, as scikit-learn.
        init(sizes: [Int], activation: MLPConfiguration.Activation, rng: inout Xoshiro256StarStar) {
            self.sizes = sizes
            self.activation = activation
            weights = []
            biases = []
            for l in 0..<(sizes.count - 1) {
                let bound = Float(sqrt(6 / Double(sizes[l] + sizes[l + 1])))
                weights.append((0..<(sizes[l] * sizes[l + 1])).map { _ in (Float(rng.nextUnit()) * 2 - 1) * bound })
                biases.append((0..<sizes[l + 1]).map { _ in (Float(rng.nextUnit()) * 2 - 1) * bound })
            }
        }

        init(sizes: [Int], activation: MLPConfiguration.Activation, weights: [[Float]], biases: [[Float]]) {
            self.sizes = sizes
            self.activation = activation
            self.weights = weights
            self.biases = biases
        }

        var parameterCount: Int { weights.reduce(0) { $0 + $1.count } + biases.reduce(0) { $0 + $1.count } }

        /// `rows x out` = the input rows times layer 0's weights plus its bias: a sparse-dense product for sparse
        /// rows, a matrix product otherwise. Columns past the layer's input size are ignored.
        func firstLayer(_ x: FeatureMatrix) -> [Float] {
            let d = sizes[0]
            let h = sizes[1]
            let n = x.rowCount
            var z = [Float](repeating: 0, count: n * h)
            switch x {
            case .dense(let m) where m.columnCount == d:
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(h), Int32(d), 1, m.values, Int32(d),
                    weights[0], Int32(h), 0, &z, Int32(h))
            default:
                weights[0].withUnsafeBufferPointer { w in
                    z.withUnsafeMutableBufferPointer { o in
                        for r in 0..<n {
                            x.forEach(inRow: r) { j, v in
                                guard j < d, v != 0 else { return }
                                let base = j * h
                                let row = r * h
                                for k in 0..<h { o[row + k] += v * w[base + k] }
                            }
                        }
                    }
                }
            }
            z.withUnsafeMutableBufferPointer { z in
                biases[0].withUnsafeBufferPointer { b in
                    for r in 0..<n { for k in 0..<h { z[r * h + k] += b[k] } }
                }
            }
            return z
        }

        /// `a (n x in) · W (in x out) + b`.
        func dense(_ a: [Float], rows n: Int, layer l: Int) -> [Float] {
            let i = sizes[l]
            let o = sizes[l + 1]
            var z = [Float](repeating: 0, count: n * o)
            z.withUnsafeMutableBufferPointer { z in
                biases[l].withUnsafeBufferPointer { b in
                    for r in 0..<n { for k in 0..<o { z[r * o + k] = b[k] } }
                }
            }
            cblas_sgemm(
                CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(n), Int32(o), Int32(i), 1, a, Int32(i), weights[l],
                Int32(o), 1, &z, Int32(o))
            return z
        }

        func activate(_ z: [Float]) -> [Float] {
            var a = z
            a.withUnsafeMutableBufferPointer { a in
                switch activation {
                case .relu: for i in 0..<a.count { a[i] = max(a[i], 0) }
                case .tanh:
                    // Vectorised (glibc's tanhf was a sixth of a two-layer tanh network's training time).
                    guard let base = a.baseAddress else { break }
                    for chunk in stride(from: 0, to: a.count, by: 1 << 30) {
                        textpipe_tanh(base + chunk, Int32(min(1 << 30, a.count - chunk)))
                    }
                }
            }
            return a
        }

        /// The output layer's logits for every row (no dropout).
        func logits(_ x: FeatureMatrix) -> DenseMatrix {
            let n = x.rowCount
            var a = activate(firstLayer(x))
            for l in 1..<(sizes.count - 1) {
                let z = dense(a, rows: n, layer: l)
                a = l == sizes.count - 2 ? z : activate(z)
            }
            return DenseMatrix(rowCount: n, columnCount: sizes.last ?? 0, values: a)
        }

        /// The mean cross-entropy of `rows` plus `alpha / 2 * |W|^2 / n`, and its gradient (layer by layer, weights
        /// then biases, in `parameters` order), with inverted dropout on the hidden layers when `dropout` > 0.
        func lossAndGradient(
            _ x: FeatureMatrix, rows: [Int], labels: [Int], alpha: Float, dropout: Float,
            rng: inout Xoshiro256StarStar
        ) -> (Double, [Float]) {
            let n = rows.count
            let batch = x.rows(rows)
            let L = sizes.count - 1
            // Forward: pre-activations and activations of every hidden layer, with their dropout masks.
            var raw: [[Float]] = []
            var activations: [[Float]] = []
            var masks: [[Float]?] = []
            var z = firstLayer(batch)
            for l in 0..<L {
                if l > 0 { z = dense(activations[l - 1], rows: n, layer: l) }
                guard l < L - 1 else { break }
                var a = activate(z)
                raw.append(a)
                if dropout > 0 {
                    let keep = 1 - dropout
                    let mask = (0..<a.count).map { _ in Float(rng.nextUnit()) < keep ? 1 / keep : 0 }
                    for i in a.indices { a[i] *= mask[i] }
                    masks.append(mask)
                } else {
                    masks.append(nil)
                }
                activations.append(a)
            }
            // Softmax and cross-entropy; delta = p - y.
            let K = sizes[L]
            var delta = z
            var loss = 0.0
            for r in 0..<n {
                var m = -Float.infinity
                for k in 0..<K { m = max(m, delta[r * K + k]) }
                var sum: Float = 0
                for k in 0..<K {
                    delta[r * K + k] = exp(delta[r * K + k] - m)
                    sum += delta[r * K + k]
                }
                for k in 0..<K { delta[r * K + k] /= sum }
                loss -= log(Double(max(delta[r * K + labels[r]], 1e-10)))
                delta[r * K + labels[r]] -= 1
            }
            loss /= Double(n)
            // Four partial sums (a single running sum is one dependent add per weight, every batch).
            var partial = (0.0, 0.0, 0.0, 0.0)
            for w in weights {
                w.withUnsafeBufferPointer { w in
                    var j = 0
                    while j + 4 <= w.count {
                        partial.0 += Double(w[j]) * Double(w[j])
                        partial.1 += Double(w[j + 1]) * Double(w[j + 1])
                        partial.2 += Double(w[j + 2]) * Double(w[j + 2])
                        partial.3 += Double(w[j + 3]) * Double(w[j + 3])
                        j += 4
                    }
                    while j < w.count {
                        partial.0 += Double(w[j]) * Double(w[j])
                        j += 1
                    }
                }
            }
            let penalty = (partial.0 + partial.1) + (partial.2 + partial.3)
            loss += 0.5 * Double(alpha) * penalty / Double(n)
            // Backward, last layer first.
            var weightGradients = [[Float]](repeating: [], count: L)
            var biasGradients = [[Float]](repeating: [], count: L)
            let scale = 1 / Float(n)
            for l in stride(from: L - 1, through: 0, by: -1) {
                let i = sizes[l]
                let o = sizes[l + 1]
                var gw = [Float](repeating: 0, count: i * o)
                // The input's transpose is copied first: OpenBLAS's transposed-A kernel ran 3x slower here on these
                // small shapes than a copy and a plain product.
                func inputTransposeTimesDelta(_ a: [Float]) {
                    var t = [Float](repeating: 0, count: a.count)
                    cblas_somatcopy(CblasRowMajor, CblasTrans, Int32(n), Int32(i), 1, a, Int32(i), &t, Int32(n))
                    cblas_sgemm(
                        CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(i), Int32(o), Int32(n), 1, t, Int32(n), delta,
                        Int32(o), 0, &gw, Int32(o))
                }
                if l > 0 {
                    inputTransposeTimesDelta(activations[l - 1])
                } else if case .dense(let m) = batch, m.columnCount == i {
                    inputTransposeTimesDelta(m.values)
                } else {
                    gw.withUnsafeMutableBufferPointer { g in
                        for r in 0..<n {
                            batch.forEach(inRow: r) { j, v in
                                guard j < i, v != 0 else { return }
                                for k in 0..<o { g[j * o + k] += v * delta[r * o + k] }
                            }
                        }
                    }
                }
                var gb = [Float](repeating: 0, count: o)
                gw.withUnsafeMutableBufferPointer { g in
                    weights[l].withUnsafeBufferPointer { w in
                        for t in g.indices { g[t] = (g[t] + alpha * w[t]) * scale }
                    }
                }
                gb.withUnsafeMutableBufferPointer { gb in
                    delta.withUnsafeBufferPointer { d in
                        for r in 0..<n { for k in 0..<o { gb[k] += d[r * o + k] } }
                    }
                    for k in 0..<o { gb[k] *= scale }
                }
                weightGradients[l] = gw
                biasGradients[l] = gb
                guard l > 0 else { break }
                // delta of layer l - 1: (delta · W_l^T) ⊙ f'(z) ⊙ mask.
                var previous = [Float](repeating: 0, count: n * i)
                cblas_sgemm(
                    CblasRowMajor, CblasNoTrans, CblasTrans, Int32(n), Int32(i), Int32(o), 1, delta, Int32(o),
                    weights[l], Int32(o), 0, &previous, Int32(i))
                // f'(z) from the activation itself: ReLU's is 1 where it is positive, tanh's is 1 - a^2.
                // (One loop per case, the mask bound once: the per-element switch and optional cost a tenth of a
                // two-layer network's batch.)
                let a = raw[l - 1]
                previous.withUnsafeMutableBufferPointer { p in
                    a.withUnsafeBufferPointer { a in
                        switch activation {
                        case .relu: for t in p.indices where a[t] <= 0 { p[t] = 0 }
                        case .tanh: for t in p.indices { p[t] *= 1 - a[t] * a[t] }
                        }
                    }
                    if let mask = masks[l - 1] {
                        mask.withUnsafeBufferPointer { mask in for t in p.indices { p[t] *= mask[t] } }
                    }
                }
                delta = previous
            }
            return (loss, weightGradients.flatMap { $0 } + biasGradients.flatMap { $0 })
        }

        /// Every parameter, weights layer by layer then biases layer by layer (the gradient's order).
        var parameters: [Float] {
            get { weights.flatMap { $0 } + biases.flatMap { $0 } }
            set {
                var at = 0
                for l in weights.indices {
                    weights[l] = Array(newValue[at..<at + weights[l].count])
                    at += weights[l].count
                }
                for l in biases.indices {
                    biases[l] = Array(newValue[at..<at + biases[l].count])
                    at += biases[l].count
                }
            }
        }
    }

    /// Adam (Kingma & Ba 2015) with scikit-learn's constants: beta1 0.9, beta2 0.999, epsilon 1e-8, the step size
    /// corrected for the moments' bias.
    struct Adam {
        var m: [Float]
        var v: [Float]
        var t = 0
        init(_ count: Int) {
            m = [Float](repeating: 0, count: count)
            v = [Float](repeating: 0, count: count)
        }
        mutating func step(_ network: inout Network, _ g: [Float], lr: Float) {
            t += 1
            let b1: Float = 0.9
            let b2: Float = 0.999
            let rate = lr * sqrt(1 - pow(b2, Float(t))) / (1 - pow(b1, Float(t)))
            // In place, layer by layer, in the gradient's order (weights, then biases).
            var at = 0
            func update(_ p: inout [Float]) {
                let offset = at
                let count = p.count
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        g.withUnsafeBufferPointer { g in
                            p.withUnsafeMutableBufferPointer { p in
                                guard let m = m.baseAddress, let v = v.baseAddress, let g = g.baseAddress else {
                                    return
                                }
                                guard let p = p.baseAddress else { return }
                                textpipe_adam(p, m + offset, v + offset, g + offset, Int32(count), b1, b2, rate, 1e-8)
                            }
                        }
                    }
                }
                at += p.count
            }
            for l in network.weights.indices { update(&network.weights[l]) }
            for l in network.biases.indices { update(&network.biases[l]) }
        }
    }

    let network: Network
    let epochs: Int
    let lastLoss: Double
    let validationAccuracy: Double?

    /// Classes.
    public var classCount: Int { network.sizes.last ?? 0 }
    /// Feature columns it was trained on.
    public var featureCount: Int { network.sizes[0] }
    /// Logits: probabilities by softmax.
    public var scoreKind: ScoreKind { .logit }
    /// Epochs run, the last training loss, the best held-out accuracy.
    public var trainingSummary: [String: String] {
        var s = ["epochs": "\(epochs)", "training loss": String(format: "%.4f", lastLoss)]
        if let a = validationAccuracy { s["held-out accuracy"] = String(format: "%.4f", a) }
        return s
    }

    /// The index of each row's largest value.
    static func argmax(_ s: DenseMatrix) -> [Int] {
        (0..<s.rowCount).map { r in (0..<s.columnCount).max { s[r, $0] < s[r, $1] } ?? 0 }
    }

    /// Per-class logits.
    public func scores(_ x: FeatureMatrix) -> DenseMatrix { network.logits(x) }

    /// Writes the layer sizes, activation and parameters.
    public func encode(into w: inout BinaryWriter) throws {
        w.write(array: network.sizes.map { Int64($0) })
        w.write(network.activation.rawValue)
        w.write(array: network.parameters)
        w.write(array: [Double(epochs), lastLoss, validationAccuracy ?? -1])
    }

    /// Reads a model written by `encode`, checking its sizes.
    public static func decode(from r: inout BinaryReader) throws -> MLP {
        let sizes = try r.readArray(Int64.self).map { Int($0) }
        guard let activation = MLPConfiguration.Activation(rawValue: try r.readString()) else {
            throw TextpipeError(.model, "corrupt mlp activation")
        }
        let parameters = try r.readFloats()
        let summary = try r.readDoubles()
        guard sizes.count >= 3, sizes.allSatisfy({ $0 >= 1 && $0 <= BinaryReader.maximumColumns }), summary.count == 3
        else { throw TextpipeError(.model, "corrupt mlp model") }
        var expected = 0
        for l in 0..<(sizes.count - 1) { expected += sizes[l] * sizes[l + 1] + sizes[l + 1] }
        guard parameters.count == expected else { throw TextpipeError(.model, "corrupt mlp model") }
        var network = Network(
            sizes: sizes, activation: activation,
            weights: (0..<(sizes.count - 1)).map { [Float](repeating: 0, count: sizes[$0] * sizes[$0 + 1]) },
            biases: (1..<sizes.count).map { [Float](repeating: 0, count: sizes[$0]) })
        network.parameters = parameters
        return MLP(
            network: network, epochs: Int(summary[0]), lastLoss: summary[1],
            validationAccuracy: summary[2] < 0 ? nil : summary[2])
    }
}
