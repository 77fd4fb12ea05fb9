package io.github.goldkd.examples.bench;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The speed benchmark's harness: options, the DL4J measurement, the Python subprocess and the table. */
class SequenceSpeedBenchmarkTest {

    private static final Task MATH = Task.sequence("m", TaskKind.MATH_WORD_PROBLEM, "synthetic",
            List.of("body", "question"), "equation", List.of());

    @TempDir
    Path tmp;

    @Test
    void peakRssIsReadFromVmHwmInKilobytes() {
        assertThat(SequenceSpeedBenchmark.parseVmHwmMb("Name:\tjava\nVmPeak:\t 9 kB\nVmHWM:\t  204800 kB\n"))
                .isEqualTo(200.0);
        assertThat(SequenceSpeedBenchmark.parseVmHwmMb("Name:\tjava\n")).isNaN();
        assertThat(SequenceSpeedBenchmark.peakRssMb()).isGreaterThan(1.0);
    }

    @Test
    void optionsAreValidatedWithTheirNamesAndRanges() {
        Map<String, Function<Integer, SpeedCase>> known = Map.of("fake", t -> new FakeCase(tmp));
        assertThatThrownBy(() -> SequenceSpeedBenchmark.Settings.parse(new String[] {"--threads", "0"}, known))
                .hasMessageContaining("--threads must be in [1, 64], was 0");
        assertThatThrownBy(() -> SequenceSpeedBenchmark.Settings.parse(new String[] {"--repeats", "0"}, known))
                .hasMessageContaining("--repeats must be in [1, 100], was 0");
        assertThatThrownBy(() -> SequenceSpeedBenchmark.Settings.parse(new String[] {"--train-steps", "x"}, known))
                .hasMessageContaining("--train-steps must be an integer");
        assertThatThrownBy(() -> SequenceSpeedBenchmark.Settings.parse(new String[] {"--cases", "qa"}, known))
                .hasMessageContaining("unknown case 'qa'");
        assertThatThrownBy(() -> SequenceSpeedBenchmark.Settings.parse(new String[] {"--speed", "1"}, known))
                .hasMessageContaining("unknown option '--speed'");
        SequenceSpeedBenchmark.Settings s = SequenceSpeedBenchmark.Settings.parse(
                new String[] {"--threads", "1,2", "--decode", "4", "--in-process"}, known);
        assertThat(s.threads()).containsExactly(1, 2);
        assertThat(s.cases()).containsExactly("fake");
        assertThat(s.inProcess()).isTrue();
    }

    @Test
    void aMissingPythonOrTorchIsAClearNoteNotACrash() throws Exception {
        Path harness = Files.writeString(tmp.resolve("h.py"), "");
        SequenceSpeedBenchmark.PythonResult none = SequenceSpeedBenchmark.runPython(
                tmp.resolve("no-such-python").toString(), harness, new JsonObject(), 1, quiet());
        assertThat(none.error()).contains("cannot run Python").contains("--python").contains("bench/pytorch/README.md");
        Path noTorch = script("echo '{\"measure\": \"error\", \"error\": \"torch is not installed for x\"}'; exit 3");
        SequenceSpeedBenchmark.PythonResult missing = SequenceSpeedBenchmark.runPython(
                noTorch.toString(), harness, new JsonObject(), 1, quiet());
        assertThat(missing.error()).isEqualTo("torch is not installed for x");
        assertThat(SequenceSpeedBenchmark.runPython("python3", tmp.resolve("absent.py"), new JsonObject(), 1, quiet())
                .error()).contains("does not exist");
    }

