package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.metric.Metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The single-operation baselines of the math benchmark: the answer is one operator applied to two of the
 * problem's numbers (the numbers written in digits in the body and question, in order of appearance).
 * Learned on the pool (MAWPS + ASDiv-A), tested on SVAMP, scored by {@code execution_accuracy}:
 * <ul>
 *   <li><b>best fixed rule</b>: one operator and one choice of operands (first and second number, second and
 *       first, first and last, last and first, the last two, largest and smallest, smallest and largest), the
 *       combination with the best pool accuracy;</li>
 *   <li><b>operator per problem</b>: a multinomial naive Bayes (add-one smoothing) over the problem's words
 *       (question words and question bigrams marked apart from body words) predicts the operator, trained on
 *       the outermost operator of each pool equation; the operands (which two numbers, and for − and / whether
 *       in text order or larger first) are the choice with the best pool accuracy given the predicted
 *       operators;</li>
 *   <li><b>oracle</b>, an upper bound for any single-operation method: a problem counts when some operator on
 *       some ordered pair of its numbers gives the answer.</li>
 * </ul>
 * Deterministic; no seed.
 *
 * <p>Run (from the repository root; {@code package} builds every module, so no stale installed jar is used):
 * {@code mvn -B -q -DskipTests package && java -cp gold-examples/target/gold-examples.jar
 * io.github.goldkd.examples.bench.SingleOperationBaseline}.
 */
public final class SingleOperationBaseline {

    static final List<String> OPERATORS = List.of("+", "-", "*", "/");

    private static final Pattern NUMBER = Pattern.compile("\\d+(?:,\\d{3})*(?:\\.\\d+)?|\\.\\d+");
    private static final Pattern WORD = Pattern.compile("[\\p{L}]+|\\d+(?:\\.\\d+)?");

    private SingleOperationBaseline() {
    }

    /** The numbers written in digits in the problem's body, then its question, in order. */
    static List<Double> numbers(Sample s) {
        List<Double> out = new ArrayList<>();
        Matcher m = NUMBER.matcher(s.input("body") + " " + s.input("question"));
        while (m.find()) {
            out.add(Double.parseDouble(m.group().replace(",", "")));
        }
        return out;
    }

    /** The equation {@code ( a op b )}, or "" when either operand is missing. */
    static String equation(Double a, String op, Double b) {
        if (a == null || b == null) {
            return "";
        }
        return "( " + a + " " + op + " " + b + " )";
    }

    /** A choice of two operands, in order, from the problem's numbers (null when there are too few). */
    record Operands(String name, Function<List<Double>, Double[]> pick) {
    }

    static final List<Operands> OPERANDS = List.of(
            new Operands("first, second", n -> n.size() < 2 ? null : new Double[] {n.get(0), n.get(1)}),
            new Operands("second, first", n -> n.size() < 2 ? null : new Double[] {n.get(1), n.get(0)}),
            new Operands("first, last", n -> n.size() < 2 ? null : new Double[] {n.get(0), n.get(n.size() - 1)}),
            new Operands("last, first", n -> n.size() < 2 ? null : new Double[] {n.get(n.size() - 1), n.get(0)}),
            new Operands("last two", n -> n.size() < 2 ? null : new Double[] {n.get(n.size() - 2), n.get(n.size() - 1)}),
            new Operands("largest, smallest", n -> n.size() < 2 ? null : new Double[] {
                    n.stream().max(Double::compare).get(), n.stream().min(Double::compare).get()}),
            new Operands("smallest, largest", n -> n.size() < 2 ? null : new Double[] {
                    n.stream().min(Double::compare).get(), n.stream().max(Double::compare).get()}));

    /** A fixed rule's equation for one problem. */
    static String fixedRule(Sample s, String op, Operands operands) {
        Double[] ab = operands.pick().apply(numbers(s));
        return ab == null ? "" : equation(ab[0], op, ab[1]);
    }

    /**
     * The equation for a predicted operator: the operands chosen by {@code operands}; for − and / with
     * {@code largerFirst}, the larger of the two first (a word problem rarely asks for a negative value or a
     * fraction below 1 of two counts).
     */
    static String withOperator(Sample s, String op, Operands operands, boolean largerFirst) {
        Double[] ab = operands.pick().apply(numbers(s));
        if (ab == null) {
            return "";
        }
        if (largerFirst && (op.equals("-") || op.equals("/")) && ab[1] > ab[0]) {
            return equation(ab[1], op, ab[0]);
        }
        return equation(ab[0], op, ab[1]);
    }

