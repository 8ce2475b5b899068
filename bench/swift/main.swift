import Classify
import Evaluate
import Featurize
// textpipe-bench: times clean + tokenize + n-gram featurize in process, on one core, for bench/run.sh.
//
//   textpipe-bench featurize FILE.jsonl [--repeats N]   -> JSON with seconds per repeat and input bytes
//   textpipe-bench generate-html WORDS.jsonl OUT.jsonl N  -> a seeded corpus of N HTML pages
import Foundation
import Ingest
import Report
import Tagging
import TextCore
import Tokenize

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("textpipe-bench: \(message)\n".utf8))
    exit(2)
}

func readJSONL(_ path: String, labelled: Bool = false) -> [Document] {
    var s = SourceConfiguration(path: URL(fileURLWithPath: path).path, format: .jsonl)
    s.labelColumn = labelled ? "label" : nil
    do { return try CorpusReader(baseDirectory: URL(fileURLWithPath: "/")).read(s).documents } catch {
        fail("\(error)")
    }
}

let args = CommandLine.arguments
guard args.count >= 2 else {
    fail("usage: textpipe-bench featurize FILE.jsonl [--repeats N] | generate-html WORDS.jsonl OUT.jsonl N")
}

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
        let cleaned = docs.map {
            Document(source: $0.source, text: cleaner.clean($0.text, source: $0.source).text, label: nil)
        }
        let t1 = DispatchTime.now().uptimeNanoseconds
        let corpus = TokenizedCorpus(documents: cleaned, tokenizer: Tokenizer())
        let t2 = DispatchTime.now().uptimeNanoseconds
        var config = NGramConfiguration()
        config.maxN = 2
        let rows = Array(0..<corpus.documentCount)
        let (_, matrix) = try! NGramVectorizer.fitTransform(config, corpus: corpus, rows: rows)
        let t3 = DispatchTime.now().uptimeNanoseconds
        columns = matrix.columnCount
        runs.append([
            "clean": Double(t1 - t0) / 1e9, "tokenize": Double(t2 - t1) / 1e9, "featurize": Double(t3 - t2) / 1e9,
            "total": Double(t3 - t0) / 1e9
        ])
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
        var page =
            "<!DOCTYPE html><html><head><title>\(sentence(6))</title><style>body{font:12px sans-serif} .ad{display:none}</style>"
        page += "<script>var tracking = {id: \(i), words: '\(sentence(10))'};</script></head><body>"
        page +=
            "<nav><a href=\"/\">home</a> | <a href=\"/about\">about</a></nav><div class=\"post\"><h1>\(sentence(8))</h1>"
        for _ in 0..<(4 + rng.nextIndex(10)) {
            page +=
                "<p>\(sentence(20 + rng.nextIndex(60))) &amp; <b>\(sentence(3))</b> <i>\(sentence(2))</i> &nbsp;\(sentence(15))</p>"
            if rng.nextIndex(3) == 0 { page += "<ul><li>\(sentence(5))</li><li>\(sentence(7))</li></ul>" }
        }
        if rng.nextIndex(4) == 0 { page += "<div><p>unclosed paragraph \(sentence(12))<div>nested \(sentence(4))" }  // malformed on purpose
        page += "</div><footer>copyright \(sentence(4))</footer></body></html>"
        let escaped = String(data: try! JSONSerialization.data(withJSONObject: [page], options: []), encoding: .utf8)!
            .dropFirst().dropLast()
        out += "{\"text\": \(escaped)}\n"
    }
    try! out.write(toFile: args[3], atomically: true, encoding: .utf8)

