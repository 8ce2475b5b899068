import Foundation
import Report
import TextCore

/// The Prometheus text file `run --metrics-file PATH` writes after every run, for node_exporter's textfile collector
/// (or any scraper): when the pipeline last ran, how long it took, whether it succeeded and with which exit code,
/// when it last succeeded, and each model's headline numbers.
///
/// Written atomically as that collector expects: the text goes to a temporary name that does not end in `.prom`
/// (the collector would read it half-written), is flushed, then renamed over PATH.
public struct MonitoringFile {
    /// One number of one model.
    public struct ModelMetric: Equatable {
        /// `features + classifier`, or the tagger's name.
        public var model: String
        /// `macro_f1`, `accuracy`, `word_f1`, ...
        public var metric: String
        /// Its value (a share, 0 to 1).
        public var value: Double
    }

    /// The pipeline's name (or the spec's file name when the spec could not be read).
    public var pipeline: String
    /// When the run ended.
    public var finishedAt: Date
    /// Wall-clock seconds of the run.
    public var seconds: Double
    /// The process's exit code (0 on success).
    public var exitCode: Int32
    /// True when every stage came from the cache.
    public var allCached: Bool
    /// Headline numbers of the report shown (empty when the run failed).
    public var models: [ModelMetric]

    /// The metrics of a run.
    public init(
        pipeline: String, finishedAt: Date, seconds: Double, exitCode: Int32, allCached: Bool, models: [ModelMetric]
    ) {
        self.pipeline = pipeline
        self.finishedAt = finishedAt
        self.seconds = seconds
        self.exitCode = exitCode
        self.allCached = allCached
        self.models = models
    }

    /// Accuracy and macro-F1 of every model of a classification report, or each tagger's headline metric and token
    /// accuracy.
    public static func models(of outcome: Runner.Outcome) -> [ModelMetric] {
        if let r = outcome.report {
            return r.ranked.flatMap {
                [
                    ModelMetric(model: $0.name, metric: "macro_f1", value: $0.macroF1),
                    ModelMetric(model: $0.name, metric: "accuracy", value: $0.accuracy)
                ]
            }
        }
        if let t = outcome.taggingReport {
            let name = t.headlineName.lowercased().replacingOccurrences(of: " ", with: "_")
                .replacingOccurrences(of: "-", with: "_")
            return t.ranked.flatMap {
                [
                    ModelMetric(model: $0.name, metric: name, value: $0.headline),
                    ModelMetric(model: $0.name, metric: "token_accuracy", value: $0.metrics.tokenAccuracy)
                ]
            }
        }
        return []
    }

    /// A label value escaped as the text format requires (backslash, double quote, newline).
    static func escape(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n")
    }

    /// The file's text. `previous` (the file as it was) supplies the last success time when this run failed.
    public func text(previous: String?) -> String {
        let p = "pipeline=\"\(Self.escape(pipeline))\""
        let now = finishedAt.timeIntervalSince1970
        var lastSuccess: Double? = exitCode == 0 ? now : nil
        if lastSuccess == nil, let previous {
            for line in previous.split(separator: "\n")
            where line.hasPrefix("textpipe_last_success_timestamp_seconds{\(p)} ") {
                lastSuccess = Double(line.split(separator: " ").last ?? "")
            }
        }
        func gauge(_ name: String, _ help: String, _ value: String) -> String {
            "# HELP \(name) \(help)\n# TYPE \(name) gauge\n\(name){\(p)} \(value)\n"
        }
        var out = ""
        out += gauge(
            "textpipe_last_run_timestamp_seconds", "Unix time the last run ended.", String(format: "%.3f", now))
        out += gauge(
            "textpipe_last_run_duration_seconds", "Wall-clock seconds of the last run.", String(format: "%.3f", seconds)
        )
        out += gauge("textpipe_last_run_success", "1 if the last run exited 0, else 0.", exitCode == 0 ? "1" : "0")
        out += gauge("textpipe_last_run_exit_code", "Exit code of the last run (see the README).", "\(exitCode)")
        out += gauge(
            "textpipe_last_run_all_cached", "1 if nothing changed and every stage came from the cache.",
            allCached ? "1" : "0")
        if let lastSuccess {
            out += gauge(
                "textpipe_last_success_timestamp_seconds", "Unix time a run last succeeded.",
                String(format: "%.3f", lastSuccess))
        }
        if !models.isEmpty {
            out += "# HELP textpipe_model_metric Headline metrics of each model in the last run's report (0 to 1).\n"
            out += "# TYPE textpipe_model_metric gauge\n"
            for m in models {
                out +=
                    "textpipe_model_metric{\(p),model=\"\(Self.escape(m.model))\",metric=\"\(Self.escape(m.metric))\"} "
                    + "\(m.value)\n"
            }
        }
        return out
    }

    /// Writes the file atomically (a temporary `.<name>.tmp-<pid>` beside it, flushed, renamed over it).
    public func write(to url: URL) throws {
        let previous = try? String(contentsOf: url, encoding: .utf8)
        try AtomicFile.write(
            Data(text(previous: previous).utf8), to: url, temporaryName: ".\(url.lastPathComponent).tmp-\(getpid())")
    }
}
