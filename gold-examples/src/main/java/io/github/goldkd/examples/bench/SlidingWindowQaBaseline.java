package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.metric.Metrics;

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
 * The sliding-window baseline of the SQuAD paper (Rajpurkar et al. 2016, section 5.1), which adapts the
 * MCTest sliding window of Richardson et al. (2013), on the shipped SQuAD articles. For a question and its
 * paragraph:
 * <ol>
 *   <li>candidates are spans of the paragraph, within one sentence;</li>
 *   <li>for each, the unigram + bigram overlap between its sentence <em>without the candidate</em> and the
 *       question is counted (distinct question unigrams and bigrams found); only the candidates with the
 *       largest overlap are kept;</li>
 *   <li>among them the best is chosen by Richardson's sliding window: S = the candidate's words ∪ the
 *       question's words, a window of |S| words slides over the candidate's sentence (the paper uses the
 *       sentence rather than the whole passage, "for efficiency"), and the score is the largest sum, over a
 *       window, of IC(w) = log(1 + 1/C(w)) for the words of the window that are in S, with C(w) the count of
 *       w in the paragraph;</li>
 *   <li>optionally with Richardson's distance extension: minus d = the smallest distance in the sentence
 *       between a question word and a candidate word that is not a question word (stop words excluded from
 *       both), divided by (sentence length − 1); d = 1 when either set is empty.</li>
 * </ol>
 * Ties go to the shorter, then the earlier candidate. Words are lower-cased for matching; the answer is the
 * paragraph's own text from the candidate's first to its last token.
 *
 * <p>Deviations, because no parser is at hand: the paper's candidates are the constituents of a Stanford
 * CoreNLP parse; here they are every span of 1 to {@code maxSpan} words inside one sentence that neither
 * starts nor ends with a stop word, does not span one of ; : ( ) [ ] or a quotation mark, and holds at least one word that is neither a question word nor a stop
 * word (a crude stand-in for "a constituent that answers": a span made of question words cannot be the
 * answer). Since the window score grows with the candidate's length, {@code maxSpan} is chosen on the pool
 * (the best pool F1 over 1..{@value #MAX_SPAN_LIMIT}), never on the test article. Sentences are split at
 * ". ! ?". On SQuAD 1.1 the paper reports about 13 EM and 20 F1 for this baseline (as
 * recalled, its table was not at hand to re-check), against 40 / 51 for its logistic regression; four articles
 * of SQuAD 2.0's development set are not the same test.
 *
 * <p>Run (from the repository root; {@code package} builds every module, so no stale installed jar is used):
 * {@code mvn -B -q -DskipTests package && java -cp gold-examples/target/gold-examples.jar
 * io.github.goldkd.examples.bench.SlidingWindowQaBaseline}. Prints a Markdown table: the
 * default split (pool three articles, test Normans) and each article held out in turn.
 */
public final class SlidingWindowQaBaseline {

    /** The longest candidate span tried when choosing {@code maxSpan} on the pool. */
    static final int MAX_SPAN_LIMIT = 10;

    private static final Pattern TOKEN = Pattern.compile("[\\p{L}\\p{N}]+(?:[-'’.,][\\p{L}\\p{N}]+)*|[^\\s\\p{L}\\p{N}]");

    /** A short English stop-word list (articles, auxiliaries, pronouns, prepositions, wh-words). */
    static final Set<String> STOP_WORDS = Set.of(
            "a", "an", "the", "and", "or", "but", "of", "in", "on", "at", "to", "for", "from", "by", "with", "as",
            "into", "about", "after", "before", "during", "over", "under", "between", "through", "than", "then",
            "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "has", "have", "had",
            "will", "would", "can", "could", "should", "may", "might", "must", "shall",
            "it", "its", "this", "that", "these", "those", "there", "their", "they", "them", "he", "she", "his",
            "her", "him", "we", "our", "you", "your", "i", "me", "my", "who", "whom", "whose", "what", "which",
            "when", "where", "why", "how", "not", "no", "so", "if", "also", "such", "some", "any", "all", "each",
            "other", "more", "most", "many", "much", "one", "s");

    private SlidingWindowQaBaseline() {
    }

    /** Punctuation a candidate may not span: it separates constituents (a comma may sit inside one). */
    private static final String HARD_BREAKS = ";:()[]\"“”";

    /**
     * A token of the paragraph: its lower-cased text, character offsets, whether it is a word, and (for a
     * word) whether punctuation of {@link #HARD_BREAKS} comes between it and the previous word.
     */
    record Token(String lower, int start, int end, boolean word, boolean afterBreak) {
    }

    static List<Token> tokenise(String text) {
        List<Token> tokens = new ArrayList<>();
        Matcher m = TOKEN.matcher(text);
        boolean pendingBreak = false;
        while (m.find()) {
            String t = m.group();
            boolean word = Character.isLetterOrDigit(t.codePointAt(0));
            if (!word && HARD_BREAKS.contains(t)) {
                pendingBreak = true;
            }
            tokens.add(new Token(t.toLowerCase(Locale.ROOT), m.start(), m.end(), word, word && pendingBreak));
            if (word) {
                pendingBreak = false;
            }
        }
        return tokens;
    }

    /** The paragraph's sentences, each as its word tokens (punctuation dropped). */
    static List<List<Token>> sentences(List<Token> tokens) {
        List<List<Token>> sentences = new ArrayList<>();
        List<Token> current = new ArrayList<>();
        for (Token t : tokens) {
            if (t.word()) {
                current.add(t);
            } else if ((t.lower().equals(".") || t.lower().equals("!") || t.lower().equals("?"))
                    && !current.isEmpty()) {
                sentences.add(current);
                current = new ArrayList<>();
            }
        }
        if (!current.isEmpty()) {
            sentences.add(current);
        }
        return sentences;
    }

    /**
     * The baseline's answer to one question.
     *
     * @param maxSpan  the longest candidate, in words, at least 1
     * @param distance whether to subtract Richardson's distance term
     * @return a span of {@code context}, or "" when no span qualifies
     */
    static String answer(String context, String question, int maxSpan, boolean distance) {
        if (maxSpan < 1) {
            throw new IllegalArgumentException("maxSpan must be >= 1, was " + maxSpan);
        }
        List<Token> tokens = tokenise(context);
        Map<String, Integer> counts = new HashMap<>();
        for (Token t : tokens) {
            if (t.word()) {
                counts.merge(t.lower(), 1, Integer::sum);
            }
        }
        List<String> questionWords = new ArrayList<>();
        for (Token t : tokenise(question)) {
            if (t.word()) {
                questionWords.add(t.lower());
            }
        }
        Set<String> questionSet = new HashSet<>(questionWords);
        Set<String> questionBigrams = new HashSet<>();
        for (int i = 0; i + 1 < questionWords.size(); i++) {
            questionBigrams.add(questionWords.get(i) + " " + questionWords.get(i + 1));
        }

        List<Candidate> kept = new ArrayList<>();
        int bestOverlap = -1;
        List<List<Token>> sentences = sentences(tokens);
        for (int s = 0; s < sentences.size(); s++) {
            List<Token> sentence = sentences.get(s);
            for (int from = 0; from < sentence.size(); from++) {
                for (int to = from; to < sentence.size() && to - from < maxSpan; to++) {
                    if (!qualifies(sentence, from, to, questionSet)) {
                        continue;
                    }
                    int overlap = overlapWithout(sentence, from, to, questionSet, questionBigrams);
                    if (overlap > bestOverlap) {
                        bestOverlap = overlap;
                        kept.clear();
                    }
                    if (overlap == bestOverlap) {
                        kept.add(new Candidate(s, from, to));
                    }
                }
            }
        }
        Candidate best = null;
        double bestScore = Double.NEGATIVE_INFINITY;
        for (Candidate c : kept) {
            List<Token> sentence = sentences.get(c.sentence());
            double score = slidingWindow(sentence, c, questionSet, counts);
            if (distance) {
                score -= distance(sentence, c, questionSet);
            }
            // strictly greater: ties keep the earlier; among equal scores prefer the shorter
            if (score > bestScore + 1e-12 || (best != null && Math.abs(score - bestScore) <= 1e-12
                    && c.length() < best.length())) {
                best = c;
                bestScore = score;
            }
        }
        if (best == null) {
            return "";
        }
        List<Token> sentence = sentences.get(best.sentence());
        return context.substring(sentence.get(best.from()).start(), sentence.get(best.to()).end());
    }

    record Candidate(int sentence, int from, int to) {
        int length() {
            return to - from + 1;
        }
    }

    private static boolean qualifies(List<Token> sentence, int from, int to, Set<String> questionSet) {
        for (int i = from + 1; i <= to; i++) {
            if (sentence.get(i).afterBreak()) {
                return false;
            }
        }
        if (STOP_WORDS.contains(sentence.get(from).lower()) || STOP_WORDS.contains(sentence.get(to).lower())) {
            return false;
        }
        for (int i = from; i <= to; i++) {
            String w = sentence.get(i).lower();
            if (!questionSet.contains(w) && !STOP_WORDS.contains(w)) {
                return true;
            }
        }
        return false;
    }

    /** Distinct question unigrams and bigrams found in the sentence outside [from, to]. */
    private static int overlapWithout(List<Token> sentence, int from, int to, Set<String> questionSet,
                                      Set<String> questionBigrams) {
        Set<String> found = new HashSet<>();
        String previous = null;
        for (int i = 0; i < sentence.size(); i++) {
            if (i >= from && i <= to) {
                previous = null; // a bigram does not bridge the removed candidate
                continue;
            }
            String w = sentence.get(i).lower();
            if (questionSet.contains(w)) {
                found.add(w);
            }
            if (previous != null && questionBigrams.contains(previous + " " + w)) {
                found.add(previous + " " + w);
            }
            previous = w;
        }
        return found.size();
    }

    /** Richardson et al.'s sliding window over the sentence, target set S = candidate words ∪ question words. */
    static double slidingWindow(List<Token> sentence, Candidate c, Set<String> questionSet,
                                Map<String, Integer> counts) {
        Set<String> target = new HashSet<>(questionSet);
        for (int i = c.from(); i <= c.to(); i++) {
            target.add(sentence.get(i).lower());
        }
        int window = target.size();
        double[] weight = new double[sentence.size()];
        for (int i = 0; i < sentence.size(); i++) {
            String w = sentence.get(i).lower();
            weight[i] = target.contains(w) ? Math.log(1 + 1.0 / counts.getOrDefault(w, 1)) : 0;
        }
        // windows may run past the sentence's end (Richardson's P_{j+w} is then no word): start at every word
        double best = 0;
        double sum = 0;
        for (int i = 0; i < Math.min(window, weight.length); i++) {
            sum += weight[i];
        }
        best = sum;
        for (int j = 1; j < weight.length; j++) {
            sum -= weight[j - 1];
            if (j + window - 1 < weight.length) {
                sum += weight[j + window - 1];
            }
            best = Math.max(best, sum);
        }
        return best;
    }

    /** Richardson et al.'s distance term within the sentence, in [0, 1]. */
    static double distance(List<Token> sentence, Candidate c, Set<String> questionSet) {
        Set<String> answerWords = new HashSet<>();
        for (int i = c.from(); i <= c.to(); i++) {
            String w = sentence.get(i).lower();
            if (!questionSet.contains(w) && !STOP_WORDS.contains(w)) {
                answerWords.add(w);
            }
        }
        List<Integer> questionAt = new ArrayList<>();
        List<Integer> answerAt = new ArrayList<>();
        for (int i = 0; i < sentence.size(); i++) {
            String w = sentence.get(i).lower();
            if (questionSet.contains(w) && !STOP_WORDS.contains(w)) {
                questionAt.add(i);
            }
            if (answerWords.contains(w)) {
                answerAt.add(i);
            }
        }
        if (questionAt.isEmpty() || answerAt.isEmpty() || sentence.size() < 2) {
            return 1;
        }
        int min = Integer.MAX_VALUE;
        for (int q : questionAt) {
            for (int a : answerAt) {
                min = Math.min(min, Math.abs(q - a));
            }
        }
        return (double) min / (sentence.size() - 1);
    }

    /**
     * The candidates' exact-match recall: the fraction of questions for which some candidate (before any
     * scoring) matches a gold answer after SQuAD's normalisation, the ceiling of any choice among them (the
     * paper reports 77.3 % for its constituents).
     */
    static double candidateRecall(Dataset data, int maxSpan) {
        Metric em = Metrics.exactMatch();
        int found = 0;
        for (Sample s : data) {
            String context = s.input("context");
            Set<String> questionSet = new HashSet<>();
            for (Token t : tokenise(s.input("question"))) {
                if (t.word()) {
                    questionSet.add(t.lower());
                }
            }
            search:
            for (List<Token> sentence : sentences(tokenise(context))) {
                for (int from = 0; from < sentence.size(); from++) {
                    for (int to = from; to < sentence.size() && to - from < maxSpan; to++) {
                        if (qualifies(sentence, from, to, questionSet) && em.score(context.substring(
                                sentence.get(from).start(), sentence.get(to).end()), s.references()) == 1.0) {
                            found++;
                            break search;
                        }
                    }
                }
            }
        }
        return data.isEmpty() ? Double.NaN : (double) found / data.size();
    }

    /** EM and F1 of the baseline on {@code data}. */
    static double[] score(Dataset data, int maxSpan, boolean distance) {
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        for (Sample s : data) {
            predictions.add(answer(s.input("context"), s.input("question"), maxSpan, distance));
            references.add(s.references());
        }
        Metric em = Metrics.exactMatch();
        Metric f1 = Metrics.f1();
        return new double[] {em.score(predictions, references), f1.score(predictions, references)};
    }

    /** The maxSpan in 1..limit with the best F1 on {@code pool} (ties: the shorter). */
    static int chooseMaxSpan(Dataset pool, boolean distance, int limit) {
        int best = 1;
        double bestF1 = -1;
        for (int n = 1; n <= limit; n++) {
            double f1 = score(pool, n, distance)[1];
            if (f1 > bestF1 + 1e-12) {
                best = n;
                bestF1 = f1;
            }
        }
        return best;
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        Map<String, Dataset> articles = BenchData.squadArticles();
        System.out.println("Sliding-window baseline (Rajpurkar et al. 2016 after Richardson et al. 2013) on the shipped"
                + " SQuAD articles; maxSpan chosen by pool F1 over 1.." + MAX_SPAN_LIMIT + ". Machine: "
                + BenchData.machine());
        System.out.println();
        System.out.println("| test article (questions) | variant | maxSpan (from pool) | pool F1 | candidate recall"
                + " (EM ceiling) | EM | F1 |");
        System.out.println("|---|---|---:|---:|---:|---:|---:|");
        for (boolean distance : new boolean[] {false, true}) {
            double emSum = 0;
            double f1Sum = 0;
            for (String held : BenchData.SQUAD_ARTICLES) {
                Dataset pool = Dataset.empty();
                for (Map.Entry<String, Dataset> e : articles.entrySet()) {
                    if (!e.getKey().equals(held)) {
                        pool = pool.concat(e.getValue());
                    }
                }
                Dataset test = articles.get(held);
                int maxSpan = chooseMaxSpan(pool, distance, MAX_SPAN_LIMIT);
                double poolF1 = score(pool, maxSpan, distance)[1];
                double[] s = score(test, maxSpan, distance);
                emSum += s[0];
                f1Sum += s[1];
                System.out.printf(Locale.ROOT, "| %s (%d) | %s | %d | %.4f | %.4f | %.4f | %.4f |%n",
                        BenchData.title(held), test.size(), distance ? "window + distance" : "window", maxSpan, poolF1,
                        candidateRecall(test, maxSpan), s[0], s[1]);
            }
            System.out.printf(Locale.ROOT, "| **mean of the four** | %s | | | | %.4f | %.4f |%n",
                    distance ? "window + distance" : "window", emSum / 4, f1Sum / 4);
        }
        System.out.printf(Locale.ROOT, "%nTook %.1f s.%n", (System.nanoTime() - started) / 1e9);
    }
}
