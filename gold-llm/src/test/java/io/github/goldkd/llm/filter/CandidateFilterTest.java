package io.github.goldkd.llm.filter;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CandidateFilterTest {

    private static Map<String, String> text(String t) {
        return Map.of("text", t);
    }

    @Test
    void reasonsInOrder() {
        CandidateFilter f = new CandidateFilter(3, 60, 0.6, 3, true);
        assertThat(f.admit(text("  a "), null, "pos")).isEqualTo(CandidateFilter.EMPTY_FIELD);
        assertThat(f.admit(text("x".repeat(61)), null, "pos")).isEqualTo(CandidateFilter.TOO_LONG);
        assertThat(f.admit(text("A fine film."), "neg", "pos")).isEqualTo(CandidateFilter.LABEL_MISMATCH);
        assertThat(f.admit(text("The plot was gripping from start to end."), "POS", "pos")).isNull();
        assertThat(f.admit(text("the plot was GRIPPING, from start to end!"), null, "pos"))
                .isEqualTo(CandidateFilter.DUPLICATE);
        assertThat(f.admit(text("The plot was gripping from start to end and beyond."), null, "pos"))
                .isEqualTo(CandidateFilter.NEAR_DUPLICATE);
        assertThat(f.admit(text("Terrible sound, worse acting, no story at all."), null, "pos")).isNull();
        assertThat(f.size()).isEqualTo(2);
    }

    @Test
    void rejectedCandidatesAreNotRemembered() {
        CandidateFilter f = CandidateFilter.defaults();
        assertThat(f.admit(text("Some text here."), "neg", "pos")).isEqualTo(CandidateFilter.LABEL_MISMATCH);
        assertThat(f.admit(text("Some text here."), "pos", "pos")).isNull();
    }

    @Test
    void rememberedSamplesCountAsSeen() {
        CandidateFilter f = CandidateFilter.defaults();
        f.remember(text("A demonstration from the task."));
        assertThat(f.admit(text("a demonstration from the task"), null, null)).isEqualTo(CandidateFilter.DUPLICATE);
    }

    @Test
    void labelCheckCanBeOff() {
        CandidateFilter f = new CandidateFilter(1, 100, 1.0, 3, false);
        assertThat(f.admit(text("abc"), "other", "pos")).isNull();
    }

    @Test
    void jaccard() {
        assertThat(CandidateFilter.jaccard(java.util.Set.of("a", "b"), java.util.Set.of("b", "c"))).isEqualTo(1 / 3.0);
    }

    @Test
    void validation() {
        assertThatThrownBy(() -> new CandidateFilter(0, 10, 0.5, 3, true)).hasMessage("minChars must be >= 1, was 0");
        assertThatThrownBy(() -> new CandidateFilter(1, 10, 0.0, 3, true))
                .hasMessage("nearDuplicateThreshold must be in (0, 1], was 0.0");
    }
}
