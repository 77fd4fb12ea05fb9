package io.github.goldkd.core;

import java.util.Map;

/**
 * The teacher: writes labelled samples for a task on request.
 *
 * <p>Implementations should be deterministic given {@link GenerationRequest#seed()} where the backend
 * allows it; the loop's resume guarantee rests on that (an LLM generator gets it from its request
 * cache). A generator may return fewer samples than requested; it signals a spent budget by throwing
 * {@link BudgetExhaustedException}, which stops the run cleanly.
 */
public interface Generator {

    /** Produces up to {@code request.count()} samples. */
    GeneratedBatch generate(GenerationRequest request);

    /** Settings that describe this generator, for the provenance file. Never include secrets. */
    default Map<String, Object> describe() {
        return Map.of("class", getClass().getName());
    }
}
