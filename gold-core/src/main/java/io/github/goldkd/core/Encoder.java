package io.github.goldkd.core;

import java.util.ArrayList;
import java.util.List;

/**
 * Text to a fixed-size vector: the frozen half of an encoder student, and a similarity space for
 * teachers and reports. Lives in gold-core so that modules can use an encoder without depending on the
 * one that implements it.
 */
public interface Encoder {

    /** The length of every vector this encoder returns. */
    int dimension();

    /** The vector of one text. */
    float[] encode(String text);

    /** The vectors of many texts, in order; implementations may batch. */
    default List<float[]> encodeAll(List<String> texts) {
        List<float[]> out = new ArrayList<>(texts.size());
        for (String t : texts) {
            out.add(encode(t));
        }
        return out;
    }

    /** A short name, e.g. the model's. */
    String name();
}
