import Foundation
import FuzzTargets
import TestSupport
import Testing

/// The fuzzing harness on its seed corpus (every seed must be read: a harness that refuses everything fuzzes
/// nothing) and on every input a fuzzing run crashed on, kept under `fuzz/regressions/<target>/` once fixed.
@Suite struct FuzzRegressionTests {
    static let fuzz = TestSupport.projectRoot.appendingPathComponent("fuzz")

    func files(_ folder: String, _ target: String) -> [URL] {
        let dir = Self.fuzz.appendingPathComponent("\(folder)/\(target)")
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
            .map { dir.appendingPathComponent($0) }
    }

    @Test(arguments: FuzzTargets.names) func seedsAreReadAndCrashesStayFixed(_ target: String) throws {
        let seeds = files("corpus", target)
        #expect(!seeds.isEmpty, "fuzz/corpus/\(target) has no seeds")
        for seed in seeds {
            #expect(
                FuzzTargets.run(target, try Data(contentsOf: seed)) == true,
                "seed \(seed.lastPathComponent) was refused")
        }
        for input in files("regressions", target) {
            // Not crashing is the test; each file's name says what it once did.
            #expect(FuzzTargets.run(target, try Data(contentsOf: input)) != nil)
        }
    }

    @Test func unknownTargetsAreNamed() {
        #expect(FuzzTargets.run("nope", Data()) == nil)
    }
}
