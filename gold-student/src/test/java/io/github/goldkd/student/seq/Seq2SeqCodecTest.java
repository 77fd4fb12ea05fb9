package io.github.goldkd.student.seq;

import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.metric.ArithmeticExpression;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The math and text codecs without a network: targets, rendering, the decoding constraint. */
class Seq2SeqCodecTest {

    static Sample problem(String body, String question, String equation) {
        return Sample.withTarget("p", Map.of("body", body, "question", question), equation, List.of(), Origin.REAL);
    }

    static MathCodec mathCodec() {
        List<Sample> train = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            // 100 is in no problem and used 6 times: a constant; 7 once: not one
            train.add(problem("a shop has " + (i + 3) + " boxes .", "what percent is " + (i + 5) + " ?",
                    "( ( " + (i + 5) + ".0 / " + (i + 3) + ".0 ) * 100.0 )"));
        }
        train.add(problem("there are 4 cats .", "how many legs ?", "( 4.0 * 7.0 )"));
        MathCodec codec = new MathCodec(List.of("body", "question"), 1, 1000);
        codec.prepare(train);
        return codec;
    }

    @Test
    void mathTargetsUseSlotsInOrderOfAppearanceAndConstantsAndRenderBackToTheData() {
        MathCodec codec = mathCodec();
        Sample s = problem("Dan has 1,200 coins and 2.5 bags .", "he gives 76 away ?", "( ( 1200.0 - 76.0 ) * 100.0 )");
        SeqCodec.Source src = codec.source(s, 64);
        assertThat(src.numbers()).containsExactly(1200.0, 2.5, 76.0);
        int[] target = codec.target(s, src, 32);
        assertThat(target).isNotNull();
        assertThat(target[target.length - 1]).isEqualTo(codec.eos());
        String rendered = codec.render(target, src);
        assertThat(rendered).isEqualTo("( ( 1200.0 - 76.0 ) * 100.0 )");
        assertThat(ArithmeticExpression.evaluate(rendered).getAsDouble()).isEqualTo(112400.0);
        // a number neither in the problem nor a constant: the sample cannot be written
        assertThat(codec.target(problem("one 3 .", "?", "( 3.0 * 7.0 )"), codec.source(problem("one 3 .", "?",
                "( 3.0 * 7.0 )"), 64), 32)).isNull();
        // the same problem read back from the saved vocabularies gives the same ids
        MathCodec copy = MathCodec.fromJson(codec.toJson(), List.of("body", "question"), 1, 1000);
        assertThat(copy.target(s, copy.source(s, 64), 32)).containsExactly(target);
    }

    @Test
    void constrainedRandomDecodingWritesOnlyWellFormedExpressionsOverTheProblemsSlots() {
        MathCodec codec = mathCodec();
        Sample s = problem("tom has 5 pens and 8 pencils .", "how many ?", "( 5.0 + 8.0 )");
        SeqCodec.Source src = codec.source(s, 64);
        SplittableRandom r = new SplittableRandom(3);
        int v = codec.outputVocabularySize();
        NextTokenScorer random = prefixes -> {
            float[][] rows = new float[prefixes.size()][v];
            for (float[] row : rows) {
                for (int k = 0; k < v; k++) {
                    row[k] = (float) -r.nextDouble(0, 5);
                }
            }
            return rows;
        };
        for (int i = 0; i < 200; i++) {
            BeamSearch search = new BeamSearch(1 + i % 3, 9, codec.eos(), 1.0);
            String out = codec.render(search.decode(random, codec.constraint(src, 9)).tokens(), src);
            // one complete expression (its value may be undefined: random operands may divide by zero)
            assertThat(PrefixNotation.fromInfix(out)).as(out).isNotEmpty();
            for (String token : out.split(" ")) {
                if (token.matches("[\\d.]+")) {
                    assertThat(token).isIn("5.0", "8.0", "100.0");
                }
            }
        }
    }

    /**
     * A name that recurs across the pool's formulations is still copied: it is in each of its own problems'
     * texts, so the student must read it there, not write it from memory. Words the targets write without the
     * text saying them ("variables") are generated, and so is layout that nearly every target writes even where
     * the text has it too ("maximize").
     */
    @Test
    void recurringNamesAreCopiedWhileGeneratedWordsAndLayoutAreVocabulary() {
        List<Sample> pool = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) {
            String suffix = "" + (char) ('a' + i % 26) + (char) ('a' + i / 26);
            String x = i < 2 ? "chairs" : "thing" + suffix;
            pool.add(Sample.withTarget("p" + i, Map.of("document", "Make " + x + " and stool" + suffix + ". Profit "
                            + (10 + i) + " per " + x + ". Maximize it."),
                    "variables: " + x + ", stool" + suffix + "\nmaximize: " + (10 + i) + " " + x, List.of(), Origin.REAL));
        }
        TextCodec codec = new TextCodec(List.of("document"), 2, 1000);
        codec.prepare(pool);
        Sample first = pool.get(0);
        SeqCodec.Source src = codec.source(first, 100);
        int[] target = codec.target(first, src, 100);
        int v = codec.outputVocabularySize();
        List<String> words = TextCodec.tokens(first.target());
        assertThat(words).containsExactly("variables", ":", "chairs", ",", "stoolaa", "\n", "maximize", ":", "10",
                "chairs");
        int[] copied = {2, 4, 8, 9};
        int[] generated = {0, 1, 3, 5, 6, 7};
        for (int i : copied) {
            assertThat(target[i]).as(words.get(i)).isEqualTo(v + indexIgnoringCase(src.tokens(), words.get(i)));
        }
        for (int i : generated) {
            assertThat(target[i]).as(words.get(i)).isBetween(2, v - 1);
        }
        // "chairs" was in two targets (the old rule's vocabulary: seen at least twice), but both texts had it
        assertThat(v).isEqualTo(2 + 5); // end, <unk>, variables, ":", ",", newline, maximize
        assertThat(codec.render(target, src)).isEqualTo(first.target());
    }

    private static int indexIgnoringCase(List<String> tokens, String w) {
        for (int j = 0; j < tokens.size(); j++) {
            if (tokens.get(j).equalsIgnoreCase(w)) {
                return j;
            }
        }
        return -1;
    }

    @Test
    void textTargetsCopyWhatTheVocabularyLacksAndRenderBackToTheSameText() {
        Sample a = Sample.withTarget("a", Map.of("document", "Make chairs and tables. Chairs earn $40."),
                "variables: chairs, tables\nmaximize: 40 chairs\nconstraints:\nchairs >= 2 (chairs + tables)", List.of(), Origin.REAL);
        Sample b = Sample.withTarget("b", Map.of("document", "Make pens and cups. Pens earn $3."),
                "variables: pens, cups\nmaximize: 3 pens\nconstraints:\npens >= 5 (pens + cups)", List.of(), Origin.REAL);
        TextCodec codec = new TextCodec(List.of("document"), 2, 1000);
        codec.prepare(List.of(a, b));
        Sample c = Sample.withTarget("c", Map.of("document", "Grow Wheat and corn. Wheat earns $1/3 each. At least 0.3 of the land is wheat."),
                "variables: wheat, corn\nmaximize: 1/3 wheat\nconstraints:\nwheat >= 0.3 (wheat + corn)", List.of(),
                Origin.REAL);
        SeqCodec.Source src = codec.source(c, 100);
        int[] target = codec.target(c, src, 100);
        int v = codec.outputVocabularySize();
        // "wheat" is in no training target: copied from its first source position (case ignored)
        assertThat(target[2]).isEqualTo(v + src.tokens().indexOf("Wheat"));
        String rendered = codec.render(target, src);
        assertThat(rendered.toLowerCase()).isEqualTo(
                "variables: wheat, corn\nmaximize: 1/3 wheat\nconstraints:\nwheat >= 0.3 (wheat + corn)");
    }
}
