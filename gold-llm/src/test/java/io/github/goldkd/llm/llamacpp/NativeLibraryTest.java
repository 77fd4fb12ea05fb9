package io.github.goldkd.llm.llamacpp;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Loading llama.cpp prints nothing: the binding's "Extracted ..." line goes to the log. */
class NativeLibraryTest {

    @Test
    void theFirstLoadInAJvmWritesNothingToStandardOutput(@TempDir Path tmp) throws Exception {
        Path libraries = Files.createDirectories(tmp.resolve("native"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dde.kherud.llama.tmpdir=" + libraries,
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-D" + "org.slf4j.simpleLogger.log." + NativeLog.LOGGER_NAME + "=debug",
                "-cp", System.getProperty("java.class.path"), LoadModelMain.class.getName(),
                tmp.resolve("tiny.gguf").toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child JVM did not end in 120 s; its log: " + Files.readString(err));
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isZero();

        assertThat(Files.readString(out, StandardCharsets.UTF_8)).as("standard output")
                .isEqualTo("loaded tiny.gguf" + System.lineSeparator());
        // the binding extracted its library in this JVM (when it prints; it deletes the file at exit) and said
        // so in the log only
        assertThat(stderr).contains("DEBUG " + NativeLog.LOGGER_NAME + " - Extracted '")
                .contains("' to '" + libraries.toRealPath());
    }
}
