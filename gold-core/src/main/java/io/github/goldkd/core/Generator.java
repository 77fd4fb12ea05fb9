package io.github.goldkd.core;

import java.util.List;
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

    /**
     * Called once when a run is resumed, with every sample of the committed rounds, before any new
     * request. A generator whose answers depend on what it returned before (a pool drawn without
     * replacement, a de-duplication filter) rebuilds that state here; the default does nothing.
     */
    default void restore(List<Sample> generatedSoFar) {
    }

    /** Settings that describe this generator, for the provenance file. Never include secrets. */
    default Map<String, Object> describe() {
        return Map.of("class", getClass().getName());
    }
}
