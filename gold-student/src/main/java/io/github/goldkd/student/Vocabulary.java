package io.github.goldkd.student;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token to id. Id 0 is the padding token, id 1 the unknown token; the others are the tokens seen at least
 * {@code minCount} times in the training data, most frequent first (ties in string order, so the same data
 * always gives the same ids). Immutable.
 */
public final class Vocabulary {

    /** Padding, id 0. */
    public static final String PAD = "<pad>";
    /** Unknown token, id 1. */
    public static final String UNK = "<unk>";
    public static final int PAD_ID = 0;
    public static final int UNK_ID = 1;

    private final List<String> tokens;
    private final Map<String, Integer> ids;

    private Vocabulary(List<String> tokens) {
        this.tokens = Collections.unmodifiableList(new ArrayList<>(tokens));
        this.ids = new HashMap<>(tokens.size() * 2);
        for (int i = 0; i < tokens.size(); i++) {
            if (ids.put(tokens.get(i), i) != null) {
                throw new StudentException("vocabulary has duplicate token '" + tokens.get(i) + "'");
            }
        }
    }

    /** A vocabulary holding only the padding and unknown tokens. */
    public static Vocabulary empty() {
        return new Vocabulary(List.of(PAD, UNK));
    }

    /**
     * Builds a vocabulary from tokenised texts.
     *
     * @param minCount a token needs at least this many occurrences, >= 1
     */
    public static Vocabulary build(Iterable<List<String>> texts, int minCount) {
        if (minCount < 1) {
            throw new IllegalArgumentException("minCount must be >= 1, was " + minCount);
        }
        Map<String, Integer> counts = new HashMap<>();
        for (List<String> text : texts) {
            for (String t : text) {
                counts.merge(t, 1, Integer::sum);
            }
        }
        List<Map.Entry<String, Integer>> kept = new ArrayList<>();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            if (e.getValue() >= minCount && !e.getKey().equals(PAD) && !e.getKey().equals(UNK)) {
                kept.add(e);
            }
        }
        kept.sort((a, b) -> a.getValue().equals(b.getValue()) ? a.getKey().compareTo(b.getKey())
                : Integer.compare(b.getValue(), a.getValue()));
        List<String> tokens = new ArrayList<>(kept.size() + 2);
        tokens.add(PAD);
        tokens.add(UNK);
        kept.forEach(e -> tokens.add(e.getKey()));
        return new Vocabulary(tokens);
    }

    /** Restores a vocabulary from its tokens in id order (as returned by {@link #tokens()}). */
    public static Vocabulary of(List<String> tokens) {
        if (tokens.size() < 2 || !tokens.get(PAD_ID).equals(PAD) || !tokens.get(UNK_ID).equals(UNK)) {
            throw new StudentException("a vocabulary must start with " + PAD + " and " + UNK);
        }
        return new Vocabulary(tokens);
    }

    /** The id of {@code token}, or {@link #UNK_ID}. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? UNK_ID : id;
    }

    /** Whether {@code token} has its own id. */
    public boolean contains(String token) {
        return ids.containsKey(token);
    }

    /** The token of an id. */
    public String token(int id) {
        return tokens.get(id);
    }

    /** Number of ids, padding and unknown included. */
    public int size() {
        return tokens.size();
    }

    /** All tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.tokens.equals(tokens);
    }

    @Override
    public int hashCode() {
        return tokens.hashCode();
    }

    @Override
    public String toString() {
        return "Vocabulary[" + tokens.size() + " tokens]";
    }
}
