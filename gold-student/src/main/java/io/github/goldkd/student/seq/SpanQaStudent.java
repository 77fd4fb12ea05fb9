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
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The extractive QA student: start and end logits over the context's tokens, from frozen bge-small token states
 * ({@link BgeTokenStates}) with a trainable attention layer and the exact-match feature on top (the architecture,
 * shape by shape, is in {@link SpanQaConfig}). A linear head on the frozen states alone does not learn which span
 * answers (test EM 0.04-0.06 in the measurement of {@code seq-students.md}); the attention layer and the
 * exact-match feature are what make it learn. With {@link SpanQaConfig#lexicalSkip()} (the default) the sliding-window
 * baseline's signal ({@link LexicalOverlap}) also reaches the logits through a trainable linear skip, so training
 * starts from the lexical prior and corrects it. Written in SameDiff.
 *
 * <p><b>Logits.</b> Per sample {@link Logits#ofSequence} with 2 positions (start, end) and width = the number of
 * context tokens of that sample (a long context is read in overlapping 512-token windows and every token keeps
 * the state of the window where it is most central, so the width is the whole context); targets = the gold start
 * and end token: the tokens overlapping the target text's characters where the sample's
 * {@link Sample#targetStart()} puts it (SQuAD's {@code answer_start}), else at its first occurrence in the context
 * (teacher-written samples). A sample whose target is not a span of its context has no targets: it is skipped in
 * training (the count is logged at INFO per fit) and its logits carry none. Energy, computed by gold-ood from these
 * logits, is then the mean of the start and end logsumexp terms over the context's tokens.
 *
 * <p><b>Training.</b> Adam ({@code learningRate}; DL4J's defaults 0.9 / 0.999 / 1e-8; decoupled weight decay
 * {@code weightDecay}) on the host ({@link HostAdam}), over the gradients of one forward and backward pass of the
 * graph ({@link CachedGradients}, its arrays reused from step to step). With gold-core's CE or SCE and
 * {@link BatchFilter#NONE} the loss is computed in the graph ({@link TokenLoss}: the mean of the start and end
 * rows' loss, softmax over the context's tokens, then the mean over the batch). Any other loss or filter takes the
 * generic path: a forward pass gives the logits, which feed {@code options.batchFilter()}; the host computes
 * {@code Loss.gradient} of each kept sample's logits, and the graph backpropagates {@code sum(logits * G)} with
 * {@code G} that gradient (zero for dropped samples). {@link #fit} continues from the current weights and Adam
 * state; it is deterministic for a seed (weights from a seeded {@link SplittableRandom}, no dropout, a seeded
 * shuffle).
 *
 * <p><b>Prediction.</b> The span (start &le; end, at most {@code maxAnswerTokens} tokens) with the largest
 * start + end logit, as the original substring of the context (from the first token's first character to the
 * last token's last). With {@code averageDecay} > 0 the logits and predictions come from the running average of
 * the weights over the optimiser steps ({@link SpanQaConfig#averageDecay()}), not from the last step's weights.
 *
 * <p>SameDiff's "Added differentiated op" lines are kept off standard output ({@link QuietStdout}). Not
 * thread-safe: one thread trains or scores a student at a time.
 */
public final class SpanQaStudent implements Student {

    private static final Logger log = LoggerFactory.getLogger(SpanQaStudent.class);
    static final String KIND = "span-qa";
    /** Prefix of the constants holding the averaged weights (with {@code averageDecay} > 0), saved with the graph. */
    static final String AVERAGE_PREFIX = "avg_";
    /** The constant (a scalar) counting the optimiser steps folded into the averaged weights. */
    static final String AVERAGE_STEPS = "avg_steps";
    /** [B, 1, T]: 0 on the context's tokens, {@link Seq2SeqGraph#MASKED} elsewhere (the loss's softmax). */
    static final String CONTEXT_BIAS = "contextBias";
    /** The surrogate's G [B, 2, T] (zeros when the loss is in the graph). */
    static final String G = "g";
    static final String LOGITS = "logits";
    static final String SURROGATE = "surrogate";
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    /** Half-widths of the windows in which the density of the question's content tokens is counted. */
    static final int[] DENSITY_WINDOWS = {3, 8, 16};
    /**
     * Features per token without answer types: the frozen state, segment, exact match (any token), exact match
     * (content token), and the density of the question's content tokens around it ({@link #DENSITY_WINDOWS}).
     * {@link SpanQaConfig#features()} adds the answer-type channels when they are on.
     */
    static final int BASE_FEATURES = BgeTokenStates.DIMENSION + 3 + DENSITY_WINDOWS.length;
    /**
     * Function words and punctuation: their matches say little about where the answer is, so the content-token
     * features leave them out (the sliding-window baseline of the SQuAD paper counts content words the same way).
     */
    static final String STOPWORDS = "a an the of in on at to for from by with about as into than then "
            + "and or but not no nor so is are was were be been being am do does did has have had having it its "
            + "this that these those there here what which who whom whose when where why how whats s ' \" "
            + ". , ; : ? ! ( ) - he she they we you i his her their our your my me him them us one also";

    private final Task task;
    private final TrainingOptions options;
    private final SpanQaConfig config;
    private final BgeTokenStates states;
    private final SameDiff sd;
    private final HostAdam adam = new HostAdam(BETA1, BETA2, EPSILON);
    /** The graph's calls with arrays reused from call to call (created on first use; {@link RecyclingSession}). */
    private RecyclingSession forwardPass;
    private CachedGradients gradientPass;
    private final String questionField;
    private final Set<Integer> stopwordIds;
    private boolean trained;
    /** The trainable variables' names, sorted (the averaged copies are named {@link #AVERAGE_PREFIX} + name). */
    private final List<String> trainable;

    private SpanQaStudent(Task task, TrainingOptions options, SpanQaConfig config, BgeTokenStates states,
                          SameDiff sd, boolean trained) {
        this.task = task;
        this.options = options;
        this.config = config;
        this.states = states;
        this.sd = build(config, options.seed());
        this.trained = trained;
        this.questionField = questionField(task);
        this.stopwordIds = new HashSet<>();
        for (String w : STOPWORDS.split(" ")) {
            BgeTokenStates.Tokens t = states.tokenize(w);
            if (t.size() == 1) {
                stopwordIds.add(t.ids()[0]);
            }
        }
        this.trainable = SeqStudents.trainableNames(this.sd);
        if (sd != null) {
            takeOver(sd);
        }
        if (config.averageDecay() > 0) {
            ensureAverages();
        }
    }

    /**
     * Takes the weights, the averaged weights and the Adam state of a loaded graph into this student's freshly built
     * one, by name: a file saved from any earlier form of the graph (kernel-1 convolutions and SameDiff's attention
     * op, trained by {@code SameDiff.fit}) holds the same variables for the same function, and its SameDiff Adam
     * state carries the same moments.
     */
    private void takeOver(SameDiff loaded) {
        SeqStudents.takeWeights(loaded, sd, trainable);
        if (loaded.hasVariable(AVERAGE_STEPS)) {
            sd.constant(AVERAGE_STEPS, loaded.getArrForVarName(AVERAGE_STEPS).dup());
            for (String name : trainable) {
                sd.constant(AVERAGE_PREFIX + name, loaded.getArrForVarName(AVERAGE_PREFIX + name).dup());
            }
        }
        adam.restoreFrom(loaded, sd, trainable);
    }

    /** A factory of students sharing one bge session and token-state cache (created on first use). */
    public static Factory factory(SpanQaConfig config) {
        return new Factory(Objects.requireNonNull(config, "config"));
    }

    public static Factory factory() {
        return factory(SpanQaConfig.defaults());
    }

    private static void checkTask(Task task) {
        Objects.requireNonNull(task, "task");
        if (task.kind() != TaskKind.EXTRACTIVE_QA) {
            throw new StudentException("SpanQaStudent reads extractive_qa tasks; task '" + task.name() + "' is "
                    + task.kind().name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** The question: the first input field that is not the span field; null when the context is the only input. */
    private static String questionField(Task task) {
        for (String f : task.inputFields()) {
            if (!f.equals(task.spanField())) {
                return f;
            }
        }
        return null;
    }

    // ---- the network ------------------------------------------------------------------------------

    private static SameDiff build(SpanQaConfig config, long seed) {
        int d = config.modelDim();
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "span-qa-init"));
        SameDiff sd = SameDiff.create();
        int features = config.features();
        SDVariable[] in = AttentionBlock.rowPlaceholders(sd, features);
        SDVariable x = in[0];
        SDVariable headShape = in[1];
        SDVariable keyBias = in[2];
        SDVariable g = sd.placeHolder(G, DataType.FLOAT, -1, 2, -1);
        SDVariable contextBias = sd.placeHolder(CONTEXT_BIAS, DataType.FLOAT, -1, 1, -1);
        SDVariable out = AttentionBlock.rows(sd, x, headShape, keyBias, features, d, config.heads(), rng);

        SDVariable wOut = sd.var("w_out", AttentionBlock.xavier(rng, d, 2, 1, d, 2));
        SDVariable bOut = sd.var("b_out", Nd4j.zeros(DataType.FLOAT, 2));
        SDVariable rows = sd.mmul(out, sd.reshape(wOut, d, 2)).add(bOut);
        if (config.lexicalSkip()) {
            // the lexical channels, the last of x, straight into the logits: the network starts from the
            // sliding-window prior (the fixed initial weights below) and learns how far to trust it
            SDVariable lex = x.get(SDIndex.all(), SDIndex.interval(features - LexicalOverlap.COUNT, features));
            SDVariable wSkip = sd.var("w_skip", skipInit());
            rows = rows.add(sd.mmul(lex, sd.reshape(wSkip, LexicalOverlap.COUNT, 2)));
        }
        // [B*T, 2] -> [B, T, 2] -> [B, 2, T]
        SDVariable logits = sd.permute(sd.reshape(rows, AttentionBlock.batchShape(sd, headShape, 2)), 0, 2, 1);
        sd.updateVariableNameAndReference(logits, LOGITS);
        SDVariable surrogate = logits.mul(g).sum();
        sd.updateVariableNameAndReference(surrogate, SURROGATE);
        TokenLoss.add(sd, logits.add(contextBias), surrogate);
        return sd;
    }

    /**
     * The lexical skip's initial weights [1, 4, 2]: +1 from each overlap channel and -1 from the question-word channel
     * to both the start and the end row, so that an untrained student already leans to the best-overlap sentence
     * (Adam's steps of about the learning rate could not grow a zero start to that size within a few epochs).
     */
    static INDArray skipInit() {
        float[] w = new float[LexicalOverlap.COUNT * 2];
        for (int c = 0; c < LexicalOverlap.COUNT; c++) {
            float v = c == LexicalOverlap.COUNT - 1 ? -1f : 1f;
            w[c * 2] = v;
            w[c * 2 + 1] = v;
        }
        return Nd4j.create(w, new long[] {1, LexicalOverlap.COUNT, 2}, 'c');
    }

    // ---- weight averaging ---------------------------------------------------------------------------

    /**
     * Adds the averaged copies of the trainable weights (starting as the weights themselves) and the step count as
     * constants of the graph, so they are saved and loaded with it; a loaded graph that has them keeps them.
     */
    private void ensureAverages() {
        for (String name : trainable) {
            if (!sd.hasVariable(AVERAGE_PREFIX + name)) {
                sd.constant(AVERAGE_PREFIX + name, sd.getArrForVarName(name).dup());
            }
        }
        if (!sd.hasVariable(AVERAGE_STEPS)) {
            sd.constant(AVERAGE_STEPS, Nd4j.scalar(DataType.DOUBLE, 0.0));
        }
    }

    /** Folds the weights after one optimiser step into the average (decay min(averageDecay, (t - 1) / t)). */
    private void updateAverages() {
        INDArray steps = sd.getArrForVarName(AVERAGE_STEPS);
        double t = steps.getDouble(0) + 1;
        steps.assign(t);
        double decay = Math.min(config.averageDecay(), (t - 1) / t);
        for (String name : trainable) {
            INDArray avg = sd.getArrForVarName(AVERAGE_PREFIX + name);
            avg.muli(decay).addi(sd.getArrForVarName(name).mul(1 - decay));
        }
    }

    /** The averaged weights (package-private: tests), copies; empty without averaging. */
    Map<String, INDArray> averagedWeights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        if (config.averageDecay() > 0) {
            for (String name : trainable) {
                out.put(name, sd.getArrForVarName(AVERAGE_PREFIX + name).dup());
            }
        }
        return out;
    }

    /** The trained weights (package-private: tests), copies. */
    Map<String, INDArray> trainedWeights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : trainable) {
            out.put(name, sd.getArrForVarName(name).dup());
        }
        return out;
    }

    /** Adam's step count and moments (package-private: tests), live arrays. */
    long adamSteps() {
        return adam.steps();
    }

    Map<String, INDArray[]> adamMoments() {
        return adam.moments();
    }

    /** Runs {@code body} with the averaged weights in place of the trained ones (as is without averaging). */
    private void withAveragedWeights(Runnable body) {
        if (config.averageDecay() == 0) {
            body.run();
            return;
        }
        Map<String, INDArray> kept = trainedWeights();
        try {
            for (String name : trainable) {
                sd.getArrForVarName(name).assign(sd.getArrForVarName(AVERAGE_PREFIX + name));
            }
            body.run();
        } finally {
            for (String name : trainable) {
                sd.getArrForVarName(name).assign(kept.get(name));
            }
        }
    }

    // ---- encoding -----------------------------------------------------------------------------------

    /** One sample as the network reads it. {@code start}/{@code end} index the context's tokens, -1 when unknown. */
    record Example(Sample sample, BgeTokenStates.Encoded enc, String context, int start, int end) {
        int length() {
            return enc.length();
        }

        int contextTokens() {
            return enc.textLength();
        }

        boolean hasTarget() {
            return start >= 0;
        }
    }

    List<Example> encode(List<Sample> samples) {
        List<Example> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            String context = s.input(task.spanField());
            String question = questionField == null ? null : s.inputs().getOrDefault(questionField, "");
            BgeTokenStates.Encoded enc = states.encode(question, context);
            if (enc.textLength() == 0) {
                throw new StudentException("sample " + s.id() + " has a context ('" + task.spanField()
                        + "') without any token; a span student needs at least one");
            }
            if (s.targetStart() >= 0 && !context.startsWith(s.target(), s.targetStart())) {
                throw new StudentException("sample " + s.id() + ": its targetStart " + s.targetStart()
                        + " does not point at its target in '" + task.spanField() + "'");
            }
            int[] span = targetSpan(enc, context, s.target(), s.targetStart());
            out.add(new Example(s, enc, context, span[0], span[1]));
        }
        return out;
    }

    /**
     * The context tokens [start, end] covering {@code answer} where it starts at character {@code answerStart} (the
     * annotated occurrence), or its first occurrence when {@code answerStart} is -1 (unknown: a teacher-written
     * sample); {-1, -1} when it does not occur.
     */
    static int[] targetSpan(BgeTokenStates.Encoded enc, String context, String answer, int answerStart) {
        int[] none = {-1, -1};
        if (answer == null || answer.isBlank()) {
            return none;
        }
        int at = answerStart >= 0 ? answerStart : context.indexOf(answer);
        if (at < 0) {
            return none;
        }
        int endChar = at + answer.length();
        int start = -1;
        int end = -1;
        for (int j = 0; j < enc.textLength(); j++) {
            int t = enc.textStart() + j;
            if (enc.charEnd()[t] > at && enc.charStart()[t] < endChar) {
                if (start < 0) {
                    start = j;
                }
                end = j;
            }
        }
        return start < 0 ? none : new int[] {start, end};
    }

    /** The longest sample of a batch: its T. */
    private static int lengthOf(List<Example> batch) {
        return AttentionBlock.longest(encodings(batch));
    }

    private static List<BgeTokenStates.Encoded> encodings(List<Example> batch) {
        List<BgeTokenStates.Encoded> out = new ArrayList<>(batch.size());
        for (Example e : batch) {
            out.add(e.enc());
        }
        return out;
    }

    /** The network's placeholders for a batch ({@link AttentionBlock#rowInputs}), T the longest sample. */
    private Map<String, INDArray> placeholders(List<Example> batch) {
        List<float[]> extras = new ArrayList<>(batch.size());
        for (Example e : batch) {
            extras.add(tokenFeatures(e));
        }
        return AttentionBlock.rowInputs(encodings(batch), extras, config.features(), config.heads(),
                config.modelDim());
    }

    /** [B, 1, T]: 0 on each sample's context tokens, masked elsewhere (the loss's softmax is over the context). */
    private static INDArray contextBias(List<Example> batch, int len) {
        float[] bias = new float[batch.size() * len];
        Arrays.fill(bias, Seq2SeqGraph.MASKED);
        for (int i = 0; i < batch.size(); i++) {
            BgeTokenStates.Encoded enc = batch.get(i).enc();
            Arrays.fill(bias, i * len + enc.textStart(), i * len + enc.textStart() + enc.textLength(), 0f);
        }
        return Nd4j.create(bias, new long[] {batch.size(), 1, len}, 'c');
    }

    /**
     * The features after the state, feature-major ({@code [features - 384][length]}): segment (1 on context
     * tokens), exact match (a context token whose id occurs among the question's), exact match of a content token
     * (not a function word or punctuation), and for each half-width w of {@link #DENSITY_WINDOWS} the share of the
     * 2w + 1 context tokens around the token that are content matches. All exact-match features are 0 without
     * {@code exactMatch}. With {@code answerTypes}, the {@link AnswerTypeFeatures} channels follow: the context
     * tokens' word-shape flags, the question type's one-hot on every token, and their outer product. With
     * {@code lexicalSkip} the {@link LexicalOverlap} channels come last.
     */
    float[] tokenFeatures(Example e) {
        BgeTokenStates.Encoded enc = e.enc();
        int n = enc.length();
        int per = config.features() - BgeTokenStates.DIMENSION;
        float[] out = new float[per * n];
        int from = enc.textStart();
        int to = from + enc.textLength();
        Set<Integer> questionIds = new HashSet<>();
        if (config.exactMatch()) {
            for (int t = 0; t < from; t++) {
                if (enc.charStart()[t] >= 0) {
                    questionIds.add(enc.ids()[t]);
                }
            }
        }
        int[] content = new int[n + 1]; // prefix sums of content matches
        for (int t = 0; t < n; t++) {
            boolean inContext = t >= from && t < to;
            boolean match = inContext && questionIds.contains(enc.ids()[t]);
            boolean contentMatch = match && !stopwordIds.contains(enc.ids()[t]);
            out[t] = inContext ? 1f : 0f;
            out[n + t] = match ? 1f : 0f;
            out[2 * n + t] = contentMatch ? 1f : 0f;
            content[t + 1] = content[t] + (contentMatch ? 1 : 0);
        }
        for (int w = 0; w < DENSITY_WINDOWS.length; w++) {
            int half = DENSITY_WINDOWS[w];
            for (int t = from; t < to; t++) {
                int lo = Math.max(from, t - half);
                int hi = Math.min(to, t + half + 1);
                out[(3 + w) * n + t] = (content[hi] - content[lo]) / (float) (2 * half + 1);
            }
        }
        if (config.answerTypes()) {
            int base = BASE_FEATURES - BgeTokenStates.DIMENSION;
            int m = enc.textLength();
            float[] flags = AnswerTypeFeatures.tokenFlags(e.context(),
                    Arrays.copyOfRange(enc.charStart(), from, to), Arrays.copyOfRange(enc.charEnd(), from, to), m);
            String question = questionField == null ? null : e.sample().inputs().get(questionField);
            int type = AnswerTypeFeatures.questionType(question);
            int flagsAt = base;
            int typeAt = base + AnswerTypeFeatures.TOKEN_FEATURES;
            int productAt = typeAt + AnswerTypeFeatures.TYPES;
            for (int t = 0; t < n; t++) {
                out[(typeAt + type) * n + t] = 1f;
            }
            for (int f = 0; f < AnswerTypeFeatures.TOKEN_FEATURES; f++) {
                for (int j = 0; j < m; j++) {
                    float v = flags[f * m + j];
                    out[(flagsAt + f) * n + from + j] = v;
                    out[(productAt + f * AnswerTypeFeatures.TYPES + type) * n + from + j] = v;
                }
            }
        }
        if (config.lexicalSkip()) {
            float[] lex = LexicalOverlap.features(enc.ids(), enc.charStart(), enc.charEnd(), from, enc.textLength(),
                    e.context(), stopwordIds);
            System.arraycopy(lex, 0, out, (per - LexicalOverlap.COUNT) * n, lex.length);
        }
        return out;
    }

    /** The network's logits [B, 2, T] flattened row-major. */
    private float[] forward(Map<String, INDArray> placeholders) {
        if (forwardPass == null) {
            forwardPass = new RecyclingSession(sd, Operation.INFERENCE);
        }
        return HostArrays.values(forwardPass.run(placeholders, List.of(LOGITS)).get(LOGITS));
    }

    /** One sample's start/end logits over its context tokens, with targets when known. */
    private static Logits logitsOf(Example e, float[] z, int row, int len) {
        int n = e.contextTokens();
        float[] flat = new float[2 * n];
        for (int r = 0; r < 2; r++) {
            System.arraycopy(z, (row * 2 + r) * len + e.enc().textStart(), flat, r * n, n);
        }
        int[] targets = e.hasTarget() ? new int[] {e.start(), e.end()} : null;
        return Logits.ofSequence(flat, 2, n, null, targets);
    }

    // ---- Student ------------------------------------------------------------------------------------

    @Override
    public Task task() {
        return task;
    }

    public SpanQaConfig config() {
        return config;
    }

    /** The loss, batch filter and initialisation seed this student was created with. */
    public TrainingOptions trainingOptions() {
        return options;
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
        long started = System.nanoTime();
        List<Example> all = encode(data.samples());
        List<Example> train = new ArrayList<>(all.size());
        for (Example e : all) {
            if (e.hasTarget()) {
                train.add(e);
            }
        }
        int skipped = all.size() - train.size();
        if (skipped > 0) {
            log.info("span-qa fit: {} of {} samples skipped, their target is not a span of their '{}'", skipped,
                    all.size(), task.spanField());
        }
        if (train.isEmpty()) {
            return new FitReport(0, Double.NaN, Double.NaN, (System.nanoTime() - started) / 1_000_000);
        }
        Loss loss = options.loss();
        boolean inGraph = TokenLoss.applies(options);
        int n = train.size();
        int batchSize = Math.min(config.batchSize(), n);
        double lastLoss = Double.NaN;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            int[] order = Seeds.permutation(n, Seeds.derive(seed, "shuffle", epoch));
            double lossSum = 0;
            int trainedRows = 0;
            for (int from = 0; from < n; from += batchSize) {
                List<Example> batch = new ArrayList<>();
                for (int i = from; i < Math.min(n, from + batchSize); i++) {
                    batch.add(train.get(order[i]));
                }
                StepGradients g = gradients(batch, loss, inGraph ? null : options.batchFilter());
                if (g.kept() == 0) {
                    continue;
                }
                lossSum += g.lossSum();
                trainedRows += g.kept();
                adam.step(trainable, sd::getArrForVarName, g.parameters(), config.learningRate(),
                        Double.POSITIVE_INFINITY, config.weightDecay());
                if (config.averageDecay() > 0) {
                    updateAverages();
                }
            }
            lastLoss = trainedRows == 0 ? Double.NaN : lossSum / trainedRows;
            log.debug("span-qa epoch {}/{}: train loss {}, {} samples", epoch, epochs, lastLoss, trainedRows);
        }
        trained = true;
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.debug("span-qa fit: {} samples ({} skipped), {} epochs, {} ms", n, skipped, epochs, millis);
        return new FitReport(epochs, lastLoss, Double.NaN, millis);
    }

    /**
     * One forward and backward pass over a batch (with targets). {@code filter} null: the loss in the graph
     * ({@link TokenLoss}), every sample kept. Else the generic path: the batch's logits from a forward pass feed the
     * filter; each kept sample's {@link Loss#gradient} (of the mean of its start and end rows) divided by the kept
     * count is G at its context's positions (dropped samples and padding zero), and the graph backpropagates
     * {@code sum(logits * G)}.
     */
    private StepGradients gradients(List<Example> batch, Loss loss, BatchFilter filter) {
        if (gradientPass == null) {
            gradientPass = CachedGradients.ofLoss(sd, trainable);
        }
        Map<String, INDArray> ph = placeholders(batch);
        int len = lengthOf(batch);
        ph.put(CONTEXT_BIAS, contextBias(batch, len));
        if (filter == null) {
            List<int[]> targets = new ArrayList<>(batch.size());
            for (Example e : batch) {
                targets.add(new int[] {e.enc().textStart() + e.start(), e.enc().textStart() + e.end()});
            }
            ph.put(G, Nd4j.zeros(DataType.FLOAT, batch.size(), 2, len));
            ph.putAll(TokenLoss.placeholders(loss, targets, 2, len));
            CachedGradients.Result result = gradientPass.run(ph);
            double mean = result.outputs().get(TokenLoss.TOKEN_LOSS).getDouble(0);
            return new StepGradients(result.gradients(), mean * batch.size(), batch.size());
        }
        float[] z = forward(ph);
        List<Logits> logits = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            logits.add(logitsOf(batch.get(i), z, i, len));
        }
        int[] keep = SeqStudents.kept(filter, logits);
        if (keep.length == 0) {
            return StepGradients.NONE;
        }
        float[] g = new float[batch.size() * 2 * len];
        double lossSum = 0;
        for (int i : keep) {
            Logits l = logits.get(i);
            Example e = batch.get(i);
            lossSum += loss.value(l);
            double[] grad = loss.gradient(l);
            int w = l.width();
            for (int r = 0; r < 2; r++) {
                for (int j = 0; j < w; j++) {
                    g[(i * 2 + r) * len + e.enc().textStart() + j] = (float) (grad[r * w + j] / keep.length);
                }
            }
        }
        ph.put(G, Nd4j.create(g, new long[] {batch.size(), 2, len}, 'c'));
        ph.putAll(TokenLoss.unused(batch.size(), 2, len));
        return new StepGradients(gradientPass.run(ph).gradients(), lossSum, keep.length);
    }

    /**
     * The gradients one step would apply to a batch of samples with targets, by the loss in the graph or by the
     * generic host path (with {@link BatchFilter#NONE}); nothing is updated. For tests comparing the two.
     */
    StepGradients gradients(List<Sample> samples, boolean inGraph) {
        return gradients(encode(samples), options.loss(), inGraph ? null : BatchFilter.NONE);
    }

    /** Logits of the samples in batches of {@code batchSize}, in order (from the averaged weights, if any). */
    private void eachLogits(List<Example> examples, java.util.function.BiConsumer<Example, Logits> sink) {
        eachLogits(examples, true, sink);
    }

    private void eachLogits(List<Example> examples, boolean averaged,
                            java.util.function.BiConsumer<Example, Logits> sink) {
        Runnable body = () -> {
            for (int from = 0; from < examples.size(); from += config.batchSize()) {
                List<Example> batch = examples.subList(from, Math.min(examples.size(), from + config.batchSize()));
                int len = lengthOf(batch);
                float[] z = forward(placeholders(batch));
                for (int i = 0; i < batch.size(); i++) {
                    sink.accept(batch.get(i), logitsOf(batch.get(i), z, i, len));
                }
            }
        };
        if (averaged) {
            withAveragedWeights(body);
        } else {
            body.run();
        }
    }

    @Override
    public List<Logits> logits(List<Sample> samples) {
        List<Logits> out = new ArrayList<>(samples.size());
        eachLogits(encode(samples), (e, l) -> out.add(l));
        return out;
    }

    @Override
    public List<String> predict(List<Sample> samples) {
        return predict(samples, true);
    }

    /**
     * The predictions of the last optimiser step's weights, leaving the average aside: what {@link #predict} gives
     * without {@code averageDecay}, so that a benchmark can compare the two on one training run. The same as
     * {@link #predict} when averaging is off.
     */
    public List<String> predictFromTrainedWeights(List<Sample> samples) {
        return predict(samples, false);
    }

    private List<String> predict(List<Sample> samples, boolean averaged) {
        List<String> out = new ArrayList<>(samples.size());
        eachLogits(encode(samples), averaged, (e, l) -> {
            int[] span = bestSpan(l, config.maxAnswerTokens());
            BgeTokenStates.Encoded enc = e.enc();
            int s = enc.textStart() + span[0];
            int t = enc.textStart() + span[1];
            out.add(e.context().substring(enc.charStart()[s], enc.charEnd()[t]));
        });
        return out;
    }

    /**
     * The predictions of an ensemble: per sample, each member's start and end rows as log-probabilities (log-softmax
     * over the context's tokens), averaged over the members, then the best span of at most the first member's
     * {@code maxAnswerTokens} tokens, as {@link #predict} picks it. The members must read the same task with the
     * same token windows (students of one factory do); a single member gives its own {@link #predict}.
     *
     * @throws IllegalArgumentException for no members, or members of other tasks or token windows
     */
    public static List<String> predictEnsemble(List<SpanQaStudent> members, List<Sample> samples) {
        Objects.requireNonNull(members, "members");
        Objects.requireNonNull(samples, "samples");
        if (members.isEmpty()) {
            throw new IllegalArgumentException("an ensemble needs at least one member");
        }
        SpanQaStudent first = members.get(0);
        for (SpanQaStudent m : members) {
            if (!m.task.equals(first.task) || m.config.windowTokens() != first.config.windowTokens()
                    || m.config.windowOverlap() != first.config.windowOverlap()) {
                throw new IllegalArgumentException("ensemble members must read the same task with the same token "
                        + "windows; '" + m.task.name() + "' (" + m.config.windowTokens() + "/"
                        + m.config.windowOverlap() + ") differs from '" + first.task.name() + "' ("
                        + first.config.windowTokens() + "/" + first.config.windowOverlap() + ")");
            }
        }
        List<Example> examples = first.encode(samples);
        double[][] sum = new double[examples.size()][];
        for (SpanQaStudent m : members) {
            int[] at = {0};
            m.eachLogits(examples, (e, l) -> {
                int n = l.width();
                double[] acc = sum[at[0]] == null ? (sum[at[0]] = new double[2 * n]) : sum[at[0]];
                for (int r = 0; r < 2; r++) {
                    double[] row = new double[n];
                    for (int j = 0; j < n; j++) {
                        row[j] = l.get(r, j);
                    }
                    double lse = Loss.logSumExp(row);
                    for (int j = 0; j < n; j++) {
                        acc[r * n + j] += (row[j] - lse) / members.size();
                    }
                }
                at[0]++;
            });
        }
        List<String> out = new ArrayList<>(examples.size());
        for (int i = 0; i < examples.size(); i++) {
            Example e = examples.get(i);
            int n = e.contextTokens();
            float[] flat = new float[2 * n];
            for (int k = 0; k < flat.length; k++) {
                flat[k] = (float) sum[i][k];
            }
            int[] span = bestSpan(Logits.ofSequence(flat, 2, n, null, null), first.config.maxAnswerTokens());
            BgeTokenStates.Encoded enc = e.enc();
            out.add(e.context().substring(enc.charStart()[enc.textStart() + span[0]],
                    enc.charEnd()[enc.textStart() + span[1]]));
        }
        return out;
    }

    /** The [start, end] with start &le; end &lt; start + maxLength maximising start + end logit; ties to the first. */
    static int[] bestSpan(Logits l, int maxLength) {
        int n = l.width();
        int bestS = 0;
        int bestE = 0;
        double best = Double.NEGATIVE_INFINITY;
        for (int s = 0; s < n; s++) {
            double zs = l.get(0, s);
            for (int e = s; e < Math.min(n, s + maxLength); e++) {
                double v = zs + l.get(1, e);
                if (v > best) {
                    best = v;
                    bestS = s;
                    bestE = e;
                }
            }
        }
        return new int[] {bestS, bestE};
    }

    @Override
    public void save(Path file) {
        Objects.requireNonNull(file, "file");
        JsonObject meta = new JsonObject();
        meta.addProperty("kind", KIND);
        meta.add("task", TaskJson.toJson(task));
        meta.add("config", new Gson().toJsonTree(config));
        meta.add("lossFunction", SeqStudents.lossJson(options));
        meta.addProperty("loss", options.loss().name());
        meta.addProperty("batchFilter", options.batchFilter().name());
        meta.addProperty("seed", options.seed());
        meta.addProperty("trained", trained);
        adam.storeIn(sd, trainable);
        StudentArchive.write(file, meta, null, out -> sd.save(out, false));
        log.debug("saved span-qa student to {}", file);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", getClass().getName());
        m.put("kind", KIND);
        m.put("config", config);
        m.put("loss", options.loss().name());
        m.put("batchFilter", options.batchFilter().name());
        m.put("seed", options.seed());
        m.put("encoder", "bge-small-en-v1.5-q token states");
        return m;
    }



    /**
     * Restores a saved span-QA student for {@code Students.load} (registered in
     * {@code META-INF/services/io.github.goldkd.student.StudentLoader}): on its own bge session, with the window
     * settings it was saved with.
     */
    public static final class Loader implements io.github.goldkd.student.StudentLoader {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public SpanQaStudent load(io.github.goldkd.student.StudentFile file) {
            StudentArchive.Contents c = StudentArchive.read(file, KIND);
            SpanQaConfig saved = new Gson().fromJson(c.meta().get("config"), SpanQaConfig.class);
            return new Factory(saved == null ? SpanQaConfig.defaults() : saved).load(file.path());
        }
    }

    /**
     * Creates and restores {@link SpanQaStudent}s. Every student of one factory shares its bge session and
     * token-state cache, created on first use; {@link #close()} releases them.
     */
    public static final class Factory implements StudentFactory, AutoCloseable {
        private final SpanQaConfig config;
        private BgeTokenStates states;

        private Factory(SpanQaConfig config) {
            this.config = config;
        }

        public SpanQaConfig config() {
            return config;
        }

        /** The shared bge token states (package-private: tests read the tokenisation). */
        synchronized BgeTokenStates states() {
            if (states == null) {
                states = BgeTokenStates.create(config.threads(), config.windowTokens(), config.windowOverlap(),
                        SpanQaConfig.maxQuestionTokens(config.windowTokens()), (long) config.cacheMegabytes() << 20);
            }
            return states;
        }

        /**
         * A new student for an {@code extractive_qa} task.
         *
         * @throws StudentException for another kind of task, or without the optional bge dependency
         */
        @Override
        public SpanQaStudent create(Task task, TrainingOptions options) {
            checkTask(task);
            Objects.requireNonNull(options, "options");
            return new SpanQaStudent(task, options, config, states(), null, false);
        }

        /**
         * Restores a saved student on this factory's bge session; its batch filter is {@link BatchFilter#NONE}
         * (filters are not stored). The saved configuration drives the head; this factory's window settings the
         * token states (a warning is logged when they differ from the saved ones).
         */
        @Override
        public SpanQaStudent load(Path file) {
            StudentArchive.Contents c = StudentArchive.read(file, KIND);
            try {
                Task task = TaskJson.fromJson(c.meta().getAsJsonObject("task"));
                checkTask(task);
                SpanQaConfig saved = new Gson().fromJson(c.meta().get("config"), SpanQaConfig.class);
                // Gson bypasses the canonical constructor: re-validate
                // (a file written before answerTypes / weightDecay / averageDecay / lexicalSkip existed lacks them:
                // false / 0 / 0 / false, its graph reads the 390 channels it was built with, has no skip and
                // predicts from its trained weights)
                saved = new SpanQaConfig(saved.modelDim(), saved.heads(), saved.learningRate(), saved.batchSize(),
                        saved.maxAnswerTokens(), saved.exactMatch(), saved.threads(), saved.windowTokens(),
                        saved.windowOverlap(), saved.cacheMegabytes(), saved.answerTypes(), saved.weightDecay(),
                        saved.averageDecay(), saved.lexicalSkip());
                if (saved.windowTokens() != config.windowTokens() || saved.windowOverlap() != config.windowOverlap()) {
                    log.warn("student file {} was trained with {}-token windows overlapping by {}, this factory reads "
                                    + "{} overlapping by {}", file, saved.windowTokens(), saved.windowOverlap(),
                            config.windowTokens(), config.windowOverlap());
                }
                JsonObject lj = c.meta().getAsJsonObject("lossFunction");
                GoldLossFunction lf = new GoldLossFunction(lj.get("kind").getAsString(), lj.get("alpha").getAsDouble(),
                        lj.get("beta").getAsDouble(), lj.get("labelClamp").getAsDouble(),
                        lj.has("lossClass") ? lj.get("lossClass").getAsString() : null);
                long seed = c.meta().get("seed").getAsLong();
                boolean wasTrained = c.meta().has("trained") && c.meta().get("trained").getAsBoolean();
                SameDiff sd = QuietStdout.run(() -> {
                    try {
                        return SameDiff.load(new ByteArrayInputStream(c.network()), true);
                    } catch (RuntimeException e) {
                        throw new StudentException("cannot read the SameDiff graph of " + file + ": " + e.getMessage(), e);
                    }
                });
                return new SpanQaStudent(task, new TrainingOptions(lf.loss(), BatchFilter.NONE, seed), saved, states(),
                        sd, wasTrained);
            } catch (RuntimeException e) {
                if (e instanceof StudentException se) {
                    throw se;
                }
                throw new StudentException("cannot load student from " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", SpanQaStudent.class.getName(), "config", config);
        }

        @Override
        public synchronized void close() {
            if (states != null) {
                states.close();
                states = null;
            }
        }
    }
}
