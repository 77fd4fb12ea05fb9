package io.github.goldkd.examples.bench;

import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.examples.ShippedTasks;
import io.github.goldkd.student.seq.Seq2SeqConfig;
import io.github.goldkd.student.seq.Seq2SeqStudent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link SequenceBenchmarks#run} on a restored student: {@code --load} with {@code --epochs 0} trains nothing and
 * prints the final evaluation, math with and without plausible answers; wrong combinations are refused.
 */
class SequenceBenchmarksTest {

    @Test
    void aLoadedMathStudentIsEvaluatedWithAndWithoutPlausibleAnswersWithoutTraining(@TempDir Path dir) {
        // a tiny student barely trained on the pool's first problems: the plumbing, not the score, is tested
        Seq2SeqConfig tiny = Seq2SeqConfig.builder(ShippedTasks.task("svamp").kind()).dModel(8).heads(1).ffnSize(8)
                .encoderLayers(1).decoderLayers(1).threads(1).build();
        Seq2SeqStudent student = Seq2SeqStudent.factory(tiny).create(ShippedTasks.task("svamp"),
                TrainingOptions.defaults(1));
        student.fit(ShippedTasks.pool("svamp").head(32), 1, 1);
        Path file = dir.resolve("math.zip");
        student.save(file);
        String out = printedBy(() -> MathBenchmark.main(new String[] {"--load", file.toString(), "--epochs", "0",
                "--beam", "2", "--limit-test", "3"}));
        assertThat(out).contains("loaded from " + file)
                .containsPattern("(?m)^\\| 0 \\| - \\| 0 \\| [01]\\.\\d{4} \\| \\d+ \\|$")
                .containsPattern("(?m)^beam 2: execution_accuracy [01]\\.\\d{4} \\(decode \\d+ s\\)$")
                .containsPattern("(?m)^beam 2 \\+ plausible answers: execution_accuracy [01]\\.\\d{4} "
                        + "\\(decode \\d+ s\\)$");
        // nothing trained: no per-epoch row
        assertThat(out).doesNotContainPattern("(?m)^\\| 1 \\|");
    }

    @Test
    void optionsThatShapeANewStudentAKindMismatchAndNegativeEpochsAreRefused(@TempDir Path dir) {
        Path text = dir.resolve("text.zip");
        Seq2SeqStudent.factory().create(ShippedTasks.task("nl4opt"), TrainingOptions.defaults(1)).save(text);
        assertThatThrownBy(() -> MathBenchmark.main(new String[] {"--load", text.toString(), "--epochs", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("TEXT_GENERATION")
                .hasMessageContaining("MATH_WORD_PROBLEM");
        assertThatThrownBy(() -> FormulationBenchmark.main(new String[] {"--load", text.toString(), "--d", "64"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--d");
        assertThatThrownBy(() -> MathBenchmark.main(new String[] {"--epochs", "-1"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--epochs must be >= 0");
    }

    @Test
    void distractorRateReachesANewMathStudentAndIsRefusedOutOfRangeForTextAndWithLoad(@TempDir Path dir) {
        // --epochs 0: the untrained student is only created and evaluated, its configuration printed
        String out = printedBy(() -> MathBenchmark.main(new String[] {"--distractor-rate", "0.5", "--epochs", "0",
                "--beam", "1", "--limit-test", "2", "--d", "8", "--ffn", "8", "--layers", "1"}));
        assertThat(out).contains("distractorRate=0.5");
        assertThatThrownBy(() -> MathBenchmark.main(new String[] {"--distractor-rate", "1.5", "--epochs", "0"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("distractorRate must be in [0, 1], was 1.5");
        assertThatThrownBy(() -> FormulationBenchmark.main(new String[] {"--distractor-rate", "0.5", "--epochs", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("distractorRate")
                .hasMessageContaining("TEXT_GENERATION");
        Path math = dir.resolve("math.zip");
        Seq2SeqStudent.factory().create(ShippedTasks.task("svamp"), TrainingOptions.defaults(1)).save(math);
        assertThatThrownBy(() -> MathBenchmark.main(new String[] {"--load", math.toString(), "--distractor-rate",
                "0.5"})).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--distractor-rate");
    }

    private static String printedBy(Runnable action) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setOut(original);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
