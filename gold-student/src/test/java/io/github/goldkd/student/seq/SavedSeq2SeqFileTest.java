package io.github.goldkd.student.seq;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A text seq2seq student file written before a copied token's decoder input read its source position
 * ({@link Seq2SeqGraph#COPIED}; written by main at f550172: d 8, one layer each side, two epochs on 16 toy
 * formulations, and its logits on two test samples): it loads, gives the logits it gave then, decodes and
 * keeps training, without the placeholder its graph lacks.
 */
class SavedSeq2SeqFileTest {

    private static Path resource(String name) throws Exception {
        return Path.of(SavedSeq2SeqFileTest.class.getResource("/student-files/" + name).toURI());
    }

    @Test
    void aTextStudentSavedBeforeCopiedInputsLoadsWithTheSameLogitsAndKeepsTraining() throws Exception {
        Seq2SeqStudent old = Seq2SeqStudent.load(resource("seq2seq-text.zip"));
        // saved before the plausibleAnswers setting too: read as off
        assertThat(old.config().plausibleAnswers()).isFalse();
        // and before distractorRate: read as 0, every sample trained as written
        assertThat(old.config().distractorRate()).isZero();
        Dataset probe = SeqToyData.text(2, 2);
        List<Logits> z = old.logits(probe.samples());
        List<float[][]> recorded = SeqStudentFixture.recordedLogits("seq2seq-text-logits.txt");
        assertThat(recorded).hasSize(2);
        for (int i = 0; i < 2; i++) {
            Logits l = z.get(i);
            assertThat(l.positions()).isEqualTo(recorded.get(i).length);
            for (int t = 0; t < l.positions(); t++) {
                assertThat(l.row(t)).as("sample %d position %d", i, t).containsExactly(recorded.get(i)[t]);
            }
        }
        assertThat(old.predict(probe.samples(), 1)).containsExactly("variables.", "variables.");
        old.fit(SeqToyData.text(8, 3), 1, 4);
        assertThat(old.logits(probe.samples()).get(0).row(0)).isNotEqualTo(recorded.get(0)[0]);
    }
}
