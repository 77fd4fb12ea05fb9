package io.github.goldkd.student.seq;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.github.goldkd.core.Sample;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Free text (NL4OPT formulations and any other target): words, numbers ({@code 0.3}, {@code 1/3},
 * {@code 1,000}), {@code <=} and {@code >=}, single punctuation marks and the newline are tokens. A target token is the output
 * vocabulary's id when the (lower-cased) token is in it, else a copy of the first source position holding the
 * same token (case ignored), else {@code <unk>}. The output vocabulary is end, {@code <unk>} and the target
 * tokens of the first training data that either had to be generated at least {@code minTokenCount} times (an
 * occurrence counts only where its own sample's source lacks the token) or are layout, written in at least
 * {@value #LAYOUT_SHARE} of the targets. So "constraints" and the signs, which no text holds, and "maximize",
 * which most formulations write wherever the text has it, are generated, while the names and numbers of a
 * problem, which its text holds, are copied, even those that recur across the pool ("chairs", "50"): labelled as
 * vocabulary words they would teach the student to write the pool's names from memory instead of reading the
 * new problem (measured on NL4OPT, BENCHMARKS.md). Copying a layout word instead would make the student find it
 * in every text (a toy copy task's ROUGE-L fell from 0.55 to 0.34 that way). Decoded tokens are joined back into text without a space before
 * closing punctuation and around newlines, so the text metrics compare words, not spacing.
 */
final class TextCodec extends VocabularyCodec {

    private static final String PAD = "<pad>";
    private static final String UNK = "<unk>";
    private static final String EOS = "<eos>";
    static final String NEWLINE = "\n";
    private static final Pattern TOKEN =
            Pattern.compile("\\n|\\d+(?:[.,/]\\d+)*|\\.\\d+|[\\p{L}\\p{M}]+(?:'[\\p{L}]+)?|<=|>=|[^\\s\\p{L}\\d]");
    /** Share of the training targets a token must appear in to be layout (always in the vocabulary). */
    static final double LAYOUT_SHARE = 0.1;
    private static final Set<String> NO_SPACE_BEFORE = Set.of(",", ".", ":", ";", ")", "%", "?", "!", "'");
    private static final Set<String> NO_SPACE_AFTER = Set.of("(", "$");

    private List<String> outputs;
    private Map<String, Integer> outputIds;

    TextCodec(List<String> inputFields, int minTokenCount, int maxVocabulary) {
        super(inputFields, minTokenCount, maxVocabulary);
    }

    @Override
    public String name() {
        return "text";
    }

    @Override
    public boolean copies() {
        return true;
    }

    @Override
    public void prepare(List<Sample> train) {
        Map<String, Integer> sourceCounts = new HashMap<>();
        Map<String, Integer> generatedCounts = new HashMap<>();
        Map<String, Integer> targetsWith = new HashMap<>();
        int targets = 0;
        for (Sample s : train) {
            Set<String> inSource = new HashSet<>();
            for (String t : tokens(sourceText(s))) {
                String lower = t.toLowerCase(Locale.ROOT);
                sourceCounts.merge(lower, 1, Integer::sum);
                inSource.add(lower);
            }
            if (s.target() != null) {
                targets++;
                Set<String> inTarget = new HashSet<>();
                for (String t : tokens(s.target())) {
                    String lower = t.toLowerCase(Locale.ROOT);
                    inTarget.add(lower);
                    if (!inSource.contains(lower)) {
                        generatedCounts.merge(lower, 1, Integer::sum);
                    }
                }
                inTarget.forEach(t -> targetsWith.merge(t, 1, Integer::sum));
            }
        }
        for (Map.Entry<String, Integer> e : targetsWith.entrySet()) {
            if (e.getValue() >= LAYOUT_SHARE * targets) {
                // layout: in the vocabulary whatever the texts hold (counts of at least minTokenCount keep it there)
                generatedCounts.merge(e.getKey(), Math.max(minTokenCount, e.getValue()), Math::max);
            }
        }
        List<String> source = new ArrayList<>(List.of(PAD, UNK));
        source.addAll(frequent(sourceCounts, maxVocabulary - source.size()));
        List<String> output = new ArrayList<>(List.of(EOS, UNK));
        output.addAll(frequent(generatedCounts, maxVocabulary - output.size()));
        init(source, output);
    }

    private void init(List<String> source, List<String> output) {
        indexSource(source);
        outputs = List.copyOf(output);
        outputIds = new HashMap<>();
        for (String t : outputs) {
            outputIds.putIfAbsent(t, outputIds.size());
        }
    }

    @Override
    public int outputVocabularySize() {
        return outputs.size();
    }

    @Override
    public Source source(Sample sample, int maxTokens) {
        List<String> all = tokens(sourceText(sample));
        List<String> tokens = new ArrayList<>(all.subList(0, Math.min(all.size(), maxTokens)));
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = sourceIds.getOrDefault(tokens.get(i).toLowerCase(Locale.ROOT), sourceIds.get(UNK));
        }
        return new Source(ids, tokens, new double[0]);
    }

    @Override
    public int[] target(Sample sample, Source source, int maxTokens) {
        if (sample.target() == null) {
            return null;
        }
        List<String> tokens = tokens(sample.target());
        int v = outputs.size();
        int[] out = new int[Math.min(tokens.size() + 1, maxTokens)];
        for (int i = 0; i < out.length; i++) {
            if (i == tokens.size()) {
                out[i] = eos();
                break;
            }
            String lower = tokens.get(i).toLowerCase(Locale.ROOT);
            Integer id = outputIds.get(lower);
            if (id != null) {
                out[i] = id;
                continue;
            }
            int copy = -1;
            for (int j = 0; j < source.length(); j++) {
                if (source.tokens().get(j).toLowerCase(Locale.ROOT).equals(lower)) {
                    copy = j;
                    break;
                }
            }
            out[i] = copy >= 0 ? v + copy : outputIds.get(UNK);
        }
        return out;
    }

    @Override
    public DecodingConstraint constraint(Source source, int maxLength) {
        return DecodingConstraint.NONE;
    }

    @Override
    public String render(int[] output, Source source) {
        List<String> words = new ArrayList<>();
        int v = outputs.size();
        for (int t : output) {
            if (t == eos()) {
                break;
            }
            if (t >= v && t - v < source.length()) {
                words.add(source.tokens().get(t - v));
            } else if (t >= 0 && t < v && !outputs.get(t).equals(UNK)) {
                words.add(outputs.get(t));
            }
        }
        return detokenize(words);
    }

    /** Joins tokens into text: no space before closing punctuation or after an opening one, none at newlines. */
    static String detokenize(List<String> words) {
        StringBuilder sb = new StringBuilder();
        String previous = null;
        for (String w : words) {
            boolean space = previous != null && !previous.equals(NEWLINE) && !w.equals(NEWLINE)
                    && !NO_SPACE_BEFORE.contains(w) && !NO_SPACE_AFTER.contains(previous);
            if (space) {
                sb.append(' ');
            }
            sb.append(w);
            previous = w;
        }
        return sb.toString().strip();
    }

    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    private String sourceText(Sample s) {
        return joinedInputs(s, "\n");
    }

    @Override
    public JsonObject toJson() {
        JsonObject o = sourceJson();
        JsonArray out = new JsonArray();
        outputs.forEach(out::add);
        o.add("outputs", out);
        return o;
    }

    static TextCodec fromJson(JsonObject o, List<String> inputFields, int minTokenCount, int maxVocabulary) {
        TextCodec codec = new TextCodec(inputFields, minTokenCount, maxVocabulary);
        codec.init(strings(o.getAsJsonArray("source")), strings(o.getAsJsonArray("outputs")));
        return codec;
    }
}
