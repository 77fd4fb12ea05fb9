package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Sample;
import io.github.goldkd.student.Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The student benchmark's parts that need neither fastText nor child JVMs, at toy size. */
class StudentBenchmarkTest {

    /** A fixture file in the npm sentiment@5.0.2 form, ending with the empty record those files end with ({"text":"","class":null}). */
    private static void fixture(Path file, int n, int offset) throws Exception {
        String[] positive = {"great food", "loved it", "wonderful staff", "really good"};
        String[] negative = {"awful food", "hated it", "rude staff", "really bad"};
        List<String> records = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean pos = (i + offset) % 2 == 0;
            String text = (pos ? positive : negative)[(i / 2) % 4] + " number " + i;
            records.add("{\"text\": \"" + text + "\", \"class\": " + (pos ? 1 : 0) + "}");
        }
        records.add("{\"text\": \"\", \"class\": null}");
        Files.writeString(file, "[" + String.join(",\n", records) + "]", StandardCharsets.UTF_8);
    }

    @Test
    void sentimentFilesSkipTheEmptyRecordAndMapClassOneToPositive(@TempDir Path dir) throws Exception {
        fixture(dir.resolve("yelp.json"), 4, 0);
        List<Sample> samples = SentimentData.read(dir.resolve("yelp.json"));
        assertThat(samples).extracting(Sample::label).containsExactly("positive", "negative", "positive", "negative");
        assertThat(samples).extracting(Sample::id).containsExactly("yelp-0", "yelp-1", "yelp-2", "yelp-3");
        assertThat(samples.get(0).text()).isEqualTo("great food number 0");
    }

    @Test
    void fastTextFilesHoldTheLabelAndTheStudentsTokens(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("train.txt");
        FastText.write(List.of(Sample.real("a", "Great Food, really!", "positive")), file, new Tokenizer(true));
        assertThat(Files.readAllLines(file)).containsExactly(
                "__label__positive " + String.join(" ", new Tokenizer(true).tokenize("Great Food, really!")));
    }

    @Test
    void aChildRunTrainsAStudentInProcessAndItsResultLineRoundTrips(@TempDir Path dir) throws Exception {
        fixture(dir.resolve("yelp.json"), 40, 0);
        fixture(dir.resolve("amazon.json"), 40, 1);
        fixture(dir.resolve("imdb.json"), 20, 0);
        StudentBenchmark.Run run = StudentBenchmark.child("sentiment", "boe", "ce", 1, dir.toString(), "-");
        assertThat(run.epochs()).isBetween(1, 10);
        // the cue words decide every imdb sentence, and the training files hold them all
        assertThat(run.accuracy()).isEqualTo(1.0);
        assertThat(run.fitSeconds()).isPositive();
        StudentBenchmark.Run back = StudentBenchmark.Run.decode(run.encode());
        assertThat(back.accuracy()).isEqualTo(run.accuracy());
        assertThat(back.epochs()).isEqualTo(run.epochs());
        assertThat(back.rssKb()).isEqualTo(run.rssKb());
    }

    @Test
    void runRejectsSettingsOutsideTheirRangeWithoutExiting(@TempDir Path dir) {
        assertThatThrownBy(() -> StudentBenchmark.run(-1, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("syntheticPairs must be >= 0, was -1");
        assertThatThrownBy(() -> StudentBenchmark.run(0, dir, -2))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sentimentSeeds must be >= 0, was -2");
        assertThatThrownBy(() -> StudentBenchmark.run(0, null, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing to run");
        assertThatThrownBy(() -> StudentBenchmark.run(0, dir.resolve("missing"), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fixtures must be the directory");
        assertThatThrownBy(() -> StudentBenchmark.main(new String[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(StudentBenchmark.USAGE);
    }

    @Test
    void tablesPrintAsMarkdownWithTheirNotes() {
        StudentBenchmark.Table t = new StudentBenchmark.Table("title", List.of("a", "b"),
                List.of(List.of("1", "2")), List.of("a note"));
        assertThat(t.markdown()).isEqualTo("## title\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\na note\n");
    }
}
