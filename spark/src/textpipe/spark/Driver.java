package textpipe.spark;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * textpipe's Spark driver: a thin loop that runs the jobs the textpipe process on the driver machine asks for.
 *
 * <p>textpipe keeps the plan, the cache and the report; this program only turns each job into
 * {@code parallelize(records, partitions).mapPartitions(pipe through textpipe stream ...).collect()} and writes the
 * results, in partition order, where textpipe reads them. Spark schedules the partitions on the executors, ships the
 * binary and the job's files to them ({@code addFile}) and retries a task that fails or whose executor is lost.
 *
 * <p>Protocol, one line per message on standard input and output: {@code job TAB id TAB input TAB output TAB
 * partitions TAB files TAB arguments...} in; {@code @@textpipe ready N}, {@code @@textpipe done ID} or
 * {@code @@textpipe failed ID REASON} out; {@code quit} stops the application.
 */
public final class Driver {
    private Driver() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            System.err.println("usage: spark-submit --class textpipe.spark.Driver textpipe-spark.jar TEXTPIPE_BINARY");
            System.exit(2);
        }
        File binary = new File(args[0]).getAbsoluteFile();
        JavaSparkContext sc = new JavaSparkContext(new SparkConf().setIfMissing("spark.app.name", "textpipe"));
        sc.setLogLevel("WARN");
        sc.addFile(binary.getPath());
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, "UTF-8");
        out.println("@@textpipe ready " + sc.defaultParallelism());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Set<String> shipped = new HashSet<>();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.equals("quit")) {
                break;
            }
            String[] f = line.split("\t", -1);
            String id = f.length > 1 ? f[1] : "?";
            try {
                if (f.length < 7 || !f[0].equals("job")) {
                    throw new IllegalArgumentException("not a job line");
                }
                for (String file : f[5].isEmpty() ? new String[0] : f[5].split(",")) {
                    if (shipped.add(file)) {
                        sc.addFile(file);
                    }
                }
                List<String> records = Files.readAllLines(Paths.get(f[2]), StandardCharsets.UTF_8);
                int partitions = Math.max(1, Math.min(Integer.parseInt(f[4]), Math.max(1, records.size())));
                String[] arguments = Arrays.copyOfRange(f, 6, f.length);
                sc.setJobDescription("textpipe " + String.join(" ", Arrays.copyOf(arguments, Math.min(2, arguments.length))));
                List<String> results = sc.parallelize(records, partitions)
                        .mapPartitions(new PipeThroughTextpipe(binary.getName(), arguments))
                        .collect();
                Files.write(Paths.get(f[3] + ".part"), results, StandardCharsets.UTF_8);
                Files.move(Paths.get(f[3] + ".part"), Paths.get(f[3]), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                out.println("@@textpipe done " + id);
            } catch (Exception e) {
                String reason = String.valueOf(e.getMessage()).replace('\n', ' ').replace('\t', ' ');
                out.println("@@textpipe failed " + id + " " + e.getClass().getSimpleName() + ": "
                        + reason.substring(0, Math.min(reason.length(), 2000)));
            }
        }
        sc.stop();
    }

    /** Runs one partition through the shipped textpipe binary: records on its standard input, results from its output. */
    static final class PipeThroughTextpipe implements FlatMapFunction<Iterator<String>, String> {
        private static final long serialVersionUID = 1L;
        private final String binaryName;
        private final String[] arguments;

        PipeThroughTextpipe(String binaryName, String[] arguments) {
            this.binaryName = binaryName;
            this.arguments = arguments;
        }

        @Override
        public Iterator<String> call(Iterator<String> records) throws Exception {
            File executable = new File(SparkFiles.get(binaryName));
            if (!executable.canExecute() && !executable.setExecutable(true)) {
                throw new IOException("cannot make " + executable + " executable");
            }
            List<String> command = new ArrayList<>();
            command.add(executable.getPath());
            command.addAll(Arrays.asList(arguments));
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("TEXTPIPE_FILES", SparkFiles.getRootDirectory());
            builder.redirectError(ProcessBuilder.Redirect.INHERIT);
            Process process = builder.start();
            IOException[] writeFailure = new IOException[1];
            Thread writer = new Thread(() -> {
                try (BufferedWriter w = new BufferedWriter(
                        new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8), 1 << 20)) {
                    while (records.hasNext()) {
                        w.write(records.next());
                        w.write('\n');
                    }
                } catch (IOException e) {
                    writeFailure[0] = e;
                }
            });
            writer.start();
            List<String> results = new ArrayList<>();
            try (BufferedReader r = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 20)) {
                String line;
                while ((line = r.readLine()) != null) {
                    results.add(line);
                }
            }
            writer.join();
            int status = process.waitFor();
            if (status != 0) {
                throw new IOException("textpipe " + String.join(" ", Arrays.copyOf(arguments, Math.min(2, arguments.length)))
                        + " exited with status " + status + " (its standard error is in the executor's log)");
            }
            if (writeFailure[0] != null) {
                throw writeFailure[0];
            }
            return results.iterator();
        }
    }
}
