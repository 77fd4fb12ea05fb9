package io.github.goldkd.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.io.TaskJson;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Smoke tests of every command with tiny settings, exit codes, and resume after SIGKILL. */
class GoldCliTest {

    @TempDir
    static Path data;

    static Path task;
    static Path pool;
    static Path test;

    @BeforeAll
    static void smallFiles() {
        task = writeSentimentFiles(data, 400, 200);
        pool = data.resolve(POOL);
        test = data.resolve(TEST);
    }

    static final String POOL = "pool.jsonl";
    static final String TEST = "test.jsonl";

    /**
     * Writes the shipped sentiment task, the first {@code poolSize} of its shuffled pool and the first
     * {@code testSize} of its shuffled test set into {@code dir} (as {@link #POOL} and {@link #TEST}), small so
     * that a CLI test distills in seconds; returns the task file.
     */
    static Path writeSentimentFiles(Path dir, int poolSize, int testSize) {
        Path taskFile = dir.resolve("task.json");
        TaskJson.write(taskFile, ShippedData.sentimentTask());
        SampleJson.write(dir.resolve(POOL), ShippedData.sentimentPool().shuffle(1).head(poolSize));
        SampleJson.write(dir.resolve(TEST), ShippedData.sentimentTest().shuffle(2).head(testSize));
        return taskFile;
    }

    /** What one in-process {@code gold} command returned and printed. */
    record Run(int status, String out, String err) {
    }

