package io.github.goldkd.student.seq;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The sliding-window channels on hand-made encodings (one id per word, so every number can be checked by hand). */
class LexicalOverlapTest {

    private static final int CLS = 101;
    private static final int SEP = 102;
    private static final Set<Integer> STOP = Set.of(1, 2); // "the", "."

    /**
     * An encoding {@code [CLS] question [SEP] context [SEP]} of space-separated words, each word's id given by
     * {@code ids} ("the" = 1 and "." = 2 are function words); returns {ids, charStart, charEnd, textStart, length}.
     */
    private record Enc(int[] ids, int[] start, int[] end, int textStart, int textLength, String context) {
    }

    private static Enc encode(int[] questionIds, String context, int[] contextIds) {
        List<Integer> ids = new ArrayList<>();
        List<int[]> spans = new ArrayList<>();
        ids.add(CLS);
        spans.add(new int[] {-1, -1});
        for (int i = 0; i < questionIds.length; i++) {
            ids.add(questionIds[i]);
            spans.add(new int[] {i, i + 1}); // offsets into the question: only >= 0 matters here
        }
        ids.add(SEP);
        spans.add(new int[] {-1, -1});
        int textStart = ids.size();
        String[] words = context.split(" ");
        assertThat(words).hasSameSizeAs(contextIds);
        int at = 0;
        for (int i = 0; i < words.length; i++) {
            ids.add(contextIds[i]);
            spans.add(new int[] {at, at + words[i].length()});
            at += words[i].length() + 1;
        }
        ids.add(SEP);
        spans.add(new int[] {-1, -1});
        int n = ids.size();
        int[] idArr = new int[n];
        int[] s = new int[n];
        int[] e = new int[n];
        for (int i = 0; i < n; i++) {
            idArr[i] = ids.get(i);
            s[i] = spans.get(i)[0];
            e[i] = spans.get(i)[1];
        }
        return new Enc(idArr, s, e, textStart, words.length, context);
    }

    private static float[] channels(Enc enc) {
        return LexicalOverlap.features(enc.ids(), enc.start(), enc.end(), enc.textStart(), enc.textLength(),
                enc.context(), STOP);
    }

    private static float at(float[] f, Enc enc, int channel, int contextToken) {
        return f[channel * enc.ids().length + enc.textStart() + contextToken];
    }

    @Test
    void theSentenceWithTheRarerQuestionWordsIsTheBestAndEachChannelIsAsDefined() {
        // question: "tower paris" (ids 10, 11); context, three sentences:
        //   "paris paris x ." (paris twice: IC log(1 + 1/3) each, as paris occurs 3 times in the context)
        //   "the tower y ."  (tower once: IC log 2)
        //   "z paris ."      (paris again)
        String context = "paris paris x . the tower y . z paris .";
        int[] ids = {11, 11, 20, 2, 1, 10, 21, 2, 22, 11, 2};
        Enc enc = encode(new int[] {1, 10, 11}, context, ids);
        float[] f = channels(enc);
        double icParis = Math.log(1 + 1.0 / 3);
        double icTower = Math.log(2);
        // channel 0: distinct question words per sentence, by IC, over the best sentence's sum (the tower sentence)
        assertThat(at(f, enc, 0, 0)).isCloseTo((float) (icParis / icTower), within(1e-6f));
        assertThat(at(f, enc, 0, 3)).isCloseTo((float) (icParis / icTower), within(1e-6f)); // its full stop
        assertThat(at(f, enc, 0, 6)).isEqualTo(1f);
        assertThat(at(f, enc, 0, 8)).isCloseTo((float) (icParis / icTower), within(1e-6f));
        // channel 1: the best sentence only
        for (int t = 0; t < ids.length; t++) {
            assertThat(at(f, enc, 1, t)).as("token " + t).isEqualTo(t >= 4 && t <= 7 ? 1f : 0f);
        }
        // channel 3: question content words themselves ("the" is a function word and does not count)
        for (int t = 0; t < ids.length; t++) {
            assertThat(at(f, enc, 3, t)).as("token " + t).isEqualTo(ids[t] == 10 || ids[t] == 11 ? 1f : 0f);
        }
        // channel 2: the window of 8 either side leaves the token itself out, so "x" (token 2), seeing every
        // question word, has the largest sum; token 0 misses its own paris and the last one (9 tokens away)
        double all = 3 * icParis + icTower;
        assertThat(at(f, enc, 2, 2)).isEqualTo(1f);
        assertThat(at(f, enc, 2, 0)).isCloseTo((float) ((icParis + icTower) / all), within(1e-6f));
        // nothing outside the context
        for (int t = 0; t < enc.textStart(); t++) {
            for (int c = 0; c < LexicalOverlap.COUNT; c++) {
                assertThat(f[c * enc.ids().length + t]).isZero();
            }
        }
    }

    @Test
    void aQuestionWithoutContentWordsGivesZeros() {
        Enc enc = encode(new int[] {1, 2}, "the x .", new int[] {1, 20, 2});
        float[] f = channels(enc);
        for (float v : f) {
            assertThat(v).isZero();
        }
    }

    @Test
    void sentencesEndAtAFullStopBeforeWhiteSpaceOnly() {
        String text = "The U.S. Army won 3.5 to 1. Then";
        assertThat(LexicalOverlap.endsSentence(text, 7, 8)).isTrue(); // "U.S." then a space
        assertThat(LexicalOverlap.endsSentence(text, 5, 6)).isFalse(); // the dot inside "U.S"
        assertThat(LexicalOverlap.endsSentence(text, 19, 20)).isFalse(); // "3.5"
        assertThat(LexicalOverlap.endsSentence(text, 26, 27)).isTrue();
        assertThat(LexicalOverlap.endsSentence("Done!", 4, 5)).isTrue(); // at the end
        assertThat(LexicalOverlap.endsSentence(text, 0, 3)).isFalse(); // a word
        assertThat(LexicalOverlap.endsSentence(text, -1, -1)).isFalse(); // a special token
    }
}
