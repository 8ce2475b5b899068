import Foundation
import TextCore
import Yams

/// A YAML node with where it came from, so every decoding error can name the file, line and key path.
struct SpecNode {
    let node: Node
    let file: String
    /// Dotted key path, e.g. `features[1].ngram.min_df`.
    let path: String
    /// The spec line of a node made from text (a searched value parsed on its own), for errors.
    var markOverride: Int? = nil

    var line: Int? { markOverride ?? node.mark?.line }

    func error(_ message: String) -> TextpipeError {
        TextpipeError(.spec, message, file: file, line: line, key: path.isEmpty ? nil : path)
    }

    func child(_ node: Node, _ key: String) -> SpecNode {
        SpecNode(node: node, file: file, path: path.isEmpty ? key : path + "." + key)
    }

    var typeName: String {
        switch node {
        case .scalar(let s):
            return s.string.isEmpty || s.string == "~" || s.string == "null" ? "null" : "a scalar '\(s.string)'"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        default: return "an alias"
        }
    }

    /// The entries of a mapping, checking every key against `allowed` (an unknown key names the accepted ones).
    func mapping(allowed: [String]) throws -> [String: SpecNode] {
        guard case .mapping(let m) = node else {
            throw error("expected a mapping with keys \(allowed.joined(separator: ", ")), found \(typeName)")
        }
        var out: [String: SpecNode] = [:]
        for (k, v) in m {
            guard case .scalar(let ks) = k else { throw error("mapping keys must be strings") }
            let key = ks.string
            let keyNode = SpecNode(node: k, file: file, path: path.isEmpty ? key : path + "." + key)
            guard allowed.contains(key) else {
                var message = "unknown key '\(key)'"
                if let guess = Self.closest(key, allowed) { message += " (did you mean '\(guess)'?)" }
                let error = keyNode.error(message + "; accepted keys: \(allowed.joined(separator: ", "))")
                // Under `validate`, an unknown key is recorded and the rest of the mapping still checked.
                guard let collector = SpecDecoder.collector else { throw error }
                collector.errors.append(error)
                continue
            }
            guard out[key] == nil else { throw keyNode.error("key '\(key)' appears twice") }
            out[key] = child(v, key)
        }
        return out
    }

    var isNull: Bool {
        if case .scalar(let s) = node { return s.string == "" || s.string == "~" || s.string == "null" }
        return false
    }

    func string() throws -> String {
        guard case .scalar(let s) = node, !isNull else { throw error("expected a string, found \(typeName)") }
        return s.string
    }

    func int(min: Int? = nil) throws -> Int {
        guard case .scalar(let s) = node, let v = Int(s.string) else {
            throw error("expected an integer, found \(typeName)")
        }
        if let min, v < min { throw error("must be at least \(min), got \(v)") }
        return v
    }

    func double() throws -> Double {
        guard case .scalar(let s) = node, let v = Double(s.string), v.isFinite else {
            throw error("expected a number, found \(typeName)")
        }
        return v
    }

    func bool() throws -> Bool {
        guard case .scalar(let s) = node else { throw error("expected true or false, found \(typeName)") }
        switch s.string.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false, found '\(s.string)'")
        }
    }

    func list() throws -> [SpecNode] {
        guard case .sequence(let seq) = node else { throw error("expected a list, found \(typeName)") }
        return seq.enumerated().map { SpecNode(node: $1, file: file, path: "\(path)[\($0)]") }
    }

    /// A value from a closed set, e.g. `weighting: tf | tfidf | binary`.
    func choice<E: RawRepresentable & CaseIterable>(_: E.Type) throws -> E where E.RawValue == String {
        let s = try string()
        guard let v = E(rawValue: s) else {
            let accepted = E.allCases.map(\.rawValue)
            var message = "unknown value '\(s)'"
            if let guess = Self.closest(s, accepted) { message += " (did you mean '\(guess)'?)" }
            throw error(message + "; accepted values: \(accepted.joined(separator: ", "))")
        }
        return v
    }

    /// The accepted word nearest to `word` by edit distance, if it is close enough to be a likely typo.
    static func closest(_ word: String, _ candidates: [String]) -> String? {
        func distance(_ a: [Character], _ b: [Character]) -> Int {
            var prev = Array(0...b.count)
            for i in 1...max(1, a.count) where !a.isEmpty {
                var cur = [i] + Array(repeating: 0, count: b.count)
                for j in 1...max(1, b.count) where !b.isEmpty {
                    cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                }
                prev = cur
            }
            return prev[b.count]
        }
        let w = Array(word.lowercased())
        let scored = candidates.map { ($0, distance(w, Array($0.lowercased()))) }.min { $0.1 < $1.1 }
        guard let (best, d) = scored, d <= max(1, w.count / 3) else { return nil }
        return best
    }
}
