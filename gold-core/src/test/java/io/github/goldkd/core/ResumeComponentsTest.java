package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A resumed run must be given the generator and the student factory of the run it continues. */
class ResumeComponentsTest {

    private static final String SCRIPTED = ScriptedGenerator.class.getName();
    private static final String CONTROLLED = ControlledStudent.Factory.class.getName();

    @TempDir
    Path tmp;

    @Test
    void anotherGeneratorIsRefusedAtBuildNamingTheStoredAndTheGivenOne() {
        Path dir = interrupted(new ScriptedGenerator(), ControlledStudent.factory(Faults.none()));
        GoldDistiller.Builder b = GoldDistiller.resume(dir).generator(new OtherGenerator())
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer());
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("generator differs from the stored run in " + dir + ": stored {\"class\":\"" + SCRIPTED
                        + "\"}, given {\"class\":\"" + OtherGenerator.class.getName() + "\"}; a resumed run must use "
                        + "the same generator (only settings such as its cache, budget, timeouts or endpoint may "
                        + "change)");
    }

    @Test
    void anotherStudentFactoryIsRefusedAtBuildNamingTheStoredAndTheGivenOne() {
        Path dir = interrupted(new ScriptedGenerator(), ControlledStudent.factory(Faults.none()));
        GoldDistiller.Builder b = GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                .student(new OtherFactory()).oodScorer(new TestScorer());
        assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("student differs from the stored run in " + dir + ": stored {\"class\":\"" + CONTROLLED
                        + "\"}, given {\"class\":\"" + OtherFactory.class.getName() + "\"}; a resumed run must use "
                        + "the same student (only settings such as its cache, budget, timeouts or endpoint may "
                        + "change)");
    }

    @Test
    void anLlmLikeGeneratorMayChangeItsCacheBudgetTimeoutsAndEndpointButNotItsModel() {
        Map<String, Object> original = llm("OpenAiChatModel", "model-a", "http://10.0.0.1:8000/v1", 600_000,
                "/runs/a/request-cache.jsonl", 100);
        Path dir = interrupted(new Described(original), ControlledStudent.factory(Faults.none()));

        Map<String, Object> moved = llm("OpenAiChatModel", "model-a", "http://gpu-2:8000/v1", 120_000,
                "/elsewhere/request-cache.jsonl", 5000);
        DistillationResult resumed = GoldDistiller.resume(dir).generator(new Described(moved))
                .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).build().run();
        DistillationResult reference = start(tmp.resolve("reference"), new Described(original),
                ControlledStudent.factory(Faults.none())).build().run();
        assertThat(resumed.dataset()).isEqualTo(reference.dataset());

        Path other = interrupted(new Described(original), ControlledStudent.factory(Faults.none()));
        for (Map<String, Object> different : List.of(
                llm("OpenAiChatModel", "model-b", "http://10.0.0.1:8000/v1", 600_000, "/runs/a/request-cache.jsonl", 100),
                llm("OllamaChatModel", "model-a", "http://10.0.0.1:8000/v1", 600_000, "/runs/a/request-cache.jsonl", 100))) {
            assertThatThrownBy(() -> GoldDistiller.resume(other).generator(new Described(different))
                    .student(ControlledStudent.factory(Faults.none())).oodScorer(new TestScorer()).build())
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("generator differs")
                    .hasMessageContaining("\"chatModel\":{\"class\":\"x.OpenAiChatModel\",\"model\":\"model-a\"}");
        }
    }

    @Test
    void aStudentFactoryWithAnotherConfigIsRefused() {
        Path dir = interrupted(new ScriptedGenerator(), new ConfiguredFactory(new Config(32, 0.1)));
        assertThatThrownBy(() -> GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                .student(new ConfiguredFactory(new Config(64, 0.1))).oodScorer(new TestScorer()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("stored {\"class\":\"" + ConfiguredFactory.class.getName()
                        + "\",\"config\":{\"embeddingDim\":32,\"learningRate\":0.1}}");
        // the same settings read back from provenance.json (numbers parsed from text) are the same config
        assertThat(GoldDistiller.resume(dir).generator(new ScriptedGenerator())
                .student(new ConfiguredFactory(new Config(32, 0.1))).oodScorer(new TestScorer()).build().run()
                .rounds()).hasSize(3);
    }

    @Test
    void aLambdaIsTheSameComponentInEveryProcessThatRunsTheSameCode() {
        assertThat(ComponentIdentity.of(Map.of("class", "a.B$$Lambda$14/0x0000000800c0b000")))
                .isEqualTo(ComponentIdentity.of(Map.of("class", "a.B$$Lambda$27/0x00000008000aa040")))
                .isNotEqualTo(ComponentIdentity.of(Map.of("class", "a.C$$Lambda$14/0x0000000800c0b000")));
    }

    private static Map<String, Object> llm(String chatModelClass, String model, String endpoint, long timeoutMs,
                                           String cache, int maxRequests) {
        Map<String, Object> chat = new LinkedHashMap<>();
        chat.put("class", "x." + chatModelClass);
        chat.put("model", model);
        chat.put("endpoint", endpoint);
        chat.put("callTimeoutMs", timeoutMs);
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", "x.LlmGenerator");
        d.put("chatModel", chat);
        d.put("budget", Map.of("maxRequests", maxRequests));
        d.put("cache", cache);
        return d;
    }

    /** A run of 3 rounds stopped in its second round. */
    private Path interrupted(Generator generator, StudentFactory students) {
        Path dir = tmp.resolve("run-" + System.nanoTime());
        Generator failing = generator instanceof Described d ? d.failingAt(1) : generator;
        if (generator instanceof ScriptedGenerator s) {
            s.faults(Faults.at("generate-probe", 2));
        }
        assertThatThrownBy(() -> start(dir, failing, students).build().run())
                .isInstanceOf(Faults.InjectedFault.class);
        return dir;
    }

    private static GoldDistiller.Builder start(Path dir, Generator generator, StudentFactory students) {
        return GoldDistiller.builder().task(Fixtures.topicTask()).generator(generator).student(students)
                .oodScorer(new TestScorer()).batchSize(2).rounds(3).updateStudentEvery(2).seed(11)
                .runDirectory(dir);
    }

    /** Another generator than the stored run's. */
    static final class OtherGenerator implements Generator {
        private final ScriptedGenerator inner = new ScriptedGenerator();

        @Override
        public GeneratedBatch generate(GenerationRequest request) {
            return inner.generate(request);
        }
    }

    /** Another student factory than the stored run's. */
    static final class OtherFactory implements StudentFactory {
        private final StudentFactory inner = ControlledStudent.factory(Faults.none());

        @Override
        public Student create(Task task, TrainingOptions options) {
            return inner.create(task, options);
        }

        @Override
        public Student load(Path file) {
            return inner.load(file);
        }
    }

    /** The scripted generator under a description the test chooses. */
    record Described(Map<String, Object> description, ScriptedGenerator inner) implements Generator {
        Described(Map<String, Object> description) {
            this(description, new ScriptedGenerator());
        }

        Described failingAt(int round) {
            inner.faults(Faults.at("generate-probe", round + 1));
            return this;
        }

        @Override
        public GeneratedBatch generate(GenerationRequest request) {
            return inner.generate(request);
        }

        @Override
        public Map<String, Object> describe() {
            return description;
        }
    }

    record Config(int embeddingDim, double learningRate) {
    }

    /** Controlled students described with a configuration record, as gold-student's factories are. */
    record ConfiguredFactory(Config config, StudentFactory inner) implements StudentFactory {
        ConfiguredFactory(Config config) {
            this(config, ControlledStudent.factory(Faults.none()));
        }

        @Override
        public Student create(Task task, TrainingOptions options) {
            return inner.create(task, options);
        }

        @Override
        public Student load(Path file) {
            return inner.load(file);
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", ConfiguredFactory.class.getName(), "config", config);
        }
    }
}
