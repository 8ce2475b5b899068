import Foundation
import Report
import TextCore

/// Runs a spec: compiles it into a plan, has an executor run the plan (each unit from the cache when its key is
/// stored), then shows the report the plan ended with and points `latest` at it.
///
/// A rerun with nothing changed runs nothing; changing only a classifier reruns only its train, evaluate and report
/// units. See `PlanCompiler` for the units, `LocalExecutor` for how they run.
public final class Runner {
    /// The spec to run.
    public let spec: PipelineSpec
    /// How it was asked to run.
    public let options: RunOptions
    let store: LocalArtifactStore

    /// What a run produced.
    public struct Outcome {
        /// The report folder of this run, or of the run it reused when nothing changed.
        public var reportDirectory: URL?
        /// The run id shown.
        public var runId: String?
        /// True when every stage came from the cache.
        public var allCached: Bool
        /// The report of a classification run.
        public var report: RunReport?
        /// Files written by `--only` for inspection.
        public var inspection: URL?
        /// Models whose macro-F1 fell by more than the spec's threshold since the previous run.
        public var regressions: [String] = []
        /// The report of a tagging run.
        public var taggingReport: TaggingRunReport? = nil
    }

    /// A runner for a spec, its work folder under `work_dir/<name>`.
    public init(spec: PipelineSpec, options: RunOptions) {
        self.spec = spec
        self.options = options
        store = LocalArtifactStore(root: options.resolve(spec.workDirectory).appendingPathComponent(spec.name))
    }

    /// The plan this spec compiles to, with each unit's status against the store: `cached` or `would run`. A unit
    /// downstream of one that would run would run too.
    public func plan() throws -> (Plan, [LockEntry]) {
        let plan = try PlanCompiler.compile(spec, options: options)
        var runs = Set<Int>()
        var entries = plan.entries { unit in
            let folder = store.folder(stage: unit.stage.stage, key: unit.key)
            let stored = store.isComplete(stage: unit.stage.stage, key: unit.key) && unit.stage.isComplete(folder)
            if options.force || !stored || unit.stage.inputs.contains(where: { runs.contains($0.id) }) {
                runs.insert(unit.id)
                return "would run"
            }
            return "cached"
        }
        for (i, unit) in plan.units.enumerated() {
            entries[i].output = store.folder(stage: unit.stage.stage, key: unit.key).path
        }
        return (plan, entries)
    }

    /// Compiles the spec, executes the plan, points `latest` at the report shown and compares it with the run before.
    public func run() throws -> Outcome {
        let executor = LocalExecutor(store: store, options: options, cluster: options.cluster)
        log(
            "\(spec.name): run \(RunFolder.plannedId(executor.startedAt)) started "
                + StandardError.stamp(executor.startedAt))
        let plan = try PlanCompiler.compile(spec, options: options)
        let out = options.resolve(spec.report.out)
        var shown: PublishedRun? = nil
        var regressions: [String] = []
        let execution = try executor.execute(plan, through: options.only) { execution in
            guard let last = plan.units.last, execution.entries.count == plan.units.count, last.stage.stage == .report
            else { return nil }
            let published = try executor.read(Input<PublishedRun>(id: last.id, key: last.key))
            shown = published
            // `latest` is the baseline the run shown is compared with; then it points at the run shown, whether this
            // run wrote it or an older run with the same configuration did.
            let latestBefore = RunFolder.previous(in: out, pipeline: spec.name)?.lastPathComponent
            let shownRun = (try? AtomicFile.read(published.folder.appendingPathComponent("metrics.json"))).flatMap {
                try? ScoredRuns.decode($0)
            }
            let reused = execution.entries.last?.cached ?? false
            if reused {
                log(
                    "report: cached (\(last.key.prefix(12))); nothing changed, the latest report is "
                        + published.folder.path
                )
            } else {
                // A new report was compared with `latest` when it was written.
                regressions = shownRun?.previous?.regressions ?? []
            }
            if reused, latestBefore != published.runId, let shownRun,
                let baselineFolder = RunFolder.previous(in: out, pipeline: spec.name),
                let baseline = RunFolder.previousMetrics(in: out, pipeline: spec.name).flatMap({
                    try? ScoredRuns.decode($0)
                }),
                type(of: baseline) == type(of: shownRun)
            {
                regressions =
                    RunComparison(
                        previous: baseline, current: shownRun.scores, threshold: spec.report.regressionThreshold,
                        outcomes: (RunOutcomes.read(folder: baselineFolder), RunOutcomes.read(folder: published.folder))
                    ).regressions
            }
            if RunFolder.latest(in: out) != published.runId { try RunFolder.pointLatest(at: published.runId, in: out) }
            return published.folder
        }
        guard let shown else {
            return Outcome(
                reportDirectory: nil, runId: nil, allCached: execution.allCached, report: nil,
                inspection: execution.inspection)
        }
        let metrics = try? AtomicFile.read(shown.folder.appendingPathComponent("metrics.json"))
        return Outcome(
            reportDirectory: shown.folder, runId: shown.runId, allCached: execution.allCached,
            report: spec.tagging == nil ? metrics.flatMap { try? RunReport.decode($0) } : nil, inspection: nil,
            regressions: regressions,
            taggingReport: spec.tagging != nil ? metrics.flatMap { try? TaggingRunReport.decode($0) } : nil)
    }

    func log(_ s: String) { options.log(s) }
}
