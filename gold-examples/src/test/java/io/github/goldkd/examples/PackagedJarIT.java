package io.github.goldkd.examples;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line as {@code ./gold} runs it: {@code java -jar target/gold-examples.jar} with the dependencies
 * the build copied to {@code target/lib}, in a child JVM. Unit tests run on Maven's test class path, which can
 * hold a jar the packaged command line lacks (a test-scoped dependency once took the bge encoder off the
 * runtime class path: every test passed and {@code ./gold demo} failed). Run by failsafe after {@code package}.
 */
class PackagedJarIT {

    private static final Path JAR = Path.of(System.getProperty("basedir", "."), "target", "gold-examples.jar");

    @Test
    void theDefaultDemoRunsFromThePackagedJar(@TempDir Path tmp) throws Exception {
        assertThat(JAR).as("the packaged command line").exists();
        Path out = tmp.resolve("demo");
        Result r = run(tmp, "demo", "--rounds", "2", "--out", out.toString());

        assertThat(r.exit).as("exit code; stderr:%n%s", r.stderr).isZero();
        assertThat(r.stdout).contains("GOLD").contains("ceiling");
        assertThat(out.resolve("summary.json")).exists();
        assertThat(out.resolve("gold/summary.json")).exists();
    }

    @Test
    void aBadOptionExitsTwoWithTheSettingNamed(@TempDir Path tmp) throws Exception {
        Result r = run(tmp, "demo", "--rounds", "0");

        assertThat(r.exit).isEqualTo(2);
        assertThat(r.stderr).contains("--rounds");
    }

    private record Result(int exit, String stdout, String stderr) {
    }

    private static Result run(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx2g");
        command.add("-jar");
        command.add(JAR.toAbsolutePath().toString());
        command.addAll(List.of(args));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the packaged command line did not finish in 10 minutes: " + command);
        }
        return new Result(p.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
