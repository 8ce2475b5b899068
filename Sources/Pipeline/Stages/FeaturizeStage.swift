import Featurize
import Foundation
import Ingest
import TextCore
import Tokenize

/// A feature set's stored matrices: per fold the training and test rows (the featurizer fitted on that fold's
/// training documents only), and the final featurizer with its training matrix.
struct FeatureArtifact: Artifact {
    let folder: URL
    /// Training documents that got an all-zero vector (no known word) under the final featurizer.
    let emptyDocuments: Int

    /// Fold `i`'s training and test matrices.
    func fold(_ i: Int) throws -> (train: FeatureMatrix, test: FeatureMatrix) {
        let url = folder.appendingPathComponent("fold-\(i).bin")
        var r = BinaryReader(try AtomicFile.read(url), name: url.path)
        return (try FeatureMatrix.decode(from: &r), try FeatureMatrix.decode(from: &r))
    }

    /// The matrix of the final model's training documents.
    func finalMatrix() throws -> FeatureMatrix {
        let url = folder.appendingPathComponent("final-x.bin")
        var r = BinaryReader(try AtomicFile.read(url), name: url.path)
        return try FeatureMatrix.decode(from: &r)
    }

    /// Writes fold `i`'s training and test matrices.
    static func writeFold(_ i: Int, train: FeatureMatrix, test: FeatureMatrix, to folder: URL) throws {
        var w = BinaryWriter()
        train.encode(into: &w)
        test.encode(into: &w)
        try AtomicFile.write(w.data, to: folder.appendingPathComponent("fold-\(i).bin"))
    }

    /// Writes the final featurizer, its training matrix, and how many of those documents got an all-zero vector.
    static func writeFinal(_ featurizer: any FittedFeaturizer, matrix: FeatureMatrix, to folder: URL) throws {
        var empty = 0
        if case .dense(let m) = matrix {
            empty = (0..<m.rowCount).filter { r in (0..<m.columnCount).allSatisfy { m[r, $0] == 0 } }.count
        }
        try AtomicFile.write("\(empty)", to: folder.appendingPathComponent("empty-documents"))
        var fw = BinaryWriter()
        try featurizer.encode(into: &fw)
        try AtomicFile.write(fw.data, to: folder.appendingPathComponent("final-featurizer.bin"))
        var xw = BinaryWriter()
        matrix.encode(into: &xw)
        try AtomicFile.write(xw.data, to: folder.appendingPathComponent("final-x.bin"))
    }

    static func read(from folder: URL) throws -> FeatureArtifact {
        let url = folder.appendingPathComponent("empty-documents")
        guard let empty = Int(String(decoding: try AtomicFile.read(url), as: UTF8.self)) else {
            throw TextpipeError(.io, "not a document count", file: url.path)
        }
        return FeatureArtifact(folder: folder, emptyDocuments: empty)
    }

    /// The featurizer fitted on the final model's training documents.
    func finalFeaturizer(kind: String) throws -> any FittedFeaturizer {
        let url = folder.appendingPathComponent("final-featurizer.bin")
        var r = BinaryReader(try AtomicFile.read(url), name: url.path)
        return try FeatureSetConfiguration.decode(kind: kind, from: &r)
    }
}

/// Fits one feature set on each fold's training documents and transforms that fold's test documents, then fits
/// the final featurizer. Outside files (pretrained vectors, a word2vec corpus, a BERT checkpoint) are part of the
/// key by their pinned sha256 (catalog names) or content hash (the user's files), and fetched only when it runs.
struct FeaturizeStage: Stage {
    typealias Output = FeatureArtifact
    let tokenize: Input<Tokenized>
    let split: Input<FoldAssignment>
    let feature: NamedFeatureSet
    let options: RunOptions
    /// For one trial of a searched feature set: its values (`min_df=2 n=[1, 2]`), naming the part.
    var trial: String? = nil

    var stage: StageName { .featurize }
    var unit: String? { feature.name }
    var part: String? { trial.map { "trial \($0)" } }
    var inputs: [UnitReference] { [tokenize.reference, split.reference] }
    var outputs: [String] { ["fold-<i>.bin", "final-featurizer.bin", "final-x.bin", "empty-documents"] }
    var parameters: [String: String] { ["kind": feature.configuration.kind] }

    func derive(_ key: inout StageKey) throws {
        key.add("config", json: feature.configuration)
        let resolver = ArtifactResolver(options: options)
        for a in feature.configuration.artifacts {
            key.add(ArtifactResolver.keyLabel(a), try resolver.contentHash(a, key: "features.\(feature.name).\(a.key)"))
        }
    }

