package io.github.goldkd.examples.report;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * A 2-D principal-component projection of texts, for the report's scatter plot. Texts become hashed,
 * log-scaled, L2-normalised bag-of-words vectors (word unigrams and bigrams in {@value #DIMENSION}
 * buckets); the two leading eigenvectors of their covariance give the axes.
 */
final class Pca {

    static final int DIMENSION = 384;

    private Pca() {
    }

    /** Projects every text onto the first two principal components of all of them. */
    static double[][] project(List<String> texts) {
        int n = texts.size();
        double[][] x = new double[n][];
        double[] mean = new double[DIMENSION];
        for (int i = 0; i < n; i++) {
            x[i] = vector(texts.get(i));
            for (int d = 0; d < DIMENSION; d++) {
                mean[d] += x[i][d] / n;
            }
        }
        double[][] cov = new double[DIMENSION][DIMENSION];
        for (double[] row : x) {
            for (int d = 0; d < DIMENSION; d++) {
                row[d] -= mean[d];
            }
            for (int a = 0; a < DIMENSION; a++) {
                if (row[a] == 0) {
                    continue;
                }
                for (int b = a; b < DIMENSION; b++) {
                    cov[a][b] += row[a] * row[b];
                }
            }
        }
        for (int a = 0; a < DIMENSION; a++) {
            for (int b = a; b < DIMENSION; b++) {
                cov[a][b] /= Math.max(1, n - 1);
                cov[b][a] = cov[a][b];
            }
        }
        // The covariance is symmetric positive semi-definite, so its singular vectors are its eigenvectors,
        // ordered by decreasing variance; SVD converges where commons-math's EigenDecomposition may not.
        RealMatrix v = new SingularValueDecomposition(new Array2DRowRealMatrix(cov, false)).getV();
        double[] u = v.getColumn(0);
        double[] w = v.getColumn(1);
        double[][] out = new double[n][2];
        for (int i = 0; i < n; i++) {
            for (int d = 0; d < DIMENSION; d++) {
                out[i][0] += x[i][d] * u[d];
                out[i][1] += x[i][d] * w[d];
            }
        }
        return out;
    }

    private static double[] vector(String text) {
        double[] v = new double[DIMENSION];
        String[] words = text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}']+");
        String prev = null;
        for (String w : words) {
            if (w.isEmpty()) {
                continue;
            }
            v[bucket(w)] += 1;
            if (prev != null) {
                v[bucket(prev + " " + w)] += 1;
            }
            prev = w;
        }
        double norm = 0;
        for (int d = 0; d < DIMENSION; d++) {
            v[d] = Math.log1p(v[d]);
            norm += v[d] * v[d];
        }
        norm = Math.sqrt(norm);
        if (norm > 0) {
            for (int d = 0; d < DIMENSION; d++) {
                v[d] /= norm;
            }
        }
        return v;
    }

    private static int bucket(String s) {
        int h = 0x811C9DC5;
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            h = (h ^ (b & 0xFF)) * 0x01000193;
        }
        return Math.floorMod(h, DIMENSION);
    }
}
