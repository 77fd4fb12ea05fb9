package io.github.goldkd.student.seq;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link HostAdam#update} gives the bits of the ND4J form it replaced; weight decay is decoupled. */
class AdamStepTest {

    /** The seq2seq student's constants. */
    private static final HostAdam ADAM = new HostAdam(0.9, 0.98, 1e-9);

    /** The ND4J form as the student had it before the host step (same constants, same order of operations). */
    private static void nd4jStep(INDArray param, INDArray g, INDArray m, INDArray v, double clip, double c1,
                                 double c2, double lr) {
        INDArray clipped = g.dup();
        if (clip != 1.0) {
            clipped.muli(clip);
        }
        v.muli(0.98).addi(clipped.dup().muli(clipped).muli(1 - 0.98));
        m.muli(0.9).addi(clipped.muli(1 - 0.9));
        INDArray denominator = Transforms.sqrt(v.dup().divi(c2), false).addi(1e-9);
        param.subi(m.dup().divi(c1).divi(denominator).muli(lr));
    }

    private static INDArray random(SplittableRandom rng, double scale, long... shape) {
        float[] x = new float[(int) (shape[0] * shape[1])];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((rng.nextDouble() * 2 - 1) * scale);
        }
        return Nd4j.create(x, shape, 'c');
    }

    @Test
    void theHostStepGivesTheNd4jStepsBitsOverManyStepsWithAndWithoutClipping() {
        SplittableRandom rng = new SplittableRandom(3);
        INDArray hostParam = random(rng, 1, 37, 29);
        INDArray refParam = hostParam.dup();
        INDArray start = hostParam.dup();
        INDArray hostM = Nd4j.zeros(DataType.FLOAT, 37, 29);
        INDArray hostV = Nd4j.zeros(DataType.FLOAT, 37, 29);
        INDArray refM = hostM.dup();
        INDArray refV = hostV.dup();
        for (int step = 1; step <= 12; step++) {
            // gradients over six orders of magnitude, and a view (a transposed array) every third step
            INDArray g = random(rng, Math.pow(10, -(step % 6)), 29, 37).transpose();
            double clip = step % 2 == 0 ? 1.0 : 0.37;
            double c1 = 1 - Math.pow(0.9, step);
            double c2 = 1 - Math.pow(0.98, step);
            double lr = 2e-3 * Math.min(1.0, step / 5.0);
            ADAM.update(hostParam, step % 3 == 0 ? g : g.dup('c'), hostM, hostV, clip, c1, c2, lr, 0);
            nd4jStep(refParam, g.dup('c'), refM, refV, clip, c1, c2, lr);
            assertThat(hostParam.data().asFloat()).as("parameter, step " + step)
                    .containsExactly(refParam.data().asFloat());
            assertThat(hostM.data().asFloat()).as("m, step " + step).containsExactly(refM.data().asFloat());
            assertThat(hostV.data().asFloat()).as("v, step " + step).containsExactly(refV.data().asFloat());
        }
        assertThat(hostParam.sub(start).norm2Number().doubleValue()).as("the steps moved the parameter")
                .isGreaterThan(0);
    }

    @Test
    void aParameterThatIsAViewIsRefusedRatherThanUpdatedInACopy() {
        INDArray whole = Nd4j.ones(DataType.FLOAT, 4, 4);
        INDArray view = whole.getRow(1);
        assertThatThrownBy(() -> ADAM.update(view, Nd4j.ones(DataType.FLOAT, 4),
                Nd4j.zeros(DataType.FLOAT, 4), Nd4j.zeros(DataType.FLOAT, 4), 1.0, 0.1, 0.02, 1e-3, 0))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("view");
    }

    /** Decoupled decay: the Adam step of the plain form, minus lr * decay times the parameter before the step. */
    @Test
    void weightDecayTakesTheLearningRateTimesTheDecayOfTheParameterBesideTheAdamStep() {
        SplittableRandom rng = new SplittableRandom(5);
        INDArray param = random(rng, 1, 7, 5);
        INDArray before = param.dup();
        INDArray g = random(rng, 0.1, 7, 5);
        INDArray plain = param.dup();
        ADAM.update(plain, g, Nd4j.zeros(DataType.FLOAT, 7, 5), Nd4j.zeros(DataType.FLOAT, 7, 5), 1.0, 0.1, 0.02,
                1e-2, 0);
        ADAM.update(param, g, Nd4j.zeros(DataType.FLOAT, 7, 5), Nd4j.zeros(DataType.FLOAT, 7, 5), 1.0, 0.1, 0.02,
                1e-2, 0.5);
        INDArray expected = plain.sub(before.mul(1e-2 * 0.5));
        assertThat(param.sub(expected).amaxNumber().doubleValue()).isLessThan(1e-6);
        assertThat(param.sub(plain).amaxNumber().doubleValue()).as("the decay moved it").isGreaterThan(1e-4);
    }

    /** step: the global norm over all gradients is clipped to clipNorm before the moments see it. */
    @Test
    void aStepClipsTheGlobalGradientNormAndCountsItsSteps() {
        SplittableRandom rng = new SplittableRandom(7);
        INDArray a = random(rng, 1, 3, 4);
        INDArray b = random(rng, 1, 2, 2);
        INDArray ga = random(rng, 5, 3, 4);
        INDArray gb = random(rng, 5, 2, 2);
        double norm = Math.sqrt(Math.pow(ga.norm2Number().doubleValue(), 2) + Math.pow(gb.norm2Number().doubleValue(), 2));
        INDArray refA = a.dup();
        INDArray refB = b.dup();
        HostAdam adam = new HostAdam(0.9, 0.98, 1e-9);
        java.util.Map<String, INDArray> params = java.util.Map.of("a", a, "b", b);
        adam.step(java.util.List.of("a", "b"), params::get, java.util.Map.of("a", ga, "b", gb), 1e-3, 1.0, 0);
        assertThat(adam.steps()).isEqualTo(1);
        ADAM.update(refA, ga, Nd4j.zeros(DataType.FLOAT, 3, 4), Nd4j.zeros(DataType.FLOAT, 3, 4), 1.0 / norm, 0.1,
                0.02, 1e-3, 0);
        ADAM.update(refB, gb, Nd4j.zeros(DataType.FLOAT, 2, 2), Nd4j.zeros(DataType.FLOAT, 2, 2), 1.0 / norm, 0.1,
                0.02, 1e-3, 0);
        assertThat(a.data().asFloat()).containsExactly(refA.data().asFloat());
        assertThat(b.data().asFloat()).containsExactly(refB.data().asFloat());
    }
}