    /** The outermost operator of a fully parenthesised infix equation, or null if it has none. */
    static String outermostOperator(String equation) {
        int depth = 0;
        for (String t : equation.trim().split("\\s+")) {
            if (t.equals("(")) {
                depth++;
            } else if (t.equals(")")) {
                depth--;
            } else if (depth <= 1 && OPERATORS.contains(t)) {
                return t;
            }
        }
        return null;
    }

    /** The words naive Bayes sees: body words, question words and question bigrams, kept apart. */
    static List<String> features(Sample s) {
        List<String> out = new ArrayList<>();
        for (String w : words(s.input("body"))) {
            out.add("b:" + w);
        }
        List<String> q = words(s.input("question"));
        for (int i = 0; i < q.size(); i++) {
            out.add("q:" + q.get(i));
            if (i + 1 < q.size()) {
                out.add("q2:" + q.get(i) + "_" + q.get(i + 1));
            }
        }
        return out;
    }

    private static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = WORD.matcher(text.toLowerCase(Locale.ROOT));
        while (m.find()) {
            // every number is one feature: the operator depends on the words around numbers, not their values
            out.add(Character.isDigit(m.group().charAt(0)) ? "<num>" : m.group());
        }
        return out;
    }

    /** Multinomial naive Bayes over {@link #features}, add-one smoothing, classes = {@link #OPERATORS}. */
    static final class OperatorClassifier {
        private final double[] logPrior = new double[OPERATORS.size()];
        private final List<Map<String, Double>> logLikelihood = new ArrayList<>();
        private final double[] logUnseen = new double[OPERATORS.size()];

        OperatorClassifier(Dataset pool) {
            int[] docs = new int[OPERATORS.size()];
            List<Map<String, Integer>> counts = new ArrayList<>();
            int[] totals = new int[OPERATORS.size()];
            Set<String> vocabulary = new LinkedHashSet<>();
            for (int k = 0; k < OPERATORS.size(); k++) {
                counts.add(new HashMap<>());
            }
            int n = 0;
            for (Sample s : pool) {
                String op = outermostOperator(s.target());
                if (op == null) {
                    continue;
                }
                int k = OPERATORS.indexOf(op);
                docs[k]++;
                n++;
                for (String f : features(s)) {
                    counts.get(k).merge(f, 1, Integer::sum);
                    totals[k]++;
                    vocabulary.add(f);
                }
            }
            if (n == 0) {
                throw new IllegalArgumentException("the operator classifier needs pool equations with an operator,"
                        + " got none of " + pool.size());
            }
            int v = vocabulary.size();
            for (int k = 0; k < OPERATORS.size(); k++) {
                logPrior[k] = Math.log((docs[k] + 1.0) / (n + OPERATORS.size()));
                Map<String, Double> ll = new HashMap<>();
                for (Map.Entry<String, Integer> e : counts.get(k).entrySet()) {
                    ll.put(e.getKey(), Math.log((e.getValue() + 1.0) / (totals[k] + v)));
                }
                logLikelihood.add(ll);
                logUnseen[k] = Math.log(1.0 / (totals[k] + v));
            }
        }

        /** The most probable operator (ties: the first of {@link #OPERATORS}). */
        String predict(Sample s) {
            List<String> f = features(s);
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < OPERATORS.size(); k++) {
                double score = logPrior[k];
                for (String w : f) {
                    score += logLikelihood.get(k).getOrDefault(w, logUnseen[k]);
                }
                if (score > bestScore) {
                    bestScore = score;
                    best = k;
                }
            }
            return OPERATORS.get(best);
        }
    }

    /** Execution accuracy of one equation per sample. */
    static double accuracy(Dataset data, Function<Sample, String> equationOf) {
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        for (Sample s : data) {
            predictions.add(equationOf.apply(s));
            references.add(s.references());
        }
        Metric m = Metrics.executionAccuracy();
        return m.score(predictions, references);
    }

    /** Whether some operator on some ordered pair of the problem's numbers gives its answer. */
    static boolean singleOperationCanSolve(Sample s) {
        List<Double> n = numbers(s);
        Metric m = Metrics.executionAccuracy();
        for (int i = 0; i < n.size(); i++) {
            for (int j = 0; j < n.size(); j++) {
                if (i == j) {
                    continue;
                }
                for (String op : OPERATORS) {
                    if (m.score(equation(n.get(i), op, n.get(j)), s.references()) == 1.0) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** The fixed rules by pool accuracy, best first (ties: operator order, then operand order). */
    record Rule(String op, Operands operands, double poolAccuracy) {
    }

    static List<Rule> rankFixedRules(Dataset pool) {
        List<Rule> rules = new ArrayList<>();
        for (String op : OPERATORS) {
            for (Operands o : OPERANDS) {
                rules.add(new Rule(op, o, accuracy(pool, s -> fixedRule(s, op, o))));
            }
        }
        rules.sort((a, b) -> Double.compare(b.poolAccuracy(), a.poolAccuracy()));
        return rules;
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        Dataset pool = BenchData.file("svamp", "mawps-asdiv-a.jsonl");
        Dataset test = BenchData.file("svamp", "svamp.jsonl");

        List<Rule> rules = rankFixedRules(pool);
        Rule best = rules.get(0);
        double bestTest = accuracy(test, s -> fixedRule(s, best.op(), best.operands()));

        OperatorClassifier classifier = new OperatorClassifier(pool);
        Map<String, String> poolOps = new HashMap<>();
        pool.forEach(s -> poolOps.put(s.id(), classifier.predict(s)));
        Map<String, String> testOps = new HashMap<>();
        test.forEach(s -> testOps.put(s.id(), classifier.predict(s)));
        double opPool = fraction(pool, s -> classifier.predict(s).equals(outermostOperator(s.target())));
        double opTest = fraction(test, s -> classifier.predict(s).equals(outermostOperator(s.target())));
        Operands bestOperands = null;
        boolean bestLargerFirst = false;
        double bestPool = -1;
        for (Operands o : OPERANDS) {
            for (boolean largerFirst : new boolean[] {false, true}) {
                double acc = accuracy(pool, s -> withOperator(s, poolOps.get(s.id()), o, largerFirst));
                if (acc > bestPool + 1e-12) {
                    bestPool = acc;
                    bestOperands = o;
                    bestLargerFirst = largerFirst;
                }
            }
        }
        Operands chosen = bestOperands;
        boolean largerFirst = bestLargerFirst;
        double nbTest = accuracy(test, s -> withOperator(s, testOps.get(s.id()), chosen, largerFirst));

        System.out.println("Single-operation baselines, pool MAWPS + ASDiv-A (" + pool.size() + "), test SVAMP ("
                + test.size() + "), execution accuracy. Machine: " + BenchData.machine());
        System.out.println();
        System.out.println("| method | chosen on the pool | pool | SVAMP |");
        System.out.println("|---|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| best fixed rule | `%s` on (%s) | %.4f | %.4f |%n", best.op(),
                best.operands().name(), best.poolAccuracy(), bestTest);
        System.out.printf(Locale.ROOT, "| operator per problem (naive Bayes; operator accuracy pool %.3f, SVAMP %.3f)"
                        + " | operands (%s)%s | %.4f | %.4f |%n", opPool, opTest, chosen.name(),
                largerFirst ? ", larger first for - and /" : ", text order", bestPool, nbTest);
        System.out.printf(Locale.ROOT, "| oracle: some single operation gives the answer (upper bound) | | %.4f | %.4f |%n",
                fraction(pool, SingleOperationBaseline::singleOperationCanSolve),
                fraction(test, SingleOperationBaseline::singleOperationCanSolve));
        System.out.println();
        System.out.println("Next fixed rules by pool accuracy:");
        for (int i = 1; i < 5; i++) {
            Rule r = rules.get(i);
            System.out.printf(Locale.ROOT, "- `%s` on (%s): pool %.4f, SVAMP %.4f%n", r.op(), r.operands().name(),
                    r.poolAccuracy(), accuracy(test, s -> fixedRule(s, r.op(), r.operands())));
        }
        System.out.printf(Locale.ROOT, "%nTook %.1f s.%n", (System.nanoTime() - started) / 1e9);
    }

    private static double fraction(Dataset data, java.util.function.Predicate<Sample> p) {
        int n = 0;
        for (Sample s : data) {
            if (p.test(s)) {
                n++;
            }
        }
        return data.isEmpty() ? Double.NaN : (double) n / data.size();
    }
}
