package io.github.goldkd.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Label;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.TaskJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code gold score} end to end, on hand-made files whose scores were computed by hand. */
class ScoreCommandTest {

    @TempDir
    Path dir;

    record Run(int status, String out, String err) {
        /** The JSON object on the last line of standard output. */
        JsonObject scores() {
            String[] lines = out.strip().split("\n");
            return JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
        }
    }

    static Run gold(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = GoldCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private Path task(Task t) {
        Path p = dir.resolve(t.name() + ".json");
        TaskJson.write(p, t);
        return p;
    }

    private static final String C = "The Normans were in France in the 10th century.";

    @Test
    void extractiveQaScoresExactMatchF1AndStrictExactMatch() throws IOException {
        Path qa = task(Task.sequence("qa", TaskKind.EXTRACTIVE_QA, "", List.of("context", "question"), null, List.of()));
        Path test = write("qa.jsonl", String.join("\n",
                "{\"id\":\"q1\",\"context\":\"" + C + "\",\"question\":\"Where?\",\"answers\":[\"France\",\"in France\"]}",
                "{\"id\":\"q2\",\"context\":\"" + C + "\",\"question\":\"When?\",\"answers\":[\"the 10th century\"]}",
                "{\"id\":\"q3\",\"context\":\"" + C + "\",\"question\":\"Who?\",\"answers\":[\"The Normans\"]}",
                "{\"id\":\"q4\",\"context\":\"" + C + "\",\"question\":\"Where?\",\"answers\":[\"France\"]}",
                "{\"id\":\"q5\",\"context\":\"" + C + "\",\"question\":\"Who?\",\"answers\":[\"Normans\"]}") + "\n");
        // q1 "france": EM 1 (case), strict 0, F1 1; q2 "10th century.": EM 1 (article, punctuation), strict 0,
        // F1 1; q3 "Normans were": EM 0, strict 0, F1 = 2 * (1/2 * 1) / (1/2 + 1) = 2/3; q4 exact: 1, 1, 1;
        // q5 missing: 0, 0, 0. Means over 5: EM 3/5, F1 (3 + 2/3)/5 = 11/15, strict 1/5.
        Path predictions = write("p.jsonl", """
                {"id":"q1","prediction":"france"}
                {"id":"q2","prediction":"10th century."}
                {"id":"q3","prediction":"Normans were"}
                {"id":"q4","prediction":"France"}
                """);
        Run r = gold("score", "--task", qa.toString(), "--test", test.toString(), "--predictions", predictions.toString());
        assertThat(r.status()).as(r.err()).isZero();
        JsonObject s = r.scores();
        assertThat(s.keySet()).containsExactly("exact_match", "f1", "strict_exact_match");
        assertThat(s.get("exact_match").getAsDouble()).isCloseTo(0.6, within(1e-12));
        assertThat(s.get("f1").getAsDouble()).isCloseTo(11.0 / 15, within(1e-12));
        assertThat(s.get("strict_exact_match").getAsDouble()).isCloseTo(0.2, within(1e-12));
        assertThat(r.out()).contains("5 test samples, 4 predictions, 1 missing");
    }

    @Test
    void mathScoresExecutionAccuracyAgainstTheAnswer() throws IOException {
        Path math = task(Task.sequence("m", TaskKind.MATH_WORD_PROBLEM, "", List.of("body", "question"), null,
                List.of()));
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 5; i++) {
            rows.append("{\"id\":\"m").append(i).append("\",\"body\":\"b\",\"question\":\"q\",\"equation\":\"( 2.0 + 3.0 )\","
                    + "\"answer\":5.0}\n");
        }
        Path test = write("m.jsonl", rows.toString());
        // m1 another expression of the same value: 1; m2 a bare number: 1; m3 wrong value: 0;
        // m4 division by zero: 0, and it must not fail; m5 a JSON number: 1. Mean 3/5.
        Path predictions = write("p.jsonl", """
                {"id":"m1","prediction":"( 10.0 / 2.0 )"}
                {"id":"m2","prediction":"5"}
                {"id":"m3","prediction":"( 2.0 - 3.0 )"}
                {"id":"m4","prediction":"( 5.0 / 0.0 )"}
                {"id":"m5","prediction":5}
                """);
        Run r = gold("score", "--task", math.toString(), "--test", test.toString(), "--predictions",
                predictions.toString(), "--out", dir.resolve("scored").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.scores().keySet()).containsExactly("execution_accuracy");
        assertThat(r.scores().get("execution_accuracy").getAsDouble()).isCloseTo(0.6, within(1e-12));
        JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve("scored").resolve("summary.json")))
                .getAsJsonObject();
        assertThat(summary.get("metric").getAsString()).isEqualTo("execution_accuracy");
        assertThat(summary.get("testScore").getAsDouble()).isCloseTo(0.6, within(1e-12));
        assertThat(summary.getAsJsonObject("testScores").get("execution_accuracy").getAsDouble())
                .isCloseTo(0.6, within(1e-12));
        assertThat(summary.get("testSamples").getAsInt()).isEqualTo(5);
    }

    @Test
    void generationScoresRougeL() throws IOException {
        Path gen = task(Task.sequence("g", TaskKind.TEXT_GENERATION, "", List.of("document"), "formulation", List.of()));
        Path test = write("g.jsonl", """
                {"id":"g1","document":"d1","formulation":"maximize: 3 x + 2 y"}
                {"id":"g2","document":"d2","formulation":"x <= 4"}
                """);
        // g1: tokens [maximize 3 x] vs [maximize 3 x 2 y]: LCS 3, P 1, R 3/5, F 0.75;
        // g2: [y 4] vs [x 4]: LCS 1, P R 1/2, F 0.5. Mean 0.625.
        Path predictions = write("p.jsonl", """
                {"id":"g2","prediction":"y <= 4"}
                {"id":"g1","prediction":"maximize 3 x"}
                """);
        Run r = gold("score", "--task", gen.toString(), "--test", test.toString(), "--predictions", predictions.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.scores().keySet()).containsExactly("rouge_l");
        assertThat(r.scores().get("rouge_l").getAsDouble()).isCloseTo(0.625, within(1e-12));
    }

    @Test
    void classificationScoresAccuracyAndAMissingPredictionCountsAsWrong() throws IOException {
        Path cls = task(Task.classification("c", "", List.of(new Label("negative", ""), new Label("positive", "")),
                List.of()));
        Path test = write("c.jsonl", """
                {"id":"c1","text":"good","label":"positive"}
                {"id":"c2","text":"bad","label":"negative"}
                {"id":"c3","text":"fine","label":"positive"}
                {"id":"c4","text":"awful","label":"negative"}
                """);
        // c1 right, c2 right, c3 wrong, c4 missing: 2/4
        Path predictions = write("p.jsonl", """
                {"id":"c1","prediction":"positive"}
                {"id":"c2","prediction":"negative"}
                {"id":"c3","prediction":"negative"}
                """);
        Run r = gold("score", "--task", cls.toString(), "--test", test.toString(), "--predictions", predictions.toString(),
                "--out", dir.resolve("out").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.scores().keySet()).containsExactly("accuracy");
        assertThat(r.scores().get("accuracy").getAsDouble()).isEqualTo(0.5);
        JsonObject summary = JsonParser.parseString(Files.readString(dir.resolve("out").resolve("summary.json")))
                .getAsJsonObject();
        assertThat(summary.get("testAccuracy").getAsDouble()).isEqualTo(0.5);
        assertThat(summary.get("missing").getAsInt()).isEqualTo(1);
    }

    @Test
    void aShippedTaskByNameDefaultsToItsTestSet() throws IOException {
        // SVAMP's first two problems, answered right; the other 690 have no prediction
        Path predictions = write("p.jsonl", """
                {"id":"chal-1","prediction":"( 76.0 - 25.0 )"}
                {"id":"chal-2","prediction":"1"}
                """);
        Run r = gold("score", "--task", "svamp", "--predictions", predictions.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.scores().get("execution_accuracy").getAsDouble()).isCloseTo(2.0 / 692, within(1e-12));
        assertThat(r.out()).contains("692 test samples, 2 predictions, 690 missing");
    }

    @Test
    void anIdNotInTheTestSetIsAnErrorNamingIt() throws IOException {
        Path gen = task(Task.sequence("g", TaskKind.TEXT_GENERATION, "", List.of("document"), "formulation", List.of()));
        Path test = write("g.jsonl", "{\"id\":\"g1\",\"document\":\"d\",\"formulation\":\"x <= 4\"}\n");
        Path predictions = write("p.jsonl", """
                {"id":"g1","prediction":"x <= 4"}
                {"id":"g7","prediction":"x <= 5"}
                """);
        Run r = gold("score", "--task", gen.toString(), "--test", test.toString(), "--predictions", predictions.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("prediction for id 'g7', which is not in the test set").doesNotContain("\tat ");
        assertThat(r.out()).isEmpty();

        Path twice = write("twice.jsonl", """
                {"id":"g1","prediction":"x <= 4"}
                {"id":"g1","prediction":"x <= 5"}
                """);
        Run t = gold("score", "--task", gen.toString(), "--test", test.toString(), "--predictions", twice.toString());
        assertThat(t.status()).isEqualTo(1);
        assertThat(t.err()).contains(twice + " line 2: id 'g1' is predicted twice");
    }

    @Test
    void usageErrorsExitWithTwo() throws IOException {
        Path predictions = write("p.jsonl", "{\"id\":\"x\",\"prediction\":\"y\"}\n");
        Run unknown = gold("score", "--task", "mnli", "--predictions", predictions.toString());
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("--task must be a task file or one of sentiment, squad, svamp, nl4opt");

        Path gen = task(Task.sequence("g", TaskKind.TEXT_GENERATION, "", List.of("document"), null, List.of()));
        Run noTest = gold("score", "--task", gen.toString(), "--predictions", predictions.toString());
        assertThat(noTest.status()).isEqualTo(2);
        assertThat(noTest.err()).contains("--test FILE is required with a task file");

        Run noPredictions = gold("score", "--task", "squad", "--predictions", dir.resolve("none.jsonl").toString());
        assertThat(noPredictions.status()).isEqualTo(2);
        assertThat(noPredictions.err()).contains("--predictions file not found");
    }
}
