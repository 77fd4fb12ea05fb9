package io.github.goldkd.student.seq;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The vocabulary bookkeeping the word-level codecs share: the input fields a source is read from, the
 * frequency cut of a vocabulary, the source token ids (their order is the id, and the order a saved
 * student stores under {@code "source"}), and end-of-sequence as output id 0. The codecs differ in how
 * they tokenise and what their outputs are.
 */
abstract class VocabularyCodec implements SeqCodec {

    final List<String> inputFields;
    final int minTokenCount;
    final int maxVocabulary;
    /** Source token to id, in id order; null until prepared or loaded. */
    Map<String, Integer> sourceIds;

    VocabularyCodec(List<String> inputFields, int minTokenCount, int maxVocabulary) {
        this.inputFields = List.copyOf(inputFields);
        this.minTokenCount = minTokenCount;
        this.maxVocabulary = maxVocabulary;
    }

    @Override
    public boolean prepared() {
        return sourceIds != null;
    }

    @Override
    public int sourceVocabularySize() {
        return sourceIds.size();
    }

    @Override
    public int eos() {
        return 0;
    }

    /** Ids in list order; a repeated token keeps its first id, so ids stay dense only for distinct lists. */
    final void indexSource(List<String> source) {
        sourceIds = new LinkedHashMap<>();
        for (String t : source) {
            sourceIds.putIfAbsent(t, sourceIds.size());
        }
    }

    /**
     * The tokens counted at least {@code minTokenCount} times, most frequent first (ties by token), at most
     * {@code limit} of them (none for a limit below one).
     */
    final List<String> frequent(Map<String, Integer> counts, int limit) {
        List<String> out = new ArrayList<>();
        counts.entrySet().stream()
                .filter(e -> e.getValue() >= minTokenCount)
                .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .limit(Math.max(0, limit))
                .forEach(e -> out.add(e.getKey()));
        return out;
    }

    /** The sample's input fields in order (absent ones skipped), joined by {@code separator}. */
    final String joinedInputs(Sample s, String separator) {
        List<String> parts = new ArrayList<>();
        for (String field : inputFields) {
            String text = s.inputs().get(field);
            if (text != null) {
                parts.add(text);
            }
        }
        return String.join(separator, parts);
    }

    /** A saved codec's JSON with the source tokens in id order under {@code "source"}. */
    final JsonObject sourceJson() {
        JsonObject o = new JsonObject();
        JsonArray src = new JsonArray();
        sourceIds.keySet().forEach(src::add);
        o.add("source", src);
        return o;
    }

    /** The strings of a saved JSON array, in order. */
    static List<String> strings(JsonArray array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.getAsString()));
        return out;
    }
}
