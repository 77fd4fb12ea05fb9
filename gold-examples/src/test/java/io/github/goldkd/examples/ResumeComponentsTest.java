package io.github.goldkd.examples;

import io.github.goldkd.core.DistillationListener;
import io.github.goldkd.core.GoldConfig;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.llm.LlmGenerator;
import io.github.goldkd.llm.OpenAiChatModel;
import io.github.goldkd.llm.corpus.CorpusTeacher;
import io.github.goldkd.ood.OodScores;
import io.github.goldkd.student.BagOfEmbeddingsStudent;
import io.github.goldkd.student.TextCnnStudent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The library's own teachers and students when a run is resumed: the same kinds built again are accepted, a
 * corpus run resumed with an HTTP teacher and a bag-of-embeddings run resumed with the CNN are refused at build().
 */
class ResumeComponentsTest {

    private static final Task TASK = ShippedData.sentimentTask();

    @Test
    void aCorpusRunCannotBeContinuedByAnLlmTeacherButByTheCorpusTeacherBuiltAgain(@TempDir Path tmp) {
        Path dir = tmp.resolve("corpus");
        GoldDistiller.builder().task(TASK).generator(corpus()).student(ControlledStudent.factory(Faults.none()))
                .oodScorer(OodScores.energy(1.0)).batchSize(4).rounds(1).seed(1).runDirectory(dir).build().run();

        try (OpenAiChatModel model = OpenAiChatModel.builder().baseUrl("http://127.0.0.1:9/v1")
                .modelName("gpt-4o-mini").build();
             LlmGenerator llm = LlmGenerator.builder().chatModel(model).build()) {
            assertThatThrownBy(() -> resume(dir, llm, ControlledStudent.factory(Faults.none())).build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("generator differs from the stored run in " + dir + ": stored {\"class\":\""
                            + CorpusTeacher.class.getName() + "\",\"kind\":\"" + CorpusTeacher.KIND + "\"}, given "
                            + "{\"class\":\"" + LlmGenerator.class.getName() + "\",\"chatModel\":{\"class\":\""
                            + OpenAiChatModel.class.getName() + "\",\"model\":\"gpt-4o-mini\"}}");
        }
        assertThat(resume(dir, corpus(), ControlledStudent.factory(Faults.none())).rounds(2).build().run().rounds())
                .hasSize(2);
    }

    @Test
    void aBagOfEmbeddingsRunCannotBeContinuedByTheCnnButByTheBagBuiltAgain(@TempDir Path tmp) {
        Path dir = tmp.resolve("bag");
        // stopped as soon as it started: its provenance names the student, and no network is trained
        DistillationListener stop = new DistillationListener() {
            @Override
            public void onRunStart(Task task, GoldConfig config, int firstRound) {
                throw new IllegalStateException("stopped");
            }
        };
        assertThatThrownBy(() -> GoldDistiller.builder().task(TASK).generator(new ScriptedGenerator())
                .student(BagOfEmbeddingsStudent.factory()).oodScorer(OodScores.energy(1.0)).batchSize(4).rounds(1)
                .runDirectory(dir).listener(stop).build().run()).hasMessage("stopped");

        assertThatThrownBy(() -> resume(dir, new ScriptedGenerator(), TextCnnStudent.factory()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("student differs from the stored run in " + dir + ": stored {\"class\":\""
                        + BagOfEmbeddingsStudent.class.getName() + "\",\"config\":{")
                .hasMessageContaining("given {\"class\":\"" + TextCnnStudent.class.getName() + "\",\"config\":{");
        assertThat(resume(dir, new ScriptedGenerator(), BagOfEmbeddingsStudent.factory()).build()).isNotNull();
    }

    private static GoldDistiller.Builder resume(Path dir, Generator teacher, StudentFactory students) {
        return GoldDistiller.resume(dir).generator(teacher).student(students).oodScorer(OodScores.energy(1.0));
    }

    private static Generator corpus() {
        return Teachers.corpus(TASK, ShippedData.sentimentPool());
    }
}
