import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// A saved onehot + softmax model trained on the Pang & Lee sentences (2 folds; what stream tests label with).
func polarityModel() throws -> URL {
    let (_, _, outcome) = try runInProcess(
        """
        name: streamed
        data: {dataset: polarity-sentences}
        tokenize: {lowercase: true, punctuation: drop}
        features: [onehot]
        classifiers: [softmax]
        evaluate: {cv: {folds: 2, seed: 1}}
        report: {formats: [json]}
        """, name: "stream-model")
    return try #require(outcome.reportDirectory).appendingPathComponent("models/onehot__softmax")
}

/// `textpipe stream ...` and `predict --stdin`: one line per record, the same answers as the batch commands, and
/// every bad input a clear error with a non-zero exit (issue 13).
@Suite(.serialized) struct StreamCommandTests {
    let records = """
        {"id": "a", "text": "a <b>wonderful</b>, moving film"}
        {"id": 2, "text": "dull and boring"}

        {"id": "c", "text": "an utterly forgettable sequel, but the cast is great"}
        """

    @Test func predictStreamAgreesWithPredictAndStdin() throws {
        let model = try polarityModel()
        let dir = TestSupport.temporaryDirectory()
        let stream = try TestSupport.runTextpipe(["stream", "predict", "--model", model.path], in: dir, stdin: records)
        #expect(stream.status == 0, "\(stream.err)")
        let lines = stream.out.split(separator: "\n")
        #expect(lines.count == 3)
        let stdin = try TestSupport.runTextpipe(["predict", "--model", model.path, "--stdin"], in: dir, stdin: records)
        #expect(stdin.status == 0 && stdin.out == stream.out)
        // The batch command on the same texts gives the same labels.
        TestSupport.write(
            "a <b>wonderful</b>, moving film\ndull and boring\nan utterly forgettable sequel, but the cast is great\n",
            to: dir.appendingPathComponent("t.txt"))
        let batch = try TestSupport.runTextpipe(["predict", "--model", model.path, "--lines", "t.txt"], in: dir)
        let batchLabels = batch.out.split(separator: "\n").dropFirst().map { $0.split(separator: "\t")[1] }
        let streamLabels = try lines.map { line -> String in
            let value = try JSONValue.parse(String(line))
            return try #require(value.object?["label"]?.string)
        }
        #expect(batchLabels.map(String.init) == streamLabels)
        #expect(lines[1].hasPrefix("{\"id\":2,"))  // a numeric id is echoed as a number
    }

    @Test func featurizeStreamGivesTheModelsFeatureRows() throws {
        let model = try polarityModel()
        let bundle = try ModelBundle.load(from: model)
        let dir = TestSupport.temporaryDirectory()
        let r = try TestSupport.runTextpipe(["stream", "featurize", "--artifacts", model.path], in: dir, stdin: records)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        let texts = [
            "a wonderful, moving film", "dull and boring", "an utterly forgettable sequel, but the cast is great"
        ]
        let expected = try bundle.featurizer.transform(texts: texts, tokenizer: .init(bundle.header.tokenize))
        for (i, line) in lines.enumerated() {
            let row = try #require(try JSONValue.parse(line).object?["features"]?.array?.first)
            let (indices, values) = try FeatureRowText.sparse(row, columnCount: bundle.featurizer.columnCount)
            guard case .sparse(let m) = expected else {
                Issue.record("not sparse")
                return
            }
            #expect(indices == Array(m.columns[m.rowStart[i]..<m.rowStart[i + 1]]))
            #expect(values == Array(m.values[m.rowStart[i]..<m.rowStart[i + 1]]))
        }
    }