case "export-features":
    // textpipe-bench export-features TRAIN.jsonl TEST.jsonl OUTDIR MIN_DF: word (1,2)-gram tf-idf fitted on TRAIN.
    guard args.count >= 6, let minDF = Int(args[5]) else {
        fail("export-features TRAIN.jsonl TEST.jsonl OUTDIR MIN_DF")
    }
    let train = readJSONL(args[2], labelled: true)
    let test = readJSONL(args[3], labelled: true)
    let cleaner = Cleaner(CleanConfiguration())
    let all = (train + test).map {
        Document(source: $0.source, text: cleaner.clean($0.text, source: $0.source).text, label: $0.label)
    }
    let corpus = TokenizedCorpus(documents: all, tokenizer: Tokenizer())
    var config = NGramConfiguration()
    config.maxN = 2
    config.weighting = .tfidf
    config.minDF = .count(minDF)
    let (vectorizer, xTrain) = try! NGramVectorizer.fitTransform(config, corpus: corpus, rows: Array(0..<train.count))
    let xTest = vectorizer.transform(corpus, rows: Array(train.count..<all.count))
    let labels = LabelIndex(all.compactMap(\.label))
    let out = URL(fileURLWithPath: args[4])
    try! FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
    func save(_ m: SparseMatrix, _ y: [Int32], _ name: String) {
        try! Data(m.rowStart.map { Int64($0) }.withUnsafeBytes { Data($0) }).write(
            to: out.appendingPathComponent("\(name).indptr"))
        try! m.columns.withUnsafeBytes { Data($0) }.write(to: out.appendingPathComponent("\(name).indices"))
        try! m.values.withUnsafeBytes { Data($0) }.write(to: out.appendingPathComponent("\(name).data"))
        try! y.withUnsafeBytes { Data($0) }.write(to: out.appendingPathComponent("\(name).labels"))
    }
    save(xTrain, train.map { Int32(labels.index($0.label!)!) }, "train")
    save(xTest, test.map { Int32(labels.index($0.label!)!) }, "test")
    let meta: [String: Any] = [
        "columns": xTrain.columnCount, "classes": labels.names, "train": train.count, "test": test.count
    ]
    try! JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]).write(
        to: out.appendingPathComponent("meta.json"))
    print(String(decoding: try! JSONSerialization.data(withJSONObject: meta, options: [.sortedKeys]), as: UTF8.self))

case "train":
    // textpipe-bench train DIR MODEL: fits one model on DIR's training matrix, prints seconds and test accuracy.
    guard args.count >= 4 else { fail("train DIR MODEL") }
    let dir = URL(fileURLWithPath: args[2])
    func load(_ name: String) -> (SparseMatrix, [Int]) {
        func raw<T>(_ ext: String, _: T.Type) -> [T] {
            let d = try! Data(contentsOf: dir.appendingPathComponent("\(name).\(ext)"))
            return d.withUnsafeBytes { Array($0.bindMemory(to: T.self)) }
        }
        let meta =
            try! JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("meta.json")))
            as! [String: Any]
        let m = SparseMatrix(
            columnCount: meta["columns"] as! Int, rowStart: raw("indptr", Int64.self).map { Int($0) },
            columns: raw("indices", Int32.self), values: raw("data", Float.self))
        return (m, raw("labels", Int32.self).map { Int($0) })
    }
    let (xTrain, yTrain) = load("train")
    let (xTest, yTest) = load("test")
    let classes = (yTrain.max() ?? 0) + 1
    let spec: ClassifierSpec
    switch args[3] {
    case "multinomial_nb":
        var c = MultinomialNaiveBayesConfiguration()
        c.alpha = 0.1
        spec = ClassifierSpec(c)
    case "bernoulli_nb":
        var c = BernoulliNaiveBayesConfiguration()
        c.alpha = 0.1
        spec = ClassifierSpec(c)
    case "complement_nb":
        var c = ComplementNaiveBayesConfiguration()
        c.alpha = 0.1
        spec = ClassifierSpec(c)
    case "softmax":
        var c = SoftmaxRegressionConfiguration()
        c.l2 = 0.1
        c.tolerance = 1e-4
        c.maxIterations = 1000
        spec = ClassifierSpec(c)
    case "logistic":
        var c = LogisticRegressionConfiguration()
        c.C = 10
        c.tolerance = 1e-4
        c.maxIterations = 1000
        spec = ClassifierSpec(c)
    case "linear_svm": spec = ClassifierSpec(LinearSVMConfiguration())
    case "decision_tree": spec = ClassifierSpec(DecisionTreeConfiguration())
    case "nbsvm": spec = ClassifierSpec(NBSVMConfiguration())
    default:
        // Any other registered classifier at its default settings.
        guard let type = ClassifierRegistry.configuration(kind: args[3]) else { fail("unknown model \(args[3])") }
        func defaults<C: ClassifierConfiguration>(_: C.Type) -> ClassifierSpec { ClassifierSpec(C()) }
        spec = defaults(type)
    }
    let t0 = DispatchTime.now().uptimeNanoseconds
    let model = try! spec.fit(.sparse(xTrain), labels: yTrain, classCount: classes, seed: 0)
    let t1 = DispatchTime.now().uptimeNanoseconds
    let predicted = model.predict(.sparse(xTest))
    let t2 = DispatchTime.now().uptimeNanoseconds
    let accuracy = Double(zip(predicted, yTest).filter { $0 == $1 }.count) / Double(yTest.count)
    let out: [String: Any] = [
        "model": args[3], "train_seconds": Double(t1 - t0) / 1e9, "predict_seconds": Double(t2 - t1) / 1e9,
        "accuracy": accuracy,
        "summary": model.trainingSummary
    ]
    print(String(decoding: try! JSONSerialization.data(withJSONObject: out, options: [.sortedKeys]), as: UTF8.self))

