package io.github.goldkd.examples;

import io.github.goldkd.core.RoundReport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The ablation's named rows, paired differences and curves, without running a loop. */
class AblationRowsTest {

    @Test
    void everyNameResolvesAndModifiersJoinWithPlus() {
        for (String name : List.of("none", "probes-kept", "random", "gold", "max-softmax", "cross-entropy",
                "filter-low", "filter-high", "per-class", "diverse", "misfit", "soft")) {
            assertThat(AblationBenchmark.named(name).cli()).isEqualTo(name);
        }
        AblationBenchmark.Row row = AblationBenchmark.named("misfit+fresh+accumulate");
        assertThat(row.cli()).isEqualTo("misfit+fresh+accumulate");
        assertThat(row.name()).isEqualTo(AblationBenchmark.named("misfit").name() + " + fresh + accumulate");
        // The first ablation's rows keep their names, so earlier tables and run directories stay comparable.
        assertThat(AblationBenchmark.rows()).extracting(AblationBenchmark.Row::name).startsWith(
                "(1) no probes, no feedback (ZeroGen-style)").contains("(4) GOLD: energy band [0.5, 0.8)").hasSize(8);
    }

    @Test
    void aSelectionStartsWithTheBaselinesAndKeepsEachRowOnce() {
        assertThat(AblationBenchmark.selection(List.of("misfit", "gold", "misfit", "soft+fresh")))
                .extracting(AblationBenchmark.Row::cli).containsExactly("none", "random", "gold", "misfit", "soft+fresh");
    }

    @Test
    void badNamesAreRefusedListingWhatIsAllowed() {
        assertThatThrownBy(() -> AblationBenchmark.named("clever")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown selection rule 'clever'").hasMessageContaining("misfit")
                .hasMessageContaining("+accumulate");
        assertThatThrownBy(() -> AblationBenchmark.named("gold+often")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown modifier '+often'");
    }

    @Test
    void pairedDifferenceIsTheMeanAndSdOfTheSeedBySeedDifferences() {
        AblationBenchmark.Cell random = new AblationBenchmark.Cell(0, 0, List.of(0.50, 0.60, 0.70), 640, new double[0][], 1.0);
        AblationBenchmark.Cell rule = new AblationBenchmark.Cell(0, 0, List.of(0.52, 0.63, 0.71), 640, new double[0][], 1.0);
        double[] d = AblationBenchmark.paired(rule, random);
        assertThat(d[0]).isCloseTo(0.02, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(d[1]).isCloseTo(0.01, org.assertj.core.data.Offset.offset(1e-12));
        // Unpaired, the same two rows would look like noise: sd over seeds 0.10 against a gain of 0.02.
        AblationBenchmark.Cell high = new AblationBenchmark.Cell(0, 0, List.of(0.9, 0.9, 0.9), 640, new double[0][], 1.0);
        Map<String, AblationBenchmark.Cell> cells = Map.of(AblationBenchmark.named("random").name(), random,
                AblationBenchmark.named("misfit").name(), rule,
                AblationBenchmark.named("soft").name(), random,
                AblationBenchmark.named("probes-kept").name(), high,
                AblationBenchmark.named("ceiling").name(), high);
        assertThat(AblationBenchmark.best(cells, AblationBenchmark.selection(List.of("soft", "misfit"))).cli())
                .isEqualTo("misfit");
        // the baselines of a sequence task's selection, probes kept and the ceiling, are never the "best rule"
        assertThat(AblationBenchmark.best(cells, AblationBenchmark.selection(List.of("soft", "misfit"),
                io.github.goldkd.core.TaskKind.MATH_WORD_PROBLEM)).cli()).isEqualTo("misfit");
    }

    @Test
    void theCurvePutsEachUpdatesScoreAtTheSamplesGeneratedBeforeIt() {
        List<RoundReport> rounds = List.of(report(0, 16, 0.5), report(1, 16, null), report(2, 12, 0.6),
                report(3, 16, null));
        assertThat(AblationBenchmark.curve(rounds)).isDeepEqualTo(new double[][] {{0, 0.5}, {32, 0.6}});
        // Seeds are averaged point by point, on the points every seed has.
        assertThat(AblationBenchmark.meanCurve(List.of(new double[][] {{0, 0.5}, {32, 0.25}},
                new double[][] {{0, 0.75}, {32, 0.75}, {48, 0.9}}))).isDeepEqualTo(new double[][] {{0, 0.625}, {32, 0.5}});
    }

    private static RoundReport report(int round, int generated, Double score) {
        return new RoundReport(round, generated / 2, generated / 2, generated / 2, generated - generated / 2, 0,
                List.of(), score != null, score, 0, 0, 0, 0, Map.of(), 1, 0, 0);
    }
}
