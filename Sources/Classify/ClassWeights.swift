import TextCore

extension ClassWeights {
    /// One weight per class for these training labels.
    public func resolve(_ labels: [Int], classCount: Int) throws -> [Double] {
        switch self {
        case .uniform: return [Double](repeating: 1, count: classCount)
        case .balanced:
            let counts = TrainingData.classCounts(labels, classCount: classCount)
            let present = Double(counts.filter { $0 > 0 }.count)
            return counts.map { $0 > 0 ? Double(labels.count) / (present * Double($0)) : 1 }
        case .named:
            throw TextpipeError(.internal, "class weights by name must be resolved against the labels before training")
        case .perClass(let w):
            guard w.count == classCount, w.allSatisfy({ $0 > 0 && $0.isFinite }) else {
                throw TextpipeError(
                    .spec, "class_weight needs a positive weight for each of the \(classCount) classes",
                    key: "class_weight")
            }
            return w
        }
    }

    /// Per-document weights.
    public func sampleWeights(_ labels: [Int], classCount: Int) throws -> [Double] {
        let w = try resolve(labels, classCount: classCount)
        return labels.map { w[$0] }
    }
}

/// A configuration with `class_weight`: naming classes by label is resolved once, here, for all of them.
public protocol ClassWeighted {
    var classWeights: ClassWeights { get set }
}

extension ClassifierConfiguration where Self: ClassWeighted {
    /// The same settings with class weights named by label turned into per-class weights.
    public func resolvingClassWeights(labels: [String]) throws -> Self {
        var copy = self
        copy.classWeights = try classWeights.named(labels: labels)
        return copy
    }
}
