package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.metric.Metrics;
import io.github.goldkd.student.StudentException;
import io.github.goldkd.student.Students;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code gold eval}: the accuracy of a run's final student on a labelled test file. */
@Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a run's final student on a test file.")
final class EvalCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "Run directory (holding student.bin).")
    Path model;

    @Option(names = "--test", required = true, description = "Labelled test file (JSONL, CSV or TSV).")
    Path test;

    @Option(names = "--out", description = "Where to write summary.json (default: a directory eval-<test> in --model).")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path studentFile = model.resolve(RunStore.FINAL_STUDENT);
        if (!Files.isRegularFile(studentFile)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model: no final student in " + model
                    + " (expected " + RunStore.FINAL_STUDENT + ")");
        }
        if (!Files.isRegularFile(test)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--test file not found: " + test);
        }
        long start = System.nanoTime();
        // The student file records its kind: no need to know which student the run trained.
        Student student;
        try {
            student = Students.load(studentFile);
        } catch (StudentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--model: " + e.getMessage());
        }
        String studentName = StudentChoice.ofStudent(student).map(StudentChoice::cliName)
                .orElse(student.getClass().getName());
        Dataset data = ShippedTasks.read(student.task(), test);
        if (data.isEmpty()) {
            throw new GoldException("--test " + test + " holds no labelled samples");
        }
        RunStore.StoredRun run = RunStore.read(model);
        Metric metric = Metrics.byName(run.config().metric());
        Map<String, Double> scores = Metrics.scoreAll(student, data, Experiment.metrics(metric, student.task().kind()));
        double seconds = (System.nanoTime() - start) / 1e9;
        Path dir = out != null ? out : model.resolve("eval-" + test.getFileName().toString().replaceAll("\\W+", "-"));
        new Summary().putScores(metric.name(), scores, student.task().kind()).put("testSamples", data.size()).put("generatedSamples", 0)
                .put("requests", 0).put("promptTokens", 0).put("completionTokens", 0).put("seconds", seconds)
                .put("seed", run.config().seed()).put("student", studentName).put("model", model.toString())
                .write(dir);
        scores.forEach((name, value) -> spec.commandLine().getOut().printf(Locale.ROOT, "test %s %.4f on %d samples%n",
                name, value, data.size()));
        return 0;
    }
}
