import Foundation
import TextCore

/// Outputs never overwrite or feed inputs: report.out and the work folder may not lie inside a dataset folder (their
/// files would be read as documents on the next run, or an inspection file written over an input), and no dataset may
/// lie inside them. Paths are compared after resolving symbolic links, so a link cannot hide an overlap.
enum PathOverlap {
    /// The absolute, link-free form of `url`: the longest existing ancestor through `realpath`, then the rest.
    static func canonical(_ url: URL) -> String {
        var existing = url.standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var base = existing.path
        if let resolved = realpath(existing.path, nil) {
            base = String(cString: resolved)
            free(resolved)
        }
        return rest.reduce(base) { $0.hasSuffix("/") ? $0 + $1 : $0 + "/" + $1 }
    }

    /// Whether `inner` is `outer` or lies inside it.
    static func contains(_ outer: String, _ inner: String) -> Bool {
        inner == outer || inner.hasPrefix(outer.hasSuffix("/") ? outer : outer + "/")
    }

    /// Throws a spec error (exit 2) naming both paths when an output and an input overlap.
    static func check(inputs: [(name: String, url: URL)], outputs: [(key: String, url: URL)], spec: String?) throws {
        for o in outputs {
            let out = canonical(o.url)
            for i in inputs {
                let input = canonical(i.url)
                if contains(input, out) {
                    throw TextpipeError(
                        .spec,
                        "\(o.key) (\(out)) is inside the input \(i.name): textpipe's output would be read as input or "
                            + "written over it; choose a folder outside the data", file: spec, key: o.key)
                }
                if contains(out, input) {
                    throw TextpipeError(
                        .spec,
                        "the input \(i.name) is inside \(o.key) (\(out)), which textpipe writes: "
                            + "keep data outside its output folders", file: spec, key: o.key)
                }
            }
        }
    }
}
