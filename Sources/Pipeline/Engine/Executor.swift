import Classify
import Foundation
import Report
import TextCore

/// Runs a plan's units. The local executor runs them one after another in this process; an executor for a cluster
/// would hand them to workers, reading and writing through the same kind of store.
public protocol Executor: AnyObject {
    /// Runs every unit up to and including stage `last` (all of them when nil), each from the store when its output
    /// is there, calls `publish` (which returns the run folder it showed the user, if any), writes the lock file and
    /// says what happened. The pipeline's run lock is held throughout.
    func execute(_ plan: Plan, through last: StageName?, publish: (Execution) throws -> URL?) throws -> Execution
    /// The output of a unit of the executed plan.
    func read<T>(_ input: Input<T>) throws -> T
}

/// What executing a plan did.
public struct Execution {
    /// The executed units with their status, duration and output folder: the lock file's entries.
    public var entries: [LockEntry]
    /// The file `--only` wrote for inspection, if the last stage run has one.
    public var inspection: URL?
    /// True when every unit came from the cache.
    public var allCached: Bool { entries.allSatisfy(\.cached) }
}

/// Runs a plan in this process, in plan order: a unit whose output is complete in the store is read from it (unless
/// `--force`), any other is run into a fresh folder. It logs each unit, sums seconds per stage, and after a run cut
/// short by `--only` writes the last unit's inspection output. Loaded outputs are kept for the rest of the run.
public final class LocalExecutor: Executor, StageContext {
    /// Where unit outputs are stored.
    public let store: any ArtifactStore
    /// `--force`, `--wait`, the project root, the log.
    public let options: RunOptions
    /// When the executor was made (the run's start time in reports and the lock file).
    public let startedAt = Date()
    private let clock = Stopwatch()
    private var plan = Plan(pipeline: "")
    private var loaded: [Int: Any] = [:]
    /// Units whose stored output this run wrote or already checked against its manifest.
    private var trusted = Set<Int>()
    /// The executed units so far, by unit id (a damaged cache entry rebuilt on read updates its entry).
    private var entryIndex: [Int: Int] = [:]
    private var entries: [LockEntry] = []
    private var seconds: [StageName: (seconds: Double, cached: Bool)] = [:]
    /// Where data-parallel units and tasks run when set (Spark, or processes); nil runs everything in this process.
    public let cluster: (any Cluster)?
    /// Units a cluster job ran ahead of their turn, with their share of the job's seconds.
    private var ranAhead: [Int: Double] = [:]
    /// Progress over the units to run, while a plan executes.
    private var progress: RunProgress?
    /// Units whose output changed in this run although their key did not (a provisional output made final, or
    /// made again): units reading them run again too.
    private var changed = Set<Int>()
    /// Seconds spent per budget group in this run.
    private var spent: [String: Double] = [:]
    /// Units a time budget left unrun in this run.
    private var overBudget = Set<Int>()
    /// Guards the state above when units run side by side (`RunOptions.jobs`); recursive because a read that rebuilds
    /// a damaged output runs that unit, which reads its own inputs.
    private let state = NSRecursiveLock()

    /// An executor over `store`, handing work to `cluster` when there is one.
    public init(store: any ArtifactStore, options: RunOptions, cluster: (any Cluster)? = nil) {
        self.store = store
        self.options = options
        self.cluster = cluster
    }

    /// Runs the plan as `Executor.execute` describes, holding the pipeline's run lock throughout.
    public func execute(_ plan: Plan, through last: StageName?, publish: (Execution) throws -> URL?) throws -> Execution
    {
        let lock = try store.acquireRunLock(pipeline: plan.pipeline, wait: options.wait)
        defer { lock.release() }
        store.removeStaleTemporaries()
        self.plan = plan
        entries = []
        changed = []
        spent = [:]
        overBudget = []
        entryIndex = [:]
        let described = plan.entries(status: { _ in nil })
        let units = plan.units(through: last)
        let toRun = units.filter { options.force || !store.isComplete(stage: $0.stage.stage, key: $0.key) }
        log("plan: \(units.count) units, \(units.count - toRun.count) cached, \(toRun.count) to run")
        let progress = RunProgress(
            stages: toRun.map(RunProgress.kind), line: ProgressLine(log: options.log), every: options.progressInterval)
        self.progress = progress
        defer {
            progress.finish()
            self.progress = nil
        }
        if options.jobs > 1 && cluster == nil {
            try executeSideBySide(units, described: described, through: last)
        } else {
            for unit in units { try step(unit, described: described, through: last) }
        }
        // Plan order, however the units finished.
        let ordered = entryIndex.sorted { $0.key < $1.key }
        entries = ordered.map { entries[$0.value] }
        entryIndex = Dictionary(uniqueKeysWithValues: ordered.enumerated().map { ($1.key, $0) })
        let lastRun = units.last { entryIndex[$0.id] != nil && !overBudget.contains($0.id) }
        var inspection: URL? = nil
        if last != nil, let unit = lastRun {
            inspection = try unit.stage.inspectAny(try read(unit), context: self)
        }
        let execution = Execution(entries: entries, inspection: inspection)
        let shown = try publish(execution)
        writeLock(plan, execution: execution, runFolder: shown)
        return execution
    }

