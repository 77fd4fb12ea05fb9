package io.github.goldkd.core;

import io.github.goldkd.core.testing.ControlledStudent;
import io.github.goldkd.core.testing.Faults;
import io.github.goldkd.core.testing.Fixtures;
import io.github.goldkd.core.testing.ScriptedGenerator;
import io.github.goldkd.core.testing.TestScorer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The loop against an oracle written out from the method page: which requests reach the generator, in
 * which order and with which feedback; when the student trains and on how much data; and which probe
 * samples the band rule feeds back, round by round.
 */
class GoldLoopTest {

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "B={0} probe={1} P={2} R={3} underfilled={4}")
    @CsvSource({
            "8, 8, 2, 25, false",
            "8, 8, 2, 3, true",
            "1, 1, 1, 2, false",
            "3, 5, 2, 2, true",
            "4, 13, 3, 4, false",
            "5, 2, 1, 1, true",
            "16, 10, 2, 5, true"})
    void feedsBackExactlyWhatTheBandRulePicks(int batch, int probe, int p, int r, boolean underfilled) {
        int rounds = 12;
        ScriptedGenerator gen = new ScriptedGenerator();
        if (underfilled) {
            // probe batches of round 1, 4, 7, ... come back empty; of round 2, 5, 8, ... with 3 samples
            gen.deliver((round, mode) -> mode == GenerationMode.PROBE && round % 3 == 1 ? 0
                    : mode == GenerationMode.PROBE && round % 3 == 2 ? 3 : Integer.MAX_VALUE);
        }
        ControlledStudent.Factory students = ControlledStudent.factory(Faults.none());
        TestScorer scorer = new TestScorer();
        Map<Integer, double[]> scoresByRound = new HashMap<>();
        Map<Integer, List<Sample>> probesByRound = new HashMap<>();
        DistillationResult result = GoldDistiller.builder()
                .task(Fixtures.topicTask()).generator(gen).student(students).oodScorer(scorer)
                .batchSize(batch).probeSize(probe).rounds(rounds).feedbackEvery(p).updateStudentEvery(r)
                .runDirectory(tmp.resolve("run")).seed(11)
                .listener(new DistillationListener() {
                    @Override
                    public void onGenerated(int round, GenerationMode mode, List<Sample> samples, GenerationStats s) {
                        if (mode == GenerationMode.PROBE) {
                            probesByRound.put(round, samples);
                        }
                    }

                    @Override
                    public void onSelected(Selection selection) {
                        scoresByRound.put(selection.round(),
                                selection.probeIds().isEmpty() ? new double[0] : scorer.last());
                    }
                })
                .build().run();

        // The oracle: walk the rounds as the method page's pseudo-code does.
        List<GenerationRequest> requests = gen.requests();
        int next = 0;
        List<String> feedback = List.of();
        int generatedSoFar = 0;
        int fitIndex = 0;
        for (int b = 0; b < rounds; b++) {
            if (b % r == 0 && generatedSoFar > 0) {
                ControlledStudent.FitCall fit = students.fits().get(fitIndex++);
                assertThat(fit.samples()).as("round %d update trains on all data so far", b).isEqualTo(generatedSoFar);
                assertThat(fit.epochs()).isEqualTo(1);
            }
            List<String> expectedFeedback = b % p == 0 ? feedback : List.of();
            GenerationRequest train = requests.get(next++);
            assertThat(train.mode()).isEqualTo(GenerationMode.TRAIN);
            assertThat(train.round()).isEqualTo(b);
            assertThat(train.count()).isEqualTo(batch);
            assertThat(ids(train.feedback())).as("feedback in round %d", b).isEqualTo(expectedFeedback);
            generatedSoFar += batch;

            GenerationRequest probeRequest = requests.get(next++);
            assertThat(probeRequest.mode()).isEqualTo(GenerationMode.PROBE);
            assertThat(probeRequest.count()).isEqualTo(probe);
            assertThat(ids(probeRequest.feedback())).isEqualTo(expectedFeedback);
            List<Sample> probes = probesByRound.get(b);
            generatedSoFar += probes.size();

            double[] scores = scoresByRound.get(b);
            assertThat(scores).hasSize(probes.size());
            List<String> chosen = bandRule(scores, 0.5, 0.8).stream().map(i -> probes.get(i).id()).toList();
            Selection stored = result.selections().get(b);
            assertThat(stored.round()).isEqualTo(b);
            assertThat(stored.selectedIds()).as("selection of round %d", b).isEqualTo(chosen);
            assertThat(stored.scores()).containsExactly(scores);
            assertThat(result.rounds().get(b).selectedIds()).isEqualTo(chosen);
            feedback = chosen;
        }
        assertThat(next).isEqualTo(requests.size());
        assertThat(fitIndex).as("in-loop fits").isEqualTo(students.fits().size() - 1);
        // the final student: fresh, trained on everything for the final epochs with the final loss
        ControlledStudent.FitCall last = students.fits().get(students.fits().size() - 1);
        assertThat(last.samples()).isEqualTo(generatedSoFar);
        assertThat(last.epochs()).isEqualTo(5);
        assertThat(students.created().get(students.created().size() - 1).loss())
                .isEqualTo(SymmetricCrossEntropyLoss.defaults());
        assertThat(result.dataset().size()).isEqualTo(generatedSoFar);
    }

    @ParameterizedTest
    @CsvSource({"0, 0, ''", "1, 0, ''", "2, 1, ''", "3, 1, '1'", "4, 2, '2'", "5, 2, '2,3'", "8, 4, '4,5'",
            "10, 5, '5,6,7'"})
    void bandOfTheReferenceRuleOnHandPickedSizes(int n, int firstRank, String ranks) {
        // scores n-1, n-2, ..., 0: rank k is index n-1-k
        double[] scores = IntStream.range(0, n).mapToDouble(i -> n - 1 - i).toArray();
        int[] selected = new RankBandSelector(0.5, 0.8).select(scores, 0);
        List<Integer> expectedRanks = ranks.isEmpty() ? List.of()
                : java.util.Arrays.stream(ranks.split(",")).map(Integer::parseInt).toList();
        assertThat(IntStream.of(selected).map(i -> n - 1 - i).boxed().toList()).isEqualTo(expectedRanks);
        if (!expectedRanks.isEmpty()) {
            assertThat(expectedRanks.get(0)).isEqualTo(firstRank);
        }
    }

    /** The band rule as the method page states it, written independently of RankBandSelector. */
    static List<Integer> bandRule(double[] e, double lo, double hi) {
        List<Integer> order = IntStream.range(0, e.length).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> e[i]).thenComparingInt(i -> i))
                .collect(Collectors.toCollection(ArrayList::new));
        int n = e.length;
        return order.subList((int) Math.floor(lo * n), (int) Math.floor(hi * n));
    }

    static List<String> ids(List<Sample> samples) {
        return samples.stream().map(Sample::id).toList();
    }
}
