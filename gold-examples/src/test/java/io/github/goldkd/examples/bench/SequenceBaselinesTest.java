package io.github.goldkd.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Light checks of the three sequence baselines on tiny inputs, with values computed by hand. */
class SequenceBaselinesTest {

    private static Sample qa(String context, String question, String... answers) {
        return Sample.withTarget("q", Map.of("context", context, "question", question), answers[0],
                List.of(answers), Origin.REAL);
    }

    private static Sample math(String id, String body, String question, String equation, String answer) {
        return Sample.withTarget(id, Map.of("body", body, "question", question), equation, List.of(answer),
                Origin.REAL);
    }

    @Test
    void slidingWindowPicksTheSpanWhoseSentenceMatchesTheQuestion() {
        String context = "Rollo led the Normans. The treaty was signed by King Charles III.";
        // The spans inside "King Charles III" leave "the treaty ... signed" (3 question words and the bigram
        // "the treaty") in their sentence; the longest of them covers the most window weight. Original case kept.
        for (boolean distance : new boolean[] {false, true}) {
            assertThat(SlidingWindowQaBaseline.answer(context, "Who signed the treaty?", 3, distance))
                    .isEqualTo("King Charles III");
        }
        // "Rollo" is the one span leaving "led the Normans" (5 question unigrams and bigrams) intact.
        assertThat(SlidingWindowQaBaseline.answer("Paris is big. Rollo led the Normans.", "Who led the Normans?", 4,
                false)).isEqualTo("Rollo");
    }

    @Test
    void slidingWindowScoreIsTheInverseCountWeightedWindowSum() {
        // sentence "a b a c", counts over the paragraph a=2, b=1, c=1; candidate "c" (index 3), question {b}:
        // S = {b, c}, window 2; windows (a b) = IC(b), (b a) = IC(b), (a c) = IC(c), (c) = IC(c).
        List<SlidingWindowQaBaseline.Token> sentence =
                SlidingWindowQaBaseline.sentences(SlidingWindowQaBaseline.tokenise("a b a c")).get(0);
        Map<String, Integer> counts = Map.of("a", 2, "b", 1, "c", 1);
        double score = SlidingWindowQaBaseline.slidingWindow(sentence, candidate(3, 3), Set.of("b"), counts);
        assertThat(score).isCloseTo(Math.log(2), within(1e-12));
        // with S = {a, c} (question {a}): window (a c) = log(1.5) + log 2
        assertThat(SlidingWindowQaBaseline.slidingWindow(sentence, candidate(3, 3), Set.of("a"), counts))
                .isCloseTo(Math.log(1.5) + Math.log(2), within(1e-12));
        // distance: question word "b" at 1, answer word "c" at 3, sentence of 4 words: 2 / 3
        assertThat(SlidingWindowQaBaseline.distance(sentence, candidate(3, 3), Set.of("b")))
                .isCloseTo(2.0 / 3, within(1e-12));
    }

    private static SlidingWindowQaBaseline.Candidate candidate(int from, int to) {
        return new SlidingWindowQaBaseline.Candidate(0, from, to);
    }

    @Test
    void slidingWindowScoresEmAndF1AgainstEveryReference() {
        Dataset data = Dataset.of(List.of(
                qa("Paris is big. Rollo led the Normans.", "Who led the Normans?", "Rollo"),
                qa("Paris is big. Rollo led the Normans.", "Who led the Normans?", "Rollo the Walker", "the Viking")));
        double[] emF1 = SlidingWindowQaBaseline.score(data, 4, false);
        assertThat(emF1[0]).isCloseTo(0.5, within(1e-12));
        // second question: "Rollo" against "Rollo the Walker" (normalised "rollo walker"): P 1, R 1/2, F1 2/3
        assertThat(emF1[1]).isCloseTo((1 + 2.0 / 3) / 2, within(1e-12));
    }