    /// Runs one unit, or takes it from the store, or skips it (a spent time budget), and records what happened. Safe
    /// to call for units side by side: the shared state is touched under `state`, the stage runs outside it.
    private func step(_ unit: Plan.Unit, described: [LockEntry], through last: StageName?) throws {
        let stage = unit.stage
        let watch = Stopwatch()
        let folder = store.folder(stage: stage.stage, key: unit.key)
        state.lock()
        let ahead = ranAhead[unit.id]
        let stored = store.isComplete(stage: stage.stage, key: unit.key)
        let wasProvisional = stored && Provisional.isMarked(folder)
        let inputChanged = stage.inputs.contains { changed.contains($0.id) }
        let hit =
            ahead == nil && !options.force && stored && stage.isComplete(folder) && !wasProvisional && !inputChanged
        if !hit, ahead == nil, let budgeted = stage as? any BudgetedStage, let budget = budgeted.budgetSeconds,
            spent[budgeted.budgetGroup, default: 0] >= budget
        {
            // No new trial starts once the budget is spent; the choice is made from the trials that ran.
            log("\(stage.displayName): not run (the search's \(Int(budget)) s budget is spent)")
            overBudget.insert(unit.id)
            var entry = described[unit.id]
            entry.status = "skipped (budget)"
            entry.output = ""
            entryIndex[unit.id] = entries.count
            entries.append(entry)
            progress?.skip(stage: RunProgress.kind(unit))
            state.unlock()
            return
        }
        state.unlock()
        if hit {
            log("\(stage.displayName): cached (\(unit.key.prefix(12)))")
        } else if ahead != nil {
            state.withLock { _ = trusted.insert(unit.id) }
        } else if let cluster, stage is any TaskStage, !stage.inputs.contains(where: { overBudget.contains($0.id) }) {
            try runTasks(from: unit, through: last, done: Set(entryIndex.keys).union(ranAhead.keys), on: cluster)
        } else {
            let distributed = cluster != nil ? stage as? any DistributedStage : nil
            state.withLock {
                log("\(stage.displayName): running\(distributed != nil ? " on the cluster" : "") ...")
                progress?.begin(stage.displayName, stage: RunProgress.kind(unit))
                loaded[unit.id] = nil
            }
            try store.produce(stage: stage.stage, key: unit.key) { dir in
                let context = UnitContext(executor: self, unit: unit)
                if let cluster, let distributed {
                    try distributed.run(context, on: cluster, into: dir)
                } else {
                    try stage.run(context, into: dir)
                }
            }
            state.withLock {
                trusted.insert(unit.id)
                if let budgeted = stage as? any BudgetedStage {
                    spent[budgeted.budgetGroup, default: 0] += watch.seconds
                }
                progress?.end(seconds: watch.seconds)
                log("\(stage.displayName): done in \(String(format: "%.2f", watch.seconds)) s")
            }
        }
        state.lock()
        defer { state.unlock() }
        // However it ran (here, or on the cluster, ahead or now), a unit that replaced a provisional output, read a
        // changed one or is provisional itself makes the units reading it run again.
        if !hit, wasProvisional || inputChanged || Provisional.isMarked(folder) { changed.insert(unit.id) }
        var entry = described[unit.id]
        entry.status = hit ? "cached" : "run"
        entry.cached = hit
        entry.seconds = ranAhead[unit.id] ?? watch.seconds
        entry.output = folder.path
        entryIndex[unit.id] = entries.count
        entries.append(entry)
        let previous = seconds[stage.stage]
        seconds[stage.stage] = ((previous?.seconds ?? 0) + entry.seconds, (previous?.cached ?? true) && hit)
    }

