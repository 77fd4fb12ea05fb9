package io.github.goldkd.core;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The messages of {@link Check}: setting, allowed range, value; and the values it lets through. */
class CheckTest {

    @Test
    void acceptedValuesAreReturnedIncludingTheBounds() {
        assertThat(Check.inRange("n", 1, 1, 3)).isEqualTo(1);
        assertThat(Check.inRange("n", 3L, 1L, 3L)).isEqualTo(3L);
        assertThat(Check.inRange("share", 1.0, 0.0, 1.0)).isEqualTo(1.0);
        assertThat(Check.inRangeBelowMax("lo", 0.0, 0.0, 1.0)).isEqualTo(0.0);
        assertThat(Check.inRangeAboveMin("hi", 1.0, 0.5, 1.0)).isEqualTo(1.0);
        assertThat(Check.atLeast("n", 7, 7)).isEqualTo(7);
        assertThat(Check.positive("t", 1e-9)).isEqualTo(1e-9);
        assertThat(Check.nonNegative("d", 0.0)).isEqualTo(0.0);
        assertThat(Check.nonBlankName("column", "text")).isEqualTo("text");
        assertThat(Check.notNull("task", "x")).isEqualTo("x");
    }

    @Test
    void rejectionsNameSettingRangeAndValue() {
        assertThatThrownBy(() -> Check.notNull("task", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("task is required, was null");
        assertThatThrownBy(() -> Check.inRange("batchSize", 0, 1, 10_000))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("batchSize must be in [1, 10000], was 0");
        assertThatThrownBy(() -> Check.inRange("seed", -1L, 0L, 9L))
                .hasMessage("seed must be in [0, 9], was -1");
        assertThatThrownBy(() -> Check.inRange("share", 1.5, 0.0, 1.0))
                .hasMessage("share must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> Check.inRange("share", Double.NaN, 0.0, 1.0))
                .hasMessage("share must be in [0, 1], was NaN");
        assertThatThrownBy(() -> Check.inRangeBelowMax("lo", 1.0, 0.0, 1.0))
                .hasMessage("lo must be in [0, 1), was 1.0");
        assertThatThrownBy(() -> Check.inRangeAboveMin("hi", 0.5, 0.5, 1.0))
                .hasMessage("hi must be in (0.5, 1], was 0.5");
        assertThatThrownBy(() -> Check.atLeast("n", 0, 1)).hasMessage("n must be >= 1, was 0");
        assertThatThrownBy(() -> Check.positive("t", 0.0)).hasMessage("t must be a finite number > 0, was 0.0");
        assertThatThrownBy(() -> Check.positive("t", Double.POSITIVE_INFINITY))
                .hasMessage("t must be a finite number > 0, was Infinity");
        assertThatThrownBy(() -> Check.nonNegative("d", -0.5)).hasMessage("d must be a finite number >= 0, was -0.5");
        assertThatThrownBy(() -> Check.nonBlankName("label column", " "))
                .hasMessage("label column must be a non-blank name, was ' '");
        assertThatThrownBy(() -> Check.nonBlankName("label column", null))
                .hasMessage("label column must be a non-blank name, was null");
        assertThatThrownBy(() -> Check.that(false, "a needs b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a needs b");
        Check.that(true, "not thrown");
    }
}
