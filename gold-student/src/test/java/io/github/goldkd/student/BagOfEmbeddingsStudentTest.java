package io.github.goldkd.student;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Sample;
import java.util.List;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BagOfEmbeddingsStudentTest extends StudentContractTest {

    @Override
    StudentFactory factory() {
        return BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(16).bigramBuckets(500).build());
    }

    @Override
    int epochs() {
        return 30; // like fastText, it starts slowly on tiny data
    }

    @Override
    StudentFactory otherKind() {
        return TextCnnStudent.factory(TextCnnConfig.builder().embeddingDim(4).filters(2).build());
    }

    @Override
    Object vocabularyOf(AbstractStudent<?> s) {
        return ((BagOfEmbeddingsStudent) s).vocabulary();
    }

    /** The logits of the student's DL4J graph ({@link BagOfEmbeddingsStudent#network()}), computed by DL4J. */
    static INDArray graphOutput(BagOfEmbeddingsStudent s, List<Sample> samples) {
        BagOfEmbeddingsStudent.Encoded e = s.encode(samples);
        org.deeplearning4j.nn.graph.ComputationGraph graph = s.network();
        if (e.second() == null) {
            INDArray[] idsAndMask = Networks.padded(e.features());
            return graph.output(false, new INDArray[] {idsAndMask[0]}, new INDArray[] {idsAndMask[1]})[0];
        }
        // the rows interleaved, first and second field of each pair in turn: see buildGraph
        int[][] both = new int[2 * e.features().length][];
        for (int i = 0; i < e.features().length; i++) {
            both[2 * i] = e.features()[i];
            both[2 * i + 1] = e.second()[i];
        }
        INDArray[] pairIds = Networks.padded(both);
        return graph.output(false, new INDArray[] {pairIds[0], org.nd4j.linalg.factory.Nd4j.createFromArray(e.overlap())},
                new INDArray[] {pairIds[1], null})[0];
    }

    @Test
    void handWrittenTrainingAndTheDl4jGraphComputeTheSameLogits() {
        for (int hidden : new int[] {0, 8}) {
            BagOfEmbeddingsStudent s = BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(12)
                    .hiddenSize(hidden).bigramBuckets(100).build()).create(ToyData.TASK, TrainingOptions.defaults(1));
            s.fit(TRAIN, 3, 1);
            float[][] java = s.forward(s.encode(TEST.samples()), AbstractStudent.range(TEST.size()));
            INDArray graph = graphOutput(s, TEST.samples());
            for (int i = 0; i < TEST.size(); i++) {
                for (int k = 0; k < 3; k++) {
                    assertThat(java[i][k]).as("hidden=%d row %d class %d", hidden, i, k)
                            .isCloseTo(graph.getFloat(i, k), within(1e-5f));
                }
            }
        }
    }

    @Test
    void vocabularyComesFromTheFirstFitWithMinimumCountAndBigramsHaveBuckets() {
        BagOfEmbeddingsStudent s = BagOfEmbeddingsStudent.factory(BagOfEmbeddingsConfig.builder().embeddingDim(8)
                .minCount(3).bigramBuckets(64).build()).create(ToyData.TASK, TrainingOptions.defaults(1));
        assertThat(s.vocabulary().size()).isEqualTo(2);
        s.fit(Dataset.of(java.util.List.of(
                io.github.goldkd.core.Sample.real("a", "good good good rare", "pos"),
                io.github.goldkd.core.Sample.real("b", "bad bad bad", "neg"))), 1, 1);
        assertThat(s.vocabulary().tokens()).containsExactly(Vocabulary.PAD, Vocabulary.UNK, "bad", "good");
        assertThat(s.network().getLayer("emb").getParam("W").size(0)).isEqualTo(4 + 64);
    }

    @Test
    void configurationIsValidated() {
        assertThatThrownBy(() -> BagOfEmbeddingsConfig.builder().embeddingDim(0).build())
                .hasMessage("embeddingDim must be >= 1, was 0");
        assertThatThrownBy(() -> BagOfEmbeddingsConfig.builder().learningRate(-1).build())
                .hasMessage("learningRate must be a finite number > 0, was -1.0");
        assertThatThrownBy(() -> BagOfEmbeddingsConfig.builder().validationFraction(0.7).build())
                .hasMessage("validationFraction must be in [0, 0.5], was 0.7");
        BagOfEmbeddingsConfig c = BagOfEmbeddingsConfig.builder().hiddenSize(5).lowercase(false).build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
    }
}
