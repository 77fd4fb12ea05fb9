package io.github.goldkd.examples;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.metric.Metrics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static io.github.goldkd.examples.GoldCliTest.Run;
import static io.github.goldkd.examples.GoldCliTest.gold;
import static io.github.goldkd.examples.GoldCliTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code gold bench ablation} on each sequence kind with tiny settings (the measurement is BENCHMARKS.md's):
 * issue 12's five rows, a monitoring subset for the in-loop student while final students are scored on the
 * whole test set, and issue 17's rules that apply to sequences.
 */
class SequenceAblationTest {

    /** A pool this small still answers one round of 2 + 2 samples besides the task's demonstrations. */
    private static final int POOL = 12;
    private static final int TEST = 3;

    /** squad and svamp through the command line; nl4opt below, with a shorter decoding limit. */
    @ParameterizedTest
    @CsvSource({"squad, exact_match", "svamp, execution_accuracy"})
    void theAblationOfASequenceTaskGivesTheFiveRowsFiniteWithTheCeilingOnThePool(String name, String metric,
                                                                                 @TempDir Path tmp) throws Exception {
        Path pool = tmp.resolve("pool.jsonl");
        Path test = tmp.resolve("test.jsonl");
        SampleJson.write(pool, ShippedTasks.pool(name).head(POOL));
        SampleJson.write(test, ShippedTasks.test(name).head(TEST));
        Path out = tmp.resolve("out");
        Run r = gold("bench", "ablation", "--task", name, "--pool", pool.toString(), "--test", test.toString(),
                "--seeds", "1", "--rounds", "1", "--batch-size", "2", "--update-every", "1", "--final-epochs", "1",
                "--monitor", "1", "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        String md = Files.readString(out.resolve("ablation.md"));
        List<AblationBenchmark.Row> rows = AblationBenchmark.rows(ShippedTasks.task(name).kind());
        assertThat(rows).extracting(AblationBenchmark.Row::cli)
                .containsExactly("none", "probes-kept", "random", "gold", "ceiling");
        for (AblationBenchmark.Row row : rows) {
            // every row has its samples (the ceiling: the pool it trained on), a finite mean and sd, and a time
            int samples = row.isCeiling() ? POOL : 4;
            assertThat(md).as(row.name()).containsPattern(java.util.regex.Pattern.quote("| " + row.name() + " | "
                    + samples + " | ") + "[0-9]\\.[0-9]{4} ± [0-9]\\.[0-9]{4} \\|");
        }
        assertThat(md).contains(metric).contains("the in-loop student on a fixed subset of 1 of the 3 test samples");
        JsonObject summary = json(out.resolve("summary.json"));
        assertThat(summary.get("metric").getAsString()).isEqualTo(metric);
        assertThat(summary.get("monitorSamples").getAsInt()).isEqualTo(1);

        // The final student is scored on all three test samples, the in-loop one on the fixed subset of one.
        String student = StudentChoice.defaultFor(ShippedTasks.task(name).kind(), StudentChoice.BAG).orElseThrow()
                .cliName();
        Path goldRun = out.resolve(student).resolve(AblationBenchmark.slug(AblationBenchmark.named("gold").name()))
                .resolve("seed-1");
        Dataset testSet = ShippedTasks.read(ShippedTasks.task(name), test);
        Student finalStudent = DemoCommand.DEMOS.get(name).factory(StudentChoice.parse(student))
                .load(goldRun.resolve(RunStore.FINAL_STUDENT));
        double whole = finalStudent.score(testSet, Metrics.defaultFor(finalStudent.task().kind()));
        JsonArray values = summary.getAsJsonArray(student + " " + AblationBenchmark.named("gold").name());
        assertThat(values).hasSize(1);
        assertThat(values.get(0).getAsDouble()).isCloseTo(whole, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Files.readString(goldRun.resolve(RunStore.PROVENANCE))).containsPattern("\"monitorSamples\": ?1\\b");
    }

    /**
     * NL4OPT's rows through {@link AblationBenchmark#run}: the demo's seq2seq student writes up to 191 tokens a
     * formulation, which a barely trained decoder does on every sample it is scored on (a minute and a half for
     * this test's runs), so the student here stops at 16; everything else is the command's path.
     */
    @Test
    void theAblationOfTheTextGenerationTaskGivesTheFiveRowsFinite(@TempDir Path tmp) {
        io.github.goldkd.core.Task task = ShippedTasks.task("nl4opt");
        Dataset pool = ShippedTasks.pool("nl4opt").head(POOL);
        Dataset test = ShippedTasks.test("nl4opt").head(2);
        var shortDecoder = io.github.goldkd.student.seq.Seq2SeqStudent.factory(
                DemoCommand.DEMOS.get("nl4opt").seq2seq().toBuilder().maxTargetTokens(16).build());
        List<AblationBenchmark.Row> rows = AblationBenchmark.rows(task.kind());
        var results = AblationBenchmark.run(task, pool, test, new AblationBenchmark.Settings(1, 2, 1, 1, 1, 1,
                List.of(StudentChoice.SEQ2SEQ), 1, c -> shortDecoder, 1,
                new io.github.goldkd.core.CrossEntropyLoss()), rows, tmp, line -> { });
        var cells = results.get(StudentChoice.SEQ2SEQ);
        assertThat(cells.keySet()).containsExactlyElementsOf(rows.stream().map(AblationBenchmark.Row::name).toList());
        cells.forEach((row, cell) -> {
            assertThat(cell.values()).as(row).hasSize(1).allSatisfy(v -> assertThat(v).isBetween(0.0, 1.0));
            assertThat(cell.generated()).as(row).isEqualTo(row.contains("ceiling") ? POOL : 4);
            assertThat(cell.seconds()).as(row).isPositive();
        });
        String table = AblationBenchmark.table(results, rows, 1, "rouge_l");
        // the ceiling's row has its score and time but no paired difference: it is no selection rule
        assertThat(table).contains("seq2seq rouge_l (1 seeds)").containsPattern("\\(5\\) the whole real pool "
                + "\\(ceiling\\) \\| " + POOL + " \\| [0-9.]+ ± [0-9.]+ \\| \\| [0-9]+ \\|");
        // the rows ran the loop into their run directories: GOLD's holds its four generated samples
        var gold = RunStore.read(tmp.resolve("seq2seq").resolve(AblationBenchmark.slug(
                AblationBenchmark.named("gold").name())).resolve("seed-1"));
        assertThat(gold.samples().size()).isEqualTo(4);
    }

    /**
     * A table split over processes ({@code --first-seed}) gives each seed the score it has in the whole table:
     * seeds 1..2 in one run against seed 2 alone.
     */
    @Test
    void aRunFromTheSecondSeedScoresThatSeedAsTheWholeTableDoes(@TempDir Path tmp) {
        io.github.goldkd.core.Task task = ShippedTasks.task("squad");
        Dataset pool = ShippedTasks.pool("squad").head(POOL);
        Dataset test = ShippedTasks.test("squad").head(TEST);
        List<AblationBenchmark.Row> rows = List.of(AblationBenchmark.named("none"), AblationBenchmark.named("gold"));
        var factory = DemoCommand.DEMOS.get("squad").factory(StudentChoice.SPAN_QA);
        var whole = AblationBenchmark.run(task, pool, test, new AblationBenchmark.Settings(2, 2, 1, 1, 1, 2,
                List.of(StudentChoice.SPAN_QA), 0, c -> factory, 1, new io.github.goldkd.core.CrossEntropyLoss(), 1),
                rows, tmp.resolve("whole"), line -> { }).get(StudentChoice.SPAN_QA);
        List<String> progress = new java.util.ArrayList<>();
        var second = AblationBenchmark.run(task, pool, test, new AblationBenchmark.Settings(2, 2, 1, 1, 1, 1,
                List.of(StudentChoice.SPAN_QA), 0, c -> factory, 1, new io.github.goldkd.core.CrossEntropyLoss(), 2),
                rows, tmp.resolve("part"), progress::add).get(StudentChoice.SPAN_QA);
        for (AblationBenchmark.Row row : rows) {
            assertThat(second.get(row.name()).values()).as(row.name())
                    .containsExactly(whole.get(row.name()).values().get(1));
        }
        assertThat(progress).allSatisfy(line -> assertThat(line).contains("seed 2:"));
        // scores of tiny runs may tie; the generated data says which seed ran
        Path goldRuns = Path.of("span-qa", AblationBenchmark.slug(AblationBenchmark.named("gold").name()));
        var partData = RunStore.read(tmp.resolve("part").resolve(goldRuns).resolve("seed-2")).samples();
        assertThat(partData.samples()).isEqualTo(RunStore.read(tmp.resolve("whole").resolve(goldRuns).resolve("seed-2"))
                .samples().samples())
                .isNotEqualTo(RunStore.read(tmp.resolve("whole").resolve(goldRuns).resolve("seed-1")).samples().samples());
        assertThat(tmp.resolve("part").resolve("span-qa").resolve(AblationBenchmark.slug(
                AblationBenchmark.named("gold").name())).resolve("seed-2")).isDirectory();
        assertThatThrownBy(() -> new AblationBenchmark.Settings(1, 2, 1, 1, 1, 1, List.of(StudentChoice.SPAN_QA), 0,
                c -> factory, 1, new io.github.goldkd.core.CrossEntropyLoss(), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("firstSeed must be >= 1, was 0");
        Run r = gold("bench", "ablation", "--task", "squad", "--first-seed", "0", "--out", tmp.resolve("x").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--first-seed must be in [1, 1000000], was 0");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void perClassIsRefusedOnASequenceTaskBecauseItWouldBeThePlainBand(@TempDir Path tmp) {
        assertThatThrownBy(() -> AblationBenchmark.selection(List.of("soft", "per-class+fresh"), TaskKind.MATH_WORD_PROBLEM))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'per-class+fresh'")
                .hasMessageContaining("has no labels").hasMessageContaining("'gold'");
        Run r = gold("bench", "ablation", "--task", "svamp", "--selectors", "per-class", "--out",
                tmp.resolve("x").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--selectors: 'per-class' computes the band within each teacher label")
                .contains("math_word_problem task has no labels");
        assertThat(tmp.resolve("x")).doesNotExist();
    }

    @Test
    void aSequenceSelectionRunsIssue12sRowsAroundTheRulesAndClassificationKeepsItsThreeBaselines() {
        assertThat(AblationBenchmark.selection(List.of("soft", "diverse", "misfit+fresh"), TaskKind.EXTRACTIVE_QA))
                .extracting(AblationBenchmark.Row::cli)
                .containsExactly("none", "probes-kept", "random", "gold", "soft", "diverse", "misfit+fresh", "ceiling");
        assertThat(AblationBenchmark.selection(List.of("soft"), TaskKind.CLASSIFICATION))
                .extracting(AblationBenchmark.Row::cli).containsExactly("none", "random", "gold", "soft");
        assertThat(AblationBenchmark.selection(List.of("ceiling", "soft"), TaskKind.CLASSIFICATION))
                .extracting(AblationBenchmark.Row::cli).containsExactly("none", "random", "gold", "soft", "ceiling");
        assertThatThrownBy(() -> AblationBenchmark.named("ceiling+fresh")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("runs no loop");
    }

    @Test
    void theMonitoringSubsetIsFixedSeededInTestOrderAndTheWholeSetWhenNotSmaller() {
        Dataset svamp = ShippedTasks.test("svamp");
        Dataset a = Experiment.monitorSubset(svamp, 100, DemoCommand.MONITOR_SEED);
        Dataset b = Experiment.monitorSubset(svamp, 100, DemoCommand.MONITOR_SEED);
        assertThat(a.size()).isEqualTo(100);
        assertThat(a).isEqualTo(b);
        assertThat(svamp.samples()).containsSubsequence(a.samples());
        // a different seed draws other problems, so the subset really is drawn and not the head of the set
        assertThat(Experiment.monitorSubset(svamp, 100, 13)).isNotEqualTo(a);
        assertThat(a).isNotEqualTo(svamp.head(100));
        assertThat(Experiment.monitorSubset(svamp, 0, 1)).isSameAs(svamp);
        assertThat(Experiment.monitorSubset(svamp, svamp.size(), 1)).isSameAs(svamp);
        assertThatThrownBy(() -> Experiment.monitorSubset(svamp, -1, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("monitor size must be >= 0");
        // the demos: svamp and nl4opt monitor a subset, squad (one forward pass per question) all of Normans
        assertThat(DemoCommand.DEMOS.get("svamp").monitor(svamp)).isEqualTo(a);
        assertThat(DemoCommand.DEMOS.get("nl4opt").monitor(ShippedTasks.test("nl4opt")).size()).isEqualTo(50);
        Dataset normans = ShippedTasks.test("squad");
        assertThat(DemoCommand.DEMOS.get("squad").monitor(normans)).isSameAs(normans).hasSize(96);
    }

    @Test
    void theMathDemosDecodingLimitIsThePoolsLongestExpressionPlusTheEndToken() {
        Dataset pool = ShippedTasks.pool("svamp");
        assertThat(DemoCommand.longestExpression(pool) + 1).isEqualTo(DemoCommand.MATH_TARGET_TOKENS);
        assertThat(DemoCommand.DEMOS.get("svamp").seq2seq().maxTargetTokens()).isEqualTo(DemoCommand.MATH_TARGET_TOKENS);
        // SVAMP itself needs far less: its longest expression has five operators and operands
        assertThat(DemoCommand.longestExpression(ShippedTasks.test("svamp"))).isEqualTo(5);
    }

    /** The text codec's tokens (gold-student's TextCodec.TOKEN): a line break, a number, a word, <=, >=, a sign. */
    private static final java.util.regex.Pattern TEXT_TOKEN = java.util.regex.Pattern.compile(
            "\\n|\\d+(?:[.,/]\\d+)*|\\.\\d+|[\\p{L}\\p{M}]+(?:'[\\p{L}]+)?|<=|>=|[^\\s\\p{L}\\d]");

    @Test
    void theFormulationDemosDecodingLimitIsThePoolsLongestFormulationPlusTheEndToken() {
        int longest = 0;
        for (var s : ShippedTasks.pool("nl4opt")) {
            var m = TEXT_TOKEN.matcher(s.target());
            int n = 0;
            while (m.find()) {
                n++;
            }
            longest = Math.max(longest, n);
        }
        assertThat(longest + 1).isEqualTo(DemoCommand.TEXT_TARGET_TOKENS);
        assertThat(DemoCommand.DEMOS.get("nl4opt").seq2seq().maxTargetTokens()).isEqualTo(DemoCommand.TEXT_TARGET_TOKENS);
    }
}
