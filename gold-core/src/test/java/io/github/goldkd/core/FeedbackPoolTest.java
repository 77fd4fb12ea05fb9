package io.github.goldkd.core;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What {@link FeedbackPool} holds after each selection, for both lifetimes and at the limit. */
class FeedbackPoolTest {

    private static Sample s(String id) {
        return Sample.real(id, "text " + id, "sports");
    }

    private static List<String> ids(List<Sample> samples) {
        return samples.stream().map(Sample::id).toList();
    }

    @Test
    void replaceKeepsOnlyTheLatestSelection() {
        FeedbackPool pool = new FeedbackPool(FeedbackLifetime.REPLACE, 32);
        assertThat(pool.examples()).isEmpty();
        pool.add(List.of(s("a"), s("b")));
        assertThat(ids(pool.examples())).containsExactly("a", "b");
        pool.add(List.of(s("c")));
        assertThat(ids(pool.examples())).containsExactly("c");
        pool.add(List.of());
        assertThat(pool.examples()).isEmpty();
    }

    @Test
    void accumulateKeepsTheMostRecentUpToTheLimitOldestFirst() {
        FeedbackPool pool = new FeedbackPool(FeedbackLifetime.ACCUMULATE, 3);
        pool.add(List.of(s("a"), s("b")));
        pool.add(List.of(s("c")));
        assertThat(ids(pool.examples())).containsExactly("a", "b", "c");
        pool.add(List.of(s("d"), s("e")));
        assertThat(ids(pool.examples())).containsExactly("c", "d", "e");
    }

    @Test
    void theExamplesOfARoundDoNotChangeWithLaterSelections() {
        FeedbackPool pool = new FeedbackPool(FeedbackLifetime.ACCUMULATE, 8);
        pool.add(List.of(s("a")));
        List<Sample> forThisRound = pool.examples();
        pool.add(List.of(s("b")));
        assertThat(ids(forThisRound)).containsExactly("a");
    }

    @Test
    void badSettingsAreRefusedNamingThem() {
        assertThatThrownBy(() -> new FeedbackPool(FeedbackLifetime.REPLACE, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("feedbackPoolLimit must be >= 1, was 0");
        assertThatThrownBy(() -> new FeedbackPool(null, 3)).hasMessage("feedbackLifetime is required, was null");
    }
}
