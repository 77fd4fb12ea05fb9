package io.github.goldkd.student;

import java.util.List;

/**
 * Text to ids: tokens (capped at {@code maxLength}) looked up in a vocabulary, optionally followed by hashed
 * word bigrams of those tokens in {@code bigramBuckets} extra ids after the vocabulary. A bigram is hashed
 * from its two token strings, so bigrams of unknown words still get a bucket. A text without tokens reads
 * as one unknown token, so that every text has at least one real position.
 */
final class TextFeaturizer {

    private final Tokenizer tokenizer;
    private final Vocabulary vocabulary;
    private final int maxLength;
    private final int bigramBuckets;

    TextFeaturizer(Tokenizer tokenizer, Vocabulary vocabulary, int maxLength, int bigramBuckets) {
        this.tokenizer = tokenizer;
        this.vocabulary = vocabulary;
        this.maxLength = maxLength;
        this.bigramBuckets = bigramBuckets;
    }

    /** Number of distinct ids: vocabulary plus bigram buckets. */
    int featureCount() {
        return vocabulary.size() + bigramBuckets;
    }

    Vocabulary vocabulary() {
        return vocabulary;
    }

    /** The first {@code maxLength} tokens of {@code text}. */
    List<String> tokens(String text) {
        List<String> tokens = tokenizer.tokenize(text);
        return tokens.size() > maxLength ? tokens.subList(0, maxLength) : tokens;
    }

    /** Token ids only (no bigrams), at least one. */
    int[] tokenIds(String text) {
        List<String> tokens = tokens(text);
        if (tokens.isEmpty()) {
            return new int[] {Vocabulary.UNK_ID};
        }
        int[] ids = new int[tokens.size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = vocabulary.id(tokens.get(i));
        }
        return ids;
    }

    /** Token ids followed by bigram bucket ids, at least one. */
    int[] features(String text) {
        List<String> tokens = tokens(text);
        if (tokens.isEmpty()) {
            return new int[] {Vocabulary.UNK_ID};
        }
        int n = tokens.size();
        int bigrams = bigramBuckets > 0 ? n - 1 : 0;
        int[] ids = new int[n + bigrams];
        for (int i = 0; i < n; i++) {
            ids[i] = vocabulary.id(tokens.get(i));
        }
        int base = vocabulary.size();
        for (int i = 0; i < bigrams; i++) {
            ids[n + i] = base + bucket(tokens.get(i), tokens.get(i + 1), bigramBuckets);
        }
        return ids;
    }

    /** The bucket of bigram (a, b): String.hashCode is fixed by the Java spec, so buckets are stable. */
    static int bucket(String a, String b, int buckets) {
        long h = ((long) a.hashCode() << 32) ^ (b.hashCode() & 0xFFFFFFFFL);
        h += 0x9E3779B97F4A7C15L;
        h = (h ^ (h >>> 30)) * 0xBF58476D1CE4E5B9L;
        h = (h ^ (h >>> 27)) * 0x94D049BB133111EBL;
        h ^= h >>> 31;
        return (int) Math.floorMod(h, (long) buckets);
    }
}
