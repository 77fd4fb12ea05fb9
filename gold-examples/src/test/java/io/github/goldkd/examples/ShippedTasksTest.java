package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.SampleJson;
import io.github.goldkd.core.metric.ArithmeticExpression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The shipped tasks load, their demonstrations come from their pools, and the splits have the documented sizes. */
class ShippedTasksTest {

    private static final Map<String, List<Integer>> SIZES = Map.of(
            "sentiment", List.of(2000, 1000),
            "squad", List.of(485, 96),
            "svamp", List.of(3138, 692),
            "nl4opt", List.of(289, 99),
            "qnli", List.of(832, 153));

    private static final Map<String, TaskKind> KINDS = Map.of(
            "sentiment", TaskKind.CLASSIFICATION,
            "squad", TaskKind.EXTRACTIVE_QA,
            "svamp", TaskKind.MATH_WORD_PROBLEM,
            "nl4opt", TaskKind.TEXT_GENERATION,
            "qnli", TaskKind.CLASSIFICATION);

    @Test
    void everyShippedTaskLoadsWithItsDocumentedSplitsAndDemonstrationsFromItsPool() {
        assertThat(ShippedTasks.NAMES).containsExactlyInAnyOrderElementsOf(SIZES.keySet());
        for (String name : ShippedTasks.NAMES) {
            Task task = ShippedTasks.task(name);
            assertThat(task.name()).isEqualTo(name);
            assertThat(task.kind()).as(name).isEqualTo(KINDS.get(name));
            assertThat(task.description()).as(name).hasSizeGreaterThan(150);
            Dataset pool = ShippedTasks.pool(name);
            Dataset test = ShippedTasks.test(name);
            assertThat(pool.size()).as(name + " pool").isEqualTo(SIZES.get(name).get(0));
            assertThat(test.size()).as(name + " test").isEqualTo(SIZES.get(name).get(1));
            Set<String> ids = new HashSet<>();
            pool.forEach(s -> ids.add(s.id()));
            assertThat(ids).as(name + ": pool ids are unique").hasSize(pool.size());
            test.forEach(s -> assertThat(ids).as(name + ": the test set is disjoint from the pool").doesNotContain(s.id()));

            Map<String, Sample> byId = new HashMap<>();
            pool.forEach(s -> byId.put(s.id(), s));
            assertThat(task.demonstrations()).as(name).hasSize(3);
            for (Sample demo : task.demonstrations()) {
                Sample real = byId.get(demo.id());
                assertThat(real).as(name + " demonstration " + demo.id() + " is in the pool").isNotNull();
                assertThat(demo.inputs()).as(demo.id()).isEqualTo(real.inputs());
                assertThat(demo.inputs().keySet()).containsExactlyElementsOf(task.inputFields());
                assertThat(demo.output()).as(demo.id()).isEqualTo(real.output());
                assertThat(demo.origin()).isEqualTo(Origin.DEMONSTRATION);
            }
            for (Dataset d : List.of(pool, test)) {
                for (Sample s : d) {
                    assertThat(s.inputs().keySet()).as(s.id()).containsExactlyElementsOf(task.inputFields());
                    assertThat(s.output()).as(s.id()).isNotBlank();
                }
            }
        }
    }