    @Test
    void aRunMeasuresTheStudentHandsTheSpecToPythonAndPrintsTheRatio() throws Exception {
        Path seen = tmp.resolve("seen-spec.json");
        Path env = tmp.resolve("seen-env.txt");
        // a stand-in for the harness: records the spec and the thread environment, reports fixed rates
        Path python = script("cp \"$3\" " + seen + "; echo \"$OMP_NUM_THREADS\" > " + env + "\n"
                + "echo 'torch warming up'\n"
                + "echo '{\"measure\": \"train\", \"per_second\": 4.0}'\n"
                + "echo '{\"measure\": \"forward\", \"ms\": 12.5}'\n"
                + "echo '{\"measure\": \"decode\", \"per_second\": 100.0}'\n"
                + "echo '{\"measure\": \"peak_rss\", \"mb\": 321.0}'\n");
        Path harness = Files.writeString(tmp.resolve("seq_speed.py"), "");
        FakeCase fake = new FakeCase(tmp);
        Map<String, Function<Integer, SpeedCase>> cases = Map.of("fake", t -> fake);
        SequenceSpeedBenchmark.Settings s = SequenceSpeedBenchmark.Settings.parse(new String[] {"--threads", "2",
                "--train-steps", "3", "--decode", "5", "--repeats", "2", "--python", python.toString(), "--harness", harness.toString(),
                "--in-process"}, cases);

        String table = SequenceSpeedBenchmark.run(s, cases, quiet());

        assertThat(fake.student.fitCalls).isEqualTo(1 + 2); // warm-up epoch + two timed epochs
        assertThat(fake.student.trained).isEqualTo(3 * 3 * 4);
        assertThat(fake.student.predicted).isEqualTo(2 + 2 * 5);
        JsonObject spec = JsonParser.parseString(Files.readString(seen)).getAsJsonObject();
        assertThat(spec.get("model").getAsString()).isEqualTo("fake-model");
        assertThat(spec.get("threads").getAsInt()).isEqualTo(2);
        assertThat(spec.get("batch").getAsInt()).isEqualTo(4);
        assertThat(spec.get("train_steps").getAsInt()).isEqualTo(3);
        assertThat(spec.get("repeats").getAsInt()).isEqualTo(2);
        assertThat(spec.getAsJsonObject("decode").get("sequences").getAsInt()).isEqualTo(5);
        assertThat(spec.getAsJsonObject("decode").get("steps").getAsJsonArray()).hasSize(5);
        assertThat(spec.getAsJsonObject("decode").has("kv_cache")).isFalse(); // not a seq2seq case
        assertThat(Files.readString(env).strip()).isEqualTo("2");

        String row = table.lines().filter(l -> l.startsWith("| fake |")).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        // | name | threads | batch | dl4j steps/s | torch steps/s | ratio | dl4j fwd | torch fwd | dl4j seq/s | torch
        // seq/s | ratio | dl4j rss | torch rss |
        assertThat(cells[2].strip()).isEqualTo("2");
        assertThat(cells[5].strip()).isEqualTo("4.00");
        assertThat(cells[8].strip()).isEqualTo("12.5");
        assertThat(cells[10].strip()).isEqualTo("100");
        assertThat(cells[13].strip()).isEqualTo("321");
        double dl4jTrain = Double.parseDouble(cells[4].strip());
        double ratio = Double.parseDouble(cells[6].strip().replace("x", ""));
        assertThat(ratio).isCloseTo(4.0 / dl4jTrain, org.assertj.core.data.Offset.offset(0.05 * ratio + 0.01));
        assertThat(Double.parseDouble(cells[12].strip())).isGreaterThan(1.0);
    }

