import Foundation
import TextCore

/// When to treat a document as HTML.
public enum HTMLMode: String, Sendable, CaseIterable, Codable {
    /// Clean documents that look like HTML (a known tag or a closing tag), or come from .html/.htm files.
    case auto
    /// Clean every document as HTML.
    case always
    /// Never parse markup; only normalise whitespace.
    case never
}

/// Settings of the clean stage.
public struct CleanConfiguration: Sendable, Codable, Hashable {
    /// When to parse a document as HTML.
    public var html: HTMLMode = .auto
    /// Extra tags dropped with their content (script, style, noscript, template and head always are).
    public var dropTags: [String] = ["script", "style", "nav", "footer"]
    /// Whether documents left with no text are dropped (and counted) rather than kept empty.
    public var dropEmpty: Bool = true
    /// The defaults: HTML detected automatically, script/style/nav/footer dropped.
    public init() {}
}

extension CleanConfiguration: SpecConfigurable {
    /// The spec keys of `clean:`, in documentation order.
    public static let parameters: [Parameter<CleanConfiguration>] = [
        .choice("html", \.html, "`auto`: clean documents that look like HTML (or come from .html files)"),
        Parameter(
            key: "drop_tags", type: .custom(tag: "text-list", summary: "a list of tag names"),
            summary: "tags dropped with their content, besides script, style, noscript, template and head",
            defaultValue: "[script, style, nav, footer]"
        ) { c, v in
            if case .custom(let list) = v, let tags = list.value as? [String] { c.dropTags = tags }
        },
        .boolean("drop_empty", \.dropEmpty, "drop (and count) documents left with no text, rather than keep them empty")
    ]
}

/// The clean stage: markup to text, whitespace normalised, empties dropped and counted.
public struct Cleaner: Sendable {
    /// Its settings.
    public let configuration: CleanConfiguration
    private let html: HTMLCleaner

    /// A cleaner with these settings.
    public init(_ configuration: CleanConfiguration) {
        self.configuration = configuration
        html = HTMLCleaner(dropTags: configuration.dropTags)
    }

    /// Cleans one text; the flag says whether it was parsed as HTML.
    public func clean(_ text: String, source: String = "") -> (text: String, wasHTML: Bool) {
        let lower = source.lowercased()
        let isHTML: Bool
        switch configuration.html {
        case .always: isHTML = true
        case .never: isHTML = false
        case .auto: isHTML = lower.hasSuffix(".html") || lower.hasSuffix(".htm") || HTMLCleaner.looksLikeHTML(text)
        }
        return isHTML ? (html.clean(text), true) : (TextNormalizer.normalizeWhitespace(text), false)
    }

    /// Cleans every document (in parallel across cores), dropping and counting empties.
    public func clean(_ documents: [Document], notes: inout [String: Int]) -> [Document] {
        var results = [(Document, Bool)?](repeating: nil, count: documents.count)
        let chunk = max(1, documents.count / (ProcessInfo.processInfo.activeProcessorCount * 8))
        let chunks = (documents.count + chunk - 1) / chunk
        results.withUnsafeMutableBufferPointer { out in
            let base = out.start
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for i in c * chunk..<min(documents.count, (c + 1) * chunk) {
                    var d = documents[i]
                    let (t, wasHTML) = clean(d.text, source: d.source)
                    d.text = t
                    (base + i).pointee = (d, wasHTML)
                }
            }
        }
        return collect(results.compactMap { $0 }, notes: &notes)
    }

    /// Cleaned documents with whether each was HTML, as the corpus keeps them: empties dropped (or kept) and counted,
    /// HTML documents counted. The same for documents cleaned here or on a cluster's workers.
    public func collect(_ results: [(Document, Bool)], notes: inout [String: Int]) -> [Document] {
        var out: [Document] = []
        out.reserveCapacity(results.count)
        for (d, wasHTML) in results {
            if wasHTML { notes["documents cleaned as HTML", default: 0] += 1 }
            if d.text.isEmpty {
                if configuration.dropEmpty {
                    notes["documents with no text after cleaning (dropped)", default: 0] += 1
                    continue
                }
                notes["documents with no text after cleaning (kept)", default: 0] += 1
            }
            out.append(d)
        }
        return out
    }
}
