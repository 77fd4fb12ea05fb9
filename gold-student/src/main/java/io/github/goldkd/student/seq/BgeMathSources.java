package io.github.goldkd.student.seq;

import io.github.goldkd.core.Sample;

import java.util.ArrayList;
import java.util.List;

/**
 * The source of a math problem for the {@link Seq2SeqConfig.Encoder#FROZEN_BGE} encoder: bge reads the problem
 * text as written ({@link MathCodec#text}), so the decoder's slots N0, N1, ... must be found in bge's word pieces.
 * Each piece gets a slot tag: {@code 1 + k} when its characters lie in the k-th number of the text (a number such
 * as {@code 1,200} or {@code 3.5} is several pieces, all tagged k), {@link #NUMBER_BEYOND_SLOTS} for a number past
 * {@link MathCodec#MAX_SLOTS}, {@link #WORD} otherwise ({@code [CLS]}, {@code [SEP]} and words). The slot values
 * are the codec's own ({@link MathCodec#source}), so targets and rendering are unchanged.
 */
final class BgeMathSources {

    /** Tag of a piece that is not part of a number. */
    static final int WORD = 0;
    /** Tag of a piece of a number that has no slot. */
    static final int NUMBER_BEYOND_SLOTS = MathCodec.MAX_SLOTS + 1;
    /** Number of tags: the depth of the slot-tag embedding. */
    static final int TAGS = MathCodec.MAX_SLOTS + 2;

    private BgeMathSources() {
    }

    /**
     * The tagged bge source of {@code sample}: at most {@code maxTokens} pieces (specials included; a longer
     * problem loses its end, as the from-scratch source does), their cached float16 states, the problem's numbers.
     */
    static SeqCodec.Source source(MathCodec codec, BgeTokenStates bge, Sample sample, int maxTokens) {
        String text = codec.text(sample);
        BgeTokenStates.Encoded enc = bge.encode(text);
        List<int[]> spans = MathCodec.numberSpans(text);
        int n = Math.min(enc.length(), maxTokens);
        int[] tags = new int[n];
        List<String> tokens = new ArrayList<>(n);
        int k = 0; // pieces come in text order: the number spans are walked once
        for (int i = 0; i < n; i++) {
            int start = enc.charStart()[i];
            int end = enc.charEnd()[i];
            if (start < 0) {
                tokens.add(i == 0 ? "[CLS]" : "[SEP]");
                continue;
            }
            tokens.add(text.substring(start, end));
            while (k < spans.size() && spans.get(k)[1] <= start) {
                k++;
            }
            if (k < spans.size() && spans.get(k)[0] < end) {
                tags[i] = k < MathCodec.MAX_SLOTS ? 1 + k : NUMBER_BEYOND_SLOTS;
            }
        }
        // every number of the problem is a slot, also one beyond the cut source (as in MathCodec.source)
        double[] numbers = codec.source(sample, 0).numbers();
        return new SeqCodec.Source(tags, tokens, numbers, enc);
    }
}