    static Run gold(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GoldCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    static Run gold(List<String> args) {
        return gold(args.toArray(String[]::new));
    }

    private static List<String> distillArgs(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of("distill", "--task", task.toString(), "--teacher", "corpus",
                "--pool", pool.toString(), "--test", test.toString(), "--student", "bag", "--rounds", "6",
                "--batch-size", "8", "--update-every", "2", "--final-epochs", "2", "--seed", "5", "--out",
                out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void distillWritesTheRunSummaryAndReportThenEvalReadsIt(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        Run r = gold(distillArgs(out).toArray(String[]::new));
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("test accuracy");
        JsonObject summary = json(out.resolve("summary.json"));
        for (String key : List.of("testAccuracy", "generatedSamples", "requests", "promptTokens", "completionTokens",
                "seconds", "seed")) {
            assertThat(summary.has(key)).as(key).isTrue();
        }
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(6 * 16);
        assertThat(summary.get("testAccuracy").getAsDouble()).isBetween(0.0, 1.0);
        // the task-agnostic names beside it: the run's metric, its value, every metric of the kind by name
        assertThat(summary.get("metric").getAsString()).isEqualTo("accuracy");
        assertThat(summary.get("testScore").getAsDouble()).isEqualTo(summary.get("testAccuracy").getAsDouble());
        assertThat(summary.getAsJsonObject("testScores").keySet()).containsExactly("accuracy");
        String report = Files.readString(out.resolve("report.md"));
        assertThat(report).contains("| test accuracy |");
        // what was fed back is shown with what the teacher wrote in the round after it
        io.github.goldkd.core.RunStore.StoredRun stored = io.github.goldkd.core.RunStore.read(out);
        io.github.goldkd.core.Selection first = stored.selections().stream()
                .filter(sel -> !sel.selectedIds().isEmpty()).findFirst().orElseThrow();
        io.github.goldkd.core.Sample fedBack = stored.samples().samples().stream()
                .filter(x -> x.id().equals(first.selectedIds().get(0))).findFirst().orElseThrow();
        assertThat(report).contains("## What was fed back, and what the teacher wrote next")
                .contains("Round " + first.round() + ", fed back").contains("Written in round " + (first.round() + 1))
                .contains(fedBack.text().substring(0, Math.min(40, fedBack.text().length())));
        assertThat(out.resolve("pca.png")).exists();
        assertThat(Files.size(out.resolve("scores-gold.png"))).isGreaterThan(1000);

        Run eval = gold("eval", "--model", out.toString(), "--test", test.toString(), "--out",
                tmp.resolve("eval").toString());
        assertThat(eval.status()).as(eval.err()).isZero();
        JsonObject evaluated = json(tmp.resolve("eval/summary.json"));
        assertThat(evaluated.get("testAccuracy").getAsDouble()).isEqualTo(summary.get("testAccuracy").getAsDouble());
        assertThat(evaluated.get("metric").getAsString()).isEqualTo("accuracy");
        assertThat(evaluated.get("testScore").getAsDouble()).isEqualTo(summary.get("testScore").getAsDouble());
    }

    @Test
    void distillWithAnInProcessLlamaCppTeacher(@TempDir Path tmp) throws Exception {
        Path model = io.github.goldkd.llm.llamacpp.TinyGguf.builder().seed(3).build().write(tmp.resolve("tiny.gguf"));
        Path out = tmp.resolve("llama-run");
        Run r = gold("distill", "--task", task.toString(), "--teacher", "llamacpp", "--model-file", model.toString(),
                "--student", "bag", "--rounds", "2", "--batch-size", "2", "--update-every", "1", "--final-epochs", "1",
                "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonObject summary = json(out.resolve("summary.json"));
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(2 * 4);
        assertThat(summary.get("requests").getAsLong()).isGreaterThanOrEqualTo(8);
        assertThat(summary.get("completionTokens").getAsLong()).isPositive();
        assertThat(RunStore.read(out).samples().samples()).allSatisfy(s ->
                assertThat(s.label()).isIn("negative", "positive"));
        assertThat(out.resolve("request-cache.jsonl")).exists();
    }

    @Test
    void usageErrorsExitWithTwoAndOneLineNamingTheOption(@TempDir Path tmp) {
        Run missing = gold("distill", "--teacher", "corpus");
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err().strip()).contains("--task").doesNotContain("\tat ");
        assertThat(missing.err().strip().lines()).hasSize(1);

        List<String> gpt = distillArgs(tmp.resolve("x"));
        gpt.set(gpt.indexOf("bag"), "gpt");
        Run badStudent = gold(gpt.toArray(String[]::new));
        assertThat(badStudent.status()).isEqualTo(2);
        assertThat(badStudent.err().strip()).isEqualTo(
                "gold: --student must be one of bag, cnn, encoder, cross, span-qa, seq2seq, was 'gpt' (see 'gold distill --help')");

        List<String> zero = distillArgs(tmp.resolve("y"));
        zero.set(zero.indexOf("--rounds") + 1, "0");
        Run badRounds = gold(zero.toArray(String[]::new));
        assertThat(badRounds.status()).isEqualTo(2);
        assertThat(badRounds.err().strip())
                .isEqualTo("gold: --rounds must be in [1, 1000000], was 0 (see 'gold distill --help')");

        Run notANumber = gold("bench", "ablation", "--seeds", "many");
        assertThat(notANumber.status()).isEqualTo(2);
        assertThat(notANumber.err()).contains("--seeds");

        Run resumeWithoutOut = gold("distill", "--task", task.toString(), "--teacher", "corpus", "--pool",
                pool.toString(), "--resume");
        assertThat(resumeWithoutOut.status()).isEqualTo(2);
        assertThat(resumeWithoutOut.err().strip())
                .isEqualTo("gold: --resume needs --out DIR, the run to continue (see 'gold distill --help')");

        Run noCommand = gold();
        assertThat(noCommand.status()).isEqualTo(2);
    }

    @Test
    void timeoutIsValidatedAndSetsTheHttpTeachersCallTimeout(@TempDir Path tmp) throws Exception {
        Run zero = gold("distill", "--task", task.toString(), "--teacher", "openai", "--model", "m", "--timeout", "0",
                "--out", tmp.resolve("zero").toString());
        assertThat(zero.status()).isEqualTo(2);
        assertThat(zero.err().strip())
                .isEqualTo("gold: --timeout must be in [1, 86400] seconds, was 0 (see 'gold distill --help')");
        Run corpus = gold(distillArgs(tmp.resolve("corpus"), "--timeout", "5").toArray(String[]::new));
        assertThat(corpus.status()).isEqualTo(2);
        assertThat(corpus.err()).contains("--timeout does not apply to --teacher corpus (it takes --pool)");
        // The help's default is the clients' own.
        assertThat(io.github.goldkd.llm.OpenAiChatModel.builder().modelName("m").build().describe())
                .containsEntry("callTimeoutMs", 1000L * TeacherOptions.DEFAULT_TIMEOUT_SECONDS);

        Path out = tmp.resolve("run");
        try (mockwebserver3.MockWebServer server = new mockwebserver3.MockWebServer()) {
            server.setDispatcher(new mockwebserver3.Dispatcher() {
                @Override
                public mockwebserver3.MockResponse dispatch(mockwebserver3.RecordedRequest r) {
                    return LlmTeacherRunTest.answer(r);
                }
            });
            server.start();
            Run r = gold("distill", "--task", task.toString(), "--teacher", "openai", "--base-url",
                    server.url("/v1").toString(), "--model", "mock", "--timeout", "7", "--student", "bag", "--rounds",
                    "1", "--batch-size", "2", "--update-every", "1", "--final-epochs", "1", "--out", out.toString());
            assertThat(r.status()).as(r.err()).isZero();
        }
        JsonObject chatModel = json(out.resolve(RunStore.PROVENANCE)).getAsJsonObject("components")
                .getAsJsonObject("generator").getAsJsonObject("chatModel");
        assertThat(chatModel.get("callTimeoutMs").getAsLong()).isEqualTo(7000);
        assertThat(chatModel.get("readTimeoutMs").getAsLong()).isEqualTo(7000);
    }

    @Test
    void runtimeFailuresExitWithOneAndTheCause(@TempDir Path tmp) throws Exception {
        Path broken = tmp.resolve("broken.jsonl");
        Files.writeString(broken, "{\"text\":\"fine\",\"label\":\"positive\"}\n{\"text\":\"odd\",\"label\":\"meh\"}\n",
                StandardCharsets.UTF_8);
        List<String> args = distillArgs(tmp.resolve("z"));
        args.set(args.indexOf(test.toString()), broken.toString());
        Run r = gold(args.toArray(String[]::new));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("gold: failed: ").contains("broken.jsonl line 2").doesNotContain("\tat ");
    }

    @Test
    void theExitStatusFollowsTheKindOfErrorNotTheClassThatFoundIt(@TempDir Path tmp) throws Exception {
        // A setting the data reader refuses (a file name it cannot read by): status 2, like any bad option.
        // It used to be status 1, because LabelledFiles threw a GoldException where builders throw
        // IllegalArgumentException.
        Path poolTxt = Files.copy(pool, tmp.resolve("pool.txt"));
        Path out = tmp.resolve("txt");
        List<String> txt = distillArgs(out);
        txt.set(txt.indexOf(pool.toString()), poolTxt.toString());
        Run badName = gold(txt.toArray(String[]::new));
        assertThat(badName.status()).isEqualTo(2);
        assertThat(badName.err().strip()).isEqualTo("gold: " + poolTxt + ": cannot tell the format from the file "
                + "name, expected .jsonl, .ndjson, .csv or .tsv");
        assertThat(out).doesNotExist();

        // The teacher's pool holds texts of one label only: the file's content is at fault, status 1.
        Path positives = tmp.resolve("positives.jsonl");
        Files.writeString(positives, "{\"text\":\"great\",\"label\":\"positive\"}\n"
                + "{\"text\":\"lovely\",\"label\":\"positive\"}\n", StandardCharsets.UTF_8);
        List<String> oneLabel = distillArgs(tmp.resolve("one-label"));
        oneLabel.set(oneLabel.indexOf(pool.toString()), positives.toString());
        Run badContent = gold(oneLabel.toArray(String[]::new));
        assertThat(badContent.status()).isEqualTo(1);
        assertThat(badContent.err().strip()).isEqualTo("gold: failed: pool has no text labelled 'negative'; every "
                + "task label needs at least one, task labels [negative, positive]");
    }

    @Test
    void ablationRunsEveryRowWithEqualSampleCounts(@TempDir Path tmp) throws Exception {
        Run r = gold("bench", "ablation", "--seeds", "1", "--students", "bag", "--task", task.toString(), "--pool",
                pool.toString(), "--test", test.toString(), "--rounds", "3", "--update-every", "2", "--final-epochs",
                "1", "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        String md = Files.readString(tmp.resolve("ablation.md"));
        for (AblationBenchmark.Row row : AblationBenchmark.rows()) {
            assertThat(md).contains(row.name() + " | 48 |");
        }
        assertThat(md).contains("fed back");
        assertThat(tmp.resolve("summary.json")).exists();
    }

    @Test
    void ablationWithSelectorsRunsTheBaselinesAndTheRulesWithPairedDifferencesAndCurves(@TempDir Path tmp)
            throws Exception {
        // A smoke run (the measurement is BENCHMARKS.md's): two seeds, so that paired differences have an sd.
        Run r = gold("bench", "ablation", "--seeds", "2", "--students", "bag", "--task", task.toString(), "--pool",
                pool.toString(), "--test", test.toString(), "--rounds", "2", "--update-every", "2", "--final-epochs",
                "1", "--selectors", "misfit,diverse+fresh", "--out", tmp.toString());
        assertThat(r.status()).as(r.err()).isZero();
        String md = Files.readString(tmp.resolve("ablation.md"));
        for (String row : List.of("none", "random", "gold", "misfit", "diverse+fresh")) {
            assertThat(md).contains(AblationBenchmark.named(row).name() + " | 32 |");
        }
        assertThat(md).contains("bag − random, paired").doesNotContain("max-softmax instead of energy")
                .contains("## Learning curves (bag)").contains("| samples |");
        // random's own paired cell is empty; every other row has a signed difference and its sd
        assertThat(md).containsPattern("\\(3\\) random feedback from the probe batch \\| 32 \\| [0-9.]+ ± [0-9.]+ \\| \\|");
        assertThat(md).containsPattern("misfit: [^|]+\\| 32 \\| [0-9.]+ ± [0-9.]+ \\| [+-][0-9.]+ ± [0-9.]+( \\*)? \\|");
        assertThat(tmp.resolve("curve-bag.png")).isNotEmptyFile();
        // The in-loop student was scored at every update: round 0 only (every 2 of 2 rounds), both with +fresh.
        var fresh = RunStore.read(tmp.resolve("bag")
                .resolve(AblationBenchmark.slug(AblationBenchmark.named("diverse+fresh").name())).resolve("seed-1"));
        assertThat(fresh.rounds()).hasSize(2).allSatisfy(rr -> assertThat(rr.studentScore()).isNotNull());
        assertThat(fresh.selections()).isNotEmpty().allSatisfy(sel -> assertThat(sel.selector()).startsWith("diverse"));
        var gold = RunStore.read(tmp.resolve("bag")
                .resolve(AblationBenchmark.slug(AblationBenchmark.named("gold").name())).resolve("seed-1"));
        assertThat(gold.rounds().stream().filter(rr -> rr.studentScore() != null).count()).isEqualTo(1);
        assertThat(gold.selections()).isNotEmpty().allSatisfy(sel -> assertThat(sel.selector()).isEqualTo("band[0.5,0.8)"));
    }

    @Test
    void anUnknownSelectionRuleIsRefusedListingTheNames(@TempDir Path tmp) {
        Run r = gold("bench", "ablation", "--selectors", "misfit,clever", "--out", tmp.resolve("x").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--selectors: unknown selection rule 'clever'").contains("per-class, diverse, misfit, soft")
                .contains("+fresh");
        Run mod = gold("bench", "ablation", "--selectors", "gold+often", "--out", tmp.resolve("x").toString());
        assertThat(mod.status()).isEqualTo(2);
        assertThat(mod.err()).contains("unknown modifier '+often'");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void aDistillKilledWithSigkillResumesToTheSameDatasetAndAccuracy(@TempDir Path tmp) throws Exception {
        Path whole = tmp.resolve("whole");
        List<String> wholeArgs = withRounds(distillArgs(whole), 40);
        assertThat(gold(wholeArgs.toArray(String[]::new)).status()).isZero();

        Path killed = tmp.resolve("killed");
        List<String> killedArgs = withRounds(distillArgs(killed), 40);
        int committed = killOnceCommitted(killedArgs, killed, 5, tmp.resolve("child.log"));
        assertThat(committed).isBetween(5, 39);

        List<String> resumeArgs = new ArrayList<>(killedArgs);
        resumeArgs.add("--resume");
        Run resumed = gold(resumeArgs.toArray(String[]::new));
        assertThat(resumed.status()).as(resumed.err()).isZero();

        Dataset a = RunStore.read(whole).samples();
        Dataset b = RunStore.read(killed).samples();
        assertThat(b).isEqualTo(a);
        assertThat(RunStore.read(killed).selections()).isEqualTo(RunStore.read(whole).selections());
        assertThat(json(killed.resolve("summary.json")).get("testAccuracy").getAsDouble())
                .isEqualTo(json(whole.resolve("summary.json")).get("testAccuracy").getAsDouble());
    }

    /**
     * Runs {@code gold args} in a child JVM on this test's class path and kills it with SIGKILL
     * ({@link Process#destroyForcibly()} on Linux: no shutdown hook, no flush) as soon as at least
     * {@code rounds} rounds are committed in the run directory {@code out}; the child's output goes to
     * {@code log}. Fails when the child ends (or 4 minutes pass) before that; returns the rounds committed
     * when it was killed.
     */
    static int killOnceCommitted(List<String> args, Path out, int rounds, Path log) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", System.getProperty("java.class.path"), GoldCli.class.getName()));
        command.addAll(args);
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path committedRounds = out.resolve(RunStore.ROUNDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        try {
            while (committedRounds(committedRounds) < rounds && child.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(child.isAlive()).as("the child is still running when it is killed; its output:\n%s",
                    Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "").isTrue();
        } finally {
            child.destroyForcibly();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return committedRounds(committedRounds);
    }

    private static List<String> withRounds(List<String> args, int rounds) {
        args.set(args.indexOf("--rounds") + 1, Integer.toString(rounds));
        return args;
    }

    private static int committedRounds(Path rounds) throws Exception {
        if (!Files.exists(rounds)) {
            return 0;
        }
        String s = Files.readString(rounds, StandardCharsets.UTF_8);
        return (int) s.chars().filter(c -> c == '\n').count();
    }

    static JsonObject json(Path file) throws Exception {
        return JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    }
}
