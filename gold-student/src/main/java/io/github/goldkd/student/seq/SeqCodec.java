package io.github.goldkd.student.seq;

import com.google.gson.JsonObject;
import io.github.goldkd.core.Sample;

import java.util.List;

/**
 * The task-specific part of the {@link Seq2SeqStudent}: how a sample becomes source ids and output ids, which
 * outputs decoding may write, and how output ids become text again. Output ids are in [0, V) for the output
 * vocabulary and, when {@link #copies()}, V + j for a copy of source position j.
 */
interface SeqCodec {

    /** The name stored in the student file ({@code math} or {@code text}). */
    String name();

    /** Whether the output has one copy column per source position after the vocabulary. */
    boolean copies();

    /** Whether the vocabularies exist (built by {@link #prepare} or restored). */
    boolean prepared();

    /** Builds the vocabularies from the first training data. */
    void prepare(List<Sample> train);

    int sourceVocabularySize();

    /** V: the output vocabulary (copy columns not counted). */
    int outputVocabularySize();

    /** The end-of-sequence output id. */
    int eos();

    /** The source of a sample, cut to {@code maxTokens}. */
    Source source(Sample sample, int maxTokens);

    /**
     * The output ids of a sample's target ending with {@link #eos()} (cut to {@code maxTokens}, the cut form
     * has no end), or {@code null} when the target cannot be written with this codec's outputs.
     */
    int[] target(Sample sample, Source source, int maxTokens);

    /** Which outputs may follow a prefix for this source, for outputs of at most {@code maxLength} tokens. */
    DecodingConstraint constraint(Source source, int maxLength);

    /** The text of decoded output ids (without the end token). */
    String render(int[] output, Source source);

    JsonObject toJson();

    /**
     * Which of a source's decoded hypotheses (best first, as {@link BeamSearch.Run#top()} gives them) to answer
     * with when {@link Seq2SeqConfig#plausibleAnswers()} is on: the first plausible one, 0 when none is or the
     * codec has no notion of a plausible answer (this default).
     */
    default int plausibleChoice(List<BeamSearch.Hypothesis> hypotheses, Source source) {
        return 0;
    }

    /**
     * One encoded source: vocabulary ids, the tokens as written, codec data (a math problem's numbers) and, for a
     * student on frozen bge states, those states (one per id; {@code ids} are then the slot tags of
     * {@link BgeMathSources}), else {@code null}.
     */
    record Source(int[] ids, List<String> tokens, double[] numbers, BgeTokenStates.Encoded states) {
        Source(int[] ids, List<String> tokens, double[] numbers) {
            this(ids, tokens, numbers, null);
        }

        int length() {
            return ids.length;
        }
    }
}