    /// Runs units side by side, at most `options.jobs` at once: a unit starts once every unit it reads has finished;
    /// a unit that may not run alongside others (`Stage.runsAlongsideOthers`) waits until nothing runs and runs alone.
    /// Every unit depends only on its inputs, so outputs are those of a run one at a time; entries are put back in
    /// plan order at the end.
    private func executeSideBySide(_ units: [Plan.Unit], described: [LockEntry], through last: StageName?) throws {
        let condition = NSCondition()
        var started = Set<Int>()
        var finished = Set<Int>()
        var inFlight = 0
        var aloneRunning = false
        var failure: Error?
        let inPlan = Set(units.map(\.id))
        // One OpenBLAS thread per unit: two units' OpenBLAS threads would busy-wait against each other. Results do
        // not depend on it (products split rows, not sums; L-BFGS sums its dot products in a fixed order).
        let blasThreads = BLASThreads.count
        BLASThreads.count = 1
        defer { BLASThreads.count = blasThreads }
        condition.lock()
        defer { condition.unlock() }
        while finished.count < units.count {
            if failure != nil {
                if inFlight == 0 { break }
                condition.wait()
                continue
            }
            for unit in units where !started.contains(unit.id) {
                guard !aloneRunning, inFlight < options.jobs else { break }
                guard unit.stage.inputs.allSatisfy({ !inPlan.contains($0.id) || finished.contains($0.id) }) else {
                    continue
                }
                let alongside = unit.stage.runsAlongsideOthers
                if !alongside && inFlight > 0 { break }  // it runs alone, next, once the others are done
                started.insert(unit.id)
                inFlight += 1
                if !alongside { aloneRunning = true }
                // A thread of its own with a main-thread-sized stack (tree growing recurses).
                let thread = Thread { [self] in
                    var error: Error?
                    do { try step(unit, described: described, through: last) } catch let e { error = e }
                    condition.lock()
                    inFlight -= 1
                    finished.insert(unit.id)
                    if !alongside { aloneRunning = false }
                    if let error, failure == nil { failure = error }
                    condition.signal()
                    condition.unlock()
                }
                thread.stackSize = 8 << 20
                thread.start()
                if !alongside { break }
            }
            if finished.count < units.count { condition.wait() }
        }
        if let failure { throw failure }
    }

    /// Runs `first` and every later task unit whose inputs are done and whose output is not stored (all of them under
    /// `--force`) as one cluster job, so the cluster trains them in parallel; the loop then takes them as run.
    ///
    /// Units under a time budget (search trials) go in waves: at most the cluster's parallelism of one budget group
    /// per job, none of a group whose budget is spent, and the job's seconds count against every group in it, so no
    /// new wave of a search starts once its budget is spent (the loop skips the rest as a local run does).
    private func runTasks(from first: Plan.Unit, through last: StageName?, done: Set<Int>, on cluster: any Cluster)
        throws
    {
        let watch = Stopwatch()
        var wave: [String: Int] = [:]
        let batch = plan.units(through: last).filter { u in
            guard
                u.id >= first.id && u.stage is any TaskStage
                    && u.stage.inputs.allSatisfy({ done.contains($0.id) && !overBudget.contains($0.id) })
                    && (u.id == first.id || options.force || !store.isComplete(stage: u.stage.stage, key: u.key))
            else { return false }
            guard let budgeted = u.stage as? any BudgetedStage, let budget = budgeted.budgetSeconds else { return true }
            let group = budgeted.budgetGroup
            guard spent[group, default: 0] < budget, wave[group, default: 0] < cluster.parallelism else { return false }
            wave[group, default: 0] += 1
            return true
        }
        // Inputs from the cache are checked against their manifests (and rebuilt if damaged) before they are shipped.
        for id in Set(batch.flatMap { $0.stage.inputs.map(\.id) }) { _ = try read(plan.units[id]) }
        log("\(batch.count) task(s) from \(first.stage.displayName) on the cluster ...")
        progress?.begin(
            "\(batch.count) task(s) from \(first.stage.displayName) on the cluster", stage: RunProgress.kind(first))
        try TaskDispatch.run(batch, plan: plan, store: store, cluster: cluster, scratch: store.root)
        progress?.end(seconds: watch.seconds, units: batch.count)
        let share = watch.seconds / Double(batch.count)
        for u in batch {
            ranAhead[u.id] = share
            loaded[u.id] = nil
        }
        for group in wave.keys { spent[group, default: 0] += watch.seconds }
        log("\(batch.count) task(s) done in \(String(format: "%.2f", watch.seconds)) s")
    }

    /// Writes the executed plan as `<report.out>/textpipe.lock`, and a copy into the run folder shown.
    private func writeLock(_ plan: Plan, execution: Execution, runFolder: URL?) {
        guard var lock = plan.lock, let url = plan.lockURL else { return }
        lock.runId = runFolder?.lastPathComponent ?? ""
        lock.startedAt = ISO8601DateFormatter().string(from: startedAt)
        lock.entries = execution.entries
        lock.totalSeconds = elapsedSeconds
        lock.allCached = execution.allCached
        lock.executor = cluster?.summary ?? "local"
        do {
            try AtomicFile.write(try lock.json(), to: url)
            if let runFolder,
                !FileManager.default.fileExists(atPath: runFolder.appendingPathComponent("textpipe.lock").path)
            {
                try AtomicFile.write(try lock.json(), to: runFolder.appendingPathComponent("textpipe.lock"))
            }
        } catch { log("warning: could not write the lock file: \(error)") }
        if lock.allCached { log("nothing changed: every stage was cached") }
    }

