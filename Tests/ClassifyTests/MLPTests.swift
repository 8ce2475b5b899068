import CKernels
import Foundation
import Testing
import TestSupport
import TextCore
@testable import Classify

/// `mlp` (issue 16): the multilayer perceptron.
@Suite struct MLPTests {
    /// Backpropagation's gradient equals central finite differences of the loss (L2 included), for one and two
    /// hidden layers, ReLU and tanh, dense and sparse input.
    @Test(arguments: [(1, MLPConfiguration.Activation.tanh, false), (2, .tanh, true), (2, .relu, false), (1, .relu, true)])
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
            #expect(abs(numeric - Double(gradient[i])) <= 2e-3 + 2e-2 * abs(numeric), "parameter \(i): \(numeric) vs \(gradient[i])")
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
            let a = rng.nextUnit() < 0.5, b = rng.nextUnit() < 0.5
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
}
