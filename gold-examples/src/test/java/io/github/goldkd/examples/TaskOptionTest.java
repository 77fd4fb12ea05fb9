package io.github.goldkd.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.TaskJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --task NAME|FILE}: shipped names, files as before, and the defaults they bring. */
class TaskOptionTest {

    private final CommandLine cli = new CommandLine(new GoldCli());

    @Test
    void aShippedNameGivesTheTaskAndItsDefaultFiles() {
        TaskOption o = TaskOption.resolve(cli, "SQuAD");
        assertThat(o.shipped()).isTrue();
        assertThat(o.name()).isEqualTo("squad");
        assertThat(o.task().kind()).isEqualTo(TaskKind.EXTRACTIVE_QA);
        assertThat(o.test(null).size()).isEqualTo(96);
        assertThat(o.pool(null).size()).isEqualTo(485);
    }

    @Test
    void aFileIsReadAsBeforeAndHasNoDefaults(@TempDir Path tmp) {
        Path file = tmp.resolve("my-task.json");
        TaskJson.write(file, ShippedTasks.task("svamp"));
        TaskOption o = TaskOption.resolve(cli, file.toString());
        assertThat(o.shipped()).isFalse();
        assertThat(o.task()).isEqualTo(ShippedTasks.task("svamp"));
        assertThat(o.pool(null)).isNull();
        assertThat(o.test(null)).isNull();
        assertThat(TaskOption.slug(file.toString())).isEqualTo("my-task");
        assertThat(TaskOption.slug("nl4opt")).isEqualTo("nl4opt");

        assertThatThrownBy(() -> TaskOption.resolve(cli, tmp.resolve("missing.json").toString()))
                .isInstanceOf(CommandLine.ParameterException.class)
                .hasMessageContaining("--task must be a task file or one of sentiment, squad, svamp, nl4opt")
                .hasMessageContaining("missing.json");
    }

    @Test
    void distillByShippedNameUsesTheShippedPoolAndTestSet(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("run");
        GoldCliTest.Run r = GoldCliTest.gold("distill", "--task", "sentiment", "--teacher", "corpus", "--student", "bag",
                "--rounds", "2", "--batch-size", "4", "--update-every", "1", "--final-epochs", "1", "--seed", "3",
                "--out", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("test accuracy");
        JsonObject summary = JsonParser.parseString(Files.readString(out.resolve("summary.json"))).getAsJsonObject();
        assertThat(summary.get("generatedSamples").getAsInt()).isEqualTo(2 * 8);
        assertThat(summary.get("testAccuracy").getAsDouble()).isBetween(0.0, 1.0);
    }
}
