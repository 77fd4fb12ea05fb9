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

    /**
     * Common English words, each one WordPiece token of bge's (BERT's uncased) vocabulary, so that a QA sample's
     * token count is its word count.
     */
    static final List<String> COMMON_WORDS = List.of(("time year people way day man thing woman life child world "
            + "school state family student group country problem hand part place case week company system program "
            + "question work government number night point home water room mother area money story fact month lot "
            + "right study book eye job word business issue side kind head house service friend father power hour "
            + "game line end member law car city community name president team minute idea kid body information back "
            + "parent face others level office door health person art war history party result change morning "
            + "reason research girl guy moment air teacher force education foot boy age policy music market sense "
            + "nation plan college interest death experience effect class control care field development role effort "
            + "rate heart drug show leader light voice wife police mind price report decision son view relationship "
            + "town road arm difference value building action model season society tax director position player "
            + "record paper space ground form event official matter center couple site project activity star table "
            + "need court oil situation cost industry figure street image phone data picture practice piece land "
            + "product doctor wall patient worker news test movie north love support technology step baby computer "
            + "type attention film tree source organization hair window evidence population truth song river").split(" "));

    /**
     * Extractive QA: a context of {@code contextWords} common words, a question of {@code questionWords} words
     * (half of them taken from around the answer, so that the exact-match feature fires) and as target a span
     * of {@code answerWords} consecutive context words.
     */
    static List<Sample> qa(int count, long seed, int contextWords, int questionWords, int answerWords) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Sample> out = new ArrayList<>(count);
        int v = COMMON_WORDS.size();
        for (int n = 0; n < count; n++) {
            List<String> context = new ArrayList<>();
            for (int i = 0; i < contextWords; i++) {
                context.add(COMMON_WORDS.get(r.nextInt(v)));
            }
            int start = r.nextInt(contextWords - answerWords + 1);
            String answer = String.join(" ", context.subList(start, start + answerWords));
            List<String> question = new ArrayList<>();
            for (int i = 0; i < questionWords; i++) {
                question.add(i % 2 == 0 ? context.get(Math.max(0, start - 1 - i / 2)) : COMMON_WORDS.get(r.nextInt(v)));
            }
            Map<String, String> inputs = new LinkedHashMap<>();
            inputs.put("context", String.join(" ", context));
            inputs.put("question", String.join(" ", question));
            out.add(Sample.withTarget("qa-" + n, inputs, answer, List.of(), Origin.REAL));
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
