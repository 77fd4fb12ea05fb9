package io.github.goldkd.examples.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark main at toy size: it runs, and its accuracy columns say what BENCHMARKS.md claims. */
class ScoringBenchmarkTest {

    @Test
    void tinyRunReportsOverflowForTheNaiveLoopOnly() {
        List<ScoringBenchmark.Row> table = ScoringBenchmark.run(2_000, 2, 4, 500, 1, 7L);
        assertThat(table).hasSize(4 * 5);
        for (ScoringBenchmark.Row row : table) {
            assertThat(row.rowsPerSecond()).isPositive();
            boolean naive = row.implementation().startsWith("naive");
            boolean extreme = row.workload().contains("1e4");
            if (naive && extreme) {
                assertThat(row.nonFinite()).as(row.toString()).isPositive();
            } else {
                assertThat(row.nonFinite()).as(row.toString()).isZero();
                assertThat(row.maxAbsError()).as(row.toString()).isLessThan(1e-9);
            }
        }
        assertThat(ScoringBenchmark.markdown(table)).contains("| workload | implementation | rows/s |");
    }
}
