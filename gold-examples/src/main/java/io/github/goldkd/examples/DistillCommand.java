package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.TaskJson;
import io.github.goldkd.examples.report.ReportWriter;
import io.github.goldkd.llm.OllamaChatModel;
import io.github.goldkd.llm.OpenAiChatModel;
import io.github.goldkd.llm.llamacpp.LlamaCppChatModel;
import io.github.goldkd.ood.OodScores;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gold distill}: one GOLD run (or the no-feedback baseline) on any task with any teacher. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Generate data for a task with a teacher and distil a student (GOLD, or the baseline).")
final class DistillCommand implements Callable<Integer> {

    @Option(names = "--task", required = true, description = "Task file (JSON).")
    Path task;

    @Option(names = "--teacher", required = true,
            description = "corpus (offline simulation; needs --pool), openai, ollama or llamacpp.")
    String teacher;

    @Option(names = "--pool", description = "Labelled file the corpus teacher answers from (JSONL, CSV or TSV).")
    Path pool;

    @Option(names = "--base-url", description = "Server URL for openai/ollama (default: the provider's).")
    String baseUrl;

    @Option(names = "--model", description = "Model name for openai/ollama.")
    String model;

    @Option(names = "--model-file", description = "GGUF file for llamacpp.")
    Path modelFile;

    @Option(names = "--api-key-env", description = "Environment variable holding the API key (default: OPENAI_API_KEY "
            + "for openai; none for local servers).")
    String apiKeyEnv;

    @Option(names = "--rounds", description = "Rounds (default: ${DEFAULT-VALUE}).")
    int rounds = 375;

    @Option(names = "--batch-size", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--update-every", description = "Student update period in rounds (default: ${DEFAULT-VALUE}).")
    int updateEvery = 25;

    @Option(names = "--final-epochs", description = "Final student's epochs (default: ${DEFAULT-VALUE}).")
    int finalEpochs = 5;

    @Option(names = "--feedback", description = "on (GOLD) or off (no probes: the ZeroGen-style baseline with the "
            + "same number of generated samples) (default: ${DEFAULT-VALUE}).")
    String feedback = "on";

    @Option(names = "--student", description = "bag, cnn or encoder (default: ${DEFAULT-VALUE}).")
    String student = "bag";

    @Option(names = "--test", description = "Labelled test file; its accuracy goes into summary.json and the report.")
    Path test;

    @Option(names = "--seed", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--out", description = "Run directory (default: runs/<task>-<time>; required with --resume).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out after its last completed round.")
    boolean resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        FeedbackMode mode = switch (feedback.toLowerCase(Locale.ROOT)) {
            case "on" -> FeedbackMode.ON;
            case "off" -> FeedbackMode.OFF_NO_PROBES;
            default -> throw usage("--feedback must be on or off, was '" + feedback + "'");
        };
        StudentChoice choice;
        try {
            choice = StudentChoice.parse(student);
        } catch (IllegalArgumentException e) {
            throw usage(e.getMessage());
        }
        if (!Files.isRegularFile(task)) {
            throw usage("--task file not found: " + task);
        }
        if (resume && out == null) {
            throw usage("--resume needs --out DIR, the run to continue");
        }
        if (out == null) {
            out = Path.of("runs", task.getFileName().toString().replaceFirst("\\.json$", "") + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (resume && !Files.exists(out.resolve(RunStore.CONFIG))) {
            throw usage("--resume: no run in " + out);
        }
        Task t = TaskJson.read(task);
        Dataset testSet = test == null ? null : GlueFiles.loader(test, t).read(test);
        Generator gen = teacher(t);
        Experiment.Outcome o;
        try {
            o = Experiment.run(t, gen, choice.factory(), testSet, out, resume,
                    b -> b.oodScorer(OodScores.energy(1.0)).rounds(rounds).batchSize(batchSize)
                            .updateStudentEvery(updateEvery).finalEpochs(finalEpochs).feedbackMode(mode).seed(seed));
        } finally {
            if (gen instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    spec.commandLine().getErr().println("gold: warning: closing the teacher failed: " + e.getMessage());
                }
            }
        }
        o.summary(seed, choice.cliName()).put("teacher", teacher).put("feedback", feedback).write(out);
        PrintWriter w = spec.commandLine().getOut();
        if (testSet != null && !testSet.isEmpty()) {
            ReportWriter.write(out, "GOLD run: " + t.name(), List.of(new ReportWriter.RunView(
                    mode == FeedbackMode.ON ? "GOLD" : "no feedback", RunStore.read(out), o.result().student(),
                    o.testScore())), testSet, OodScores.energy(1.0));
            o.testScores().forEach((name, value) -> w.printf(Locale.ROOT, "test %s %.4f%n", name, value));
        }
        w.printf(Locale.ROOT, "%d samples generated in %d rounds, %.1f s; run directory %s%n",
                o.result().dataset().size(), o.result().rounds().size(), o.seconds(), out);
        if (!o.result().completed()) {
            w.println("stopped early: " + o.result().stopReason());
        }
        return 0;
    }

    private Generator teacher(Task t) {
        // The request cache lives in the run directory: a repeated or resumed run pays nothing twice.
        Path cache = out.resolve("request-cache.jsonl");
        switch (teacher.toLowerCase(Locale.ROOT)) {
            case "corpus":
                if (pool == null) {
                    throw usage("--teacher corpus needs --pool FILE");
                }
                return Teachers.corpus(t, GlueFiles.loader(pool, t).read(pool));
            case "openai": {
                OpenAiChatModel.Builder b = OpenAiChatModel.builder().modelName(required(model, "--model"));
                if (baseUrl != null) {
                    b.baseUrl(baseUrl);
                }
                String keyVar = apiKeyEnv != null ? apiKeyEnv
                        : System.getenv("OPENAI_API_KEY") != null ? "OPENAI_API_KEY" : null;
                if (keyVar != null) {
                    b.apiKeyFromEnv(keyVar);
                }
                return Teachers.llm(b.build(), cache);
            }
            case "ollama": {
                OllamaChatModel.Builder b = OllamaChatModel.builder().modelName(required(model, "--model"));
                if (baseUrl != null) {
                    b.baseUrl(baseUrl);
                }
                return Teachers.llm(b.build(), cache);
            }
            case "llamacpp": {
                if (modelFile == null) {
                    throw usage("--teacher llamacpp needs --model-file PATH (a GGUF file)");
                }
                if (!Files.isRegularFile(modelFile)) {
                    throw usage("--model-file not found: " + modelFile);
                }
                // Closed with the generator; the binding keeps the JVM alive, so GoldCli ends with System.exit.
                return Teachers.llm(LlamaCppChatModel.builder().modelPath(modelFile).build(), cache);
            }
            default:
                throw usage("--teacher must be corpus, openai, ollama or llamacpp, was '" + teacher + "'");
        }
    }

    private String required(String value, String option) {
        if (value == null || value.isBlank()) {
            throw usage("--teacher " + teacher + " needs " + option);
        }
        return value;
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
