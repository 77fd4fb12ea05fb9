package io.github.goldkd.llm.corpus;

import io.github.goldkd.core.Encoder;
import io.github.goldkd.core.GoldException;

import java.util.List;

/**
 * Cosine similarities between the texts of a fixed pool, a group's centre and outside texts. The corpus
 * teacher only ranks by these numbers, so any vector space will do: TF-IDF by default, or any
 * {@link Encoder}.
 */
interface SimilaritySpace {

    /** The cosine similarity of each member (pool index) to the mean of the members' unit vectors. */
    double[] toCentre(int[] members);

    /** The cosine similarity of each member (pool index) to {@code text}. */
    double[] toText(String text, int[] members);

    /** A short description for {@code describe()}. */
    String name();

    /** TF-IDF fitted on the pool texts. */
    static SimilaritySpace tfIdf(List<String> pool) {
        TfIdf model = TfIdf.fit(pool);
        TfIdf.Sparse[] vectors = new TfIdf.Sparse[pool.size()];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = model.vector(pool.get(i));
        }
        return new SimilaritySpace() {
            @Override
            public double[] toCentre(int[] members) {
                double[] sum = new double[model.vocabularySize()];
                for (int m : members) {
                    vectors[m].addTo(sum, 1.0);
                }
                double norm = norm(sum);
                double[] out = new double[members.length];
                for (int i = 0; i < members.length; i++) {
                    out[i] = norm == 0 ? 0 : vectors[members[i]].dot(sum) / norm;
                }
                return out;
            }

            @Override
            public double[] toText(String text, int[] members) {
                TfIdf.Sparse v = model.vector(text);
                double[] out = new double[members.length];
                for (int i = 0; i < members.length; i++) {
                    out[i] = vectors[members[i]].dot(v);
                }
                return out;
            }

            @Override
            public String name() {
                return "tf-idf (" + model.vocabularySize() + " terms)";
            }
        };
    }

    /** The unit vectors of an encoder, computed once for the pool. */
    static SimilaritySpace encoder(Encoder encoder, List<String> pool) {
        int dim = encoder.dimension();
        List<float[]> raw = encoder.encodeAll(pool);
        if (raw.size() != pool.size()) {
            throw new GoldException("encoder " + encoder.name() + " returned " + raw.size() + " vectors for "
                    + pool.size() + " texts");
        }
        double[][] vectors = new double[pool.size()][];
        for (int i = 0; i < vectors.length; i++) {
            vectors[i] = unit(encoder, raw.get(i), dim);
        }
        return new SimilaritySpace() {
            @Override
            public double[] toCentre(int[] members) {
                double[] sum = new double[dim];
                for (int m : members) {
                    for (int d = 0; d < dim; d++) {
                        sum[d] += vectors[m][d];
                    }
                }
                double norm = norm(sum);
                double[] out = new double[members.length];
                for (int i = 0; i < members.length; i++) {
                    out[i] = norm == 0 ? 0 : dot(vectors[members[i]], sum) / norm;
                }
                return out;
            }

            @Override
            public double[] toText(String text, int[] members) {
                double[] v = unit(encoder, encoder.encode(text), dim);
                double[] out = new double[members.length];
                for (int i = 0; i < members.length; i++) {
                    out[i] = dot(vectors[members[i]], v);
                }
                return out;
            }

            @Override
            public String name() {
                return "encoder " + encoder.name();
            }
        };
    }

    private static double[] unit(Encoder encoder, float[] v, int dim) {
        if (v == null || v.length != dim) {
            throw new GoldException("encoder " + encoder.name() + " returned a vector of length "
                    + (v == null ? "null" : v.length) + ", its dimension() is " + dim);
        }
        double[] out = new double[dim];
        double n = 0;
        for (int d = 0; d < dim; d++) {
            out[d] = v[d];
            n += out[d] * out[d];
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int d = 0; d < dim; d++) {
                out[d] /= n;
            }
        }
        return out;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double norm(double[] a) {
        return Math.sqrt(dot(a, a));
    }
}
