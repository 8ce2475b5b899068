import ArgumentParser
import Foundation
import Pipeline
import TextCore

/// `textpipe spark SPEC --master URL`: the same run, its data-parallel units and training tasks on Apache Spark.
struct SparkCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "spark",
        abstract: "Run a pipeline spec on an Apache Spark cluster: same plan, cache, report, lock file and latest.",
        discussion: """
            textpipe stays the driver of the plan; `spark-submit` starts textpipe's JVM driver (spark/, built by \
            `make spark`), which ships this binary to the executors and pipes partitions of records through \
            `textpipe stream ...` there. Clean, tokenize, n-gram featurize and BERT encoding run on the executors \
            (statistics merged \
            here), training units run as tasks; evaluation and the report are assembled here. A lost executor's \
            tasks are retried by Spark. Executors need the libraries this binary links (libxml2, OpenBLAS; a release \
            build with --static-swift-stdlib needs no Swift).
            """)

    @OptionGroup var arguments: RunArguments
    @Option(help: "Spark master: spark://HOST:PORT, local[N], yarn, k8s://...") var master: String
    @Option(help: "Executors (standalone: total cores) to ask for.") var executors: Int?
    @Option(help: "The spark-submit script (default: the one `make spark` installs under spark/.venv).")
    var sparkSubmit: String?
    @Option(help: "The driver jar (default: spark/build/textpipe-spark.jar).") var jar: String?
    @Option(help: "The textpipe binary shipped to executors (default: this one).") var binary: String?
    @Option(help: "Extra Spark settings, key=value (repeatable).") var conf: [String] = []

    func run() throws {
        try arguments.run { spec, options in
            let project = options.root
            let submit =
                sparkSubmit.map { URL(fileURLWithPath: $0) }
                ?? ProcessInfo.processInfo.environment["SPARK_HOME"].map {
                    URL(fileURLWithPath: $0).appendingPathComponent("bin/spark-submit")
                }
                ?? SparkCommand.installedSparkSubmit(in: project)
            var settings = SparkCluster.Settings(
                master: master, sparkSubmit: submit,
                jar: jar.map { URL(fileURLWithPath: $0) }
                    ?? project.appendingPathComponent("spark/build/textpipe-spark.jar"),
                binary: binary.map { URL(fileURLWithPath: $0) }
                    ?? URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath(),
                executors: executors)
            settings.configuration = conf
            let work = options.resolve(spec.workDirectory).appendingPathComponent(spec.name)
            return try SparkCluster(settings, workFolder: work, log: options.log)
        }
    }

    /// `spark/.venv/lib/python3.X/site-packages/pyspark/bin/spark-submit` under the project.
    static func installedSparkSubmit(in project: URL) -> URL {
        let lib = project.appendingPathComponent("spark/.venv/lib")
        let python = (try? FileManager.default.contentsOfDirectory(atPath: lib.path))?.sorted().last {
            $0.hasPrefix("python")
        }
        return lib.appendingPathComponent("\(python ?? "python3")/site-packages/pyspark/bin/spark-submit")
    }
}