    /// The output of a unit of the plan being executed, loaded once and kept. While a unit runs, only the inputs it
    /// declares can be read.
    public func read<T>(_ input: Input<T>) throws -> T {
        guard input.id < plan.units.count, plan.units[input.id].key == input.key else {
            throw TextpipeError(.internal, "a stage read a unit that is not in the plan being executed")
        }
        guard let value = try read(plan.units[input.id]) as? T else {
            throw TextpipeError(.internal, "\(plan.units[input.id].stage.displayName) has an output of another type")
        }
        return value
    }

    /// The output of an earlier unit, or nil when a time budget left it unrun.
    public func readIfAvailable<T>(_ input: Input<T>) -> T? {
        state.withLock { overBudget.contains(input.id) } ? nil : try? read(input)
    }

    private func read(_ unit: Plan.Unit) throws -> Any {
        state.lock()
        defer { state.unlock() }
        if let value = loaded[unit.id] { return value }
        // A cached output is checked against its manifest before anything reads it; a damaged one is rebuilt, never
        // trusted (its inputs were executed earlier in this run).
        if !trusted.contains(unit.id) {
            if let problem = store.damage(stage: unit.stage.stage, key: unit.key) {
                log("\(unit.stage.displayName): the cached output is damaged (\(problem)); running it again")
                let watch = Stopwatch()
                try store.produce(stage: unit.stage.stage, key: unit.key) { dir in
                    try unit.stage.run(UnitContext(executor: self, unit: unit), into: dir)
                }
                if let i = entryIndex[unit.id] {
                    entries[i].status = "rebuilt"
                    entries[i].cached = false
                    entries[i].seconds += watch.seconds
                }
            }
            trusted.insert(unit.id)
        }
        let value = try unit.stage.readAny(store.folder(stage: unit.stage.stage, key: unit.key))
        loaded[unit.id] = value
        return value
    }

    /// Seconds per stage so far, in stage order, and whether all of a stage's units came from the cache.
    public var stageTimings: [StageTiming] {
        state.lock()
        defer { state.unlock() }
        return StageName.allCases.compactMap { s in
            seconds[s].map { StageTiming(stage: s.rawValue, seconds: $0.seconds, cached: $0.cached) }
        }
    }

    /// The units of the plan being executed.
    var plannedUnits: [Plan.Unit] { plan.units }

    /// Seconds since the executor was made.
    public var elapsedSeconds: Double { clock.seconds }
    /// The store's folder.
    public var workFolder: URL { store.root }
    /// Writes a progress line to the run's log.
    public func log(_ line: String) {
        state.lock()
        defer { state.unlock() }
        progress?.clearLiveLine()
        options.log(line)
    }
}

/// What a running unit sees of the executor: the same reads, but only of the inputs it declares (what its cache key
/// hashes and a cluster ships with it), so a stage reading anything else fails here as it would on a cluster.
final class UnitContext: StageContext {
    let executor: LocalExecutor
    let unit: Plan.Unit

    init(executor: LocalExecutor, unit: Plan.Unit) {
        self.executor = executor
        self.unit = unit
    }

    func read<T>(_ input: Input<T>) throws -> T {
        try check(input)
        return try executor.read(input)
    }

    func readIfAvailable<T>(_ input: Input<T>) -> T? {
        (try? check(input)) == nil ? nil : executor.readIfAvailable(input)
    }

    private func check<T>(_ input: Input<T>) throws {
        guard unit.stage.inputs.contains(where: { $0.id == input.id }) else {
            let name =
                input.id < executor.plannedUnits.count
                ? executor.plannedUnits[input.id].stage.displayName : "unit \(input.id)"
            throw TextpipeError(
                .internal,
                "\(unit.stage.displayName) read \(name), which is not among its declared inputs (its cache key would "
                    + "not cover it, and a cluster would not ship it)")
        }
    }

    var options: RunOptions { executor.options }
    var stageTimings: [StageTiming] { executor.stageTimings }
    var startedAt: Date { executor.startedAt }
    var elapsedSeconds: Double { executor.elapsedSeconds }
    var workFolder: URL { executor.workFolder }
    func log(_ line: String) { executor.log(line) }
}