case "bert":
    // textpipe-bench bert MODEL IDS.json [cls|mean]: encodes every id sequence on all cores.
    guard args.count >= 4 else { fail("bert MODEL IDS.json [cls|mean]") }
    let pooling = args.count >= 5 ? BertPooling(rawValue: args[4])! : .cls
    let data = try! Data(contentsOf: URL(fileURLWithPath: args[3]))
    let sequences = (try! JSONSerialization.jsonObject(with: data) as! [String: Any])["sequences"] as! [[Int]]
    let model = try! BertModel(folder: URL(fileURLWithPath: args[2]))
    let t0 = DispatchTime.now().uptimeNanoseconds
    // As the bert feature set does: batches of 32 sequences of similar length, one batch per core at a time.
    let order = sequences.indices.sorted { sequences[$0].count < sequences[$1].count }
    let batches = stride(from: 0, to: order.count, by: 32).map { Array(order[$0..<min(order.count, $0 + 32)]) }
    DispatchQueue.concurrentPerform(iterations: batches.count) { b in
        _ = try! model.pooledBatch(batches[b].map { sequences[$0].map { Int32($0) } }, pooling: pooling)
    }
    let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
    print(
        "{\"tool\": \"textpipe\", \"pooling\": \"\(pooling.rawValue)\", \"seconds\": \(seconds), \"sentences_per_second\": \(Double(sequences.count) / seconds), \"count\": \(sequences.count)}"
    )

