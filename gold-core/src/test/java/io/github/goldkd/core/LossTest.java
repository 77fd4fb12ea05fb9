package io.github.goldkd.core;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LossTest {

    @Test
    void crossEntropyByHand() {
        // z = (0, ln 3): p = (1/4, 3/4)
        double[] z = {0.0, Math.log(3)};
        assertThat(new CrossEntropyLoss().value(z, 1)).isCloseTo(-Math.log(0.75), within(1e-12));
        double[] g = new double[2];
        new CrossEntropyLoss().gradient(z, 1, g);
        assertThat(g).containsExactly(new double[] {0.25, -0.25}, within(1e-12));
    }

    @Test
    void symmetricCrossEntropyByHand() {
        // p_y = 3/4: CE = -ln 0.75; RCE = -ln(1e-4) * (1 - 0.75)
        double[] z = {0.0, Math.log(3)};
        SymmetricCrossEntropyLoss sce = new SymmetricCrossEntropyLoss(0.1, 1.0);
        double expected = 0.1 * -Math.log(0.75) + 1.0 * -Math.log(1e-4) * 0.25;
        assertThat(sce.value(z, 1)).isCloseTo(expected, within(1e-12));
        // RCE alone is bounded by -ln(1e-4) however wrong the label
        SymmetricCrossEntropyLoss rce = new SymmetricCrossEntropyLoss(0, 1);
        assertThat(rce.value(new double[] {1e4, -1e4}, 1)).isCloseTo(-Math.log(1e-4), within(1e-9));
        // CE is clamped at -ln(1e-7) for hopeless predictions
        SymmetricCrossEntropyLoss ce = new SymmetricCrossEntropyLoss(1, 0);
        assertThat(ce.value(new double[] {1e4, -1e4}, 1)).isCloseTo(-Math.log(1e-7), within(1e-9));
    }

    @Test
    void sequenceLossAveragesOverRealPositionsOnly() {
        SymmetricCrossEntropyLoss sce = new SymmetricCrossEntropyLoss(0.1, 1.0);
        float[][] rows = {{0f, 1f, 2f}, {2f, 0f, -1f}, {9f, 9f, 9f}};
        Logits z = Logits.ofSequence(rows, new boolean[] {true, true, false}, new int[] {2, 1, 0});
        double expected = (sce.value(new double[] {0, 1, 2}, 2) + sce.value(new double[] {2, 0, -1}, 1)) / 2;
        assertThat(sce.value(z)).isCloseTo(expected, within(1e-12));
        // the padding row's values do not matter
        float[][] other = {{0f, 1f, 2f}, {2f, 0f, -1f}, {-50f, 3f, 70f}};
        assertThat(sce.value(Logits.ofSequence(other, new boolean[] {true, true, false}, new int[] {2, 1, 2})))
                .isEqualTo(sce.value(z));
        double[] g = sce.gradient(z);
        assertThat(g).hasSize(9);
        double[] row0 = new double[3];
        sce.gradient(new double[] {0, 1, 2}, 2, row0);
        for (int k = 0; k < 3; k++) {
            assertThat(g[k]).isCloseTo(row0[k] / 2, within(1e-12));
            assertThat(g[6 + k]).isZero();
        }
        // a classifier's logits are one position: the same as the per-sample API
        Logits c = Logits.ofClasses(new float[] {0f, (float) Math.log(3)}, 1);
        assertThat(new CrossEntropyLoss().value(c)).isCloseTo(-Math.log(0.75), within(1e-6));
        assertThatThrownBy(() -> sce.value(Logits.ofClasses(1f, 2f))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("targets");
        assertThat(sce.value(Logits.ofSequence(rows, new boolean[3], new int[3]))).isNaN();
    }

    @Test
    void gradientsMatchCentralFiniteDifferences() {
        Random r = new Random(1);
        List<Loss> losses = List.of(new CrossEntropyLoss(), new SymmetricCrossEntropyLoss(1, 0),
                new SymmetricCrossEntropyLoss(0, 1), new SymmetricCrossEntropyLoss(0.1, 1),
                new SymmetricCrossEntropyLoss(1, 1, 1e-3));
        for (Loss loss : losses) {
            for (int trial = 0; trial < 50; trial++) {
                int k = 2 + r.nextInt(6);
                double[] z = new double[k];
                for (int i = 0; i < k; i++) {
                    z[i] = r.nextGaussian() * 3;
                }
                int y = r.nextInt(k);
                double[] g = new double[k];
                loss.gradient(z, y, g);
                for (int i = 0; i < k; i++) {
                    double eps = 1e-6;
                    double[] up = z.clone();
                    double[] down = z.clone();
                    up[i] += eps;
                    down[i] -= eps;
                    double numeric = (loss.value(up, y) - loss.value(down, y)) / (2 * eps);
                    assertThat(g[i]).as("%s d/dz%d", loss.name(), i).isCloseTo(numeric, within(1e-6));
                }
            }
        }
    }

    @Test
    void stableForExtremeLogits() {
        double[] z = {1e4, -1e4, 0};
        double[] g = new double[3];
        for (Loss loss : List.of(new CrossEntropyLoss(), SymmetricCrossEntropyLoss.defaults())) {
            assertThat(loss.value(z, 2)).isFinite();
            loss.gradient(z, 2, g);
            for (double v : g) {
                assertThat(v).isFinite();
            }
        }
    }

    @Test
    void rejectsBadSettings() {
        assertThatThrownBy(() -> new SymmetricCrossEntropyLoss(-1, 1))
                .hasMessage("sce alpha must be a finite number >= 0, was -1.0");
        assertThatThrownBy(() -> new SymmetricCrossEntropyLoss(1, Double.NaN))
                .hasMessage("sce beta must be a finite number >= 0, was NaN");
        assertThatThrownBy(() -> new SymmetricCrossEntropyLoss(0, 0))
                .hasMessage("sce alpha and beta must not both be 0");
        assertThatThrownBy(() -> new SymmetricCrossEntropyLoss(1, 1, 1.0))
                .hasMessage("sce labelClamp must be in (0, 1), was 1.0");
    }
}