    @Test
    void decodingOneAtATimeAndTheKeepAllFilterAreMeasuredWhenAsked() throws Exception {
        Path seen = tmp.resolve("seen-each-spec.json");
        Path python = script("cp \"$3\" " + seen + "\n"
                + "echo '{\"measure\": \"train\", \"per_second\": 4.0}'\n"
                + "echo '{\"measure\": \"decode\", \"per_second\": 100.0}'\n"
                + "echo '{\"measure\": \"decode_each\", \"per_second\": 30.0}'\n"
                + "echo '{\"measure\": \"decode_kv\", \"per_second\": 250.0}'\n");
        Path harness = Files.writeString(tmp.resolve("seq_speed.py"), "");
        FakeCase fake = new FakeCase(tmp);
        fake.model = "s2s"; // a seq2seq case: the harness is asked for its key/value-cache decoding too
        Map<String, Function<Integer, SpeedCase>> cases = Map.of("fake", t -> fake);
        SequenceSpeedBenchmark.Settings s = SequenceSpeedBenchmark.Settings.parse(new String[] {"--train-steps", "3",
                "--decode", "5", "--decode-each", "2", "--keep-all-filter", "--repeats", "2", "--python",
                python.toString(), "--harness", harness.toString(), "--in-process"}, cases);
        assertThatThrownBy(() -> SequenceSpeedBenchmark.Settings.parse(new String[] {"--decode", "5",
                "--decode-each", "6"}, cases)).hasMessageContaining("--decode-each must be in [0, --decode=5]");

        String table = SequenceSpeedBenchmark.run(s, cases, quiet());

        // the fake factory returns the same student: warm-up + 2 timed epochs, twice (NONE, then keep-all)
        assertThat(fake.student.fitCalls).isEqualTo(2 * (1 + 2));
        // two warm-up samples, 2 x 5 batched, 2 x 2 one at a time
        assertThat(fake.student.predicted).isEqualTo(2 + 2 * 5 + 2 * 2);
        JsonObject spec = JsonParser.parseString(Files.readString(seen)).getAsJsonObject();
        assertThat(spec.getAsJsonObject("decode").get("each_sequences").getAsInt()).isEqualTo(2);
        assertThat(spec.getAsJsonObject("decode").get("kv_cache").getAsBoolean()).isTrue();
        String row = table.lines().filter(l -> l.startsWith("| fake |")).findFirst().orElseThrow();
        String[] cells = row.split("\\|");
        assertThat(Double.parseDouble(cells[14].strip())).isGreaterThan(0);
        assertThat(Double.parseDouble(cells[15].strip())).isGreaterThan(0);
        assertThat(cells[16].strip()).isEqualTo("30.0");
        assertThat(cells[17].strip()).isEqualTo("250");
        double dl4jDecode = Double.parseDouble(cells[9].strip());
        assertThat(Double.parseDouble(cells[18].strip().replace("x", "")))
                .isCloseTo(250.0 / dl4jDecode, org.assertj.core.data.Offset.offset(0.05 * 250.0 / dl4jDecode + 0.01));
    }

    @Test
    void theTableSaysWhyPyTorchWasNotMeasured() {
        JsonObject dl4j = new JsonObject();
        dl4j.addProperty("train_per_second", 2.0);
        dl4j.addProperty("decode_per_second", 50.0);
        dl4j.addProperty("forward_ms", 20.0);
        dl4j.addProperty("peak_rss_mb", 900.0);
        dl4j.addProperty("batch", 32);
        String withTorch = SequenceSpeedBenchmark.table(List.of(new SequenceSpeedBenchmark.Row("math", 1, dl4j,
                new SequenceSpeedBenchmark.PythonResult(Map.of("train", rate(5.0), "decode", rate(25.0),
                        "decode_kv", rate(75.0)), null))));
        assertThat(withTorch).contains("| math | 1 | 32 | 2.00 | 5.00 | 2.50x | 20.0 | n/a | 50.0 | 25.0 | 0.50x | 900 | n/a |")
                .contains("| n/a | 75.0 | 1.50x |");
        String without = SequenceSpeedBenchmark.table(List.of(new SequenceSpeedBenchmark.Row("math", 1, dl4j,
                new SequenceSpeedBenchmark.PythonResult(Map.of(), "torch is not installed"))));
        assertThat(without).contains("| 2.00 | n/a | n/a |").contains("math (1 thread(s)): PyTorch not measured: torch is not installed");
    }