    @Test
    void sequenceSamplesCarryTheirReferences() {
        Sample q = ShippedTasks.test("squad").get(0);
        assertThat(q.id()).isEqualTo("56ddde6b9a695914005b9628");
        assertThat(q.target()).isEqualTo("France");
        assertThat(q.input("question")).isEqualTo("In what country is Normandy located?");
        long severalAnswers = ShippedTasks.test("squad").samples().stream().filter(s -> s.references().size() > 1).count();
        assertThat(severalAnswers).isGreaterThan(10);

        Sample m = ShippedTasks.test("svamp").get(0);
        assertThat(m.id()).isEqualTo("chal-1");
        assertThat(m.target()).isEqualTo("( 76.0 - 25.0 )");
        assertThat(m.references()).containsExactly("51.0");
        // The equations evaluate to their answers within execution accuracy's tolerance, except the rows the
        // README lists: 6 of source label noise and 8 whose answer is rounded (0.25 for 2.99 / 12).
        List<String> differ = new java.util.ArrayList<>();
        for (Dataset d : List.of(ShippedTasks.pool("svamp"), ShippedTasks.test("svamp"))) {
            for (Sample s : d) {
                double value = ArithmeticExpression.evaluate(s.target()).orElseThrow();
                double answer = Double.parseDouble(s.references().get(0));
                if (Math.abs(value - answer) > 1e-4 * Math.max(1, Math.abs(answer))) {
                    differ.add(s.id());
                }
            }
        }
        assertThat(differ).containsExactly("mawps-asdiv-0082", "mawps-asdiv-0121", "mawps-asdiv-0286",
                "mawps-asdiv-0401", "mawps-asdiv-0596", "mawps-asdiv-0766", "mawps-asdiv-1118", "mawps-asdiv-1360",
                "mawps-asdiv-1436", "mawps-asdiv-1821", "mawps-asdiv-1848", "mawps-asdiv-1913", "mawps-asdiv-2367",
                "chal-680");
    }

    @Test
    void everyNl4OptProblemOfBothFilesConverts() {
        // pool = test.jsonl, test = dev.jsonl; every row passes the converter (it throws on anything unknown)
        Set<String> firstLines = new HashSet<>();
        for (Dataset d : List.of(ShippedTasks.pool("nl4opt"), ShippedTasks.test("nl4opt"))) {
            for (Sample s : d) {
                String[] lines = s.target().split("\n");
                assertThat(lines[0]).as(s.id()).startsWith("variables: ");
                assertThat(lines[1]).as(s.id()).matches("(maximize|minimize): .+");
                assertThat(lines[2]).as(s.id()).isEqualTo("constraints:");
                assertThat(lines.length).as(s.id()).isGreaterThan(3);
                for (int i = 3; i < lines.length; i++) {
                    assertThat(lines[i]).as(s.id()).matches(".+ (<=|>=) .+");
                }
                firstLines.add(lines[1].substring(0, 8));
            }
        }
        assertThat(firstLines).containsExactlyInAnyOrder("maximize", "minimize");
        Sample first = ShippedTasks.pool("nl4opt").get(0);
        assertThat(first.target()).isEqualTo("""
                variables: sled dogs, trucks
                maximize: 100 sled dogs + 300 trucks
                constraints:
                50 sled dogs + 100 trucks <= 1000
                sled dogs <= trucks""");
    }

    @Test
    void readConvertsNl4OptFilesAndReadsAnyOtherFileByItsFormat(@TempDir Path tmp) {
        Task nl4opt = ShippedTasks.task("nl4opt");
        Path raw = ShippedTasks.extract("nl4opt", "dev.jsonl");
        assertThat(ShippedTasks.isNl4OptFile(raw)).isTrue();
        Dataset converted = ShippedTasks.read(nl4opt, raw);
        assertThat(converted.size()).isEqualTo(99);

        // the converted form (document + target) reads back through the ordinary loader
        Path written = tmp.resolve("dev-converted.jsonl");
        SampleJson.write(written, converted.samples());
        assertThat(ShippedTasks.isNl4OptFile(written)).isFalse();
        assertThat(ShippedTasks.read(nl4opt, written).samples()).extracting(Sample::target)
                .containsExactlyElementsOf(converted.samples().stream().map(Sample::target).toList());

        Task other = Task.sequence("g", TaskKind.TEXT_GENERATION, "", List.of("problem"), null, List.of());
        assertThatThrownBy(() -> ShippedTasks.read(other, raw)).isInstanceOf(GoldException.class)
                .hasMessageContaining("task 'g' has inputs [problem]");
        assertThatThrownBy(() -> ShippedTasks.task("mnli")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sentiment, squad, svamp, nl4opt");
    }
}
