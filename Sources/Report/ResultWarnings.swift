import Evaluate
import Foundation

/// Results that should not be trusted as they stand, said in the summary rather than a footnote: a search whose
/// choice sits on the edge of its grid (the best value may lie beyond it), a solver that stopped at its iteration
/// limit without converging, a class with fewer test documents than folds (some folds test none of it, so its
/// per-class scores and macro-F1 swing with the split).
public enum ResultWarnings {
    /// Every warning for a classification run's results, most serious first; each names the models it concerns.
    ///
    /// Six naive Bayes models whose search chose alpha = 1.0 from `[0.01, 0.1, 1.0]` give one warning:
    /// "alpha = 1 is the largest value tried for 6 models (...): the best value may lie beyond the grid; widen it".
    public static func classification(_ results: [ModelResult], folds: Int) -> [String] {
        var out: [String] = []
        out += gridEdges(results.compactMap { r in r.search.map { (r.name, $0) } })
        out += notConverged(results.filter { $0.trainingSummary["converged"] == "false" }.map(\.name))
        if folds > 1, let first = results.first {
            let small = first.perClass.filter { $0.support < folds }
            if !small.isEmpty {
                out.append(
                    "\(small.count == 1 ? "class" : "classes") "
                        + small.map { "\($0.label) (\($0.support) test document\($0.support == 1 ? "" : "s"))" }
                        .joined(separator: ", ")
                        + " \(small.count == 1 ? "has" : "have") fewer test documents than the \(folds) folds: some "
                        + "folds test none of \(small.count == 1 ? "it" : "them"), so per-class scores and macro-F1 "
                        + "are unstable")
            }
        }
        return out
    }

    /// Models (classifiers or taggers) whose solver stopped at its iteration limit, in one warning.
    public static func notConverged(_ stopped: [String]) -> [String] {
        guard !stopped.isEmpty else { return [] }
        return [
            "\(list(stopped)) stopped at max_iterations without converging: \(stopped.count == 1 ? "its" : "their") "
                + "scores are those of an unfinished fit; raise max_iterations or the tolerance"
        ]
    }

    /// Searched numeric keys whose value chosen for the saved model is the smallest or largest of at least three
    /// values tried, grouped by key, value and side.
    static func gridEdges(_ searches: [(model: String, search: SearchResult)]) -> [String] {
        var groups: [String: [String]] = [:]
        var order: [String] = []
        for (model, search) in searches where search.trials.indices.contains(search.chosenForModel) {
            let chosen = search.trials[search.chosenForModel].assignment
            for key in search.keys {
                let values = Set(search.trials.compactMap { $0.assignment[key].flatMap(Double.init) })
                guard values.count >= 3, let text = chosen[key], let v = Double(text),
                    let low = values.min(), let high = values.max()
                else { continue }
                guard v == low || v == high else { continue }
                let side = v == high ? "largest" : "smallest"
                let group = "\(key) = \(text) is the \(side) value tried"
                if groups[group] == nil { order.append(group) }
                groups[group, default: []].append(model)
            }
        }
        return order.map { g in
            let models = groups[g] ?? []
            return "\(g) for \(models.count == 1 ? "" : "\(models.count) models: ")\(list(models)): the best value may "
                + "lie beyond the grid; widen it in that direction"
        }
    }

    /// `a`, `a and b`, `a, b and c`; long lists cut after five names.
    static func list(_ names: [String]) -> String {
        let shown = names.count > 5 ? Array(names.prefix(5)) + ["\(names.count - 5) more"] : names
        guard shown.count > 1 else { return shown.first ?? "" }
        return shown.dropLast().joined(separator: ", ") + " and " + (shown.last ?? "")
    }
}