case "tag":
    // textpipe-bench tag DATASET TAGGER [--dump DIR] [--iterations N] [--epochs N]: 90/10 held-out split (seed 1),
    // train, tag the held-out part, print JSON. TAGGER: hmm1, hmm2, perceptron, crf, token-svm, token-logistic,
    // token-mnb. --dump writes both parts as attribute ids + tags (JSON lines) for the CRFsuite side.
    guard args.count >= 4, let entry = SequenceCatalog.entry(named: args[2]) else {
        fail("tag DATASET TAGGER [--dump DIR]")
    }
    func option(_ name: String) -> String? {
        args.firstIndex(of: name).flatMap { $0 + 1 < args.count ? args[$0 + 1] : nil }
    }
    let root = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(
        "data/cache/\(entry.package.folder)")
    var sentences: [TaggedSentence] = []
    for source in entry.sources { sentences += try! SequenceReader.read(source, baseDirectory: root) }
    let fold = try! SentenceSplit.holdout(count: sentences.count, testFraction: 0.1, seed: 1)
    let train = fold.train.map { sentences[$0] }
    let test = fold.test.map { sentences[$0] }
    let tags = Array(Set(train.flatMap(\.tags))).sorted()
    if let dir = option("--dump") {
        let extractor = TokenFeatureExtractor(TokenFeatureConfiguration().resolved(for: train))
        var index = AttributeIndex()
        for (name, part) in [("train", train), ("test", test)] {
            let x = index.encode(part.map(\.tokens), extractor: extractor, grow: name == "train")
            var out = ""
            for (seq, s) in zip(x, part) {
                out += "{\"x\": ["
                out += (0..<seq.count).map { t in
                    "[" + seq.attributes(of: t).map { String($0) }.joined(separator: ",") + "]"
                }.joined(separator: ",")
                func quote(_ v: String) -> String {
                    "\"" + v.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                        + "\""
                }
                out += "], \"y\": [" + s.tags.map(quote).joined(separator: ",") + "], \"tokens\": ["
                out += s.tokens.map(quote).joined(separator: ",") + "]}\n"
            }
            try! out.write(toFile: dir + "/\(name).jsonl", atomically: true, encoding: .utf8)
        }
    }
    let t0 = DispatchTime.now().uptimeNanoseconds
    let tagger: any SequenceTagger
    switch args[3] {
    case "hmm1", "hmm2":
        var c = HiddenMarkovModelConfiguration()
        c.order = args[3] == "hmm2" ? 2 : 1
        tagger = try! HiddenMarkovModel.fit(c, sentences: train, tags: tags)
    case "perceptron":
        var c = StructuredPerceptronConfiguration()
        c.epochs = option("--epochs").flatMap(Int.init) ?? 10
        tagger = try! StructuredPerceptron.fit(c, sentences: train, tags: tags, seed: 1)
    case "crf":
        var c = ConditionalRandomFieldConfiguration()
        c.maxIterations = option("--iterations").flatMap(Int.init) ?? 100
        c.threads = option("--threads").flatMap(Int.init) ?? 0
        tagger = try! ConditionalRandomField.fit(c, sentences: train, tags: tags)
    case "token-svm":
        tagger = try! TokenClassifierTagger.fit(
            TokenClassifierConfiguration(classifier: ClassifierSpec(LinearSVMConfiguration())), sentences: train,
            tags: tags, seed: 1)
    case "token-logistic":
        tagger = try! TokenClassifierTagger.fit(
            TokenClassifierConfiguration(classifier: ClassifierSpec(SoftmaxRegressionConfiguration())),
            sentences: train, tags: tags, seed: 1)
    case "token-mnb":
        tagger = try! TokenClassifierTagger.fit(
            TokenClassifierConfiguration(classifier: ClassifierSpec(MultinomialNaiveBayesConfiguration())),
            sentences: train, tags: tags, seed: 1)
    default: fail("unknown tagger \(args[3])")
    }
    let t1 = DispatchTime.now().uptimeNanoseconds
    let predicted = try tagger.predict(test.map(\.tokens))
    let t2 = DispatchTime.now().uptimeNanoseconds
    if let file = option("--predictions") {
        try! (predicted.map { $0.joined(separator: " ") }.joined(separator: "\n") + "\n").write(
            toFile: file, atomically: true, encoding: .utf8)
    }
    let words = Set(
        train.flatMap { s in TagSchemes.chunks(s.tags, scheme: .bmes).map { s.tokens[$0.start..<$0.end].joined() } })
    let m = TaggingMetrics(
        gold: test.map(\.tags), predicted: predicted, scheme: entry.scheme, tags: tags,
        tokens: test.map(\.tokens), trainingWords: entry.scheme == .bmes ? words : nil)
    let testTokens = test.reduce(0) { $0 + $1.tokens.count }
    var result: [String: Any] = [
        "tool": "textpipe", "tagger": args[3], "train_seconds": Double(t1 - t0) / 1e9,
        "tag_seconds": Double(t2 - t1) / 1e9, "tokens_per_second": Double(testTokens) / (Double(t2 - t1) / 1e9),
        "token_accuracy": m.tokenAccuracy, "train_sentences": train.count, "test_sentences": test.count,
        "summary": tagger.trainingSummary
    ]
    if let c = m.chunks {
        result["chunk_f1"] = c.f1
        result["chunk_precision"] = c.precision
        result["chunk_recall"] = c.recall
    }
    if let s = m.segmentation {
        result["oov_recall"] = s.oovRecall
        result["oov_rate"] = s.oovRate
    }
    print(String(decoding: try! JSONSerialization.data(withJSONObject: result, options: [.sortedKeys]), as: UTF8.self))