    @Test func statsAndMergeStatsThroughTheCommandLine() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write(
            """
            name: s
            data: {train: [{path: x.csv, format: csv, text_column: text, label_column: label}]}
            features: [{ngram: {n: [1, 2], weighting: tfidf}}]
            classifiers: [multinomial_nb]
            """, to: dir.appendingPathComponent("p.yaml"))
        let a = try TestSupport.runTextpipe(
            ["stream", "stats", "--spec", "p.yaml", "--features", "ngram", "--groups", "2"], in: dir,
            stdin:
                "{\"id\":1,\"row\":0,\"text\":\"good film\"}\n{\"id\":2,\"row\":1,\"group\":1,\"text\":\"bad film\"}\n")
        let b = try TestSupport.runTextpipe(
            ["stream", "stats", "--spec", "p.yaml", "--features", "ngram", "--groups", "2"], in: dir,
            stdin: "{\"id\":3,\"row\":2,\"text\":\"good good plot\"}\n")
        #expect(a.status == 0 && b.status == 0, "\(a.err)\(b.err)")
        #expect(a.out.split(separator: "\n").count == 1)  // one partial per stream
        let merged = try TestSupport.runTextpipe(
            ["stream", "merge-stats", "--fit", "0", "--out", "fit"], in: dir, stdin: b.out + a.out)
        #expect(merged.status == 0, "\(merged.err)")
        let set = try FeaturizerSet.load(from: dir.appendingPathComponent("fit"))
        // Group 0 is rows 0 and 2: "good film", "good good plot".
        #expect(
            (0..<set.featurizers[0].columnCount).map { set.featurizers[0].featureName($0) }
                == ["film", "good", "good film", "good good", "good plot", "plot"])
        // Merging in the other order gives the same line.
        let other = try TestSupport.runTextpipe(["stream", "merge-stats"], in: dir, stdin: a.out + b.out)
        let again = try TestSupport.runTextpipe(["stream", "merge-stats"], in: dir, stdin: b.out + a.out)
        #expect(other.out == again.out && !other.out.isEmpty)
    }

    @Test func badRecordsExitNonZeroNamingTheLine() throws {
        let model = try polarityModel()
        let dir = TestSupport.temporaryDirectory()
        let cases: [([String], String, Int32, String)] = [
            (
                ["stream", "predict", "--model", model.path], "{\"id\":1,\"text\":\"ok\"}\n{\"id\":2,\"text\":", 3,
                "standard input:2"
            ),
            (["stream", "predict", "--model", model.path], "{\"text\":\"no id\"}\n", 3, "\"id\""),
            (["stream", "predict", "--model", model.path], "[1, 2]\n", 3, "JSON object"),
            (["stream", "featurize", "--artifacts", model.path], "{\"id\":1,\"tokens\":[\"a b\"]}\n", 3, "tokens"),
            (
                ["stream", "featurize", "--artifacts", dir.appendingPathComponent("none").path], "", 2,
                "not a textpipe model"
            ),
            (
                ["stream", "stats", "--ngram", "{\"minN\":1,\"maxN\":1}", "--groups", "1"],
                "{\"id\":1,\"text\":\"x\"}\n", 2,
                "--ngram"
            ),
            (["stream", "merge-stats"], "{\"statistics\":\"AAAA\"}\n", 3, "statistics"),
            (["stream", "merge-stats"], "", 3, "no statistics"),
            (
                ["stream", "task"], "{\"id\":\"k\",\"task\":\"nope\",\"stage\":\"{}\",\"inputs\":{}}\n", 3,
                "unknown task"
            ),
            (["stream", "predict", "--model", model.path], String(repeating: "[", count: 100_000) + "\n", 3, "nested")
        ]
        for (k, (arguments, input, status, message)) in cases.enumerated() {
            let r = try TestSupport.runTextpipe(arguments, in: dir, stdin: input)
            #expect(r.status == status, "\(arguments) -> \(r.status): \(r.err)")
            #expect(r.err.contains(message), "\(arguments): \(r.err)")
            // Standard output holds the answers to the records before the bad one, whole lines of JSON, and
            // nothing for the bad record or after it.
            let lines = r.out.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            #expect(r.out.isEmpty || r.out.hasSuffix("\n"), "\(arguments): a partial line on standard output")
            if k == 0 {
                #expect(lines.count == 1, "\(arguments): \(r.out)")
                let first = try #require(lines.first)
                let object = try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any]
                #expect((object?["id"] as? Int) == 1 && object?["label"] != nil, "\(first)")
            } else {
                #expect(r.out.isEmpty, "\(arguments): \(r.out)")
            }
        }
    }

    @Test func sparkWithoutItsPiecesSaysWhatIsMissing() throws {
        let dir = TestSupport.temporaryDirectory()
        TestSupport.write(
            "name: s\ndata: {dataset: polarity-sentences}\nfeatures: [onehot]\nclassifiers: [multinomial_nb]\n",
            to: dir.appendingPathComponent("p.yaml"))
        let noSubmit = try TestSupport.runTextpipe(
            ["spark", "p.yaml", "--master", "local[2]", "--spark-submit", "/nonexistent/spark-submit"], in: dir)
        #expect(
            noSubmit.status == 2 && noSubmit.err.contains("spark-submit not found; run `make spark`"), "\(noSubmit.err)"
        )
        let noJar = try TestSupport.runTextpipe(
            ["spark", "p.yaml", "--master", "local[2]", "--spark-submit", "/bin/true", "--jar", "/nonexistent.jar"],
            in: dir)
        #expect(noJar.status == 2 && noJar.err.contains("the driver jar not found"), "\(noJar.err)")
        // A spark-submit that exits at once: the error says the driver did not start and where its log is.
        let dead = try TestSupport.runTextpipe(
            ["spark", "p.yaml", "--master", "local[2]", "--spark-submit", "/bin/false", "--jar", "/bin/true"], in: dir)
        #expect(dead.status == 4 && dead.err.contains("spark-driver.log"), "\(dead.err)")
    }
}
