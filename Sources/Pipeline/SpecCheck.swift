import Classify
import Featurize
import Foundation
import Ingest
import TextCore

/// What `validate` checks beyond the spec's keys and values: everything a run would fail on before it trains. Data
/// paths exist and have their format's layout, CSV/TSV headers name the text and label columns, JSON Lines records
/// have the fields, models and vectors resolve (a catalog name, or a folder or file that is there); then the pairs a
/// run will skip, and the plan's size. Every problem is collected, none stops the others.
public struct SpecCheck {
    /// Problems a run would fail on, in spec line order.
    public var errors: [TextpipeError] = []
    /// Things a run will do that the user may not expect (skipped pairs, data to fetch).
    public var warnings: [String] = []
    /// What was found, in words (`corpus: 2 label folders`).
    public var notes: [String] = []
    /// Units of the plan and how many a run would execute (nil when an error stops the plan).
    public var units: (total: Int, toRun: Int)?

    /// Checks `spec` with relative paths resolved against `options.root`; the plan is compiled when `plan` is true
    /// and nothing else is wrong.
    public init(_ spec: PipelineSpec, options: RunOptions, plan: Bool = true) {
        let text = (try? String(contentsOfFile: spec.file, encoding: .utf8)) ?? ""
        /// The first spec line mentioning `needle` (a path, a model name), for errors found outside the YAML.
        func line(of needle: String) -> Int? {
            guard !needle.isEmpty else { return nil }
            return text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }
                .map { $0 + 1 }
        }
        func record(_ error: Error, needle: String, key: String) {
            var e = (error as? TextpipeError) ?? TextpipeError.describing(error)
            if e.line == nil || e.file != spec.file {
                // Where the spec says it: the message keeps the file the problem is in.
                let place = e.file.map { "\($0)" + (e.line.map { ":\($0)" } ?? "") + ": " } ?? ""
                e = TextpipeError(e.kind, place + e.message, file: spec.file, line: line(of: needle), key: e.key ?? key)
            }
            errors.append(e)
        }
        if let c = spec.classification {
            if let name = c.data.dataset {
                let cached =
                    DatasetCatalog.entry(named: name).map {
                        Fetcher(cacheDirectory: options.dataCacheFolder, log: { _ in }).folder(for: $0.package) != nil
                    } ?? false
                notes.append("data: catalog dataset \(name)" + (cached ? " (fetched)" : ""))
                if !cached { warnings.append("dataset \(name) is not fetched yet: the run will download it") }
            } else {
                let reader = CorpusReader(baseDirectory: options.root)
                for (part, sources) in [("train", c.data.train), ("test", c.data.test ?? [])] {
                    for (i, source) in sources.enumerated() {
                        do { notes.append("data.\(part): " + (try reader.check(source))) } catch {
                            record(error, needle: source.path, key: "data.\(part)[\(i)]")
                        }
                    }
                }
            }
            for feature in c.features {
                for a in feature.configuration.artifacts {
                    let key = "features.\(feature.name).\(a.key)"
                    do { try ArtifactResolver(options: options).check(a, key: key) } catch {
                        record(error, needle: a.value, key: key)
                    }
                }
                for classifier in c.classifiers {
                    if let reason = classifier.spec.incompatibility(with: feature.configuration.shape) {
                        warnings.append("\(feature.name) + \(classifier.name) will be skipped: \(reason)")
                    }
                }
            }
        }
        if let t = spec.tagging, t.dataset == nil {
            for (part, sources) in [("train", t.train), ("test", t.test ?? [])] {
                for (i, source) in sources.enumerated() {
                    let url = options.resolve(source.path)
                    if !FileManager.default.fileExists(atPath: url.path) {
                        record(
                            TextpipeError(.input, "no such file or folder", file: url.path), needle: source.path,
                            key: "\(part)[\(i)]")
                    } else {
                        notes.append("\(part): \(source.path)")
                    }
                }
            }
        }
        if let t = spec.tagging {
            for tagger in t.taggers {
                do { _ = try TokenVectors.key(tagger, options: options) } catch {
                    record(error, needle: tagger.name, key: "taggers.\(tagger.name)")
                }
            }
        }
        if errors.isEmpty && plan {
            do {
                var quiet = options
                quiet.log = { _ in }
                let (_, entries) = try Runner(spec: spec, options: quiet).plan()
                units = (entries.count, entries.filter { $0.status == "would run" }.count)
            } catch { record(error, needle: "", key: "") }
        }
        errors = errors.enumerated().sorted {
            ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset)
        }
        .map(\.element)
    }
}
