package io.github.goldkd.llm.corpus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A small TF-IDF model fitted on a corpus: lower-cased tokens made of Unicode letters and digits (with the
 * combining marks that follow them, so that scripts such as Devanagari keep whole words), raw term counts,
 * smooth idf {@code ln((1 + N) / (1 + df)) + 1} and L2-normalised sparse vectors, so that cosine similarity
 * is a dot product. Terms unseen at fitting time are ignored when a new text is vectorised.
 */
final class TfIdf {

    private final Map<String, Integer> vocabulary;
    private final double[] idf;

    private TfIdf(Map<String, Integer> vocabulary, double[] idf) {
        this.vocabulary = vocabulary;
        this.idf = idf;
    }

    /** Fits the vocabulary and document frequencies on {@code corpus}. */
    static TfIdf fit(List<String> corpus) {
        Map<String, Integer> vocab = new HashMap<>();
        List<Integer> df = new ArrayList<>();
        for (String doc : corpus) {
            Map<String, Integer> seen = new HashMap<>();
            for (String t : tokens(doc)) {
                if (seen.putIfAbsent(t, 1) == null) {
                    Integer id = vocab.get(t);
                    if (id == null) {
                        id = vocab.size();
                        vocab.put(t, id);
                        df.add(0);
                    }
                    df.set(id, df.get(id) + 1);
                }
            }
        }
        double n = corpus.size();
        double[] idf = new double[vocab.size()];
        for (int i = 0; i < idf.length; i++) {
            idf[i] = Math.log((1.0 + n) / (1.0 + df.get(i))) + 1.0;
        }
        return new TfIdf(vocab, idf);
    }

    /** The number of distinct terms seen at fitting time. */
    int vocabularySize() {
        return idf.length;
    }

    /** The smooth idf of a term, or NaN for a term not in the vocabulary. */
    double idf(String term) {
        Integer id = vocabulary.get(term);
        return id == null ? Double.NaN : idf[id];
    }

    /** The L2-normalised TF-IDF vector of {@code text}; the zero vector when it has no known term. */
    Sparse vector(String text) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (String t : tokens(text)) {
            Integer id = vocabulary.get(t);
            if (id != null) {
                counts.merge(id, 1, Integer::sum);
            }
        }
        int[] idx = new int[counts.size()];
        int k = 0;
        for (int id : counts.keySet()) {
            idx[k++] = id;
        }
        Arrays.sort(idx);
        double[] val = new double[idx.length];
        double norm = 0;
        for (int i = 0; i < idx.length; i++) {
            val[i] = counts.get(idx[i]) * idf[idx[i]];
            norm += val[i] * val[i];
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int i = 0; i < val.length; i++) {
                val[i] /= norm;
            }
        }
        return new Sparse(idx, val);
    }

    /**
     * Lower-cased (root locale) tokens: maximal runs of Unicode letters and digits, with combining marks
     * kept inside a token; everything else separates tokens.
     */
    static List<String> tokens(String text) {
        String s = text.toLowerCase(Locale.ROOT);
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp) || (cur.length() > 0 && isMark(cp))) {
                cur.appendCodePoint(cp);
            } else if (cur.length() > 0) {
                out.add(cur.toString());
                cur.setLength(0);
            }
        }
        if (cur.length() > 0) {
            out.add(cur.toString());
        }
        return out;
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** A sparse vector: sorted term indices and their values. */
    record Sparse(int[] indices, double[] values) {

        /** The dot product with a dense vector indexed by term. */
        double dot(double[] dense) {
            double s = 0;
            for (int i = 0; i < indices.length; i++) {
                s += values[i] * dense[indices[i]];
            }
            return s;
        }

        /** The dot product with another sparse vector (a merge of the two sorted index lists). */
        double dot(Sparse o) {
            double s = 0;
            int i = 0;
            int j = 0;
            while (i < indices.length && j < o.indices.length) {
                if (indices[i] == o.indices[j]) {
                    s += values[i++] * o.values[j++];
                } else if (indices[i] < o.indices[j]) {
                    i++;
                } else {
                    j++;
                }
            }
            return s;
        }

        /** Adds this vector, scaled, into {@code dense}. */
        void addTo(double[] dense, double scale) {
            for (int i = 0; i < indices.length; i++) {
                dense[indices[i]] += scale * values[i];
            }
        }
    }
}
