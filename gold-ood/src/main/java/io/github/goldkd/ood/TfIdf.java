package io.github.goldkd.ood;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TF-IDF vectors of a handful of texts, with the document frequencies taken from those texts alone: enough
 * to tell near-duplicate probe samples from different ones without an encoder. Tokens are maximal runs of
 * letters or digits, lower-cased; idf is the smoothed {@code ln((1 + n) / (1 + df)) + 1}; vectors are
 * L2-normalised, so the dot product is the cosine.
 */
final class TfIdf {

    private final List<Map<String, Double>> vectors;

    TfIdf(List<String> texts) {
        List<Map<String, Integer>> counts = texts.stream().map(TfIdf::counts).toList();
        Map<String, Integer> df = new HashMap<>();
        counts.forEach(c -> c.keySet().forEach(t -> df.merge(t, 1, Integer::sum)));
        int n = texts.size();
        this.vectors = counts.stream().map(c -> {
            Map<String, Double> v = new HashMap<>();
            double norm = 0;
            for (Map.Entry<String, Integer> e : c.entrySet()) {
                double w = e.getValue() * (Math.log((1.0 + n) / (1.0 + df.get(e.getKey()))) + 1.0);
                v.put(e.getKey(), w);
                norm += w * w;
            }
            double len = Math.sqrt(norm);
            v.replaceAll((k, w) -> w / len);
            return v;
        }).toList();
    }

    /** 1 - cosine of texts {@code i} and {@code j}; 1 when either has no token. */
    double distance(int i, int j) {
        Map<String, Double> a = vectors.get(i);
        Map<String, Double> b = vectors.get(j);
        if (a.size() > b.size()) {
            Map<String, Double> t = a;
            a = b;
            b = t;
        }
        double dot = 0;
        for (Map.Entry<String, Double> e : a.entrySet()) {
            Double w = b.get(e.getKey());
            if (w != null) {
                dot += e.getValue() * w;
            }
        }
        return 1.0 - dot;
    }

    private static Map<String, Integer> counts(String text) {
        Map<String, Integer> c = new HashMap<>();
        for (String token : text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
            if (!token.isEmpty()) {
                c.merge(token, 1, Integer::sum);
            }
        }
        return c;
    }
}
