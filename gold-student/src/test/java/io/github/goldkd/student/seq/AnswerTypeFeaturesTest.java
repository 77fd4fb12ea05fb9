package io.github.goldkd.student.seq;

import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.TrainingOptions;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The answer-type features on a constructed question and context, alone and as the student's input channels. */
class AnswerTypeFeaturesTest {

    private static final String CONTEXT = "In 1066 the Normans, led by William (the Conqueror), crossed in "
            + "October with 7,000 men. Several \"knights\" stayed.";

    @Test
    void questionTypesFollowTheQuestionWord() {
        assertThat(AnswerTypeFeatures.questionType("Who led the Normans?")).isEqualTo(AnswerTypeFeatures.WHO);
        assertThat(AnswerTypeFeatures.questionType("Whose army crossed?")).isEqualTo(AnswerTypeFeatures.WHO);
        assertThat(AnswerTypeFeatures.questionType("When did they cross?")).isEqualTo(AnswerTypeFeatures.WHEN);
        assertThat(AnswerTypeFeatures.questionType("In what year did they cross?")).isEqualTo(AnswerTypeFeatures.WHEN);
        assertThat(AnswerTypeFeatures.questionType("Which century was it?")).isEqualTo(AnswerTypeFeatures.WHEN);
        assertThat(AnswerTypeFeatures.questionType("Where did they land?")).isEqualTo(AnswerTypeFeatures.WHERE);
        assertThat(AnswerTypeFeatures.questionType("How many men crossed?")).isEqualTo(AnswerTypeFeatures.HOW_MANY);
        assertThat(AnswerTypeFeatures.questionType("How much did it cost?")).isEqualTo(AnswerTypeFeatures.HOW_MUCH);
        assertThat(AnswerTypeFeatures.questionType("What did they build?")).isEqualTo(AnswerTypeFeatures.WHAT);
        assertThat(AnswerTypeFeatures.questionType("Which king fell?")).isEqualTo(AnswerTypeFeatures.WHICH);
        assertThat(AnswerTypeFeatures.questionType("Why did they cross?")).isEqualTo(AnswerTypeFeatures.WHY);
        assertThat(AnswerTypeFeatures.questionType("How did they cross?")).isEqualTo(AnswerTypeFeatures.OTHER);
        assertThat(AnswerTypeFeatures.questionType("Name the king.")).isEqualTo(AnswerTypeFeatures.OTHER);
        assertThat(AnswerTypeFeatures.questionType(null)).isEqualTo(AnswerTypeFeatures.OTHER);
    }

    /** Flags of the word at {@code word} (by character offset), as a single-token call. */
    private static float[] flagsOf(String word) {
        int at = CONTEXT.indexOf(word);
        float[] f = AnswerTypeFeatures.tokenFlags(CONTEXT, new int[] {at}, new int[] {at + word.length()}, 1);
        return f;
    }

