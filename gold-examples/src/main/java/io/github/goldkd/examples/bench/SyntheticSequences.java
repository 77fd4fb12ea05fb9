package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Deterministic synthetic samples of fixed shapes for the speed benchmark: every sample of a kind has the same
 * number of source and target tokens, so that the PyTorch harness can be given exactly the shapes the DL4J
 * student trains on. Words are letters only and numbers are plain integers, so every tokenizer of the students
 * (words, numbers and punctuation marks as tokens) counts them the same way. Only the shapes matter here, not
 * what is learnt.
 */
final class SyntheticSequences {

    private SyntheticSequences() {
    }

    /** The {@code i}-th pseudo-word of a pool: letters only, distinct for distinct {@code (prefix, i)}. */
    static String word(String prefix, int i) {
        StringBuilder sb = new StringBuilder(prefix);
        int x = i;
        do {
            sb.append((char) ('a' + x % 26));
            x /= 26;
        } while (x > 0);
        return sb.toString();
    }

    /**
     * Math word problems: a body of {@code bodyWords} words with {@code numbers} distinct integers among them
     * (so {@code bodyWords + numbers} body tokens), a question of {@code questionWords} words, and an infix
     * target over all the problem's numbers, {@code ( ( a + b ) * c )}: {@code 2 numbers - 1} prefix tokens.
     */
    static List<Sample> math(int count, long seed, int vocabulary, int bodyWords, int questionWords, int numbers) {
        SplittableRandom r = new SplittableRandom(seed);
        String[] ops = {"+", "-", "*", "/"};
        List<Sample> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            List<String> body = new ArrayList<>();
            for (int i = 0; i < bodyWords; i++) {
                body.add(word("m", r.nextInt(vocabulary)));
            }
            List<Integer> values = new ArrayList<>();
            while (values.size() < numbers) {
                int v = 2 + r.nextInt(98);
                if (!values.contains(v)) {
                    values.add(v);
                }
            }
            for (int v : values) {
                body.add(r.nextInt(body.size() + 1), String.valueOf(v));
            }
            List<String> question = new ArrayList<>();
            for (int i = 0; i < questionWords; i++) {
                question.add(word("m", r.nextInt(vocabulary)));
            }
            String expr = values.get(0) + ".0";
            for (int i = 1; i < values.size(); i++) {
                expr = "( " + expr + " " + ops[r.nextInt(ops.length)] + " " + values.get(i) + ".0 )";
            }
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("body", String.join(" ", body));
            inputs.put("question", String.join(" ", question));
            out.add(Sample.withTarget("math-" + n, inputs, expr, List.of(), Origin.REAL));
        }
        return out;
    }

    /**
     * Free-text generation shaped like NL4OPT: a document of {@code sourceWords} words and {@code numbers}
     * integers, a target of {@code targetWords} words from a small formulation vocabulary of
     * {@code targetVocabulary} words followed by the document's numbers in order (numbers are rare, so a
     * student with a copy mechanism copies them): {@code targetWords + numbers} target tokens.
     */
    static List<Sample> text(int count, long seed, int vocabulary, int sourceWords, int numbers, int targetVocabulary,
                             int targetWords) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            List<String> doc = new ArrayList<>();
            for (int i = 0; i < sourceWords; i++) {
                doc.add(word("s", r.nextInt(vocabulary)));
            }
            List<String> values = new ArrayList<>();
            for (int i = 0; i < numbers; i++) {
                String v = String.valueOf(100 + r.nextInt(900_000));
                values.add(v);
                doc.add(r.nextInt(doc.size() + 1), v);
            }
            List<String> target = new ArrayList<>();
            for (int i = 0; i < targetWords; i++) {
                target.add(word("t", r.nextInt(targetVocabulary)));
            }
            target.addAll(values);
            out.add(Sample.withTarget("text-" + n, Map.of("document", String.join(" ", doc)), String.join(" ", target),
                    List.of(), Origin.REAL));
        }
        return out;
    }

    /** Distinct words (lower-cased) occurring at least {@code minCount} times in the given texts. */
    static int frequentWords(List<String> texts, int minCount) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (String t : texts) {
            for (String w : t.split("\\s+")) {
                if (!w.isEmpty() && !w.chars().allMatch(Character::isDigit)) {
                    counts.merge(w.toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
                }
            }
        }
        return (int) counts.values().stream().filter(c -> c >= minCount).count();
    }
}
