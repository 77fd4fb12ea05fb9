package io.github.goldkd.student;

import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.io.TaskJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Students.load: one entry point that reads the kind from student.json and finds its loader. */
class StudentsTest {

    @Test
    void theShippedKindsAndARegisteredOneAreFound() {
        assertThat(Students.kinds()).contains("bag-of-embeddings", "text-cnn", "encoder-mlp", KeywordStudent.KIND);
    }

    @Test
    void loadsEachShippedStudentFromItsFileOrItsRunDirectoryWithoutNamingItsClass(@TempDir Path dir) {
        List<Student> students = List.of(
                BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(8).bigramBuckets(50).build())
                        .create(ToyData.TASK, TrainingOptions.defaults(1)),
                TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(4).filters(2).build())
                        .create(ToyData.TASK, TrainingOptions.defaults(1)));
        for (Student s : students) {
            s.fit(StudentContractTest.TRAIN.head(30), 1, 1);
            Path run = dir.resolve(s.getClass().getSimpleName());
            s.save(run.resolve(RunStore.FINAL_STUDENT));
            for (Path where : List.of(run, run.resolve(RunStore.FINAL_STUDENT))) {
                Student back = Students.load(where);
                assertThat(back).isInstanceOf(s.getClass());
                assertThat(back.task()).isEqualTo(ToyData.TASK);
                assertThat(StudentContractTest.values(back.logits(StudentContractTest.TEST.samples())))
                        .isDeepEqualTo(StudentContractTest.values(s.logits(StudentContractTest.TEST.samples())));
            }
        }
    }

    @Test
    void aUsersOwnKindRegisteredInOneLineLoadsWithTheTaskFromTheFile(@TempDir Path dir) {
        KeywordStudent.Factory factory = new KeywordStudent.Factory();
        Student s = factory.create(ToyData.TASK, TrainingOptions.defaults(7));
        Path file = dir.resolve("keyword.bin");
        s.save(file);
        Student back = factory.load(file);
        assertThat(back).isInstanceOf(KeywordStudent.class);
        assertThat(back.task()).isEqualTo(ToyData.TASK);
        assertThat(((KeywordStudent) back).marker()).isEqualTo("seed-7");
        StudentFile f = StudentFile.read(file);
        assertThat(f.kind()).isEqualTo(KeywordStudent.KIND);
        assertThat(f.entryNames()).containsExactly("marker.txt");
        assertThat(f.metadata().getAsJsonObject("task")).isEqualTo(TaskJson.toJson(ToyData.TASK));
    }

    @Test
    void anUnknownKindOrAMissingFileIsRefusedWithWhatThereIs(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("other.bin");
        StudentFile.write(file, "somebody-elses", ToyData.TASK, null, Map.of());
        assertThatThrownBy(() -> Students.load(file)).isInstanceOf(StudentException.class)
                .hasMessageContaining("'somebody-elses'").hasMessageContaining("bag-of-embeddings")
                .hasMessageContaining("META-INF/services/io.github.goldkd.student.StudentLoader");
        assertThatThrownBy(() -> Students.load(dir.resolve("nowhere"))).isInstanceOf(StudentException.class)
                .hasMessageContaining("no student file at");
        assertThatThrownBy(() -> Students.load(dir)).isInstanceOf(StudentException.class)
                .hasMessageContaining("holds no final student (" + RunStore.FINAL_STUDENT + ")");
        Path junk = dir.resolve("junk.bin");
        Files.writeString(junk, "not a zip");
        assertThatThrownBy(() -> Students.load(junk)).isInstanceOf(StudentException.class)
                .hasMessageContaining("not a student file");
        assertThatThrownBy(() -> StudentFile.write(dir.resolve("x"), " ", ToyData.TASK, null, Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kind");
    }

    @Test
    void anEncoderStudentOnAnotherEncoderSaysHowToLoadIt(@TempDir Path dir) {
        Student s = EncoderStudent.factory(new FakeEncoder(16)).create(ToyData.TASK, TrainingOptions.defaults(1));
        Path file = dir.resolve("enc.bin");
        s.save(file);
        assertThatThrownBy(() -> Students.load(file)).isInstanceOf(StudentException.class)
                .hasMessageContaining("'fake-16'").hasMessageContaining("EncoderStudent.factory(encoder).load(path)");
        assertThat(EncoderStudent.factory(new FakeEncoder(16)).load(file).task()).isEqualTo(ToyData.TASK);
    }
}
