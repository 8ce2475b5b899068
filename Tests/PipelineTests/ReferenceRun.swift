import Foundation
import Report
import TestSupport
import Testing

/// Runs a reference spec of `Fixtures/<folder>/<spec>` with the release binary in a fresh project whose `data/cache`
/// (and `models`) are the repository's, and returns its run's metrics: what every comparison with an outside
/// reference (scikit-learn, fastText) starts from.
func referenceRun(_ folder: String, spec: String, pipeline: String) throws -> (report: RunReport, fixtures: URL) {
    let binary = try #require(TestSupport.releaseExecutable, "\(TestSupport.releaseExecutableProblem)")
    let root = TestSupport.temporaryDirectory("\(folder)-reference")
    for shared in ["data/cache", "models"] {
        let target = TestSupport.projectRoot.appendingPathComponent(shared)
        let link = root.appendingPathComponent(shared)
        try FileManager.default.createDirectory(at: target, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: link.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(at: link, withDestinationURL: target)
    }
    let fixtures = TestSupport.projectRoot.appendingPathComponent("Tests/PipelineTests/Fixtures/\(folder)")
    let r = try TestSupport.runTextpipe(
        ["run", fixtures.appendingPathComponent(spec).path, "--root", root.path, "--quiet"], in: root,
        executable: binary)
    #expect(r.status == 0, "\(r.err.suffix(2000))")
    let metrics = root.appendingPathComponent("reports/\(pipeline)/latest/metrics.json")
    return (try RunReport.decode(Data(contentsOf: metrics)), fixtures)
}
