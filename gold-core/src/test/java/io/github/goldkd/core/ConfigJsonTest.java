package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A hand-edited or damaged {@code config.json} names the field at fault instead of a bare parse error. */
class ConfigJsonTest {

    @TempDir
    Path tmp;

    private Path run() {
        Path dir = tmp.resolve("run");
        GoldDistiller.builder().task(Fixtures.topicTask()).generator(new ScriptedGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer())
                .batchSize(2).rounds(1).runDirectory(dir).build().run();
        return dir;
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "\"batchSize\": \"eight\"|field 'batchSize' must be an integer, found \"eight\"",
            "\"batchSize\": 2.5|field 'batchSize' must be an integer, found 2.5",
            "\"seed\": [42]|field 'seed' must be an integer, found [42]",
            "\"keepProbes\": \"yes\"|field 'keepProbes' must be true or false, found \"yes\"",
            "\"feedbackMode\": \"SOMETIMES\"|field 'feedbackMode' must be one of [ON, OFF_NO_PROBES, OFF_PROBES_KEPT], "
                    + "found \"SOMETIMES\"",
            "\"rounds\": null|field 'rounds' must be an integer, found null",
            "\"selector\": {}|field 'selector' must be a string, found {}"})
    void aWrongTypedFieldIsNamed(String field, String message) throws Exception {
        Path dir = run();
        Path config = dir.resolve(RunStore.CONFIG);
        String name = field.substring(1, field.indexOf('"', 1));
        String json = Files.readString(config, StandardCharsets.UTF_8)
                .replaceFirst("\"" + name + "\": (\"[^\"]*\"|[^,\\n]+)", java.util.regex.Matcher.quoteReplacement(field));
        assertThat(json).contains(field);
        Files.writeString(config, json, StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RunStore.read(dir)).isInstanceOf(RunStoreException.class)
                .hasMessage(config + ": " + message);
        assertThatThrownBy(() -> GoldDistiller.resume(dir)).hasMessage(config + ": " + message);
    }

    @Test
    void brokenJsonIsOneLineNamingTheFile() throws Exception {
        Path dir = run();
        Path config = dir.resolve(RunStore.CONFIG);
        Files.writeString(config, "{\"batchSize\": 2,\n", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> RunStore.read(dir)).isInstanceOf(RunStoreException.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith(config + " line ").contains("not valid JSON")
                        .doesNotContain("\n"));
    }
}
