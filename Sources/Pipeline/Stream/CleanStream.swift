import Foundation
import Ingest
import TextCore
import Tokenize

/// `textpipe stream clean --configuration JSON`: each record's text cleaned (HTML/XML to text, white space
/// normalized) by a spec's `clean` settings.
///
/// In: `{"id": 3, "text": "<p>Great</p>", "source": "pos/a.html"}` (`source` decides `html: auto` by extension; the
/// id stands in for it when absent). Out: `{"id":3,"text":"Great","html":true}`.
public struct CleanStream: StreamMode {
    let cleaner: Cleaner

    /// A cleaner with these settings.
    public init(_ configuration: CleanConfiguration) { cleaner = Cleaner(configuration) }

    /// One line per record.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        try batch.map { record in
            let source = record.fields["source"]?.string ?? record.id
            let (text, wasHTML) = cleaner.clean(try record.requireText(), source: source)
            return "{\"id\":\(record.idJSON),\"text\":\(JSONValue.quote(text)),\"html\":\(wasHTML)}"
        }
    }
}

/// `textpipe stream tokenize --configuration JSON`: each record's (cleaned) text as tokens, by a spec's `tokenize`
/// settings. In: `{"id": 3, "text": "Great fun!"}`. Out: `{"id":3,"tokens":["great","fun"]}`.
public struct TokenizeStream: StreamMode {
    let tokenizer: Tokenizer

    /// A tokenizer with these settings.
    public init(_ configuration: TokenizeConfiguration) { tokenizer = Tokenizer(configuration) }

    /// One line per record.
    public mutating func process(_ batch: [StreamRecord]) throws -> [String] {
        try batch.map { record in
            let tokens = tokenizer.tokens(try record.requireText()).map(JSONValue.quote)
            return "{\"id\":\(record.idJSON),\"tokens\":[\(tokens.joined(separator: ","))]}"
        }
    }
}