    @Test
    void syntheticSamplesHaveTheShapesTheSpecPromises() {
        Seq2SeqSpeedCase.Net net = new Seq2SeqSpeedCase.Net(16, 2, 32, 1, 1, 128, 32, 8, 1e-3, 0, 1.0, 2);
        Seq2SeqSpeedCase math = new Seq2SeqSpeedCase("math", MATH, t -> null, net, true, 3);
        Pattern tokens = Pattern.compile("\\d+(?:\\.\\d+)?|[\\p{L}]+|[^\\s\\p{L}\\d]");
        List<Sample> a = math.trainData(2, 5);
        assertThat(a).hasSize(16).isEqualTo(math.trainData(2, 5));
        for (Sample x : a) {
            assertThat(count(tokens, x.inputs().get("body") + " " + x.inputs().get("question")))
                    .isEqualTo(math.sourceTokens()).isEqualTo(31);
            // three numbers, two operators: five prefix tokens, six greedy steps with the end token
            assertThat(math.decodeSteps(x.target())).isEqualTo(6);
        }
        Seq2SeqSpeedCase text = new Seq2SeqSpeedCase("text", MATH, t -> null, net, false, 2);
        for (Sample x : text.trainData(1, 5)) {
            assertThat(count(tokens, x.inputs().get("document"))).isEqualTo(text.sourceTokens()).isEqualTo(115);
            assertThat(count(tokens, x.target())).isEqualTo(80);
            assertThat(text.decodeSteps(x.target())).isEqualTo(32); // capped at maxTargetTokens
        }
        assertThat(text.decodeData(32, 1, List.of())).hasSize(8);
    }

    private static int count(Pattern p, String s) {
        Matcher m = p.matcher(s);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    private static JsonObject rate(double perSecond) {
        JsonObject o = new JsonObject();
        o.addProperty("per_second", perSecond);
        return o;
    }

    private Path script(String body) throws Exception {
        Path p = Files.createTempFile(tmp, "python", ".sh");
        Files.writeString(p, "#!/usr/bin/env bash\n" + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    /** A case around a student that only counts what it is asked to do. */
    private static final class FakeCase implements SpeedCase {
        final CountingStudent student = new CountingStudent();
        String model = "fake-model";

        FakeCase(Path unused) {
        }

        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Task task() {
            return MATH;
        }

        @Override
        public StudentFactory factory(int threads) {
            return new StudentFactory() {
                @Override
                public Student create(Task task, TrainingOptions options) {
                    return student;
                }

                @Override
                public Student load(Path file) {
                    throw new UnsupportedOperationException();
                }
            };
        }

        @Override
        public int batchSize() {
            return 4;
        }

        @Override
        public List<Sample> trainData(int steps, long seed) {
            return SyntheticSequences.math(steps * 4, seed, 50, 3, 2, 2);
        }

        @Override
        public List<Sample> decodeData(int count, long seed, List<Sample> train) {
            return SyntheticSequences.math(count, seed, 50, 3, 2, 2);
        }

        @Override
        public Map<String, Object> torchSpec(Student trained, List<Sample> train, List<Sample> decode,
                                             List<String> decoded) {
            List<Integer> steps = new ArrayList<>();
            decoded.forEach(d -> steps.add(d.length()));
            return Map.of("model", model, "decode", Map.of("steps", steps));
        }
    }

    private static final class CountingStudent implements Student {
        int fitCalls;
        int trained;
        int predicted;

        @Override
        public Task task() {
            return MATH;
        }

        @Override
        public FitReport fit(Dataset data, int epochs, long seed) {
            fitCalls++;
            trained += data.size() * epochs;
            try {
                Thread.sleep(20); // a measurable step time
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return FitReport.NOTHING;
        }

        @Override
        public List<Logits> logits(List<Sample> samples) {
            List<Logits> out = new ArrayList<>();
            for (Sample s : samples) {
                out.add(Logits.ofSequence(new float[][] {{0f, 1f}}, new boolean[] {true}, new int[] {1}));
            }
            return out;
        }

        @Override
        public List<String> predict(List<Sample> samples) {
            predicted += samples.size();
            List<String> out = new ArrayList<>();
            samples.forEach(s -> out.add("( 1.0 + 2.0 )"));
            return out;
        }

        @Override
        public void save(Path file) {
            throw new UnsupportedOperationException();
        }
    }
}
