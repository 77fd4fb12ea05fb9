package io.github.goldkd.student;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.SymmetricCrossEntropyLoss;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Student files written by an earlier version still load and compute what they computed then. The files in
 * {@code src/test/resources/student-files} were written by commit ead1c25 (before the students' training
 * settings moved into one {@code TrainingSettings} record): each student trained 3 epochs on
 * {@code ToyData.samples(90, 1)} with seed 11, loss SCE(0.1, 1.0, 1e-3), initialisation seed 5; {@code logits.json}
 * holds the logits each gave then on {@code ToyData.samples(12, 2)}.
 */
class SavedStudentFilesTest {

    private static final List<Sample> PROBE = ToyData.samples(12, 2).samples();

    private static Path fixture(String name) throws URISyntaxException {
        return Path.of(SavedStudentFilesTest.class.getResource("/student-files/" + name).toURI());
    }

    private static float[][] expected(String kind) throws IOException {
        try (InputStream in = SavedStudentFilesTest.class.getResourceAsStream("/student-files/logits.json")) {
            JsonObject all = new Gson().fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), JsonObject.class);
            return new Gson().fromJson(all.get(kind), float[][].class);
        }
    }

    private static float[][] values(List<Logits> logits) {
        float[][] out = new float[logits.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = logits.get(i).row(0);
        }
        return out;
    }

    @Test
    void bagOfEmbeddingsFileLoadsWithItsSettingsAndLogits() throws Exception {
        BagOfEmbeddingsStudent s = (BagOfEmbeddingsStudent) Students.load(fixture("bag-of-embeddings.zip"));
        assertThat(s.config()).isEqualTo(BagOfEmbeddingsConfig.builder().embeddingDim(8).hiddenSize(4)
                .bigramBuckets(16).learningRate(0.5).batchSize(6).validationFraction(0.2).patience(2)
                .pairWide(false).build()); // saved before the wide path: read without it
        assertThat(s.trainingOptions().loss()).isEqualTo(new SymmetricCrossEntropyLoss(0.1, 1.0, 1e-3));
        assertThat(s.trainingOptions().seed()).isEqualTo(5);
        // then the DL4J graph computed these logits; now the student's own forward pass over the same parameters
        // does (its weights are held once, in Java arrays), summing in another order: equal to float rounding
        float[][] expected = expected("bag-of-embeddings");
        float[][] actual = values(s.logits(PROBE));
        assertThat(actual).hasDimensions(expected.length, expected[0].length);
        for (int i = 0; i < expected.length; i++) {
            for (int k = 0; k < expected[i].length; k++) {
                assertThat(actual[i][k]).as("row %d class %d", i, k).isCloseTo(expected[i][k], within(1e-6f));
            }
        }
    }

    @Test
    void textCnnFileLoadsWithItsSettingsAndLogits() throws Exception {
        TextCnnStudent s = (TextCnnStudent) Students.load(fixture("text-cnn.zip"));
        assertThat(s.config()).isEqualTo(TextCnnConfig.builder().embeddingDim(6).filters(3)
                .kernelWidths(List.of(2, 3)).learningRate(0.01).batchSize(10).validationFraction(0.2).patience(2)
                .build());
        assertThat(values(s.logits(PROBE))).isDeepEqualTo(expected("text-cnn"));
    }

    @Test
    void encoderStudentFileLoadsWithItsSettingsAndLogits() throws Exception {
        EncoderStudent s = EncoderStudent.factory(new FakeEncoder(16)).load(fixture("encoder-mlp.zip"));
        assertThat(s.config()).isEqualTo(EncoderStudentConfig.builder().hiddenSize(5).learningRate(0.01)
                .batchSize(12).validationFraction(0.2).patience(2)
                .pairAlignment(false).build()); // saved before the alignment features: read without them
        assertThat(values(s.logits(PROBE))).isDeepEqualTo(expected("encoder-mlp"));
    }
}
