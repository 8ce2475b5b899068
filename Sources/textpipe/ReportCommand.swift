import ArgumentParser
import Foundation
import Report
import TextCore

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Work with finished reports.",
        subcommands: [Diff.self])

    struct Diff: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two runs: accuracy and macro-F1 of every model in both, with regressions flagged.",
            discussion:
                "RUN_A is the earlier run, RUN_B the later one: report folders (reports/NAME/20261122-084734, reports/NAME/latest) or their metrics.json files."
        )
        @Argument(help: "The earlier run.") var runA: String
        @Argument(help: "The later run.") var runB: String
        @Option(help: "A macro-F1 drop larger than this (0.01 = one point) is a regression.") var threshold = 0.01
        @Flag(help: "Exit with code 6 if any model regressed.") var failOnRegression = false

        static func load(_ path: String) throws -> RunReport {
            var url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
                url.appendPathComponent("metrics.json")
            }
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw TextpipeError(.input, "no metrics.json here", file: url.path)
            }
            do { return try RunReport.decode(data) } catch {
                throw TextpipeError(.input, "not a classification report's metrics.json (\(error))", file: url.path)
            }
        }

        func run() throws {
            try Textpipe.guarded {
                let a = try Self.load(runA)
                let b = try Self.load(runB)
                let c = RunComparison(previous: a, current: b.results, threshold: threshold)
                print("\(a.pipeline) \(a.runId) -> \(b.pipeline) \(b.runId)")
                print(Textpipe.padded("model", 44) + "  accuracy    delta  macro-F1    delta")
                for d in c.deltas {
                    print(
                        Textpipe.padded(d.model, 44)
                            + String(
                                format: " %8.2f%% %+7.2f %8.2f%% %+7.2f%@", d.accuracyAfter * 100,
                                (d.accuracyAfter - d.accuracyBefore) * 100,
                                d.macroF1After * 100, (d.macroF1After - d.macroF1Before) * 100,
                                (d.regression ? "  REGRESSION" : "") as NSString))
                }
                for m in c.added { print("new: \(m)") }
                for m in c.removed { print("gone: \(m)") }
                if failOnRegression, !c.regressions.isEmpty {
                    throw TextpipeError(
                        .regression,
                        "\(c.regressions.count) model(s) regressed: \(c.regressions.joined(separator: ", "))")
                }
            }
        }
    }
}
