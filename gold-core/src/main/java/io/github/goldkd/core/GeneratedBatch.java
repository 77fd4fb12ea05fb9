package io.github.goldkd.core;

import java.util.List;
import java.util.Objects;

/**
 * A generator's answer: the samples it could deliver (possibly fewer than requested) and what it cost.
 * The loop stamps ids, origin and round on the samples; generators need not.
 */
public record GeneratedBatch(List<Sample> samples, GenerationStats stats) {

    public GeneratedBatch {
        samples = List.copyOf(Objects.requireNonNull(samples, "samples"));
        stats = stats == null ? GenerationStats.NONE : stats;
    }

    public static GeneratedBatch of(List<Sample> samples) {
        return new GeneratedBatch(samples, GenerationStats.NONE);
    }
}
