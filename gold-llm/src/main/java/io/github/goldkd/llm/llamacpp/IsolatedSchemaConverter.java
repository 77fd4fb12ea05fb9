package io.github.goldkd.llm.llamacpp;

import de.kherud.llama.LlamaModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * llama.cpp's JSON-schema-to-grammar converter, run in a child JVM.
 *
 * <p>Why a child: the converter is C++ that throws on a schema it cannot convert (an unresolvable {@code $ref}, an
 * unknown {@code type}, a {@code pattern} without {@code ^...$}, text that is not JSON), and the binding does
 * not catch it, so {@code std::terminate} ends the <em>whole</em> JVM — a user's run, with everything else it
 * was doing. In a child, such a schema costs the child; its standard error carries llama.cpp's reason, which
 * becomes the {@link LlamaCppInvalidRequestException} of the request. The converter is only the fallback for
 * schemas outside {@link GbnfGrammar#fromJsonSchema}'s subset, and each schema is converted once per model
 * (the caller caches), so the child's start-up (about a second) is paid rarely.
 */
final class IsolatedSchemaConverter {

    private static final long TIMEOUT_SECONDS = 120;

    private IsolatedSchemaConverter() {
    }

    /**
     * The grammar for {@code schema}; throws {@link IllegalArgumentException} with llama.cpp's reason when it
     * cannot convert it, {@link IllegalStateException} when the child cannot be run at all.
     */
    static String convert(String schema) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("gold-schema");
            Path in = Files.writeString(dir.resolve("schema.json"), schema, StandardCharsets.UTF_8);
            Path out = dir.resolve("grammar.gbnf");
            Path err = dir.resolve("stderr.txt");
            String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Xmx64m", "-cp", System.getProperty("java.class.path"),
                    IsolatedSchemaConverter.class.getName(), in.toString(), out.toString())
                    .redirectErrorStream(false)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile())
                    .start();
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("llama.cpp's schema converter took more than " + TIMEOUT_SECONDS
                        + " s in its child process");
            }
            if (p.exitValue() == 0 && Files.exists(out)) {
                return Files.readString(out, StandardCharsets.UTF_8);
            }
            throw new IllegalArgumentException(reason(Files.readString(err, StandardCharsets.UTF_8), p.exitValue()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run llama.cpp's schema converter in a child process: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while converting a schema in a child process", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    /** llama.cpp's own words from the child's standard error ({@code what(): ...} and what follows), else its tail. */
    static String reason(String stderr, int exit) {
        List<String> lines = new ArrayList<>();
        boolean inWhat = false;
        for (String line : stderr.split("\\R")) {
            String t = line.strip();
            if (t.startsWith("what():")) {
                inWhat = true;
                t = t.substring("what():".length()).strip();
            }
            if (inWhat && !t.isEmpty()) {
                lines.add(t);
            }
        }
        if (lines.isEmpty()) {
            for (String line : stderr.split("\\R")) {
                if (!line.isBlank() && !line.startsWith("Extracted ")) {
                    lines.add(line.strip());
                }
            }
            if (lines.size() > 5) {
                lines = lines.subList(lines.size() - 5, lines.size());
            }
        }
        String text = String.join(" ", lines);
        return text.isEmpty() ? "the converter's process ended with status " + exit : text;
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // a temporary directory left behind is harmless
        }
    }

    /** The child: {@code schema-file grammar-file}. Exits non-zero (or is ended by llama.cpp) on failure. */
    public static void main(String[] args) throws IOException {
        String schema = Files.readString(Path.of(args[0]), StandardCharsets.UTF_8);
        String grammar = LlamaModel.jsonSchemaToGrammar(schema);
        Files.writeString(Path.of(args[1]), grammar, StandardCharsets.UTF_8);
    }
}
