package io.github.goldkd.core;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import io.github.goldkd.core.io.Jsonl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * When a resumed run's generator or student factory counts as the one of the stored run: the entries of
 * their {@code describe()} maps that say what the component is are equal. Those are {@value #KEYS_TEXT}, and,
 * recursively, the same entries of every nested component (a nested map with a "class" entry, such as an
 * LLM generator's chat model). Everything else may change when a run is resumed in a new process: cache
 * paths, budgets, timeouts, endpoints, concurrency, and counts such as a corpus pool's size.
 */
final class ComponentIdentity {

    private static final Logger LOG = LoggerFactory.getLogger(ComponentIdentity.class);

    private static final String KEYS_TEXT = "class, kind, model, encoder and config";
    private static final List<String> KEYS = List.of("class", "kind", "model", "encoder", "config");

    /** A lambda's class name carries a per-process counter and address: Outer$$Lambda$14/0x0000000800c0b000. */
    private static final Pattern LAMBDA_SUFFIX = Pattern.compile("\\$\\$Lambda.*$");

    private ComponentIdentity() {
    }

    /**
     * Refuses a component other than the stored run's. A run whose provenance names none (a run that
     * stopped before its first round started) is not checked.
     *
     * @param setting       the builder setting, for the message ("generator", "student")
     * @param provenanceKey its entry under "components" in provenance.json
     * @throws IllegalArgumentException naming the stored and the given component when they differ
     */
    static void requireStored(Path runDirectory, String setting, String provenanceKey, Map<String, Object> describe) {
        JsonObject stored = of(RunStore.storedComponent(runDirectory, provenanceKey));
        if (stored == null) {
            LOG.debug("{} in {} names no {}; not checked", RunStore.PROVENANCE, runDirectory, provenanceKey);
            return;
        }
        JsonObject given = of(describe);
        if (!stored.equals(given)) {
            throw new IllegalArgumentException(setting + " differs from the stored run in " + runDirectory
                    + ": stored " + stored + ", given " + given + "; a resumed run must use the same " + setting
                    + " (only settings such as its cache, budget, timeouts or endpoint may change)");
        }
    }

    /** The identifying part of a component's description, as written in provenance.json. */
    static JsonObject of(Map<String, Object> describe) {
        return of(Jsonl.GSON.toJsonTree(describe));
    }

    /** The identifying part of a description read back from provenance.json ({@code null} when it has none). */
    static JsonObject of(JsonElement describe) {
        if (describe == null || !describe.isJsonObject()) {
            return null;
        }
        JsonObject d = describe.getAsJsonObject();
        JsonObject id = new JsonObject();
        for (String key : KEYS) {
            JsonElement v = d.get(key);
            if (v != null) {
                id.add(key, key.equals("class") && v.isJsonPrimitive()
                        ? new JsonPrimitive(LAMBDA_SUFFIX.matcher(v.getAsString()).replaceFirst("\\$\\$Lambda"))
                        : v);
            }
        }
        for (Map.Entry<String, JsonElement> e : d.entrySet()) {
            if (!KEYS.contains(e.getKey()) && e.getValue().isJsonObject()
                    && e.getValue().getAsJsonObject().has("class")) {
                id.add(e.getKey(), of(e.getValue()));
            }
        }
        return id;
    }
}