    func run(_ context: StageContext, into folder: URL) throws {
        let tokenized = try context.read(tokenize)
        let assignment = try context.read(split)
        let corpus = tokenized.corpus
        let folds = assignment.folds
        let configuration = try resolvingPaths(context)
        let line = ProgressLine(log: context.log)
        let name = feature.name
        func progress(_ label: String) -> FeaturizeProgress {
            FeaturizeProgress(
                training: { p in line.show("featurize [\(name)] \(label): \(p.summary)", done: p.fraction >= 1) },
                encoding: { p in line.show("featurize [\(name)] \(label): \(p.summary)", done: p.done >= p.total) },
                interval: line.interval)
        }
        var previous: (any FittedFeaturizer)? = nil
        for (i, fold) in folds.enumerated() {
            let label = "fold \(i + 1)/\(folds.count)"
            let (f, x) = try configuration.fitTransform(
                corpus, rows: fold.train, reusing: previous, progress: progress(label))
            previous = f
            try FeatureArtifact.writeFold(i, train: x, test: try f.transform(corpus, rows: fold.test), to: folder)
        }
        let (final, finalX) = try configuration.fitTransform(
            corpus, rows: assignment.finalTrainingRows, reusing: previous, progress: progress("final model"))
        try FeatureArtifact.writeFinal(final, matrix: finalX, to: folder)
    }

    /// The configuration with every outside file fetched and its path made absolute (an XML dump used as a
    /// corpus turned into plain text once, cached by its content hash).
    func resolvingPaths(_ context: StageContext) throws -> FeatureSetConfiguration {
        let c = feature.configuration
        let paths = try ArtifactResolver(options: options).resolveAll(
            c.artifacts, prefix: "features.\(feature.name)", workFolder: context.workFolder)
        return c.resolvingArtifacts(paths)
    }
}

extension FeaturizeStage: DistributedStage {
    /// An n-gram feature set on the cluster: partial statistics counted per partition (`stream stats`, each document
    /// in the group of fits that use it) and merged here into each fold's featurizer and the final one (exactly the
    /// local fits); then every document featurized by all of them at once (`stream featurize`) and the fold matrices
    /// assembled here. Dense feature sets (word2vec training, BERT) run on the driver.
    func run(_ context: StageContext, on cluster: any Cluster, into folder: URL) throws {
        let ngram: NGramConfiguration
        switch feature.configuration.clusterPlan {
        case .encoder:
            try encode(context, on: cluster, into: folder)
            return
        case .driver:
            context.log(
                "featurize [\(feature.name)]: \(feature.configuration.kind) features are computed on the driver")
            try run(context, into: folder)
            return
        case .ngramStatistics(let c): ngram = c
        }
        let tokenized = try context.read(tokenize)
        let assignment = try context.read(split)
        let corpus = tokenized.corpus
        let fits = assignment.folds.map(\.train) + [assignment.finalTrainingRows]
        // Documents used by the same fits form one group; a fit is the union of the groups that include it.
        var member = [[Bool]](repeating: Array(repeating: false, count: fits.count), count: corpus.documentCount)
        for (f, rows) in fits.enumerated() { for d in rows { member[d][f] = true } }
        var groupOf: [[Bool]: Int] = [:]
        var group = [Int](repeating: -1, count: corpus.documentCount)
        for d in 0..<corpus.documentCount where member[d].contains(true) {
            group[d] = groupOf[member[d]] ?? groupOf.count
            groupOf[member[d]] = group[d]
        }
        // Each document's tokens as JSON once, for both jobs.
        let quotedTypes = corpus.types.map(JSONValue.quote)
        let tokensJSON = (0..<corpus.documentCount).map { d in
            "[" + corpus.document(d).map { quotedTypes[Int($0)] }.joined(separator: ",") + "]"
        }
        let statsRecords = (0..<corpus.documentCount).filter { group[$0] >= 0 }.map { d in
            "{\"id\":\(d),\"row\":\(d),\"group\":\(group[d]),\"tokens\":\(tokensJSON[d])}"
        }
        let settings = String(decoding: try StableJSON.encode(ngram), as: UTF8.self)
        let partials = try ClusterJob.map(
            statsRecords, through: ["stream", "stats", "--ngram", settings, "--groups", "\(groupOf.count)"],
            perRecord: false, on: cluster, context: context, stage: stage)
        var merged = try NGramStatistics(configuration: ngram, groupCount: groupOf.count)
        for partial in partials { try merged.merge(try StatsStream.statistics(partial)) }
        let featurizers: [any FittedFeaturizer] = try fits.indices.map { f in
            let groups = groupOf.filter { $0.key[f] }.map(\.value)
            return NGramFeaturizer(
                kind: feature.configuration.kind,
                vectorizer: try merged.vectorizer(groups: groups, configuration: ngram))
        }
        // Ship the fitted featurizers as one archive; every worker applies all of them to each document.
        let shipped = context.workFolder.appendingPathComponent(".tmp-\(getpid())-featurize-ship-\(feature.name.count)")
        try? FileManager.default.removeItem(at: shipped)
        defer { try? FileManager.default.removeItem(at: shipped) }
        try FeaturizerSet(kind: feature.configuration.kind, clean: .init(), tokenize: .init(), featurizers: featurizers)
            .write(to: shipped.appendingPathComponent("set"))
        let archive = shipped.appendingPathComponent("featurizers-\(UUID().uuidString.prefix(8)).tpar")
        try AtomicFile.write(try FolderArchive.pack(shipped.appendingPathComponent("set")), to: archive)
        let rows = try ClusterJob.map(
            (0..<corpus.documentCount).map { "{\"id\":\($0),\"tokens\":\(tokensJSON[$0])}" },
            through: ["stream", "featurize", "--binary", "--artifacts", "@" + archive.lastPathComponent],
            files: [archive],
            on: cluster, context: context, stage: stage)
        // One matrix per fit over every document, then each fold's training and test rows out of its fit's matrix.
        var matrices = featurizers.map { SparseMatrix(columnCount: $0.columnCount) }
        for r in rows {
            guard let text = r.fields["rows"]?.string, let data = Data(base64Encoded: text) else {
                throw r.error("not a result of stream featurize --binary")
            }
            var reader = BinaryReader(data, name: "featurized document \(r.id)")
            for f in featurizers.indices { try FeatureRowBinary.appendSparse(from: &reader, to: &matrices[f]) }
            guard reader.isAtEnd else { throw r.error("expected \(featurizers.count) rows") }
        }
        for (i, fold) in assignment.folds.enumerated() {
            try FeatureArtifact.writeFold(
                i, train: .sparse(matrices[i].rows(fold.train)), test: .sparse(matrices[i].rows(fold.test)),
                to: folder)
        }
        let last = fits.count - 1
        try FeatureArtifact.writeFinal(
            featurizers[last], matrix: .sparse(matrices[last].rows(assignment.finalTrainingRows)), to: folder)
    }
}

