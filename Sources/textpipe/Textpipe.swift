import ArgumentParser
import Featurize
import Foundation
import Pipeline
import TextCore

/// The `textpipe` command: thin wrappers over the Pipeline module.
@main
struct Textpipe: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "textpipe",
        abstract: "Batch text classification: ingest, clean, tokenize, featurize, train, evaluate, report.",
        discussion: """
            A pipeline is a YAML spec (see pipelines/sentiment.yaml and the README). Stage outputs are cached \
            under data/work/ by a hash of their inputs and settings; reports go to reports/<name>/<run-id>/.
            Exit codes: 0 ok, 1 other failure, 2 bad spec or usage (also a bad command-line argument), 3 bad input \
            data, 4 I/O error, 5 another run of the same pipeline holds its lock, 6 a regression under \
            --fail-on-regression.
            """,
        version: TextpipeVersion.current,
        subcommands: [
            Run.self, PlanCommand.self, Validate.self, DataCommand.self, ModelsCommand.self, Predict.self,
            TestCommand.self, RunsCommand.self, GarbageCollect.self,
            TagCommand.self, VectorsCommand.self, ReportCommand.self, DocsCommand.self, StreamCommand.self,
            SparkCommand.self
        ])

    /// Parses and runs a command. A usage error from the argument parser exits 2, as every other usage error does
    /// (the parser's own default would be 64).
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                Foundation.exit(2)
            }
            exit(withError: error)
        }
    }

    /// The `--root` option of every command that reads a spec.
    static let rootHelp = ArgumentHelp(
        "Project root: relative paths in the spec are resolved against it (default: the spec's folder, or its parent "
            + "when that folder is named pipelines).")

    /// `s` padded with spaces to `width` characters (String(format:) on Linux ignores widths for %@).
    static func padded(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// The bytes of a file named on the command line, or of standard input for `-`.
    static func readInput(_ file: String) throws -> Data {
        if file == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        guard let data = FileManager.default.contents(atPath: file) else {
            throw TextpipeError(.io, "cannot read file", file: file)
        }
        return data
    }

    /// Runs a command body, printing a `TextpipeError` once and exiting with its code.
    static func guarded(_ body: () throws -> Void) throws {
        do { try body() } catch let e as TextpipeError {
            StandardError.always("error: \(e.description)")
            throw ExitCode(e.exitCode)
        } catch let e as ExitCode {
            throw e
        } catch {
            // Anything else is a failure of the system underneath (a read-only folder, a full disk): exit 4 with the
            // path and the reason in words, never raw error-domain text.
            let e = TextpipeError.describing(error)
            StandardError.always("error: \(e.description)")
            throw ExitCode(e.exitCode)
        }
    }
}

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a pipeline spec end to end, reusing cached stage outputs.",
        discussion: """
            Every (feature set x classifier) pair is trained and evaluated. A rerun with nothing changed skips every \
            stage and says so; changing only classifier settings reruns only train, evaluate and report. \
            Each run writes <report.out>/textpipe.lock: spec and input hashes, seeds, versions, per-stage keys and times.
            """)

    @OptionGroup var arguments: RunArguments

    func run() throws { try arguments.run(cluster: nil) }
}

/// The options of a run, shared by `run` and `spark`.
struct RunArguments: ParsableArguments {
    @Argument(help: "The pipeline spec (YAML).") var spec: String
    @Flag(help: "Recompute every stage, ignoring cached outputs.") var force = false
    @Option(
        help: ArgumentHelp(
            "Stop after this stage. ingest, clean and tokenize write their documents as JSON lines to <report.out>/inspect/ for inspection.",
            valueName: "stage"))
    var only: String?
    @Flag(help: "If another run of this pipeline holds its lock, wait for it instead of exiting with code 5.")
    var wait = false
    @Flag(
        help:
            "Exit with code 6 when a model's headline metric (macro-F1; word F1, chunk F1 or token accuracy for taggers) fell by more than report.regression_threshold since the previous run (the report is still written)."
    )
    var failOnRegression = false
    @Option(help: Textpipe.rootHelp) var root: String?
    @Flag(help: "Print only errors and the final summary (no progress lines).") var quiet = false
    @Option(
        help: ArgumentHelp(
            "Seconds between progress lines when standard error is not a terminal (cron, a pipe); a terminal "
                + "gets one live line.",
            valueName: "seconds"))
    var progressEvery: Double = 10
    @Option(
        help: ArgumentHelp(
            "After the run, succeeded or not, write a Prometheus text file here (node_exporter textfile collector): last run time, duration, status, exit code, last success, each model's headline metrics. Written atomically.",
            valueName: "path"))
    var metricsFile: String?
    @Option(
        help: ArgumentHelp(
            "Units to run side by side in this process (training, evaluation, search trials); the outputs are "
                + "those of a run one unit at a time.",
            valueName: "n"))
    var jobs: Int = 1

