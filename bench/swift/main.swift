// textpipe-bench: times clean + tokenize + n-gram featurize in process, on one core, for bench/run.sh.
//
//   textpipe-bench featurize FILE.jsonl [--repeats N]   -> JSON with seconds per repeat and input bytes
//   textpipe-bench generate-html WORDS.jsonl OUT.jsonl N  -> a seeded corpus of N HTML pages
import Foundation
import TextCore
import Ingest
import Tokenize
import Featurize

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("textpipe-bench: \(message)\n".utf8))
    exit(2)
}

func readJSONL(_ path: String) -> [Document] {
    var s = SourceConfiguration(path: URL(fileURLWithPath: path).path, format: .jsonl)
    s.labelColumn = nil
    do { return try CorpusReader(baseDirectory: URL(fileURLWithPath: "/")).read(s).documents }
    catch { fail("\(error)") }
}

let args = CommandLine.arguments
guard args.count >= 2 else { fail("usage: textpipe-bench featurize FILE.jsonl [--repeats N] | generate-html WORDS.jsonl OUT.jsonl N") }

switch args[1] {
case "featurize":
    guard args.count >= 3 else { fail("featurize needs a JSON-lines file with a 'text' field") }
    let repeats = args.count >= 5 && args[3] == "--repeats" ? Int(args[4]) ?? 3 : 3
    let docs = readJSONL(args[2])
    let bytes = docs.reduce(0) { $0 + $1.text.utf8.count }
    var runs: [[String: Double]] = []
    var columns = 0
    for _ in 0..<repeats {
        let cleaner = Cleaner(CleanConfiguration())
        let t0 = DispatchTime.now().uptimeNanoseconds
        // One core: documents are cleaned in sequence here (the pipeline spreads them over all cores).
        let cleaned = docs.map { Document(source: $0.source, text: cleaner.clean($0.text, source: $0.source).text, label: nil) }
        let t1 = DispatchTime.now().uptimeNanoseconds
        let corpus = TokenizedCorpus(documents: cleaned, tokenizer: Tokenizer())
        let t2 = DispatchTime.now().uptimeNanoseconds
        var config = NGramConfiguration(); config.maxN = 2
        let rows = Array(0..<corpus.documentCount)
        let (_, matrix) = try! NGramVectorizer.fitTransform(config, corpus: corpus, rows: rows)
        let t3 = DispatchTime.now().uptimeNanoseconds
        columns = matrix.columnCount
        runs.append(["clean": Double(t1 - t0) / 1e9, "tokenize": Double(t2 - t1) / 1e9, "featurize": Double(t3 - t2) / 1e9,
                     "total": Double(t3 - t0) / 1e9])
    }
    let out: [String: Any] = ["documents": docs.count, "bytes": bytes, "columns": columns, "runs": runs]
    print(String(decoding: try! JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))

case "generate-html":
    guard args.count >= 5, let n = Int(args[4]) else { fail("generate-html WORDS.jsonl OUT.jsonl N") }
    let words = readJSONL(args[2]).flatMap { $0.text.split(separator: " ").prefix(400).map(String.init) }
    guard !words.isEmpty else { fail("no words in \(args[2])") }
    var rng = Xoshiro256StarStar(seed: 2026)
    func sentence(_ k: Int) -> String { (0..<k).map { _ in words[rng.nextIndex(words.count)] }.joined(separator: " ") }
    var out = ""
    for i in 0..<n {
        var page = "<!DOCTYPE html><html><head><title>\(sentence(6))</title><style>body{font:12px sans-serif} .ad{display:none}</style>"
        page += "<script>var tracking = {id: \(i), words: '\(sentence(10))'};</script></head><body>"
        page += "<nav><a href=\"/\">home</a> | <a href=\"/about\">about</a></nav><div class=\"post\"><h1>\(sentence(8))</h1>"
        for _ in 0..<(4 + rng.nextIndex(10)) {
            page += "<p>\(sentence(20 + rng.nextIndex(60))) &amp; <b>\(sentence(3))</b> <i>\(sentence(2))</i> &nbsp;\(sentence(15))</p>"
            if rng.nextIndex(3) == 0 { page += "<ul><li>\(sentence(5))</li><li>\(sentence(7))</li></ul>" }
        }
        if rng.nextIndex(4) == 0 { page += "<div><p>unclosed paragraph \(sentence(12))<div>nested \(sentence(4))" }  // malformed on purpose
        page += "</div><footer>copyright \(sentence(4))</footer></body></html>"
        let escaped = String(data: try! JSONSerialization.data(withJSONObject: [page], options: []), encoding: .utf8)!.dropFirst().dropLast()
        out += "{\"text\": \(escaped)}\n"
    }
    try! out.write(toFile: args[3], atomically: true, encoding: .utf8)

default:
    fail("unknown command \(args[1])")
}
