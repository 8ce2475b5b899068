import Foundation
import TestSupport
import Testing
import TextCore

@testable import Pipeline

/// Progress on every long stage: the run's first line names the run and its start, the plan's size follows, and a
/// timed line (units done of total, the unit running, elapsed, time left) comes every `--progress-every` seconds off a
/// terminal; `--quiet` leaves only errors and the final summary.
@Suite(.serialized) struct ProgressTests {
    @Test func estimatesComeFromUnitsOfTheSameKindAndClassifier() throws {
        let progress = RunProgress(
            stages: ["train fold|svm", "train fold|svm", "train fold|tree", "evaluate |svm"],
            line: ProgressLine(log: { _ in }), every: 3600)
        #expect(progress.describe() == nil, "nothing is running")
        progress.begin("train [x + svm] fold 1", stage: "train fold|svm")
        progress.end(seconds: 4)
        progress.begin("train [x + svm] fold 2", stage: "train fold|svm")
        let line = try #require(progress.describe())
        // Left: this svm fold (4 s, about 0 s run so far), a tree fold (no tree yet: the train-fold mean, 4 s), an
        // evaluate unit (no evaluate yet: the overall mean, 4 s) -> about 12 s.
        #expect(line.hasPrefix("[2/4] train [x + svm] fold 2 · running 0 s · elapsed 0 s · about 12 s left"), "\(line)")
        progress.end(seconds: 2)
        progress.begin("train [x + tree] fold 1", stage: "train fold|tree")
        #expect(
            progress.describe()?.contains("[3/4]") == true && progress.describe()?.contains("about 6 s left") == true)
        progress.finish()
        #expect(
            RunProgress.clock(42) == "42 s" && RunProgress.clock(190) == "3:10" && RunProgress.clock(3723) == "1:02:03")
    }

    @Test func cronGetsTimedProgressLinesAndQuietGetsNone() throws {
        let root = makeProject(documentsPerClass: 40)
        let r = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--progress-every", "0.05"], in: root)
        #expect(r.status == 0, "\(r.err)")
        let lines = r.err.split(separator: "\n").map(String.init)
        // Off a terminal every line is timestamped; the first names the run id and its start time.
        let first = try #require(lines.first)
        #expect(
            first.range(
                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ demo: run \d{8}-\d{6} started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$"#,
                options: .regularExpression) != nil, "\(first)")
        #expect(
            lines.contains {
                $0.range(of: #"plan: \d+ units, 0 cached, \d+ to run"#, options: .regularExpression) != nil
            })
        let progress = lines.filter {
            $0.range(of: #"\[\d+/\d+\] .+ · running \d+ s · elapsed \d+ s"#, options: .regularExpression) != nil
        }
        #expect(!progress.isEmpty, "no progress line in:\n\(r.err)")
        #expect(progress.contains { $0.contains("left") }, "no estimate of the time left")
        let runId = try #require(first.split(separator: " ").dropFirst(3).first)
        #expect(r.out.contains("demo run \(runId)"), "the run id named first is the run's: \(r.out)")

        let quiet = try TestSupport.runTextpipe(
            ["run", "pipelines/demo.yaml", "--force", "--quiet", "--progress-every", "0.05"], in: root)
        #expect(quiet.status == 0 && quiet.err.isEmpty, "\(quiet.err)")
        #expect(quiet.out.contains("macro-F1") && quiet.out.contains("report: "))
        let bad = try TestSupport.runTextpipe(["run", "pipelines/demo.yaml", "--progress-every", "0"], in: root)
        #expect(bad.status == 2 && bad.err.contains("--progress-every"))
    }
}