    /// Runs the spec, its data-parallel units and training tasks on the cluster `cluster` makes, if any.
    func run(cluster: ((PipelineSpec, RunOptions) throws -> (any Cluster)?)?) throws {
        StandardError.quiet = quiet
        let started = Date()
        var pipeline = URL(fileURLWithPath: spec).deletingPathExtension().lastPathComponent
        var outcome: Runner.Outcome? = nil
        do {
            try execute(pipeline: &pipeline, outcome: &outcome, cluster: cluster)
            try writeMetrics(pipeline: pipeline, started: started, exitCode: 0, outcome: outcome)
        } catch let e as ExitCode {
            // The run's own exit code stands even if the metrics file cannot be written (that error is printed).
            try? writeMetrics(pipeline: pipeline, started: started, exitCode: e.rawValue, outcome: outcome)
            throw e
        }
    }

    /// Writes `--metrics-file` if given; a failure to write it is an error (exit 4) naming the path.
    func writeMetrics(pipeline: String, started: Date, exitCode: Int32, outcome: Runner.Outcome?) throws {
        guard let metricsFile else { return }
        try Textpipe.guarded {
            let file = MonitoringFile(
                pipeline: pipeline, finishedAt: Date(), seconds: Date().timeIntervalSince(started), exitCode: exitCode,
                allCached: outcome?.allCached ?? false, models: outcome.map(MonitoringFile.models(of:)) ?? [])
            try file.write(to: URL(fileURLWithPath: metricsFile))
        }
    }