case "report":
    // textpipe-bench report MODELS DOCUMENTS: builds a report of MODELS models (every section: intervals,
    // calibration, ROC/PR, misclassified examples, McNemar over DOCUMENTS test documents, learning curves of
    // 7 sizes) and times computing the significance matrix and writing Markdown, every SVG, HTML and JSON.
    let modelCount = args.count >= 3 ? Int(args[2]) ?? 40 : 40
    let documents = args.count >= 4 ? Int(args[3]) ?? 4000 : 4000
    var rng = Xoshiro256StarStar(seed: 5)
    let labels = ["negative", "positive"]
    let gold = (0..<documents).map { $0 % 2 }
    var results: [ModelResult] = []
    var correct: [[Bool]] = []
    var curves: [LearningCurves.Curve] = []
    for m in 0..<modelCount {
        let skill = 0.6 + 0.3 * Double(m) / Double(modelCount)
        let predicted = gold.map { rng.nextUnit() < skill ? $0 : 1 - $0 }
        let probabilities = DenseMatrix(
            rowCount: documents, columnCount: 2,
            values: predicted.flatMap { p -> [Float] in
                let c = Float(0.5 + 0.5 * rng.nextUnit())
                return p == 0 ? [c, 1 - c] : [1 - c, c]
            })
        let metrics = Metrics(gold: gold, predicted: predicted, probabilities: probabilities, labels: labels)
        var r = ModelResult(
            features: "ngram", classifier: "model-\(m)", family: m % 2 == 0 ? "generative" : "discriminative",
            accuracy: metrics.accuracy, accuracyStd: 0.01, macroF1: metrics.macroF1, macroF1Std: 0.01,
            logLoss: metrics.logLoss,
            trainSeconds: 0.1, predictSeconds: 0.01, featureCount: 50_000, modelBytes: 1 << 20,
            perClass: metrics.perClass,
            confusion: metrics.confusion, labels: labels, folds: [], trainingSummary: ["iterations": "10"],
            topFeatures: ["positive": (0..<15).map { "word\($0)" }, "negative": (0..<15).map { "term\($0)" }],
            modelPath: "models/m\(m)")
        let i = Bootstrap.intervals(gold: gold, predicted: predicted, labels: labels, seed: 1)
        r.accuracyInterval = i.accuracy
        r.macroF1Interval = i.macroF1
        r.calibration = Calibration(gold: gold, probabilities: probabilities)
        r.curves = BinaryCurves(
            isPositive: gold.map { $0 == 1 }, scores: (0..<documents).map { Double(probabilities[$0, 1]) },
            positive: "positive")
        r.misclassified = (0..<5).map {
            MisclassifiedDocument(
                source: "doc:\($0)", gold: "positive", predicted: "negative", predictedScore: 0.9, goldScore: 0.1,
                excerpt: String(repeating: "text ", count: 40))
        }
        results.append(r)
        correct.append(zip(gold, predicted).map { $0 == $1 })
        curves.append(
            LearningCurves.Curve(
                model: r.name, family: r.family,
                points: [0.02, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0].map {
                    LearningCurves.Point(
                        fraction: $0, trainDocuments: 3600 * $0, error: 0.5 - skill * 0.3 * $0, errorStd: 0.01)
                }))
    }
    var times: [Double] = []
    for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        var report = RunReport(
            pipeline: "bench", runId: "r", createdAt: "now", toolVersion: "x", specHash: "0",
            dataset: DatasetSummary(
                name: "d", trainDocuments: documents, testDocuments: nil,
                classes: ["negative": documents / 2, "positive": documents / 2], tokens: 1, distinctTokens: 1,
                notes: [:]),
            evaluation: "cv", results: results, stages: [], totalSeconds: 1)
        let order = results.indices.sorted { results[$0].macroF1 > results[$1].macroF1 }
        report.significance = SignificanceMatrix(
            models: order.map { results[$0].name }, correct: order.map { correct[$0] })
        report.learningCurves = LearningCurves(curves: curves, repeats: 3)
        var bytes = 0
        bytes += try! report.json().count
        let document = report.document
        bytes += MarkdownWriter.write(document).utf8.count
        for chart in document.charts { bytes += chart.standalone.utf8.count }
        bytes += HTMLWriter.write(document).utf8.count
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
        if times.count == 1 { FileHandle.standardError.write(Data("wrote \(bytes) bytes\n".utf8)) }
    }
    times.sort()
    print(
        "{\"models\": \(modelCount), \"documents\": \(documents), \"median_seconds\": \(times[2]), \"max_seconds\": \(times.last!)}"
    )

default:
    fail("unknown command \(args[1])")
}
