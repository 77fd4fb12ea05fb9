package io.github.goldkd.examples.bench;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Metric;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.metric.Metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The nearest-neighbour baseline of the NL4OPT benchmark: a test problem gets the formulation of the pool
 * problem whose document is most similar by TF-IDF cosine (raw term counts; idf = ln((1 + n) / (1 + df)) + 1
 * fitted on the pool, as scikit-learn's default; vectors L2-normalised; ties to the earlier pool problem).
 * Tokens are lower-cased runs of ASCII letters and digits, as ROUGE-L's. Pool = the competition's test split
 * (289, {@code test.jsonl}), test = its development split (99, {@code dev.jsonl}), as {@code --task nl4opt}
 * and the shipped README have them. Deterministic; no seed.
 *
 * <p>Run (from the repository root; {@code package} builds every module, so no stale installed jar is used):
 * {@code mvn -B -q -DskipTests package && java -cp gold-examples/target/gold-examples.jar
 * io.github.goldkd.examples.bench.NearestNeighbourFormulation}.
 */
public final class NearestNeighbourFormulation {

    private final List<Map<String, Double>> poolVectors = new ArrayList<>();
    private final List<String> poolFormulations = new ArrayList<>();
    private final Map<String, Double> idf = new HashMap<>();
    private final double unseenIdf;

    /** Fits the index on the pool's documents; every pool sample needs a document and a formulation. */
    NearestNeighbourFormulation(Dataset pool) {
        if (pool.isEmpty()) {
            throw new IllegalArgumentException("the nearest-neighbour baseline needs a pool, got none");
        }
        Map<String, Integer> df = new HashMap<>();
        List<Map<String, Integer>> counts = new ArrayList<>();
        for (Sample s : pool) {
            Map<String, Integer> c = termCounts(s.input("document"));
            counts.add(c);
            c.keySet().forEach(t -> df.merge(t, 1, Integer::sum));
            poolFormulations.add(s.target());
        }
        int n = pool.size();
        df.forEach((t, d) -> idf.put(t, Math.log((1.0 + n) / (1.0 + d)) + 1));
        unseenIdf = Math.log((1.0 + n) / 1.0) + 1;
        for (Map<String, Integer> c : counts) {
            poolVectors.add(vector(c));
        }
    }

    static Map<String, Integer> termCounts(String text) {
        Map<String, Integer> counts = new HashMap<>();
        String lower = text.toLowerCase(Locale.ROOT);
        int start = -1;
        for (int i = 0; i <= lower.length(); i++) {
            char ch = i < lower.length() ? lower.charAt(i) : ' ';
            boolean keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
            if (keep && start < 0) {
                start = i;
            } else if (!keep && start >= 0) {
                counts.merge(lower.substring(start, i), 1, Integer::sum);
                start = -1;
            }
        }
        return counts;
    }

    private Map<String, Double> vector(Map<String, Integer> counts) {
        Map<String, Double> v = new HashMap<>();
        double norm = 0;
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            double w = e.getValue() * idf.getOrDefault(e.getKey(), unseenIdf);
            v.put(e.getKey(), w);
            norm += w * w;
        }
        double scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
        v.replaceAll((t, w) -> w * scale);
        return v;
    }

    /** The index of the most similar pool document (ties: the earlier). */
    int nearest(String document) {
        Map<String, Double> q = vector(termCounts(document));
        int best = 0;
        double bestCos = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < poolVectors.size(); i++) {
            Map<String, Double> p = poolVectors.get(i);
            double cos = 0;
            for (Map.Entry<String, Double> e : q.entrySet()) {
                Double w = p.get(e.getKey());
                if (w != null) {
                    cos += w * e.getValue();
                }
            }
            if (cos > bestCos + 1e-12) {
                bestCos = cos;
                best = i;
            }
        }
        return best;
    }

    /** The formulation of the most similar pool problem. */
    String predict(String document) {
        return poolFormulations.get(nearest(document));
    }

    static double rougeL(Dataset data, java.util.function.Function<Sample, String> predict) {
        List<String> predictions = new ArrayList<>();
        List<List<String>> references = new ArrayList<>();
        for (Sample s : data) {
            predictions.add(predict.apply(s));
            references.add(s.references());
        }
        Metric m = Metrics.rougeL();
        return m.score(predictions, references);
    }

    public static void main(String[] args) {
        long started = System.nanoTime();
        Dataset pool = BenchData.file("nl4opt", "test.jsonl");
        Dataset test = BenchData.file("nl4opt", "dev.jsonl");
        NearestNeighbourFormulation nn = new NearestNeighbourFormulation(pool);
        double nnTest = rougeL(test, s -> nn.predict(s.input("document")));
        // the same rule inside the pool, each problem's neighbour found among the other 288
        List<Sample> all = pool.samples();
        double loo = 0;
        Metric m = Metrics.rougeL();
        for (int i = 0; i < all.size(); i++) {
            List<Sample> rest = new ArrayList<>(all);
            rest.remove(i);
            NearestNeighbourFormulation without = new NearestNeighbourFormulation(Dataset.of(rest));
            loo += m.score(without.predict(all.get(i).input("document")), all.get(i).references());
        }
        loo /= all.size();
        double copy = rougeL(test, s -> s.input("document"));

        System.out.println("NL4OPT formulation baselines, pool test.jsonl (" + pool.size() + "), test dev.jsonl ("
                + test.size() + "), ROUGE-L F. Machine: " + BenchData.machine());
        System.out.println();
        System.out.println("| method | ROUGE-L |");
        System.out.println("|---|---:|");
        System.out.printf(Locale.ROOT, "| nearest pool problem (TF-IDF cosine): its formulation, test | %.4f |%n", nnTest);
        System.out.printf(Locale.ROOT, "| same, leave-one-out within the pool | %.4f |%n", loo);
        System.out.printf(Locale.ROOT, "| the test document itself as the formulation, test | %.4f |%n", copy);
        System.out.printf(Locale.ROOT, "%nTook %.1f s.%n", (System.nanoTime() - started) / 1e9);
    }
}