extension FeaturizeStage {
    /// A BERT feature set on the cluster: nothing is fitted, so every document is encoded once (`stream encode`, the
    /// checkpoint shipped as an archive) and each fold's rows are taken from those vectors. The documents go out in
    /// the batches a local run encodes them in (its per-row cache fills fold 1's training rows, then its test rows,
    /// and so on), because a vector's last bits can depend on the batch it was multiplied with.
    func encode(_ context: StageContext, on cluster: any Cluster, into folder: URL) throws {
        guard case .encoder(let b) = try resolvingPaths(context).clusterPlan else { return }
        let tokenized = try context.read(tokenize)
        let assignment = try context.read(split)
        let corpus = tokenized.corpus
        let featurizer = try BertFeaturizer(b)
        var covered = Set<Int>()
        var batches: [[Int]] = []
        for rows in assignment.folds.flatMap({ [$0.train, $0.test] }) + [assignment.finalTrainingRows] {
            let missing = rows.filter { covered.insert($0).inserted }
            batches += featurizer.batches(missing.map { corpus.texts[$0] }).map { $0.map { missing[$0] } }
        }
        let shipped = context.workFolder.appendingPathComponent(".tmp-\(getpid())-featurize-ship-bert")
        try? FileManager.default.removeItem(at: shipped)
        try FileManager.default.createDirectory(at: shipped, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: shipped) }
        let checkpoint = URL(fileURLWithPath: b.model)
        let archive = shipped.appendingPathComponent("checkpoint-\(try InputHash.of(checkpoint).prefix(16)).tpar")
        try AtomicFile.write(try FolderArchive.pack(checkpoint), to: archive)
        let settings = String(decoding: try StableJSON.encode(b), as: UTF8.self)
        let records = batches.enumerated().map { k, rows in
            "{\"id\":\(k),\"texts\":[" + rows.map { JSONValue.quote(corpus.texts[$0]) }.joined(separator: ",") + "]}"
        }
        let results = try ClusterJob.map(
            records, through: ["stream", "encode", "--bert", settings, "--checkpoint", "@" + archive.lastPathComponent],
            files: [archive], on: cluster, context: context, stage: stage)
        let h = featurizer.columnCount
        var matrix = DenseMatrix(rowCount: corpus.documentCount, columnCount: h)
        for (rows, r) in zip(batches, results) {
            guard let vectors = r.fields["vectors"]?.array, vectors.count == rows.count else {
                throw r.error("not a result of stream encode for a batch of \(rows.count)")
            }
            for (d, vector) in zip(rows, vectors) {
                let values = try FeatureRowText.dense(.object(["values": vector]), columnCount: h)
                for k in 0..<h { matrix.values[d * h + k] = values[k] }
            }
        }
        let all = FeatureMatrix.dense(matrix)
        for (i, fold) in assignment.folds.enumerated() {
            try FeatureArtifact.writeFold(i, train: all.rows(fold.train), test: all.rows(fold.test), to: folder)
        }
        try FeatureArtifact.writeFinal(featurizer, matrix: all.rows(assignment.finalTrainingRows), to: folder)
    }
}