    @Test
    void candidateRecallCountsQuestionsWhoseAnswerIsACandidate() {
        String context = "Paris is big. Rollo led the Normans.";
        Dataset data = Dataset.of(List.of(
                qa(context, "Who led the Normans?", "Rollo"),
                // made of question words only: never a candidate
                qa(context, "Who led the Normans?", "the Normans"),
                // three words: a candidate only with maxSpan >= 3
                qa(context, "What is big?", "Paris is big")));
        assertThat(SlidingWindowQaBaseline.candidateRecall(data, 2)).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(SlidingWindowQaBaseline.candidateRecall(data, 3)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void singleOperationRulesAreChosenByPoolAccuracy() {
        assertThat(SingleOperationBaseline.numbers(math("x", "He had 1,000 apples and 2.5 kg", "and 3?", "", "0")))
                .containsExactly(1000.0, 2.5, 3.0);
        assertThat(SingleOperationBaseline.outermostOperator("( ( 1.0 + 2.0 ) * 3.0 )")).isEqualTo("*");
        assertThat(SingleOperationBaseline.outermostOperator("( 7.0 - ( 1.0 / 2.0 ) )")).isEqualTo("-");

        Dataset pool = Dataset.of(List.of(
                math("1", "Tom had 3 apples and found 9 more", "How many more apples did he find than he had?",
                        "( 9.0 - 3.0 )", "6"),
                math("2", "A box of 20 pens and 5 pencils", "How many more pens than pencils?", "( 20.0 - 5.0 )",
                        "15"),
                math("3", "Ann has 4 cats and 10 dogs", "How many more dogs than cats?", "( 10.0 - 4.0 )", "6")));
        List<SingleOperationBaseline.Rule> rules = SingleOperationBaseline.rankFixedRules(pool);
        assertThat(rules.get(0).op()).isEqualTo("-");
        assertThat(rules.get(0).operands().name()).isEqualTo("largest, smallest");
        assertThat(rules.get(0).poolAccuracy()).isEqualTo(1.0);
        // "first, second" with "-" solves only problem 2
        assertThat(SingleOperationBaseline.accuracy(pool, s -> SingleOperationBaseline.fixedRule(s, "-",
                SingleOperationBaseline.OPERANDS.get(0)))).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void theOperatorClassifierLearnsWhichWordsMeanWhichOperator() {
        Dataset pool = Dataset.of(List.of(
                math("1", "Tom has 3 bags with 4 apples each", "How many apples in total?", "( 3.0 * 4.0 )", "12"),
                math("2", "There are 5 rows with 6 seats each", "How many seats in total?", "( 5.0 * 6.0 )", "30"),
                math("3", "Ann had 7 pens and lost 2", "How many pens are left?", "( 7.0 - 2.0 )", "5"),
                math("4", "Bob had 9 cards and gave away 4", "How many cards are left?", "( 9.0 - 4.0 )", "5")));
        SingleOperationBaseline.OperatorClassifier nb = new SingleOperationBaseline.OperatorClassifier(pool);
        assertThat(nb.predict(math("t1", "Sue has 8 boxes with 2 toys each", "How many toys in total?", "", "16")))
                .isEqualTo("*");
        assertThat(nb.predict(math("t2", "Joe had 6 eggs and lost 1", "How many eggs are left?", "", "5")))
                .isEqualTo("-");
        // larger first for "-": "( 6.0 - 1.0 )" whatever the text order
        assertThat(SingleOperationBaseline.withOperator(math("t3", "He lost 1 of his 6 eggs", "Left?", "", "5"), "-",
                SingleOperationBaseline.OPERANDS.get(0), true)).isEqualTo("( 6.0 - 1.0 )");
    }

    @Test
    void nearestNeighbourCopiesTheFormulationOfTheMostSimilarDocument() {
        Dataset pool = Dataset.of(List.of(
                Sample.withTarget("p1", Map.of("document", "A farmer grows wheat and corn on 100 acres."),
                        "variables: wheat, corn", List.of(), Origin.REAL),
                Sample.withTarget("p2", Map.of("document", "A factory makes chairs and tables with 40 hours of labour."),
                        "variables: chairs, tables", List.of(), Origin.REAL)));
        NearestNeighbourFormulation nn = new NearestNeighbourFormulation(pool);
        assertThat(nn.predict("A factory builds tables and chairs.")).isEqualTo("variables: chairs, tables");
        assertThat(nn.nearest("The farmer plants corn")).isEqualTo(0);

        Dataset test = Dataset.of(List.of(
                Sample.withTarget("t", Map.of("document", "A factory makes chairs and desks."),
                        "variables: chairs, desks", List.of(), Origin.REAL)));
        // tokens [variables, chairs, tables] vs [variables, chairs, desks]: LCS 2, P = R = 2/3
        assertThat(NearestNeighbourFormulation.rougeL(test, s -> nn.predict(s.input("document"))))
                .isCloseTo(2.0 / 3, within(1e-12));
    }
}
