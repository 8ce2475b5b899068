import Foundation
import TextCore

/// Progress of a run over its plan: units done of the units to run, the unit running and for how long, time elapsed
/// and an estimate of the time left. A timer reports while a unit runs, so a long unit (a CRF, a learning curve, a
/// search) is never silent: on a terminal one live line rewritten four times a second, otherwise (cron) a timestamped
/// line every 10 seconds. Nothing under `--quiet`.
///
/// The time left is the sum, over the units still to run, of the mean seconds of the finished units of their kind
/// (`RunProgress.kind`: the stage and what part of it, such as `evaluate learning curve`; all finished units for a
/// kind not yet seen), less the time the running unit has already taken.
final class RunProgress: @unchecked Sendable {
    private let line: ProgressLine
    private let lock = NSLock()
    private let clock = Stopwatch()
    private var timer: DispatchSourceTimer?
    /// Stages of the units still to run, in order (the running one first while it runs).
    private var pending: [String]
    private let total: Int
    private var done = 0
    private var running: (name: String, stage: String, watch: Stopwatch)?
    private var secondsByStage: [String: (sum: Double, count: Int)] = [:]
    private var liveLineShown = false
    private let interval: Double

    /// Progress over units of these kinds (the ones that will run, in order), reported every `every` seconds off a
    /// terminal (default 10).
    init(stages: [String], line: ProgressLine, every: Double? = nil) {
        self.line = line
        interval = line.interactive ? line.interval : max(0.05, every ?? line.interval)
        pending = stages
        total = stages.count
    }

    deinit { timer?.cancel() }

    /// A unit starts: reports follow every `interval` seconds until it ends.
    func begin(_ name: String, stage: String) {
        lock.withLock { running = (name, stage, Stopwatch()) }
        guard total > 0, timer == nil else { return }
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        t.schedule(deadline: .now() + interval, repeating: interval)
        t.setEventHandler { [weak self] in self?.tick() }
        t.resume()
        timer = t
    }

    /// The running unit ended after `seconds`; `units` > 1 when it was a cluster job running that many units of its
    /// stage.
    func end(seconds: Double, units: Int = 1) {
        lock.withLock {
            guard let r = running else { return }
            let s = secondsByStage[r.stage] ?? (0, 0)
            secondsByStage[r.stage] = (s.sum + seconds, s.count + units)
            for _ in 0..<units {
                if let i = pending.firstIndex(of: r.stage) { pending.remove(at: i) }
            }
            done = min(total, done + units)
            running = nil
        }
    }

    /// A unit of kind `stage` that will not run after all (a search trial past its budget).
    func skip(stage: String) {
        lock.withLock {
            if let i = pending.firstIndex(of: stage) { pending.remove(at: i) }
            done = min(total, done + 1)
        }
    }

    /// The run is over: the timer stops and a live line is closed.
    func finish() {
        timer?.cancel()
        timer = nil
        lock.withLock {
            if liveLineShown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            liveLineShown = false
        }
    }

    /// Clears a live line before an ordinary log line is written under it.
    func clearLiveLine() {
        lock.withLock {
            if liveLineShown && !StandardError.quiet { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            liveLineShown = false
        }
    }

    /// What a unit's time is estimated from: its stage and part without numbers (`train fold`, `evaluate
    /// learning curve`).
    /// With the classifier (`train fold|linear_svm`) when the unit has one: a decision tree's folds are estimated from
    /// its own first fold, before that from all units of the kind.
    static func kind(_ unit: Plan.Unit) -> String {
        let kind = unit.stage.stage.rawValue + " " + String((unit.stage.part ?? "").filter { !$0.isNumber })
        guard let model = unit.stage.unit, let plus = model.range(of: " + ") else { return kind }
        return kind + "|" + model[plus.upperBound...]
    }

    /// The report as one line: `[3/40] train [ngram + linear_svm] fold 2 · 0:42 · elapsed 3:10 · about 2:30 left`.
    func describe() -> String? {
        lock.withLock {
            guard let r = running else { return nil }
            var text = "[\(done + 1)/\(total)] \(r.name) · running \(Self.clock(r.watch.seconds))"
            text += " · elapsed \(Self.clock(clock.seconds))"
            if let left = secondsLeft(runningFor: r.watch.seconds) { text += " · about \(Self.clock(left)) left" }
            return text
        }
    }

    private func secondsLeft(runningFor current: Double) -> Double? {
        let all = secondsByStage.values.reduce((0.0, 0)) { ($0.0 + $1.sum, $0.1 + $1.count) }
        guard all.1 > 0 else { return nil }
        let overall = all.0 / Double(all.1)
        var byKind: [Substring: (sum: Double, count: Int)] = [:]
        for (key, v) in secondsByStage {
            let kind = key.split(separator: "|", maxSplits: 1).first ?? Substring(key)
            let s = byKind[kind] ?? (0, 0)
            byKind[kind] = (s.sum + v.sum, s.count + v.count)
        }
        let estimate = pending.reduce(0.0) { sum, key in
            let kind = key.split(separator: "|", maxSplits: 1).first ?? Substring(key)
            return sum
                + (secondsByStage[key].map { $0.sum / Double($0.count) } ?? byKind[kind].map {
                    $0.sum / Double($0.count)
                }
                    ?? overall)
        }
        return max(0, estimate - current)
    }

    private func tick() {
        guard let text = describe() else { return }
        lock.withLock { liveLineShown = line.interactive }
        line.show(text, done: false)
    }

    /// `42 s`, `3:10`, `1:02:03`.
    static func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return String(format: "%d:%02d", s / 60, s % 60) }
        return String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
    }
}
