package io.github.goldkd.student;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.bgesmallenv15q.BgeSmallEnV15QuantizedEmbeddingModel;

import java.util.ArrayList;
import java.util.List;

/**
 * The only class that touches the optional langchain4j/onnxruntime dependency. It is loaded only by
 * {@link OnnxBgeEncoder#create()} after checking that the dependency is present, so that the JVM never needs
 * those classes to load {@link OnnxBgeEncoder} itself.
 */
final class OnnxBgeModel implements OnnxBgeEncoder.Model {

    private final EmbeddingModel model = new BgeSmallEnV15QuantizedEmbeddingModel();

    @Override
    public float[] embed(String text) {
        return model.embed(text).content().vector();
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        List<TextSegment> segments = new ArrayList<>(texts.size());
        for (String t : texts) {
            segments.add(TextSegment.from(t));
        }
        List<float[]> out = new ArrayList<>(texts.size());
        for (Embedding e : model.embedAll(segments).content()) {
            out.add(e.vector());
        }
        return out;
    }
}
