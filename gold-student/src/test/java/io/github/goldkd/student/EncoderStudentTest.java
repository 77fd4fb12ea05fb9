package io.github.goldkd.student;

import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EncoderStudentTest extends StudentContractTest {

    private final FakeEncoder fake = new FakeEncoder(256);

    @Override
    StudentFactory factory() {
        return EncoderStudent.factory(fake, EncoderStudentConfig.builder().learningRate(0.05).build());
    }

    @Override
    int epochs() {
        return 15;
    }

    @Test
    void everyTextIsEncodedOnceAcrossFitsAndStudentsOfOneFactory() {
        EncoderStudent.Factory f = EncoderStudent.factory(fake, EncoderStudentConfig.builder().hiddenSize(8).build());
        EncoderStudent a = f.create(ToyData.TASK, TrainingOptions.defaults(1));
        a.fit(TRAIN, 2, 1);
        a.fit(TRAIN, 1, 2);
        a.logits(TRAIN.samples());
        EncoderStudent fresh = f.create(ToyData.TASK, TrainingOptions.defaults(2)); // the loop's final student
        fresh.fit(TRAIN, 1, 3);
        Set<String> distinct = new HashSet<>();
        TRAIN.forEach(s -> distinct.add(s.text()));
        assertThat(fake.encoded.get()).isEqualTo(distinct.size());
        assertThat(f.encoder().misses()).isEqualTo(distinct.size());
        assertThat(f.encoder().hits()).isPositive();
    }

    @Test
    void loadNeedsAnEncoderOfTheSavedDimension(@TempDir Path dir) {
        EncoderStudent s = (EncoderStudent) factory().create(ToyData.TASK, TrainingOptions.defaults(1));
        Path file = dir.resolve("s.zip");
        s.save(file);
        assertThatThrownBy(() -> EncoderStudent.factory(new FakeEncoder(32)).load(file))
                .isInstanceOf(StudentException.class).hasMessageContaining("dimension 256")
                .hasMessageContaining("dimension 32");
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> EncoderStudentConfig.builder().hiddenSize(-1).build())
                .hasMessage("hiddenSize must be >= 0, was -1");
        assertThatThrownBy(() -> EncoderStudentConfig.builder().l2(Double.NaN).build())
                .hasMessage("l2 must be a finite number >= 0, was NaN");
    }
}
