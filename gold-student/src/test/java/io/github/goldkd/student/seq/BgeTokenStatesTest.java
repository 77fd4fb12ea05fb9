package io.github.goldkd.student.seq;

import io.github.goldkd.student.OnnxBgeEncoder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BgeTokenStatesTest {

    private static BgeTokenStates states;

    @BeforeAll
    static void load() {
        states = BgeTokenStates.create(1);
    }

    @AfterAll
    static void close() {
        states.close();
    }

    private static float[] direct(long[] ids, long[] types, int row) {
        float[] h = new OnnxBgeTokenModel(1).run(ids, types);
        float[] out = new float[BgeTokenStates.DIMENSION];
        System.arraycopy(h, row * BgeTokenStates.DIMENSION, out, 0, out.length);
        return out;
    }

    @Test
    void aPairIsClsFirstSepSecondSepWithTypeIdsAndCharacterSpans() {
        String q = "Who founded Zürich?";
        String c = "The café in Zürich was founded by Æthelred in 1210.";
        BgeTokenStates.Encoded e = states.encode(q, c);
        int qn = states.tokenize(q).size();
        int cn = states.tokenize(c).size();
        assertThat(e.length()).isEqualTo(qn + cn + 3);
        assertThat(e.textStart()).isEqualTo(qn + 2);
        assertThat(e.textLength()).isEqualTo(cn);
        assertThat(e.windows()).isEqualTo(1);
        assertThat(e.typeIds()[0]).isZero();
        assertThat(e.typeIds()[qn + 1]).isZero();
        assertThat(e.typeIds()[qn + 2]).isEqualTo(1);
        assertThat(e.typeIds()[e.length() - 1]).isEqualTo(1);
        assertThat(e.charStart()[0]).isEqualTo(-1);
        // the spans are Java string offsets, also after non-ASCII characters
        StringBuilder words = new StringBuilder();
        for (int t = e.textStart(); t < e.textStart() + e.textLength(); t++) {
            words.append(c, e.charStart()[t], e.charEnd()[t]).append('|');
        }
        assertThat(words.toString()).contains("|Zürich|").contains("|café|").contains("|Æ|");
        // one window: every row is the model's state of the whole sequence (up to float16 rounding)
        long[] ids = new long[e.length()];
        long[] types = new long[e.length()];
        for (int t = 0; t < ids.length; t++) {
            ids[t] = e.ids()[t];
            types[t] = e.typeIds()[t];
        }
        int row = e.textStart() + 3;
        float[] want = direct(ids, types, row);
        float[] got = e.state(row);
        for (int k = 0; k < want.length; k++) {
            assertThat(got[k]).isCloseTo(want[k], within(2e-3f + 1e-3f * Math.abs(want[k])));
        }
    }

    @Test
    void theClsStateOfATextIsTheSentenceVectorOfTheLibrarysEncoder() {
        String text = "A small model learns from a large one.";
        float[] cls = states.encode(text).state(0);
        float[] v = OnnxBgeEncoder.create().encode(text);
        double dot = 0;
        double norm = 0;
        for (int k = 0; k < cls.length; k++) {
            dot += cls[k] * v[k];
            norm += cls[k] * cls[k];
        }
        assertThat(dot / Math.sqrt(norm)).isGreaterThan(0.999);
    }

    @Test
    void aLongTextIsReadInOverlappingWindowsNotTruncated() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 130; i++) {
            sb.append("Sentence number ").append(i).append(" mentions town").append(i % 7).append(". ");
        }
        String c = sb.toString();
        String q = "Which town is mentioned?";
        BgeTokenStates small = new BgeTokenStates(new OnnxBgeTokenModel(1), 64, 16, 16, 1L << 20);
        BgeTokenStates.Encoded e = small.encode(q, c);
        int cn = small.tokenize(c).size();
        assertThat(cn).isGreaterThan(512);
        assertThat(e.textLength()).isEqualTo(cn);
        int head = e.textStart();
        int room = 64 - head - 1;
        List<int[]> windows = BgeTokenStates.windows(cn, room, 16);
        assertThat(e.windows()).isEqualTo(windows.size()).isGreaterThan(10);
        // a token late in the text has the state its owner window gives it
        int t = cn - 30;
        int w = BgeTokenStates.owner(windows, t);
        int from = windows.get(w)[0];
        int len = windows.get(w)[1];
        long[] ids = new long[head + len + 1];
        long[] types = new long[ids.length];
        for (int i = 0; i < head; i++) {
            ids[i] = e.ids()[i];
        }
        for (int i = 0; i < len; i++) {
            ids[head + i] = e.ids()[head + from + i];
            types[head + i] = 1;
        }
        ids[ids.length - 1] = e.ids()[e.length() - 1];
        types[ids.length - 1] = 1;
        float[] want = direct(ids, types, head + t - from);
        float[] got = e.state(head + t);
        for (int k = 0; k < want.length; k++) {
            assertThat(got[k]).isCloseTo(want[k], within(2e-3f + 1e-3f * Math.abs(want[k])));
        }
        small.close();

        // the real limit: a text of more than 512 tokens keeps all of them
        BgeTokenStates.Encoded full = states.encode(q, c);
        assertThat(full.textLength()).isEqualTo(cn);
        assertThat(full.windows()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void windowsCoverEveryTokenAndOwnersAreTheMostCentral() {
        List<int[]> w = BgeTokenStates.windows(1000, 400, 100);
        assertThat(w).hasSize(3);
        assertThat(w.get(0)).containsExactly(0, 400);
        assertThat(w.get(1)).containsExactly(300, 400);
        assertThat(w.get(2)).containsExactly(600, 400);
        for (int t = 0; t < 1000; t++) {
            assertThat(BgeTokenStates.owner(w, t)).isNotNegative();
        }
        assertThat(BgeTokenStates.owner(w, 340)).isEqualTo(0); // 59 tokens to its right in window 0, 40 left in 1
        assertThat(BgeTokenStates.owner(w, 350)).isEqualTo(1);
        assertThat(BgeTokenStates.owner(w, 650)).isEqualTo(2);
        assertThat(BgeTokenStates.windows(10, 400, 100)).hasSize(1);
    }

    @Test
    void theCacheIsBoundedAndServesRepeats() {
        BgeTokenStates small = new BgeTokenStates(new OnnxBgeTokenModel(1), 512, 128, 128, 60_000);
        BgeTokenStates.Encoded a = small.encode("q", "The first context with a few words.");
        assertThat(small.encode("q", "The first context with a few words.")).isSameAs(a);
        for (int i = 0; i < 10; i++) {
            small.encode("q", "Another context number " + i + " of some length.");
        }
        assertThat(small.cacheStats().get("bytes")).isLessThanOrEqualTo(60_000L);
        assertThat(small.cacheStats().get("entries")).isLessThan(11L);
        assertThat(small.cacheStats().get("hits")).isEqualTo(1L);
        small.close();
    }

    @Test
    void float16RoundTripsWithinItsPrecision() {
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 10_000; i++) {
            float f = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-5, 4)));
            float back = BgeTokenStates.Half.toFloat(BgeTokenStates.Half.fromFloat(f));
            assertThat(back).isCloseTo(f, within(Math.abs(f) * 1e-3f + 6e-8f));
        }
        assertThat(BgeTokenStates.Half.toFloat(BgeTokenStates.Half.fromFloat(1f))).isEqualTo(1f);
        assertThat(BgeTokenStates.Half.toFloat(BgeTokenStates.Half.fromFloat(-2.5f))).isEqualTo(-2.5f);
        assertThat(BgeTokenStates.Half.toFloat(BgeTokenStates.Half.fromFloat(1e6f))).isInfinite();
    }

    @Test
    void badSettingsAreRefusedWithTheirRange() {
        assertThatThrownBy(() -> BgeTokenStates.create(0)).hasMessageContaining("intraOpThreads");
        assertThatThrownBy(() -> new BgeTokenStates(new OnnxBgeTokenModel(1), 600, 128, 128, 0))
                .hasMessageContaining("maxTokens must be in [8, 512]");
        assertThatThrownBy(() -> new BgeTokenStates(new OnnxBgeTokenModel(1), 512, 400, 128, 0))
                .hasMessageContaining("overlap");
    }
}
