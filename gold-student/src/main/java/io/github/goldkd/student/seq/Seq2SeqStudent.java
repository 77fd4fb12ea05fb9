package io.github.goldkd.student.seq;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.Student;
import io.github.goldkd.core.StudentFactory;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.io.TaskJson;
import io.github.goldkd.student.GoldLossFunction;
import io.github.goldkd.student.StudentArchive;
import io.github.goldkd.student.StudentException;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.IntFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * An encoder-decoder student for math word problems ({@link TaskKind#MATH_WORD_PROBLEM}) and free-text
 * targets ({@link TaskKind#TEXT_GENERATION}): one SameDiff Transformer (see {@link Seq2SeqConfig} for the exact
 * layers), with the task-specific part in a small codec. Math: numbers become slots, the target a prefix
 * expression over operators, slots and frequent constants, decoding is constrained to well-formed expressions
 * and rendered back to the data's infix form. Text: words, numbers and punctuation are tokens, and the output
 * is one softmax over [vocabulary ; source positions], so names and numbers of a new input are copied.
 *
 * <p>Encoder ({@link Seq2SeqConfig#encoder()}): from scratch (source words embedded by a trainable table), or, for
 * math, on the frozen bge-small token states of the problem text with slot tags ({@link BgeMathSources}), projected
 * by trainable layers. The states are computed once per problem text and kept in one bounded float16 cache for the
 * process (one onnxruntime session, created by the first such student); bge is never trained.
 *
 * <p>Training: with {@link BatchFilter#NONE} and gold-core's cross-entropy or symmetric cross-entropy (the
 * defaults), each mini-batch is one forward and backward pass of the loss written in the graph (per target
 * position, softmax over the row's real columns, mean over real positions and samples, as
 * {@link Loss#value(Logits)}). Any other filter or loss takes the generic path: a forward pass for the logits,
 * which feed {@code options.batchFilter()}; {@code options.loss()} gives the gradient of every kept sample's mean
 * per-token loss with respect to its logits on the host ({@link Loss#gradient(Logits)}, zero on padding), and a
 * surrogate {@code sum(logits * G)} is backpropagated: its parameter gradient is the real loss's, so any loss
 * trains the network exactly (the two paths agree to float rounding). The batch loss is the mean over kept
 * samples. Embedding rows are looked up on the host and their gradients summed into the tables there, where
 * the graph took three rows x vocabulary x d products per step for it (graphs saved so keep their one-hot product).
 * Adam with warm-up and gradient clipping (see
 * {@link Seq2SeqConfig}); no dropout, no early stopping (the validation score of the report is NaN). The
 * vocabularies come from the first non-empty fit; later fits continue on them (unknown words read as
 * {@code <unk>}). Math samples whose target uses a number that is neither in the problem nor a constant are
 * skipped, with a count logged. Math with {@link Seq2SeqConfig#distractorRate()} > 0: each epoch trains some
 * samples with a sentence of another training problem inserted ({@link DistractorAugmentation}), encoded afresh.
 *
 * <p>Logits: teacher-forced, one row per target position of the batch (padded to the batch's longest target,
 * so the mask marks the real ones), each row {@code V} wide plus, for text, one copy column per source token of
 * that sample (padding columns are cut, so the width does not depend on the batch). A sample without a target is
 * scored on a one-position target (the first step) and carries no targets. Predictions: greedy or beam search
 * ({@link Seq2SeqConfig#beamWidth()}) by {@link BeamSearch}, with its length normalisation (math: optionally the
 * beam's first plausible hypothesis rather than its best, {@link Seq2SeqConfig#plausibleAnswers()});
 * the encoder runs once per chunk of 64 samples, then {@link IncrementalDecoder} once per step for the live
 * hypotheses of all the chunk's samples together, each computing only its new position against a key/value cache
 * of its prefix (the same function as the graph's decoder, to float rounding).
 *
 * <p>Determinism: weights come from {@code options.seed()} through an explicit generator; a fit's shuffling
 * and distractor sentences from its seed; no other randomness. SameDiff writes "Added differentiated op" lines to
 * standard output when it builds its gradient function; this student builds it eagerly with standard output
 * captured (process-wide, for that moment only, under a lock) and logs the lines at debug level. Not thread-safe.
 */
public final class Seq2SeqStudent implements Student {

    private static final Logger log = LoggerFactory.getLogger(Seq2SeqStudent.class);
    /** The kind recorded in the student file. */
    public static final String KIND = "seq2seq";
    private static final String GRAPH_ENTRY = "graph.fb";
    private static final String ADAM_ENTRY = "adam.bin";
    private static final int INFERENCE_BATCH = 64;
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.98;
    private static final double EPSILON = 1e-9;

    private final Task task;
    private final TrainingOptions options;
    private final Seq2SeqConfig config;
    private final SeqCodec codec;
    /** The frozen bge token states of a {@link Seq2SeqConfig.Encoder#FROZEN_BGE} student, else {@code null}. */
    private final BgeTokenStates bge;
    private SameDiff sd;
    /** The weights copied for decoding on the host ({@link #hostNetwork}); null until needed and after a step. */
    private volatile IncrementalDecoder snapshot;
    private List<String> parameters;
    /** The graph's calls, with arrays reused from call to call ({@link RecyclingSession}: why). */
    private RecyclingSession forward;
    private CachedGradients gradientPass;
    private final HostAdam adam = new HostAdam(BETA1, BETA2, EPSILON);
    private long decoderCalls;
    /** Sinusoidal positions for the longest source or target (computed once, not per step; grown if need be). */
    private volatile float[] positionTable;

    private Seq2SeqStudent(Task task, TrainingOptions options, Seq2SeqConfig config, SeqCodec codec) {
        this.task = task;
        this.options = options;
        this.config = config;
        this.codec = codec;
        this.positionTable = Seq2SeqGraph.positions(Math.max(config.maxSourceTokens(), config.maxTargetTokens()),
                config.dModel());
        this.bge = config.encoder() == Seq2SeqConfig.Encoder.FROZEN_BGE ? sharedBge(config.threads()) : null;
        if (config.threads() > 0) {
            Nd4j.getEnvironment().setMaxThreads(config.threads());
        }
    }

    private static BgeTokenStates sharedBge;

    /**
     * The one bge session and token-state cache of the process, created on first use (half a second) and kept:
     * the states are a function of the text alone, so every frozen-bge student shares them, and the cache is
     * bounded ({@link BgeTokenStates#DEFAULT_CACHE_BYTES} of float16 states, least recently used out).
     */
    private static synchronized BgeTokenStates sharedBge(int threads) {
        if (sharedBge == null) {
            sharedBge = BgeTokenStates.create(Math.max(1, threads));
        }
        return sharedBge;
    }

    /** A factory with the defaults of each task kind ({@link Seq2SeqConfig#defaults}). */
    public static Factory factory() {
        return new Factory(null);
    }

    /** A factory whose students use {@code config}. */
    public static Factory factory(Seq2SeqConfig config) {
        return new Factory(Objects.requireNonNull(config, "config"));
    }

    public Seq2SeqConfig config() {
        return config;
    }

    SeqCodec codec() {
        return codec;
    }

    @Override
    public Task task() {
        return task;
    }

    // ---- training -------------------------------------------------------------------------------------

    private record Encoded(SeqCodec.Source source, int[] target) {
    }

    /** The source of a sample: the codec's words, or the problem's tagged bge word pieces and their states. */
    private SeqCodec.Source source(Sample s) {
        return bge == null ? codec.source(s, config.maxSourceTokens())
                : BgeMathSources.source((MathCodec) codec, bge, s, config.maxSourceTokens());
    }

    @Override
    public FitReport fit(Dataset data, int epochs, long seed) {
        Objects.requireNonNull(data, "data");
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, was " + epochs);
        }
        if (data.isEmpty() || epochs == 0) {
            return FitReport.NOTHING;
        }
        long start = System.nanoTime();
        if (!codec.prepared()) {
            codec.prepare(data.samples());
        }
        if (sd == null) {
            build();
        }
        Writable writable = writable(data);
        List<Encoded> train = writable.encoded();
        int skipped = data.size() - train.size();
        if (skipped > 0) {
            log.info("{} of {} training samples skipped: their target cannot be written with the {} codec's "
                    + "outputs (no target, or a number neither in the problem nor a constant)", skipped, data.size(),
                    codec.name());
        }
        if (train.isEmpty()) {
            return new FitReport(0, Double.NaN, Double.NaN, (System.nanoTime() - start) / 1_000_000);
        }
        int n = train.size();
        int batch = Math.min(config.batchSize(), n);
        // at rate 0 nothing is built or drawn: every epoch trains the encoded samples as before the setting
        DistractorAugmentation distractors = config.distractorRate() > 0
                ? new DistractorAugmentation(writable.samples(), task.inputFields(), config.distractorRate()) : null;
        double lastLoss = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            List<Encoded> epochTrain = distractors == null ? train
                    : withDistractors(distractors, train, seed, epoch, null);
            int[] order = Seeds.permutation(n, Seeds.derive(seed, "shuffle", epoch));
            double lossSum = 0;
            int trained = 0;
            for (int from = 0; from < n; from += batch) {
                List<Encoded> items = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + batch); i++) {
                    items.add(epochTrain.get(order[i]));
                }
                double[] stepLoss = step(items);
                lossSum += stepLoss[0];
                trained += (int) stepLoss[1];
            }
            lastLoss = trained == 0 ? Double.NaN : lossSum / trained;
            log.debug("seq2seq epoch {}/{}: loss {} over {} samples", epoch, epochs, lastLoss, trained);
        }
        return new FitReport(epochs, lastLoss, Double.NaN, (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * The training samples of one epoch with distractor sentences inserted ({@link DistractorAugmentation}): sample
     * i is {@code train.get(i)} or its augmented form, encoded afresh. An augmented form is accepted only when its
     * target still encodes, renders to the very expression the sample's own encoding renders to (the same numbers
     * in the same places, so the value is unchanged) and its words fit {@code maxSourceTokens} (no number the
     * target uses is cut off by the longer body).
     */
    private List<Encoded> withDistractors(DistractorAugmentation distractors, List<Encoded> train, long seed,
                                          int epoch, List<Sample> trainedSamples) {
        List<Encoded> out = new ArrayList<>(train.size());
        int augmented = 0;
        for (int i = 0; i < train.size(); i++) {
            Encoded plain = train.get(i);
            String expression = codec.render(plain.target(), plain.source());
            Encoded[] accepted = new Encoded[1];
            Sample chosen = distractors.sample(i, seed, epoch, candidate -> {
                accepted[0] = encodedLike(candidate, expression);
                return accepted[0] != null;
            });
            if (trainedSamples != null) {
                trainedSamples.add(chosen);
            }
            if (accepted[0] != null) {
                augmented++;
                out.add(accepted[0]);
            } else {
                out.add(plain);
            }
        }
        log.debug("seq2seq epoch {}: a distractor sentence inserted into {} of {} samples", epoch, augmented,
                train.size());
        return out;
    }

    /** The encoding of an augmented sample whose target renders to {@code expression}, else {@code null}. */
    private Encoded encodedLike(Sample candidate, String expression) {
        SeqCodec.Source whole = codec.source(candidate, Integer.MAX_VALUE);
        if (whole.length() > config.maxSourceTokens()) {
            return null;
        }
        // uncut, the codec's source is the student's own unless bge states come with it
        SeqCodec.Source src = bge == null ? whole : source(candidate);
        int[] target = codec.target(candidate, src, config.maxTargetTokens());
        if (target == null || !codec.render(target, src).equals(expression)) {
            return null;
        }
        return new Encoded(src, target);
    }

    /**
     * The samples one epoch of a fit with {@code seed} trains, in data order (targets that cannot be written left
     * out, as the fit leaves them out), with their distractor sentences: what {@link #fit} feeds the network, for
     * tests. Builds the vocabularies if need be, nothing else.
     */
    List<Sample> trainingSamples(Dataset data, long seed, int epoch) {
        if (!codec.prepared()) {
            codec.prepare(data.samples());
        }
        Writable writable = writable(data);
        if (config.distractorRate() == 0 || writable.samples().isEmpty()) {
            return writable.samples();
        }
        List<Sample> out = new ArrayList<>(writable.samples().size());
        withDistractors(new DistractorAugmentation(writable.samples(), task.inputFields(), config.distractorRate()),
                writable.encoded(), seed, epoch, out);
        return out;
    }

    /** The samples whose target the codec can write, in data order, and their encodings. */
    private record Writable(List<Sample> samples, List<Encoded> encoded) {
    }

    private Writable writable(Dataset data) {
        List<Sample> samples = new ArrayList<>();
        List<Encoded> encoded = new ArrayList<>();
        for (Sample s : data) {
            SeqCodec.Source src = source(s);
            int[] target = codec.target(s, src, config.maxTargetTokens());
            if (target != null) {
                samples.add(s);
                encoded.add(new Encoded(src, target));
            }
        }
        return new Writable(samples, encoded);
    }

    /** One optimisation step; returns {summed loss of the kept samples, kept count}. */
    private double[] step(List<Encoded> items) {
        Loss loss = options.loss();
        StepGradients g = TokenLoss.applies(options) ? inGraph(items, loss)
                : throughSurrogate(items, loss, options.batchFilter());
        if (g.kept() > 0) {
            update(g.parameters());
        }
        return new double[] {g.lossSum(), g.kept()};
    }

    /**
     * The gradients a step would apply to a batch of {@code samples} (with targets), by the in-graph loss or by
     * the host path with {@link BatchFilter#NONE}; nothing is updated. For tests comparing the two.
     */
    StepGradients gradients(List<Sample> samples, Loss loss, boolean inGraph) {
        List<Encoded> items = encodeWithTargets(samples);
        return inGraph ? inGraph(items, loss) : throughSurrogate(items, loss, BatchFilter.NONE);
    }

    private List<Encoded> encodeWithTargets(List<Sample> samples) {
        List<Encoded> items = new ArrayList<>();
        for (Sample s : samples) {
            SeqCodec.Source src = source(s);
            items.add(new Encoded(src, Objects.requireNonNull(codec.target(s, src, config.maxTargetTokens()),
                    "a sample without a writable target")));
        }
        return items;
    }

    /**
     * One forward and backward pass: the loss of every sample, in the graph, and its parameter gradient. The
     * surrogate's G is fed zeros. Equals {@link #throughSurrogate} with {@link BatchFilter#NONE} up to float
     * rounding (the host computes the loss gradient in double).
     */
    private StepGradients inGraph(List<Encoded> items, Loss loss) {
        CachedGradients.Result result = gradientPass.run(lossPlaceholders(items, loss));
        // the token loss is the mean over samples; the caller sums per-sample losses
        double mean = result.outputs().get(TokenLoss.TOKEN_LOSS).getDouble(0);
        return new StepGradients(withTableGradients(result.gradients(), items), mean * items.size(), items.size());
    }

    /**
     * The in-graph loss's gradients computed by SameDiff's own {@code calculateGradientsAndOutputs}, which
     * allocates every array afresh: the reference {@link CachedGradients} is tested against.
     */
    StepGradients referenceGradients(List<Sample> samples, Loss loss) {
        List<Encoded> items = encodeWithTargets(samples);
        List<String> wanted = new ArrayList<>(parameters);
        wanted.addAll(embeddedInputs());
        OutAndGrad result = sd.calculateGradientsAndOutputs(
                lossPlaceholders(items, loss), List.of(TokenLoss.TOKEN_LOSS), wanted);
        double mean = result.getOutputs().get(TokenLoss.TOKEN_LOSS).getDouble(0);
        return new StepGradients(withTableGradients(result.getGradients(), items), mean * items.size(), items.size());
    }

    /** The live array of one of the graph's weights (tests perturb it in place). */
    INDArray parameter(String name) {
        return sd.getVariable(name).getArr();
    }

    /** Teacher-forced logits computed by SameDiff's own {@code output}: the reference {@link #logits} is tested against. */
    List<Logits> referenceLogits(List<Sample> samples) {
        List<Encoded> items = encodeWithTargets(samples);
        return toLogits(sd.output(placeholders(items), Seq2SeqGraph.LOGITS).get(Seq2SeqGraph.LOGITS), items);
    }

    /** The placeholders of one step with the loss written in the graph (the surrogate's G zeros). */
    private Map<String, INDArray> lossPlaceholders(List<Encoded> items, Loss loss) {
        Map<String, INDArray> ph = placeholders(items);
        int b = items.size();
        int t = (int) ph.get(Seq2SeqGraph.TGT_SHAPE).getLong(1);
        int w = codec.outputVocabularySize() + (codec.copies() ? (int) ph.get(Seq2SeqGraph.SRC_SHAPE).getLong(1) : 0);
        List<int[]> targets = new ArrayList<>(b);
        for (Encoded e : items) {
            targets.add(e.target());
        }
        ph.put(Seq2SeqGraph.GRAD, Nd4j.zeros(DataType.FLOAT, b, t, w));
        ph.putAll(TokenLoss.placeholders(loss, targets, t, w));
        return ph;
    }

    /**
     * The generic path: a forward pass for the logits, which feed the batch filter; the loss gradient on the host
     * ({@link Loss#gradient(Logits)}); then the surrogate {@code sum(logits * G)} backpropagated (the in-graph
     * loss's weights fed zeros).
     */
    private StepGradients throughSurrogate(List<Encoded> items, Loss loss, BatchFilter filter) {
        Map<String, INDArray> ph = placeholders(items);
        INDArray out = output(ph, Seq2SeqGraph.LOGITS);
        List<Logits> logits = toLogits(out, items);
        int[] keep = SeqStudents.kept(filter, logits);
        if (keep.length == 0) {
            return StepGradients.NONE;
        }
        long[] shape = out.shape();
        int t = (int) shape[1];
        int w = (int) shape[2];
        float[] g = new float[items.size() * t * w];
        double lossSum = 0;
        for (int b : keep) {
            Logits z = logits.get(b);
            lossSum += loss.value(z);
            double[] grad = loss.gradient(z);
            int width = z.width();
            for (int p = 0; p < t; p++) {
                for (int k = 0; k < width; k++) {
                    g[(b * t + p) * w + k] = (float) (grad[p * width + k] / keep.length);
                }
            }
        }
        ph.put(Seq2SeqGraph.GRAD, Nd4j.create(g, new long[] {items.size(), t, w}, DataType.FLOAT));
        ph.putAll(TokenLoss.unused(items.size(), t, w));
        return new StepGradients(withTableGradients(gradientPass.run(ph).gradients(), items), lossSum, keep.length);
    }

    /** Adam with linear warm-up and global-norm clipping, applied in place to the graph's arrays. */
    private void update(Map<String, INDArray> grads) {
        long step = adam.steps() + 1;
        double lr = config.learningRate()
                * (config.warmupSteps() == 0 ? 1.0 : Math.min(1.0, step / (double) config.warmupSteps()));
        adam.step(parameters, name -> sd.getVariable(name).getArr(), grads, lr, config.clipNorm(), 0);
        snapshot = null; // the weights changed
    }

    /**
     * The network on the host for one decoding call: over the snapshot of the weights taken at the first call after
     * they last changed (an optimiser step clears it), with BLAS arrays of the call's own. A later fit never mixes
     * into a decoding under way: it drops the snapshot, the call keeps the one it took.
     */
    private IncrementalDecoder hostNetwork() {
        IncrementalDecoder s = snapshot;
        if (s == null) {
            s = new IncrementalDecoder(name -> sd.getVariable(name).getArr(), config, codec.outputVocabularySize(),
                    codec.copies(), readsCopies(), config.maxTargetTokens());
            snapshot = s;
        }
        return s.forCall();
    }

    // ---- the graph ------------------------------------------------------------------------------------

    private int decoderVocabulary() {
        return codec.outputVocabularySize() + 1 + (codec.copies() ? codec.sourceVocabularySize() : 0);
    }

    private void build() {
        int sourceDepth = bge == null ? codec.sourceVocabularySize() : BgeMathSources.TAGS;
        sd = Seq2SeqGraph.build(config, sourceDepth, decoderVocabulary(),
                codec.outputVocabularySize(), codec.copies(), options.seed());
        snapshot = null;
        attach();
    }

    /** Finds the trainable parameters and builds the gradient function with standard output captured. */
    private void attach() {
        parameters = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                parameters.add(v.name());
            }
        }
        Seq2SeqGraph.addTokenLoss(sd);
        List<String> embedded = embeddedInputs();
        QuietStdout.run(() -> {
            sd.createGradFunction(embedded.toArray(new String[0]));
            return null;
        });
        forward = new RecyclingSession(sd, Operation.INFERENCE);
        List<String> withGradients = new ArrayList<>(parameters);
        withGradients.addAll(embedded);
        gradientPass = new CachedGradients(sd, List.of(TokenLoss.TOKEN_LOSS), withGradients);
    }


    /** One output of one forward call of the graph. */
    private INDArray output(Map<String, INDArray> placeholders, String name) {
        return forward.run(placeholders, List.of(name)).get(name);
    }

    /** The decoder input id of an output id (BOS is V; a copy of source position j enters as its source word). */
    private int decoderId(int output, SeqCodec.Source source) {
        int v = codec.outputVocabularySize();
        return output < v ? output : v + 1 + source.ids()[output - v];
    }

    /** The decoder input at a prefix's next position: BOS after the empty prefix, else its last output's id. */
    private int nextInput(int[] prefix, SeqCodec.Source source) {
        return prefix.length == 0 ? codec.outputVocabularySize() : decoderId(prefix[prefix.length - 1], source);
    }

    /** The source position a prefix's last output copied; -1 when it was generated, or for the empty prefix. */
    private int copiedByLast(int[] prefix) {
        int v = codec.outputVocabularySize();
        return prefix.length == 0 || prefix[prefix.length - 1] < v ? -1 : prefix[prefix.length - 1] - v;
    }

    /** Whether the graph reads copied positions ({@link Seq2SeqGraph#COPIED}: copy graphs built since it exists). */
    private boolean readsCopies() {
        return codec.copies() && sd.hasVariable(Seq2SeqGraph.COPIED);
    }

    /**
     * Puts the decoder's inputs for n prefixes (outputs written so far) in rows of t positions: the ids (BOS, then
     * each prefix's {@link #decoderId}s, zeros after it), their positions and shape, the causal bias and, for a
     * graph that reads copies, {@link Seq2SeqGraph#COPIED} over s source positions. Row i's copies index
     * {@code sourceOfRow.apply(i)}.
     */
    private void putDecoderInputs(Map<String, INDArray> ph, List<int[]> prefixes,
                                  IntFunction<SeqCodec.Source> sourceOfRow, int t, int s) {
        int n = prefixes.size();
        int v = codec.outputVocabularySize();
        boolean copies = readsCopies();
        float[] copied = copies ? new float[n * t * s] : null;
        if (copies) {
            for (int i = 0; i < n; i++) {
                int[] p = prefixes.get(i);
                for (int j = 0; j < p.length; j++) {
                    if (p[j] >= v) {
                        copied[(i * t + j + 1) * s + p[j] - v] = 1f;
                    }
                }
            }
        }
        int[] tgt = decoderInputIds(prefixes, sourceOfRow, t);
        if (sd.hasVariable(Seq2SeqGraph.TGT_EMBEDDED)) {
            ph.put(Seq2SeqGraph.TGT_EMBEDDED, tableRows("dec.emb", tgt));
        } else {
            ph.put(Seq2SeqGraph.TGT, Nd4j.createFromArray(tgt));
        }
        ph.put(Seq2SeqGraph.TGT_POS, tiledPositions(n, t));
        ph.put(Seq2SeqGraph.TGT_SHAPE, shape(n, t));
        ph.put(Seq2SeqGraph.CAUSAL, Seq2SeqGraph.causal(t));
        if (copies) {
            ph.put(Seq2SeqGraph.COPIED, Nd4j.create(copied, new long[] {n, t, s}, 'c'));
        }
    }

    /** The decoder input ids of n prefixes in rows of t: BOS, then each prefix's {@link #decoderId}s, zeros after. */
    private int[] decoderInputIds(List<int[]> prefixes, IntFunction<SeqCodec.Source> sourceOfRow, int t) {
        int n = prefixes.size();
        int v = codec.outputVocabularySize();
        int[] tgt = new int[n * t];
        for (int i = 0; i < n; i++) {
            int[] p = prefixes.get(i);
            SeqCodec.Source source = sourceOfRow.apply(i);
            tgt[i * t] = v;
            for (int j = 0; j < p.length; j++) {
                tgt[i * t + j + 1] = decoderId(p[j], source);
            }
        }
        return tgt;
    }

    /** Rows {@code ids} of the embedding table {@code table} ({@code enc.emb} or {@code dec.emb}): [ids, d]. */
    private INDArray tableRows(String table, int[] ids) {
        return Nd4j.pullRows(sd.getVariable(table).getArr(), 1, ids);
    }

    /** The placeholders whose gradients the student sums into embedding tables (graphs built since the lookup left). */
    private List<String> embeddedInputs() {
        List<String> names = new ArrayList<>(2);
        for (String name : List.of(Seq2SeqGraph.SRC_EMBEDDED, Seq2SeqGraph.TGT_EMBEDDED)) {
            if (sd.hasVariable(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /**
     * Replaces the gradients of the embedded inputs of a batch by those of their tables: each row's gradient added
     * to its id's row of the table (what the one-hot product's gradient was).
     */
    private Map<String, INDArray> withTableGradients(Map<String, INDArray> grads, List<Encoded> items) {
        if (embeddedInputs().isEmpty()) {
            return grads;
        }
        Map<String, INDArray> out = new LinkedHashMap<>(grads);
        INDArray source = out.remove(Seq2SeqGraph.SRC_EMBEDDED);
        if (source != null) {
            out.put("enc.emb", scatterAdd("enc.emb", sourceIds(items, longestSource(items)), source));
        }
        INDArray decoder = out.remove(Seq2SeqGraph.TGT_EMBEDDED);
        if (decoder != null) {
            out.put("dec.emb", scatterAdd("dec.emb", decoderInputIds(teacherForcedPrefixes(items),
                    i -> items.get(i).source(), longestTarget(items)), decoder));
        }
        return out;
    }

    /** A zero gradient of {@code table} with row {@code ids[r]} += row r of {@code rows}, in order of r. */
    private INDArray scatterAdd(String table, int[] ids, INDArray rows) {
        INDArray arr = sd.getVariable(table).getArr();
        int d = (int) arr.size(1);
        float[] g = new float[(int) arr.size(0) * d];
        float[] r = HostArrays.values(rows);
        for (int i = 0; i < ids.length; i++) {
            int base = ids[i] * d;
            for (int k = 0; k < d; k++) {
                g[base + k] += r[i * d + k];
            }
        }
        return Nd4j.create(g, arr.shape(), 'c').castTo(arr.dataType());
    }

    /** The batch's longest source, at least 1: its padded source length. */
    private static int longestSource(List<Encoded> items) {
        int s = 1;
        for (Encoded e : items) {
            s = Math.max(s, e.source().length());
        }
        return s;
    }

    /** The batch's longest target, at least 1 (a sample without one counts one position). */
    private static int longestTarget(List<Encoded> items) {
        int t = 1;
        for (Encoded e : items) {
            t = Math.max(t, e.target() == null ? 1 : e.target().length);
        }
        return t;
    }

    /** Teacher forcing: each row's decoder reads its target up to the last token (nothing without a target). */
    private static List<int[]> teacherForcedPrefixes(List<Encoded> items) {
        List<int[]> prefixes = new ArrayList<>(items.size());
        for (Encoded e : items) {
            int[] target = e.target();
            prefixes.add(target == null ? new int[0] : Arrays.copyOf(target, target.length - 1));
        }
        return prefixes;
    }

    /** The source ids of a batch in rows of s, zeros on padding. */
    private static int[] sourceIds(List<Encoded> items, int s) {
        int[] src = new int[items.size() * s];
        for (int i = 0; i < items.size(); i++) {
            SeqCodec.Source source = items.get(i).source();
            System.arraycopy(source.ids(), 0, src, i * s, Math.min(s, source.length()));
        }
        return src;
    }

    private Map<String, INDArray> placeholders(List<Encoded> items) {
        int b = items.size();
        int s = longestSource(items);
        int t = longestTarget(items);
        int[] src = sourceIds(items, s);
        float[] bias = new float[b * s];
        for (int i = 0; i < b; i++) {
            Arrays.fill(bias, i * s + items.get(i).source().length(), (i + 1) * s, Seq2SeqGraph.MASKED);
        }
        List<int[]> prefixes = teacherForcedPrefixes(items);
        Map<String, INDArray> ph = new LinkedHashMap<>();
        if (sd.hasVariable(Seq2SeqGraph.SRC_EMBEDDED)) {
            ph.put(Seq2SeqGraph.SRC_EMBEDDED, tableRows("enc.emb", src));
        } else {
            ph.put(Seq2SeqGraph.SRC, Nd4j.createFromArray(src));
        }
        ph.put(Seq2SeqGraph.SRC_BIAS, Nd4j.create(bias, new long[] {b, 1, 1, s}, DataType.FLOAT));
        if (bge == null) {
            ph.put(Seq2SeqGraph.SRC_POS, tiledPositions(b, s));
        } else {
            ph.put(Seq2SeqGraph.SRC_STATES, states(items, s));
        }
        ph.put(Seq2SeqGraph.SRC_SHAPE, shape(b, s));
        putDecoderInputs(ph, prefixes, i -> items.get(i).source(), t, s);
        return ph;
    }

    /** The frozen bge states of a batch, [b*s, 384], zero rows on padding (masked by the source bias). */
    private static INDArray states(List<Encoded> items, int s) {
        int dim = BgeTokenStates.DIMENSION;
        float[] all = new float[items.size() * s * dim];
        for (int i = 0; i < items.size(); i++) {
            SeqCodec.Source src = items.get(i).source();
            for (int j = 0; j < src.length(); j++) {
                src.states().copyState(j, all, (i * s + j) * dim);
            }
        }
        return Nd4j.create(all, new long[] {(long) items.size() * s, dim}, DataType.FLOAT);
    }

    /** The attention shape [B, L, H, dh] the graph reshapes rows with. */
    private INDArray shape(int b, int length) {
        return Nd4j.createFromArray((long) b, length, config.heads(), config.dModel() / config.heads());
    }

    /** The sinusoidal table of length {@code length} repeated for each of {@code b} sequences: [b*length, d]. */
    private INDArray tiledPositions(int b, int length) {
        int d = config.dModel();
        float[] table = positionTable;
        if (table.length < length * d) {
            table = Seq2SeqGraph.positions(length, d);
            positionTable = table;
        }
        int rows = length * d;
        float[] all = new float[b * rows];
        for (int i = 0; i < b; i++) {
            System.arraycopy(table, 0, all, i * rows, rows);
        }
        return Nd4j.create(all, new long[] {(long) b * length, d}, DataType.FLOAT);
    }

    /** Per-sample logits from the batch output [B, T, W]: copy columns cut to the sample's source. */
    private List<Logits> toLogits(INDArray out, List<Encoded> items) {
        int t = (int) out.size(1);
        int w = (int) out.size(2);
        float[] all = HostArrays.values(out);
        int v = codec.outputVocabularySize();
        List<Logits> result = new ArrayList<>(items.size());
        for (int b = 0; b < items.size(); b++) {
            Encoded e = items.get(b);
            int width = codec.copies() ? v + e.source().length() : v;
            float[] flat = new float[t * width];
            for (int p = 0; p < t; p++) {
                System.arraycopy(all, (b * t + p) * w, flat, p * width, width);
            }
            boolean[] mask = new boolean[t];
            int[] target = e.target();
            int real = target == null ? 1 : target.length;
            int[] targets = target == null ? null : new int[t];
            for (int p = 0; p < real; p++) {
                mask[p] = true;
                if (targets != null) {
                    targets[p] = target[p];
                }
            }
            result.add(Logits.ofSequence(flat, t, width, mask, targets));
        }
        return result;
    }

    /**
     * Logits of a student that has not been trained: its vocabularies (and so its network) are built by the first
     * fit, so it has no view of a target yet. One position of one token for every sample, the same for all: an
     * untrained student finds every sample equally unfamiliar, and the loop's first probe scores tie.
     */
    private static List<Logits> untrainedLogits(List<Sample> samples) {
        List<Logits> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            out.add(Logits.ofSequence(new float[][] {{0f}}, new boolean[] {true},
                    s.target() == null ? null : new int[] {0}));
        }
        return out;
    }

    // ---- inference ------------------------------------------------------------------------------------

    @Override
    public List<Logits> logits(List<Sample> samples) {
        Objects.requireNonNull(samples, "samples");
        if (sd == null) {
            return untrainedLogits(samples);
        }
        List<Logits> result = new ArrayList<>(samples.size());
        for (int from = 0; from < samples.size(); from += INFERENCE_BATCH) {
            List<Encoded> items = new ArrayList<>();
            for (Sample s : samples.subList(from, Math.min(samples.size(), from + INFERENCE_BATCH))) {
                SeqCodec.Source src = source(s);
                items.add(new Encoded(src, codec.target(s, src, config.maxTargetTokens())));
            }
            INDArray out = output(placeholders(items), Seq2SeqGraph.LOGITS);
            result.addAll(toLogits(out, items));
        }
        return result;
    }

    @Override
    public List<String> predict(List<Sample> samples) {
        return predict(samples, config.beamWidth(), config.plausibleAnswers());
    }

    /**
     * Predictions with another beam width than the configured one (1 = greedy), the configured
     * {@link Seq2SeqConfig#plausibleAnswers()} kept.
     */
    public List<String> predict(List<Sample> samples, int beamWidth) {
        return predict(samples, beamWidth, config.plausibleAnswers());
    }

    /**
     * Predictions with another beam width and {@link Seq2SeqConfig#plausibleAnswers() plausible-answer choice}
     * than the configured ones, so that one trained student can be measured both ways.
     *
     * @param beamWidth        in [1, 64], 1 = greedy
     * @param plausibleAnswers answer with the beam's first plausible hypothesis instead of its best; math only
     * @throws IllegalArgumentException if {@code plausibleAnswers} is asked of a text student
     */
    public List<String> predict(List<Sample> samples, int beamWidth, boolean plausibleAnswers) {
        Objects.requireNonNull(samples, "samples");
        if (beamWidth < 1 || beamWidth > 64) {
            throw new IllegalArgumentException("beamWidth must be in [1, 64], was " + beamWidth);
        }
        if (plausibleAnswers && task.kind() != TaskKind.MATH_WORD_PROBLEM) {
            throw plausibleAnswersRefused(task);
        }
        if (sd == null) {
            return new ArrayList<>(java.util.Collections.nCopies(samples.size(), "")); // nothing learnt: no output
        }
        // the end token is one of the maxTargetTokens positions
        int maxLength = config.maxTargetTokens() - 1;
        BeamSearch search = new BeamSearch(beamWidth, maxLength, codec.eos(), config.lengthPenalty());
        IncrementalDecoder decoder = hostNetwork();
        List<String> out = new ArrayList<>(samples.size());
        for (int from = 0; from < samples.size(); from += INFERENCE_BATCH) {
            List<SeqCodec.Source> chunk = new ArrayList<>();
            for (Sample s : samples.subList(from, Math.min(samples.size(), from + INFERENCE_BATCH))) {
                chunk.add(source(s));
            }
            out.addAll(decodeTogether(search, chunk, decoder.encode(chunk), plausibleAnswers, decoder));
        }
        return out;
    }

    private static IllegalArgumentException plausibleAnswersRefused(Task task) {
        return new IllegalArgumentException("plausibleAnswers is for MATH_WORD_PROBLEM tasks (a plausible answer "
                + "is a non-negative number), task '" + task.name() + "' is " + task.kind()
                + ": set plausibleAnswers false");
    }

    /**
     * Decodes the sources of a chunk in lockstep: one search per source ({@link BeamSearch#start}), and per step
     * one {@link IncrementalDecoder} call for the pending prefixes of every source still searching (a source whose
     * search ended drops out). Each prefix computes only its new position: its earlier positions' keys and values
     * are in the state its parent prefix left at the step before (copied when a beam continues a parent twice).
     * Each source's answer is its best hypothesis or, with {@code plausibleAnswers}, the one
     * {@link SeqCodec#plausibleChoice} picks among its top {@code beamWidth}.
     */
    private List<String> decodeTogether(BeamSearch search, List<SeqCodec.Source> chunk,
                                        IncrementalDecoder.Source[] sources, boolean plausibleAnswers,
                                        IncrementalDecoder decoder) {
        int b = chunk.size();
        BeamSearch.Run[] runs = new BeamSearch.Run[b];
        // Choosing among the beam needs all of it finished; the best hypothesis is the same either way (a search
        // asked for more hypotheses only runs longer, and what it finds later cannot beat its best).
        int k = plausibleAnswers ? search.beamWidth() : 1;
        List<Map<Prefix, IncrementalDecoder.State>> statesOf = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            runs[i] = search.start(codec.constraint(chunk.get(i), search.maxLength()), k);
            statesOf.add(Map.of());
        }
        while (true) {
            List<IncrementalDecoder.State> states = new ArrayList<>();
            List<IncrementalDecoder.Source> rowSources = new ArrayList<>();
            List<Integer> inputs = new ArrayList<>();
            List<Integer> copiedFrom = new ArrayList<>();
            List<Map<Prefix, IncrementalDecoder.State>> next = new ArrayList<>(b);
            for (int i = 0; i < b; i++) {
                Map<Prefix, IncrementalDecoder.State> mine = new HashMap<>();
                Map<Prefix, IncrementalDecoder.State> parents = statesOf.get(i);
                Set<Prefix> continued = new HashSet<>();
                SeqCodec.Source source = chunk.get(i);
                for (int[] p : runs[i].pending()) {
                    IncrementalDecoder.State state;
                    if (p.length == 0) {
                        state = decoder.start();
                    } else {
                        Prefix parent = new Prefix(Arrays.copyOf(p, p.length - 1));
                        IncrementalDecoder.State held = parents.get(parent);
                        if (held == null) {
                            throw new IllegalStateException("beam search continued a prefix it did not score");
                        }
                        // the first continuation takes the parent's state, further ones a copy of it
                        state = continued.add(parent) ? held : held.copy();
                    }
                    inputs.add(nextInput(p, source));
                    copiedFrom.add(copiedByLast(p));
                    states.add(state);
                    rowSources.add(sources[i]);
                    mine.put(new Prefix(p), state);
                }
                next.add(mine);
            }
            if (states.isEmpty()) {
                break;
            }
            // a state handed to a continuation advances in step(); copies were made before any advanced
            float[][] logits = decoder.step(states.toArray(new IncrementalDecoder.State[0]),
                    rowSources.toArray(new IncrementalDecoder.Source[0]),
                    inputs.stream().mapToInt(Integer::intValue).toArray(),
                    copiedFrom.stream().mapToInt(Integer::intValue).toArray());
            decoderCalls++;
            statesOf = next;
            int r = 0;
            for (int i = 0; i < b; i++) {
                int n = runs[i].pending().size();
                if (n > 0) {
                    float[][] rows = new float[n][];
                    for (int j = 0; j < n; j++, r++) {
                        rows[j] = logSoftmax(logits[r], 0, logits[r].length);
                    }
                    runs[i].accept(rows);
                }
            }
        }
        List<String> out = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            SeqCodec.Source source = chunk.get(i);
            BeamSearch.Hypothesis answer = runs[i].best();
            if (plausibleAnswers) {
                List<BeamSearch.Hypothesis> top = runs[i].top();
                if (!top.isEmpty()) {
                    answer = top.get(codec.plausibleChoice(top, source));
                }
            }
            out.add(codec.render(answer.tokens(), source));
        }
        return out;
    }

    /**
     * The teacher-forced logits of one sample's target positions as the {@link IncrementalDecoder} computes them,
     * the source encoded on the host and the target one position per step: what a test holds against
     * {@link #logits} (the graph's encoder, and its decoder over the whole target).
     */
    float[][] incrementalLogits(Sample sample) {
        SeqCodec.Source source = source(sample);
        int[] target = codec.target(sample, source, config.maxTargetTokens());
        IncrementalDecoder decoder = hostNetwork();
        IncrementalDecoder.Source[] sources = decoder.encode(List.of(source));
        IncrementalDecoder.State[] state = {decoder.start()};
        float[][] rows = new float[target.length][];
        for (int t = 0; t < target.length; t++) {
            int[] prefix = Arrays.copyOf(target, t);
            rows[t] = decoder.step(state, sources, new int[] {nextInput(prefix, source)},
                    new int[] {copiedByLast(prefix)})[0];
        }
        return rows;
    }

    /** A prefix's tokens as a map key (equal by content). */
    private record Prefix(int[] tokens) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Prefix other && Arrays.equals(tokens, other.tokens);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(tokens);
        }
    }

    /** log-softmax of {@code width} values from {@code base}, in double as the reference scorer computes it. */
    private static float[] logSoftmax(float[] all, int base, int width) {
        double max = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < width; k++) {
            max = Math.max(max, all[base + k]);
        }
        double sum = 0;
        for (int k = 0; k < width; k++) {
            sum += Math.exp(all[base + k] - max);
        }
        double lse = max + Math.log(sum);
        float[] row = new float[width];
        for (int k = 0; k < width; k++) {
            row[k] = (float) (all[base + k] - lse);
        }
        return row;
    }

    /**
     * Decoder calls made by predictions so far: one per {@link IncrementalDecoder#step} of a chunk, or per graph
     * decoder call of {@link #predictEachAlone}.
     */
    long decoderCalls() {
        return decoderCalls;
    }

    /**
     * The decoding before lockstep batching, kept as the reference the batched one is tested against: each source
     * through the graph alone, its encoder call and then one decoder call per step through its own
     * {@link #scorer}.
     */
    List<String> predictEachAlone(List<Sample> samples, int beamWidth) {
        int maxLength = config.maxTargetTokens() - 1;
        BeamSearch search = new BeamSearch(beamWidth, maxLength, codec.eos(), config.lengthPenalty());
        List<String> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            SeqCodec.Source src = source(s);
            INDArray memory = output(placeholders(List.of(new Encoded(src, null))), Seq2SeqGraph.MEMORY);
            BeamSearch.Hypothesis best = search.decode(scorer(memory, src), codec.constraint(src, maxLength));
            out.add(codec.render(best.tokens(), src));
        }
        return out;
    }

    /** The decoder-only scorer of one source: its memory [S, d] computed once. */
    NextTokenScorer scorer(INDArray memory, SeqCodec.Source source) {
        int s = (int) memory.size(0);
        float[] biasRow = new float[s];
        if (source.length() == 0) {
            Arrays.fill(biasRow, Seq2SeqGraph.MASKED);
        }
        int v = codec.outputVocabularySize();
        int width = codec.copies() ? v + source.length() : v;
        return prefixes -> {
            int n = prefixes.size();
            int t = 1;
            for (int[] p : prefixes) {
                t = Math.max(t, p.length + 1);
            }
            float[] bias = new float[n * s];
            for (int i = 0; i < n; i++) {
                System.arraycopy(biasRow, 0, bias, i * s, s);
            }
            Map<String, INDArray> ph = new LinkedHashMap<>();
            ph.put(Seq2SeqGraph.MEMORY_IN, n == 1 ? memory : Nd4j.concat(0, repeat(memory, n)));
            ph.put(Seq2SeqGraph.SRC_BIAS, Nd4j.create(bias, new long[] {n, 1, 1, s}, DataType.FLOAT));
            ph.put(Seq2SeqGraph.SRC_SHAPE, shape(n, s));
            putDecoderInputs(ph, prefixes, i -> source, t, s);
            INDArray out = output(ph, Seq2SeqGraph.STEP_LOGITS);
            decoderCalls++;
            float[] all = HostArrays.values(out);
            int w = (int) out.size(2);
            float[][] rows = new float[n][];
            for (int i = 0; i < n; i++) {
                rows[i] = logSoftmax(all, (i * t + prefixes.get(i).length) * w, width);
            }
            return rows;
        };
    }

    private static INDArray[] repeat(INDArray x, int n) {
        INDArray[] copies = new INDArray[n];
        Arrays.fill(copies, x);
        return copies;
    }

    // ---- persistence ----------------------------------------------------------------------------------

    @Override
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        JsonObject meta = new JsonObject();
        meta.addProperty("kind", KIND);
        meta.add("task", TaskJson.toJson(task));
        meta.add("config", new Gson().toJsonTree(config));
        meta.addProperty("codec", codec.name());
        meta.addProperty("trained", sd != null);
        if (sd == null) {
            // a run checkpoints its in-loop student before the first update: save what there is
            meta.addProperty("seed", options.seed());
            meta.add("loss", SeqStudents.lossJson(options));
            StudentArchive.write(file, meta, null, out -> new ZipOutputStream(out).finish());
            return;
        }
        meta.add("vocabularies", codec.toJson());
        meta.add("loss", SeqStudents.lossJson(options));
        meta.addProperty("seed", options.seed());
        meta.addProperty("steps", adam.steps());
        StudentArchive.write(file, meta, null, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            zip.putNextEntry(new ZipEntry(GRAPH_ENTRY));
            ByteArrayOutputStream graph = new ByteArrayOutputStream();
            sd.save(graph, false);
            graph.writeTo(zip);
            zip.closeEntry();
            zip.putNextEntry(new ZipEntry(ADAM_ENTRY));
            DataOutputStream data = new DataOutputStream(zip);
            adam.writeMoments(data);
            zip.closeEntry();
            zip.finish();
        });
    }


    static Seq2SeqStudent load(Path file) {
        Objects.requireNonNull(file, "file");
        StudentArchive.Contents c = StudentArchive.read(file, KIND);
        try {
            JsonObject meta = c.meta();
            Task task = TaskJson.fromJson(meta.getAsJsonObject("task"));
            JsonObject configJson = meta.getAsJsonObject("config");
            if (!configJson.has("encoder")) {
                // written before the encoder option, when every seq2seq student was trained from scratch
                configJson = configJson.deepCopy();
                configJson.addProperty("encoder", Seq2SeqConfig.Encoder.FROM_SCRATCH.name());
            }
            if (!configJson.has("plausibleAnswers")) {
                // written before the option, when every prediction was the beam's best hypothesis
                configJson = configJson.deepCopy();
                configJson.addProperty("plausibleAnswers", false);
            }
            if (!configJson.has("distractorRate")) {
                // written before the option, when every sample was trained as written
                configJson = configJson.deepCopy();
                configJson.addProperty("distractorRate", 0.0);
            }
            // Gson builds the record through its canonical constructor, which validates
            Seq2SeqConfig config = new Gson().fromJson(configJson, Seq2SeqConfig.class);
            JsonObject l = meta.getAsJsonObject("loss");
            GoldLossFunction lf = new GoldLossFunction(l.get("kind").getAsString(), l.get("alpha").getAsDouble(),
                    l.get("beta").getAsDouble(), l.get("labelClamp").getAsDouble(),
                    l.has("lossClass") && !l.get("lossClass").isJsonNull() ? l.get("lossClass").getAsString() : null);
            TrainingOptions options = new TrainingOptions(lf.loss(), BatchFilter.NONE, meta.get("seed").getAsLong());
            if (meta.has("trained") && !meta.get("trained").getAsBoolean()) {
                return new Seq2SeqStudent(task, options, config, newCodec(task, config));
            }
            SeqCodec codec = codecFromJson(meta.get("codec").getAsString(), meta.getAsJsonObject("vocabularies"),
                    task, config);
            Seq2SeqStudent student = new Seq2SeqStudent(task, options, config, codec);
            Map<String, INDArray[]> moments = Map.of();
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(c.network()))) {
                ZipEntry e;
                while ((e = zip.getNextEntry()) != null) {
                    byte[] bytes = zip.readAllBytes();
                    if (e.getName().equals(GRAPH_ENTRY)) {
                        student.sd = QuietStdout.run(() -> SameDiff.load(new ByteArrayInputStream(bytes), false));
                    } else if (e.getName().equals(ADAM_ENTRY)) {
                        moments = HostAdam.readMoments(new DataInputStream(new ByteArrayInputStream(bytes)));
                    }
                }
            }
            if (student.sd == null) {
                throw new StudentException("student file " + file + " has no " + GRAPH_ENTRY);
            }
            student.adam.restore(meta.get("steps").getAsLong(), moments);
            student.attach();
            return student;
        } catch (IOException | RuntimeException e) {
            if (e instanceof StudentException se) {
                throw se;
            }
            throw new StudentException("cannot load student from " + file + ": " + e.getMessage(), e);
        }
    }

    private static SeqCodec newCodec(Task task, Seq2SeqConfig config) {
        return switch (task.kind()) {
            case MATH_WORD_PROBLEM -> new MathCodec(task.inputFields(), config.minTokenCount(), config.maxVocabulary());
            case TEXT_GENERATION -> new TextCodec(task.inputFields(), config.minTokenCount(), config.maxVocabulary());
            default -> throw new IllegalArgumentException("task '" + task.name() + "' is " + task.kind()
                    + "; the seq2seq student handles MATH_WORD_PROBLEM and TEXT_GENERATION tasks");
        };
    }

    private static SeqCodec codecFromJson(String name, JsonObject o, Task task, Seq2SeqConfig config) {
        return switch (name) {
            case "math" -> MathCodec.fromJson(o, task.inputFields(), config.minTokenCount(), config.maxVocabulary());
            case "text" -> TextCodec.fromJson(o, task.inputFields(), config.minTokenCount(), config.maxVocabulary());
            default -> throw new StudentException("unknown seq2seq codec '" + name + "' (math or text expected)");
        };
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", getClass().getName());
        d.put("kind", KIND);
        d.put("codec", codec.name());
        d.put("config", config);
        d.put("loss", options.loss().name());
        d.put("batchFilter", options.batchFilter().name());
        return d;
    }

    /** Creates and restores {@link Seq2SeqStudent}s. */
    public static final class Factory implements StudentFactory {
        private final Seq2SeqConfig config;

        private Factory(Seq2SeqConfig config) {
            this.config = config;
        }

        /**
         * A new student for a {@link TaskKind#MATH_WORD_PROBLEM} or {@link TaskKind#TEXT_GENERATION} task; its
         * network is built on the first fit, when the vocabularies are known.
         */
        @Override
        public Seq2SeqStudent create(Task task, TrainingOptions options) {
            Objects.requireNonNull(task, "task");
            Objects.requireNonNull(options, "options");
            Seq2SeqConfig c = config != null ? config : Seq2SeqConfig.defaults(task.kind());
            SeqCodec codec = newCodec(task, c);
            if (c.encoder() == Seq2SeqConfig.Encoder.FROZEN_BGE && task.kind() != TaskKind.MATH_WORD_PROBLEM) {
                throw new IllegalArgumentException("encoder FROZEN_BGE is for MATH_WORD_PROBLEM tasks (its slots "
                        + "follow bge's word pieces; copying from them is not built), task '" + task.name()
                        + "' is " + task.kind() + ": use encoder FROM_SCRATCH");
            }
            if (c.plausibleAnswers() && task.kind() != TaskKind.MATH_WORD_PROBLEM) {
                throw plausibleAnswersRefused(task);
            }
            if (c.distractorRate() > 0 && task.kind() != TaskKind.MATH_WORD_PROBLEM) {
                throw new IllegalArgumentException("distractorRate is for MATH_WORD_PROBLEM tasks (it inserts a "
                        + "sentence holding a number the target does not use), task '" + task.name() + "' is "
                        + task.kind() + ": set distractorRate 0, was " + c.distractorRate());
            }
            return new Seq2SeqStudent(task, options, c, codec);
        }

        /** Restores a saved student; its batch filter is {@link BatchFilter#NONE} (filters are not stored). */
        @Override
        public Seq2SeqStudent load(Path file) {
            return Seq2SeqStudent.load(file);
        }

        @Override
        public Map<String, Object> describe() {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("class", Seq2SeqStudent.class.getName());
            d.put("config", config == null ? "defaults of the task kind" : config);
            return d;
        }
    }

    /** Restores a saved seq2seq student for {@code Students.load} (registered in META-INF/services). */
    public static final class Loader implements io.github.goldkd.student.StudentLoader {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public Seq2SeqStudent load(io.github.goldkd.student.StudentFile file) {
            return Seq2SeqStudent.load(file.path());
        }
    }
}
