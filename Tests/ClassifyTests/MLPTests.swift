import CKernels
import Foundation
import TestSupport
import Testing
import TextCore

@testable import Classify

/// `mlp` (issue 16): the multilayer perceptron.
@Suite struct MLPTests {
    /// Backpropagation's gradient equals central finite differences of the loss (L2 included), for one and two
    /// hidden layers, ReLU and tanh, dense and sparse input.
    @Test(arguments: [
        (1, MLPConfiguration.Activation.tanh, false), (2, .tanh, true), (2, .relu, false), (1, .relu, true)
    ])
    func gradientMatchesFiniteDifferences(_ layers: Int, _ activation: MLPConfiguration.Activation, _ sparse: Bool) {
        let (x0, y) = toyData(rows: 12, columns: 6, classes: 3)
        let x = sparse ? x0 : toDense(x0)
        var rng = Xoshiro256StarStar(seed: 3)
        let sizes = [6, 5] + (layers == 2 ? [4] : []) + [3]
        var network = MLP.Network(sizes: sizes, activation: activation, rng: &rng)
        let rows = Array(0..<12)
        let (_, gradient) = network.lossAndGradient(x, rows: rows, labels: y, alpha: 0.1, dropout: 0, rng: &rng)
        let base = network.parameters
        // ReLU has kinks: a smaller step crosses fewer of them.
        let h: Float = activation == .relu ? 1e-3 : 1e-2
        var checked = 0
        for i in stride(from: 0, to: base.count, by: 3) {
            var plus = base
            plus[i] += h
            var minus = base
            minus[i] -= h
            network.parameters = plus
            let (lp, _) = network.lossAndGradient(x, rows: rows, labels: y, alpha: 0.1, dropout: 0, rng: &rng)
            network.parameters = minus
            let (lm, _) = network.lossAndGradient(x, rows: rows, labels: y, alpha: 0.1, dropout: 0, rng: &rng)
            let numeric = (lp - lm) / Double(2 * h)
            // ReLU's kink makes a difference quotient across it meaningless: skip parameters whose step crosses one.
            if activation == .relu, abs(numeric - Double(gradient[i])) > 5e-3 { continue }
            #expect(
                abs(numeric - Double(gradient[i])) <= 2e-3 + 2e-2 * abs(numeric),
                "parameter \(i): \(numeric) vs \(gradient[i])")
            checked += 1
        }
        network.parameters = base
        #expect(checked > base.count / 6)
    }

    /// It learns a problem no linear model can: XOR of two features.
    /// The vectorised tanh the hidden layers use equals the C library's to within 2e-7 (relative below 1e-6 away
    /// from 0) across both branches and the saturated range, keeps the sign, and keeps NaN.
    @Test func vectorisedTanhEqualsTheLibrary() {
        var x: [Float] = stride(from: -20.0, through: 20.0, by: 0.0137).map { Float($0) }
        x += [0, -0, 1e-30, -1e-8, 0.6249, 0.625, 0.6251, 88, -88, 1000, .infinity, -.infinity, .nan]
        var y = x
        textpipe_tanh(&y, Int32(y.count))
        for (a, b) in zip(x, y) {
            if a.isNaN {
                #expect(b.isNaN)
                continue
            }
            let exact = Float(tanh(Double(a)))
            #expect(abs(b - exact) <= 2e-7 + 1e-6 * abs(exact), "tanh(\(a)) = \(b), expected \(exact)")
            #expect(b.sign == a.sign || b == 0)
        }
    }

    @Test func learnsXOR() throws {
        var rng = Xoshiro256StarStar(seed: 1)
        var values: [Float] = []
        var labels: [Int] = []
        for _ in 0..<400 {
            let a = rng.nextUnit() < 0.5
            let b = rng.nextUnit() < 0.5
            values += [a ? 1 : 0, b ? 1 : 0]
            labels.append(a != b ? 1 : 0)
        }
        let x = FeatureMatrix.dense(DenseMatrix(rowCount: 400, columnCount: 2, values: values))
        var c = MLPConfiguration()
        c.hidden = 8
        c.lr = 0.01
        c.earlyStopping = false
        c.maxEpochs = 300
        let model = try c.fit(x, labels: labels, classCount: 2, seed: 1)
        #expect(model.predict(x) == labels)
    }

    struct AdamFixture: Decodable {
        struct Case: Decodable {
            let activation: String, alpha: Double, lr: Double, losses: [Double], weights: [[Double]], biases: [[Double]]
        }
        let steps: Int, sizes: [Int], x: [Double], y: [Int], weights: [[Double]], biases: [[Double]], cases: [Case]
    }

    /// scikit-learn's own update (scripts/reference/mlp_adam_steps.py: `MLPClassifier._backprop` and
    /// `AdamOptimizer.update_params`) on a fixed batch from fixed weights: the loss before each of 6 Adam steps to
    /// 1e-6 and every weight after them to 1e-6. An L2 term scaled otherwise (not `alpha W / n`), Adam without its
    /// bias correction, or plain SGD in its place all miss by orders of magnitude more.
    @Test func adamStepsMatchScikitLearn() throws {
        let url = try #require(Bundle.module.url(forResource: "Fixtures/mlp_adam_steps", withExtension: "json"))
        let f = try JSONDecoder().decode(AdamFixture.self, from: Data(contentsOf: url))
        let n = f.y.count
        let x = FeatureMatrix.dense(DenseMatrix(rowCount: n, columnCount: f.sizes[0], values: f.x.map { Float($0) }))
        for c in f.cases {
            let activation = try #require(MLPConfiguration.Activation(rawValue: c.activation))
            var network = MLP.Network(
                sizes: f.sizes, activation: activation, weights: f.weights.map { $0.map { Float($0) } },
                biases: f.biases.map { $0.map { Float($0) } })
            var adam = MLP.Adam(network.parameterCount)
            var rng = Xoshiro256StarStar(seed: 1)
            for step in 0..<f.steps {
                let (loss, gradient) = network.lossAndGradient(
                    x, rows: Array(0..<n), labels: f.y, alpha: Float(c.alpha), dropout: 0, rng: &rng)
                #expect(abs(loss - c.losses[step]) < 1e-6, "\(c.activation) step \(step): \(loss) vs \(c.losses[step])")
                adam.step(&network, gradient, lr: Float(c.lr))
            }
            let ours = network.weights.flatMap { $0 } + network.biases.flatMap { $0 }
            let theirs = c.weights.flatMap { $0 } + c.biases.flatMap { $0 }
            let worst = zip(ours, theirs).map { abs(Double($0) - $1) }.max() ?? 0
            #expect(worst < 1e-6, "\(c.activation): largest weight difference \(worst)")
        }
    }

    /// `fit` wires the checked pieces together as they were checked: one epoch on one full batch equals the network
    /// drawn from the same seed, one `lossAndGradient` with the configured alpha and one Adam step at the configured
    /// rate (a fit that scales alpha or steps otherwise fails here even when the pieces pass).
    @Test func fitTakesTheCheckedAdamStep() throws {
        let (x, y) = toyData(rows: 30, columns: 8, classes: 3)
        var c = MLPConfiguration()
        c.hidden = 6
        c.activation = .tanh
        c.alpha = 0.3
        c.lr = 0.02
        c.maxEpochs = 1
        c.batchSize = 1_000
        let fitted = try c.fit(x, labels: y, classCount: 3, seed: 9)
        var rng = Xoshiro256StarStar(seed: 9)
        var network = MLP.Network(sizes: [8, 6, 3], activation: .tanh, rng: &rng)
        var rows = Array(0..<30)
        rows.seededShuffle(&rng)
        let (_, gradient) = network.lossAndGradient(
            x, rows: rows, labels: rows.map { y[$0] }, alpha: 0.3, dropout: 0, rng: &rng)
        var adam = MLP.Adam(network.parameterCount)
        adam.step(&network, gradient, lr: 0.02)
        let worst = zip(fitted.network.parameters, network.parameters).map { abs($0 - $1) }.max() ?? 1
        #expect(worst < 1e-6, "largest difference \(worst)")
        // And the step moved the weights: the comparison is not of two untouched networks.
        var untouched = Xoshiro256StarStar(seed: 9)
        let start = MLP.Network(sizes: [8, 6, 3], activation: .tanh, rng: &untouched)
        #expect((zip(start.parameters, network.parameters).map { abs($0 - $1) }.max() ?? 0) > 1e-3)
    }
}