    func execute(
        pipeline: inout String, outcome result: inout Runner.Outcome?,
        cluster: ((PipelineSpec, RunOptions) throws -> (any Cluster)?)?
    ) throws {
        try Textpipe.guarded {
            let parsed = try SpecDecoder.load(path: spec)
            pipeline = parsed.name
            var options = RunOptions(root: PipelineSpec.root(forSpecAt: spec, override: root))
            options.force = force
            options.wait = wait
            guard progressEvery > 0, progressEvery.isFinite else {
                throw TextpipeError(.usage, "must be a positive number of seconds", key: "--progress-every")
            }
            options.progressInterval = progressEvery
            guard jobs >= 1, jobs <= 256 else { throw TextpipeError(.usage, "must be in 1...256", key: "--jobs") }
            options.jobs = jobs
            if let only {
                guard let stage = StageName(rawValue: only) else {
                    throw TextpipeError(
                        .usage,
                        "unknown stage '\(only)'; accepted values: \(StageName.allCases.map(\.rawValue).joined(separator: ", "))",
                        key: "--only")
                }
                options.only = stage
            }
            options.cluster = try cluster?(parsed, options)
            defer { options.cluster?.close() }
            let outcome = try Runner(spec: parsed, options: options).run()
            result = outcome
            if let dir = outcome.reportDirectory {
                print(
                    "\(parsed.name) run \(outcome.runId ?? "")\(outcome.allCached ? " (nothing changed; all stages cached)" : "")"
                )
                if let report = outcome.report {
                    for r in report.ranked {
                        print(
                            "  " + Textpipe.padded("\(r.features) + \(r.classifier)", 40)
                                + String(
                                    format: " accuracy %6.2f%%  macro-F1 %6.2f%%", r.accuracy * 100, r.macroF1 * 100))
                    }
                }
                if let t = outcome.taggingReport {
                    for r in t.ranked {
                        print(
                            "  " + Textpipe.padded(r.name, 30) + " \(t.headlineName)"
                                + String(
                                    format: " %6.2f%%  token accuracy %6.2f%%", r.headline * 100,
                                    r.metrics.tokenAccuracy * 100))
                    }
                }
                print("report: \(dir.path)")
                let metric = outcome.taggingReport?.headlineName ?? "macro-F1"
                for r in outcome.regressions {
                    let line =
                        "regression: \(r) (\(metric) fell by more than \(parsed.report.regressionThreshold * 100) points since the previous run)"
                    StandardError.always(line)
                }
                if failOnRegression, !outcome.regressions.isEmpty {
                    throw TextpipeError(
                        .regression,
                        "\(outcome.regressions.count) model(s) regressed since the previous run: \(outcome.regressions.joined(separator: ", "))"
                    )
                }
            } else if let file = outcome.inspection {
                print(file.path)
            } else if let stage = options.only {
                print(
                    "\(parsed.name): stopped after \(stage.rawValue)\(outcome.allCached ? " (all cached)" : ""); no report written"
                )
            }
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a spec without running it: everything a run would fail on before training.",
        discussion: """
            Checks keys, types and values; that data paths exist with their format's layout (label folders, CSV/TSV \
            columns, JSON Lines fields: the first MiB of each file is parsed as a run would); that models and vectors \
            resolve. Every error is reported at once, in spec line order (exit 2; 3 when only the data is wrong). \
            A valid spec prints its summary, the pairs a run will skip, and the plan's size.
            """)
    @Argument(help: "The pipeline spec (YAML).") var spec: String
    @Option(help: Textpipe.rootHelp) var root: String?

    func run() throws {
        let (parsed, errors) = SpecDecoder.check(path: spec)
        var all = errors
        var check: SpecCheck? = nil
        // The deep checks run on the spec as far as it decoded, so data and model problems are listed beside
        // mistakes in the YAML.
        if let parsed {
            let c = SpecCheck(
                parsed, options: RunOptions(root: PipelineSpec.root(forSpecAt: spec, override: root)),
                plan: errors.isEmpty)
            all += c.errors
            check = c
        }
        guard all.isEmpty, let s = parsed, let check else {
            all = all.enumerated().sorted {
                ($0.element.line ?? .max, $0.offset) < ($1.element.line ?? .max, $1.offset)
            }
            .map(\.element)
            for e in all { StandardError.always("error: \(e.description)") }
            StandardError.always("\(spec): \(all.count) error\(all.count == 1 ? "" : "s")")
            throw ExitCode(all.contains { [.spec, .usage].contains($0.kind) } ? 2 : all.first?.exitCode ?? 2)
        }
        print("\(spec): valid")
        print("  pipeline: \(s.name)")
        print("  root: \(PipelineSpec.root(forSpecAt: spec, override: root).path)")
        if let t = s.tagging {
            print("  task: tagging")
            print(
                "  data: \(t.dataset ?? t.train.map(\.path).joined(separator: ", ")) (scheme "
                    + "\(t.scheme.rawValue)\(t.convertTo.map { " -> \($0.rawValue)" } ?? ""))"
            )
            print("  taggers: \(t.taggers.map(\.name).joined(separator: ", "))")
            print(
                "  evaluation: "
                    + (t.test != nil
                        ? "given test file"
                        : "held-out \(Int((t.testFraction * 100).rounded()))% of sentences (seed \(t.splitSeed))"))
        } else if let c = s.classification {
            print("  data: \(c.data.dataset ?? c.data.train.map(\.path).joined(separator: ", "))")
            print("  features: \(c.features.map(\.name).joined(separator: ", "))")
            print("  classifiers: \(c.classifiers.map(\.name).joined(separator: ", "))")
            print("  evaluation: \(c.evaluation.description)")
            if case .crossValidation(let folds, _) = c.evaluation { print("  folds: \(folds)") }
        }
        print("  report: \(s.report.out) (\(s.report.formats.map(\.rawValue).joined(separator: ", ")))")
        for note in check.notes { print("  \(note)") }
        if let units = check.units { print("  plan: \(units.total) units, \(units.toRun) would run now") }
        for w in check.warnings { print("warning: \(w)") }
    }
}
