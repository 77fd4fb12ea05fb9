package io.github.goldkd.student.seq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BeamSearchTest {

    private static final int EOS = 0;
    private static final int A = 1;
    private static final int B = 2;

    /** A scorer given by a table prefix → next-token probabilities (vocabulary EOS, A, B). */
    private static NextTokenScorer table(Map<String, double[]> probabilities) {
        return prefixes -> {
            float[][] rows = new float[prefixes.size()][];
            for (int i = 0; i < rows.length; i++) {
                double[] p = probabilities.get(Arrays.toString(prefixes.get(i)));
                rows[i] = new float[3];
                for (int t = 0; t < 3; t++) {
                    rows[i][t] = p == null ? (float) Math.log(1.0 / 3) : (float) Math.log(p[t]);
                }
            }
            return rows;
        };
    }

    /** Random but fixed log-softmax rows: a function of the seed and the prefix only. */
    static NextTokenScorer randomScorer(long seed, int vocabulary) {
        return prefixes -> {
            float[][] rows = new float[prefixes.size()][vocabulary];
            for (int i = 0; i < rows.length; i++) {
                Random random = new Random(seed * 1_000_003L + Arrays.hashCode(prefixes.get(i)));
                double[] z = new double[vocabulary];
                double max = Double.NEGATIVE_INFINITY;
                for (int t = 0; t < vocabulary; t++) {
                    z[t] = 3 * random.nextGaussian();
                    max = Math.max(max, z[t]);
                }
                double sum = 0;
                for (double v : z) {
                    sum += Math.exp(v - max);
                }
                for (int t = 0; t < vocabulary; t++) {
                    rows[i][t] = (float) (z[t] - max - Math.log(sum));
                }
            }
            return rows;
        };
    }

    @Test
    void beamFindsTheLikelierSequenceGreedyMisses() {
        // Greedy takes A (0.6) but every continuation of A is weak: A EOS = 0.6 * 0.4 = 0.24, while B EOS =
        // 0.4 * 0.9 = 0.36.
        NextTokenScorer scorer = table(Map.of(
                "[]", new double[] {1e-6, 0.6, 0.4 - 1e-6},
                "[1]", new double[] {0.4, 0.3, 0.3},
                "[2]", new double[] {0.9, 0.05, 0.05}));
        BeamSearch.Hypothesis greedy = BeamSearch.greedy(5, EOS).decode(scorer, DecodingConstraint.NONE);
        BeamSearch.Hypothesis beam = new BeamSearch(2, 5, EOS, 0).decode(scorer, DecodingConstraint.NONE);

        assertThat(greedy.tokens()).containsExactly(A);
        assertThat(greedy.logProbability()).isCloseTo(Math.log(0.24), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(beam.tokens()).containsExactly(B);
        assertThat(beam.logProbability()).isCloseTo(Math.log(0.36), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(beam.finished()).isTrue();
    }

    @Test
    void widthOneIsGreedyArgmax() {
        for (long seed = 0; seed < 200; seed++) {
            NextTokenScorer scorer = randomScorer(seed, 6);
            int maxLength = 1 + (int) (seed % 7);
            // Greedy by hand: the argmax token each step until EOS or the length limit forces EOS.
            List<Integer> expected = new ArrayList<>();
            double logP = 0;
            while (true) {
                int[] prefix = expected.stream().mapToInt(Integer::intValue).toArray();
                float[] row = scorer.logProbabilities(List.of(prefix))[0];
                int best = EOS;
                if (expected.size() < maxLength) {
                    for (int t = 1; t < row.length; t++) {
                        if (row[t] > row[best]) {
                            best = t;
                        }
                    }
                }
                logP += row[best];
                if (best == EOS) {
                    break;
                }
                expected.add(best);
            }
            BeamSearch.Hypothesis h = new BeamSearch(1, maxLength, EOS, 0).decode(scorer, DecodingConstraint.NONE);
            assertThat(h.tokens()).as("seed " + seed)
                    .containsExactly(expected.stream().mapToInt(Integer::intValue).toArray());
            assertThat(h.logProbability()).isCloseTo(logP, org.assertj.core.data.Offset.offset(1e-6));
            assertThat(h.finished()).isTrue();
        }
    }

    @Test
    void aWideEnoughBeamIsExactSearch() {
        // Vocabulary EOS + 2 tokens, at most 4 tokens: at most 16 live prefixes, so width 16 keeps them all and
        // must find the best output by (normalised) score over all 31 outputs.
        for (long seed = 0; seed < 100; seed++) {
            NextTokenScorer scorer = randomScorer(seed, 3);
            double alpha = (seed % 3) * 0.7;
            BeamSearch search = new BeamSearch(16, 4, EOS, alpha);
            double bestScore = Double.NEGATIVE_INFINITY;
            int[] best = null;
            List<int[]> outputs = new ArrayList<>();
            outputs.add(new int[0]);
            for (int i = 0; i < outputs.size(); i++) {
                int[] output = outputs.get(i);
                double logP = 0;
                for (int n = 0; n <= output.length; n++) {
                    int next = n < output.length ? output[n] : EOS;
                    logP += scorer.logProbabilities(List.of(Arrays.copyOf(output, n)))[0][next];
                }
                double score = search.normalise(logP, output.length + 1);
                if (score > bestScore) {
                    bestScore = score;
                    best = output;
                }
                if (output.length < 4) {
                    for (int t = 1; t <= 2; t++) {
                        int[] longer = Arrays.copyOf(output, output.length + 1);
                        longer[output.length] = t;
                        outputs.add(longer);
                    }
                }
            }
            BeamSearch.Hypothesis h = search.decode(scorer, DecodingConstraint.NONE);
            assertThat(h.tokens()).as("seed " + seed).containsExactly(best);
            assertThat(h.score()).isCloseTo(bestScore, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void lengthNormalisationChangesThePick() {
        // "A" costs 0.9 * 0.5 = 0.45 over 2 scored tokens; "A A" costs 0.9 * 0.5 * 0.9 = 0.405 over 3. Raw
        // log-probability prefers the shorter; GNMT's penalty with alpha 2 prefers the longer:
        // ln 0.45 / (7/6)^2 = -0.587 < ln 0.405 / (8/6)^2 = -0.508.
        NextTokenScorer scorer = table(Map.of(
                "[]", new double[] {1e-6, 0.9, 0.1 - 1e-6},
                "[1]", new double[] {0.5, 0.5 - 1e-6, 1e-6},
                "[1, 1]", new double[] {0.9, 0.05, 0.05}));
        BeamSearch.Hypothesis raw = new BeamSearch(2, 6, EOS, 0).decode(scorer, DecodingConstraint.NONE);
        BeamSearch.Hypothesis normalised = new BeamSearch(2, 6, EOS, 2).decode(scorer, DecodingConstraint.NONE);

        assertThat(raw.tokens()).containsExactly(A);
        assertThat(normalised.tokens()).containsExactly(A, A);
        assertThat(normalised.score()).isCloseTo(Math.log(0.405) / Math.pow(8.0 / 6, 2),
                org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void topKIsOrderedAndDistinct() {
        NextTokenScorer scorer = randomScorer(7, 5);
        List<BeamSearch.Hypothesis> top = new BeamSearch(4, 6, EOS, 0.6).decodeTop(scorer, DecodingConstraint.NONE, 4);

        assertThat(top).hasSize(4);
        for (int i = 1; i < top.size(); i++) {
            assertThat(top.get(i).score()).isLessThanOrEqualTo(top.get(i - 1).score());
        }
        assertThat(top.stream().map(h -> Arrays.toString(h.tokens())).distinct()).hasSize(4);
        assertThat(top.get(0).tokens()).containsExactly(
                new BeamSearch(4, 6, EOS, 0.6).decode(scorer, DecodingConstraint.NONE).tokens());
    }

    @Test
    void asksTheScorerForAllLiveBeamsAtOnce() {
        List<Integer> batchSizes = new ArrayList<>();
        NextTokenScorer random = randomScorer(3, 8);
        NextTokenScorer counting = prefixes -> {
            batchSizes.add(prefixes.size());
            return random.logProbabilities(prefixes);
        };
        // EOS refused: every step runs and the beam stays full after the first step.
        new BeamSearch(3, 5, EOS, 0).decode(counting, (prefix, token) -> token != EOS || prefix.length == 5);

        assertThat(batchSizes).containsExactly(1, 3, 3, 3, 3, 3);
    }

    @Test
    void reachingTheLengthLimitWithoutEosGivesTheBestUnfinishedHypothesis() {
        NextTokenScorer noEos = prefixes -> {
            float[][] rows = new float[prefixes.size()][];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = new float[] {Float.NEGATIVE_INFINITY, (float) Math.log(0.7), (float) Math.log(0.3)};
            }
            return rows;
        };
        BeamSearch.Hypothesis h = new BeamSearch(2, 3, EOS, 0).decode(noEos, DecodingConstraint.NONE);

        assertThat(h.finished()).isFalse();
        assertThat(h.tokens()).containsExactly(A, A, A);
        assertThat(h.logProbability()).isCloseTo(3 * Math.log(0.7), org.assertj.core.data.Offset.offset(1e-5));
    }

    @Test
    void refusedTokensAreNeverTakenAndADeadEndDropsTheHypothesis() {
        NextTokenScorer scorer = randomScorer(11, 4);
        // Token 3 refused everywhere; after token 1 nothing at all is allowed (that hypothesis is dropped).
        DecodingConstraint constraint = (prefix, token) ->
                token != 3 && !(prefix.length > 0 && prefix[prefix.length - 1] == 1);
        for (BeamSearch.Hypothesis h : new BeamSearch(3, 5, EOS, 0).decodeTop(scorer, constraint, 3)) {
            assertThat(h.tokens()).doesNotContain(3, 1);
        }
        BeamSearch.Hypothesis none = new BeamSearch(3, 5, EOS, 0).decode(scorer, (prefix, token) -> false);
        assertThat(none.finished()).isFalse();
        assertThat(none.tokens()).isEmpty();
        assertThat(none.logProbability()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(new BeamSearch(3, 5, EOS, 0).decodeTop(scorer, (prefix, token) -> false, 2)).isEmpty();
    }

    @Test
    void settingsAreValidatedWithTheirRange() {
        assertThatThrownBy(() -> new BeamSearch(0, 5, 0, 0)).hasMessageContaining("beamWidth must be >= 1, was 0");
        assertThatThrownBy(() -> new BeamSearch(1, 0, 0, 0)).hasMessageContaining("maxLength must be >= 1, was 0");
        assertThatThrownBy(() -> new BeamSearch(1, 5, -1, 0)).hasMessageContaining("eosToken must be >= 0, was -1");
        assertThatThrownBy(() -> new BeamSearch(1, 5, 0, Double.NaN))
                .hasMessageContaining("lengthPenaltyAlpha must be a finite number in [0, 10], was NaN");
        assertThatThrownBy(() -> new BeamSearch(2, 5, 0, 0).decodeTop(randomScorer(1, 3), DecodingConstraint.NONE, 3))
                .hasMessageContaining("k must be in [1, beamWidth=2], was 3");
        assertThatThrownBy(() -> new BeamSearch(2, 5, 7, 0).decode(randomScorer(1, 3), DecodingConstraint.NONE))
                .hasMessageContaining("eosToken 7 is outside the scorer's vocabulary of 3 tokens");
        assertThatThrownBy(() -> new BeamSearch(2, 5, 0, 0).decode(prefixes -> new float[0][], DecodingConstraint.NONE))
                .hasMessageContaining("one row per prefix");
    }

    @Test
    void runsSteppedTogetherFindWhatEachSearchFindsAlone() {
        // several sources (each its own scorer and constraint) stepped in lockstep, their pending prefixes
        // answered together per step, as the seq2seq student batches them: the same hypotheses as decodeTop
        for (int width : new int[] {1, 3}) {
            BeamSearch search = new BeamSearch(width, 6, EOS, 0.6);
            List<NextTokenScorer> scorers = new ArrayList<>();
            List<DecodingConstraint> constraints = new ArrayList<>();
            List<BeamSearch.Run> runs = new ArrayList<>();
            for (int source = 0; source < 5; source++) {
                scorers.add(randomScorer(100 + source, 5));
                int banned = 1 + source % 4;
                constraints.add(source == 2 ? DecodingConstraint.NONE : (prefix, token) -> token != banned);
                runs.add(search.start(constraints.get(source), width));
            }
            int steps = 0;
            while (runs.stream().anyMatch(r -> !r.done())) {
                steps++;
                for (int source = 0; source < runs.size(); source++) {
                    BeamSearch.Run run = runs.get(source);
                    if (!run.done()) {
                        assertThat(run.pending()).allSatisfy(p -> assertThat(p).hasSize(run.pending().get(0).length));
                        run.accept(scorers.get(source).logProbabilities(run.pending()));
                    }
                }
            }
            assertThat(steps).isLessThanOrEqualTo(7);
            for (int source = 0; source < runs.size(); source++) {
                List<BeamSearch.Hypothesis> alone = search.decodeTop(scorers.get(source), constraints.get(source), width);
                List<BeamSearch.Hypothesis> together = runs.get(source).top();
                assertThat(together).hasSameSizeAs(alone);
                for (int h = 0; h < alone.size(); h++) {
                    assertThat(together.get(h).tokens()).isEqualTo(alone.get(h).tokens());
                    assertThat(together.get(h).score()).isEqualTo(alone.get(h).score());
                }
                assertThat(runs.get(source).best().tokens())
                        .isEqualTo(search.decode(scorers.get(source), constraints.get(source)).tokens());
            }
            BeamSearch.Run ended = runs.get(0);
            assertThat(ended.pending()).isEmpty();
            assertThatThrownBy(() -> ended.accept(new float[0][])).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no prefix is pending");
        }
        assertThatThrownBy(() -> new BeamSearch(2, 5, EOS, 0).start(DecodingConstraint.NONE, 3))
                .hasMessageContaining("k must be in [1, beamWidth=2]");
    }
}