    @Test
    void tokenFlagsDescribeTheWordOfEachToken() {
        // order: capitalised, capitalised inside a sentence, number, year, month, enclosed, function word, punct.
        assertThat(flagsOf("1066")).containsExactly(0, 0, 1, 1, 0, 0, 0, 0);
        assertThat(flagsOf("In")).containsExactly(1, 0, 0, 0, 0, 0, 1, 0);
        assertThat(flagsOf("Normans")).containsExactly(1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(flagsOf("Conqueror")).containsExactly(1, 1, 0, 0, 0, 1, 0, 0);
        assertThat(flagsOf("October")).containsExactly(1, 1, 0, 0, 1, 0, 0, 0);
        assertThat(flagsOf("7,000")).containsExactly(0, 0, 1, 0, 0, 0, 0, 0);
        assertThat(flagsOf("men")).containsExactly(0, 0, 0, 0, 0, 0, 0, 0);
        assertThat(flagsOf("Several")).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(flagsOf("knights")).containsExactly(0, 0, 0, 0, 0, 1, 0, 0);
        assertThat(flagsOf(",")).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        // a word piece carries the flags of its whole word: "Norm" of "Normans"
        int at = CONTEXT.indexOf("Normans");
        assertThat(AnswerTypeFeatures.tokenFlags(CONTEXT, new int[] {at + 4}, new int[] {at + 7}, 1))
                .containsExactly(1, 1, 0, 0, 0, 0, 0, 0);
        assertThat(AnswerTypeFeatures.yearLike("1990s")).isTrue();
        assertThat(AnswerTypeFeatures.yearLike("7000")).isFalse();
    }

    @Test
    void theStudentsInputCarriesTheFlagsTheTypeAndTheirProduct() {
        SpanQaConfig on = SpanQaConfig.defaults().withModelDim(16, 2).withAnswerTypes(true).withLexicalSkip(false);
        try (SpanQaStudent.Factory f = SpanQaStudent.factory(on)) {
            SpanQaStudent s = f.create(ToyQa.TASK, TrainingOptions.defaults(1));
            Map<String, String> in = new LinkedHashMap<>();
            in.put("context", CONTEXT);
            in.put("question", "In what year did the Normans cross?");
            Sample x = Sample.withTarget("q", in, "1066", List.of(), Origin.REAL);
            SpanQaStudent.Example e = s.encode(List.of(x)).get(0);
            BgeTokenStates.Encoded enc = e.enc();
            float[] feats = s.tokenFeatures(e);
            int n = enc.length();
            assertThat(feats).hasSize((on.features() - BgeTokenStates.DIMENSION) * n);
            int base = SpanQaStudent.BASE_FEATURES - BgeTokenStates.DIMENSION;
            int typeAt = base + AnswerTypeFeatures.TOKEN_FEATURES;
            int productAt = typeAt + AnswerTypeFeatures.TYPES;
            // the gold span "1066" is the word pieces "106" "##6": each carries the flags of the whole word
            int year = enc.textStart() + e.start();
            int yearEnd = enc.textStart() + e.end();
            assertThat(CONTEXT.substring(enc.charStart()[year], enc.charEnd()[yearEnd])).isEqualTo("1066");
            assertThat(yearEnd).isGreaterThan(year);
            assertThat(feats[(base + 3) * n + yearEnd]).isEqualTo(1f);
            int men = -1;
            for (int t = enc.textStart(); t < enc.textStart() + enc.textLength(); t++) {
                if (CONTEXT.substring(enc.charStart()[t], enc.charEnd()[t]).equals("men")) {
                    men = t;
                }
            }
            assertThat(men).isPositive();
            // the type one-hot is "when" on every token, the question's included
            for (int t = 0; t < n; t++) {
                for (int k = 0; k < AnswerTypeFeatures.TYPES; k++) {
                    assertThat(feats[(typeAt + k) * n + t]).isEqualTo(k == AnswerTypeFeatures.WHEN ? 1f : 0f);
                }
            }
            // year flag (3) and its product with "when" on 1066, not on "men", nor on any question token
            assertThat(feats[(base + 3) * n + year]).isEqualTo(1f);
            assertThat(feats[(productAt + 3 * AnswerTypeFeatures.TYPES + AnswerTypeFeatures.WHEN) * n + year])
                    .isEqualTo(1f);
            assertThat(feats[(productAt + 3 * AnswerTypeFeatures.TYPES + AnswerTypeFeatures.WHO) * n + year])
                    .isEqualTo(0f);
            assertThat(feats[(base + 3) * n + men]).isEqualTo(0f);
            for (int t = 0; t < enc.textStart(); t++) {
                for (int c = 0; c < AnswerTypeFeatures.TOKEN_FEATURES * (1 + AnswerTypeFeatures.TYPES); c++) {
                    int channel = c < AnswerTypeFeatures.TOKEN_FEATURES ? base + c
                            : productAt + c - AnswerTypeFeatures.TOKEN_FEATURES;
                    assertThat(feats[channel * n + t]).isEqualTo(0f);
                }
            }
            // off: the 390 channels of before, and the same values in them
            try (SpanQaStudent.Factory offFactory = SpanQaStudent.factory(on.withAnswerTypes(false))) {
                SpanQaStudent plain = offFactory.create(ToyQa.TASK, TrainingOptions.defaults(1));
                float[] old = plain.tokenFeatures(plain.encode(List.of(x)).get(0));
                assertThat(old).hasSize((SpanQaStudent.BASE_FEATURES - BgeTokenStates.DIMENSION) * n);
                for (int i = 0; i < old.length; i++) {
                    assertThat(feats[i]).isEqualTo(old[i]);
                }
            }
        }
    }
}
