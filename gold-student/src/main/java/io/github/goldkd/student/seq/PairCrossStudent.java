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
import io.github.goldkd.student.LexicalOverlap;
import io.github.goldkd.student.StudentArchive;
import io.github.goldkd.student.StudentException;
import org.nd4j.autodiff.listeners.Operation;
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
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A sentence-pair classifier that reads the two fields together: frozen bge-small token states of
 * {@code [CLS] first [SEP] second [SEP]} ({@link BgeTokenStates}, cached), per-token exact-match features between
 * the fields, the span QA student's attention block ({@link AttentionBlock}) over both fields, a pooled vector
 * ([CLS], mean and max over the second field) and, by default, the {@link LexicalOverlap} features, then class
 * logits. The architecture, shape by shape, is in {@link PairCrossConfig}. Where the sentence encoder student
 * embeds each field on its own and compares the two vectors, this one lets every token of one field attend to
 * the other's (the "cross-reading" option of issue 18).
 *
 * <p><b>Tasks.</b> Classification tasks that are sentence pairs ({@link Task#isPair()}); the fields are
 * {@link Task#pairFields()} in order. One {@link Logits#ofClasses} row per sample over the task's labels, so
 * energy, SCE and the batch filters work as for the other classifiers.
 *
 * <p><b>Training.</b> Adam ({@code learningRate}; DL4J's constants 0.9 / 0.999 / 1e-8; decoupled weight decay
 * {@code weightDecay}) on the host ({@link HostAdam}) over one forward and backward pass of the graph per step
 * ({@link CachedGradients}). With gold-core's CE or SCE and {@link BatchFilter#NONE} the loss is computed in the
 * graph ({@link TokenLoss}); any other loss or filter takes the generic path: a forward pass gives the logits,
 * which feed {@code options.batchFilter()}, the host computes {@link Loss#gradient(double[], int, double[])} per
 * kept sample (divided by the number kept), and the graph backpropagates {@code sum(logits * G)} with {@code G}
 * that gradient (zero for dropped samples). {@link #fit} continues from the current weights and Adam state and is
 * deterministic for a seed (weights from a seeded {@link SplittableRandom}, no dropout, a seeded shuffle). No early
 * stopping: the caller's epochs are run.
 *
 * <p>SameDiff's "Added differentiated op" lines are kept off standard output ({@link QuietStdout}). Not
 * thread-safe: one thread trains or scores a student at a time.
 */
public final class PairCrossStudent implements Student {

    private static final Logger log = LoggerFactory.getLogger(PairCrossStudent.class);
    static final String KIND = "pair-cross";
    /** Half-widths of the windows in which the density of content matches is counted (as the QA student's). */
    static final int[] DENSITY_WINDOWS = SpanQaStudent.DENSITY_WINDOWS;
    /** Features per token: the frozen state, segment, exact match, content exact match, the densities. */
    static final int FEATURES = BgeTokenStates.DIMENSION + 3 + DENSITY_WINDOWS.length;
    /** Added to the block's output outside the second field before the max, so that the max never picks it. */
    private static final float MASKED = -1e4f;

    private final Task task;
    private final TrainingOptions options;
    private final PairCrossConfig config;
    private final BgeTokenStates states;
    private final SameDiff sd;
    private final HostAdam adam = new HostAdam(0.9, 0.999, 1e-8);
    /** The trainable variables' names, sorted. */
    private final List<String> trainable;
    /** The graph's calls with arrays reused from call to call (created on first use; {@link RecyclingSession}). */
    private RecyclingSession forwardPass;
    private CachedGradients gradientPass;
    private final List<String> pair;
    private final int classes;
    private final Set<Integer> stopwordIds;
    private boolean trained;

    private PairCrossStudent(Task task, TrainingOptions options, PairCrossConfig config, BgeTokenStates states,
                             SameDiff sd, boolean trained) {
        this.task = task;
        this.options = options;
        this.config = config;
        this.states = states;
        this.pair = task.pairFields();
        this.classes = task.labelNames().size();
        this.sd = build(config, classes, options.seed());
        this.trainable = SeqStudents.trainableNames(this.sd);
        if (sd != null) {
            // a file of any earlier form of the graph: the same variables for the same function
            SeqStudents.takeWeights(sd, this.sd, trainable);
            adam.restoreFrom(sd, this.sd, trainable);
        }
        this.trained = trained;
        this.stopwordIds = new HashSet<>();
        for (String w : SpanQaStudent.STOPWORDS.split(" ")) {
            BgeTokenStates.Tokens t = states.tokenize(w);
            if (t.size() == 1) {
                stopwordIds.add(t.ids()[0]);
            }
        }
    }

    /** A factory of students sharing one bge session and token-state cache (created on first use). */
    public static Factory factory(PairCrossConfig config) {
        return new Factory(Objects.requireNonNull(config, "config"));
    }

    public static Factory factory() {
        return factory(PairCrossConfig.defaults());
    }

    private static void checkTask(Task task) {
        Objects.requireNonNull(task, "task");
        if (task.kind() != TaskKind.CLASSIFICATION || !task.isPair()) {
            throw new StudentException("task '" + task.name() + "' (" + task.kind().name().toLowerCase(Locale.ROOT)
                    + ", input fields " + task.inputFields() + ") is not a sentence pair: the cross-reading student "
                    + "reads classification tasks with two input fields, or with 'pair' set; for one text use the "
                    + "bag-of-embeddings, text CNN or encoder student");
        }
        if (task.labelNames().size() < 2) {
            throw new StudentException("task '" + task.name() + "' must have at least 2 labels, has "
                    + task.labelNames());
        }
    }

    // ---- the network ------------------------------------------------------------------------------

    private static SameDiff build(PairCrossConfig config, int classes, long seed) {
        int d = config.modelDim();
        SplittableRandom rng = new SplittableRandom(Seeds.derive(seed, "pair-cross-init"));
        SameDiff sd = SameDiff.create();
        SDVariable[] in = AttentionBlock.rowPlaceholders(sd, FEATURES);
        // pooling weights [B, T, 1]: one-hot on [CLS]; 1/n on the second field's n tokens; 0 there and MASKED
        // elsewhere (computed on the host, where the segment boundaries are known)
        SDVariable cls = sd.placeHolder("cls", DataType.FLOAT, -1, -1, 1);
        SDVariable mean2 = sd.placeHolder("mean2", DataType.FLOAT, -1, -1, 1);
        SDVariable neg2 = sd.placeHolder("neg2", DataType.FLOAT, -1, -1, 1);
        SDVariable overlap = sd.placeHolder("overlap", DataType.FLOAT, -1, LexicalOverlap.COUNT);
        SDVariable g = sd.placeHolder("g", DataType.FLOAT, -1, classes);
        SDVariable rows = AttentionBlock.rows(sd, in[0], in[1], in[2], FEATURES, d, config.heads(), rng);
        SDVariable h = sd.reshape(rows, AttentionBlock.batchShape(sd, in[1], d)); // [B, T, d]

        SDVariable atCls = h.mul(cls).sum(1);
        SDVariable mean = h.mul(mean2).sum(1);
        SDVariable max = h.add(neg2).max(1);
        int width = 3 * d + (config.overlap() ? LexicalOverlap.COUNT : 0);
        SDVariable pooled = config.overlap() ? sd.concat(1, atCls, mean, max, overlap) : sd.concat(1, atCls, mean, max);
        SDVariable wC = sd.var("w_c", AttentionBlock.xavier(rng, width, classes, width, classes));
        SDVariable bC = sd.var("b_c", Nd4j.zeros(DataType.FLOAT, 1, classes));
        SDVariable logits = pooled.mmul(wC).add(bC);
        sd.updateVariableNameAndReference(logits, "logits");
        SDVariable surrogate = logits.mul(g).sum();
        sd.updateVariableNameAndReference(surrogate, "surrogate");
        TokenLoss.add(sd, sd.reshape(logits, -1, 1, classes), surrogate);
        return sd;
    }

    // ---- encoding -----------------------------------------------------------------------------------

    /** One sample as the network reads it; {@code target} = its class index, -1 when unknown. */
    record Example(BgeTokenStates.Encoded enc, float[] overlap, int target) {
        int length() {
            return enc.length();
        }
    }

    List<Example> encode(List<Sample> samples) {
        List<Example> out = new ArrayList<>(samples.size());
        List<String> names = task.labelNames();
        for (Sample s : samples) {
            List<String> ab = task.pairTexts(s);
            String first = ab.get(0) == null ? "" : ab.get(0);
            String second = ab.get(1) == null ? "" : ab.get(1);
            BgeTokenStates.Encoded enc = states.encode(first, second);
            if (enc.textLength() == 0) {
                throw new StudentException("sample " + s.id() + " has a second field ('" + pair.get(1)
                        + "') without any token; the cross-reading student pools over that field's tokens");
            }
            int target = s.label() == null ? -1 : names.indexOf(s.label());
            out.add(new Example(enc, LexicalOverlap.features(first, second), target));
        }
        return out;
    }

    /** The network's placeholders for a batch: the token rows ({@link AttentionBlock#rowInputs}) and the pooling. */
    private Map<String, INDArray> placeholders(List<Example> batch) {
        int b = batch.size();
        List<BgeTokenStates.Encoded> encs = new ArrayList<>(b);
        List<float[]> extras = new ArrayList<>(b);
        for (Example e : batch) {
            encs.add(e.enc());
            extras.add(tokenFeatures(e.enc()));
        }
        int len = AttentionBlock.longest(encs);
        float[] cls = new float[b * len];
        float[] mean2 = new float[b * len];
        float[] neg2 = new float[b * len];
        float[] overlap = new float[b * LexicalOverlap.COUNT];
        Arrays.fill(neg2, MASKED);
        for (int i = 0; i < b; i++) {
            Example e = batch.get(i);
            cls[i * len] = 1f;
            int from = e.enc().textStart();
            int n = e.enc().textLength();
            for (int t = from; t < from + n; t++) {
                mean2[i * len + t] = 1f / n;
                neg2[i * len + t] = 0f;
            }
            System.arraycopy(e.overlap(), 0, overlap, i * LexicalOverlap.COUNT, LexicalOverlap.COUNT);
        }
        Map<String, INDArray> ph = AttentionBlock.rowInputs(encs, extras, FEATURES, config.heads(), config.modelDim());
        ph.put("cls", Nd4j.create(cls, new long[] {b, len, 1}, 'c'));
        ph.put("mean2", Nd4j.create(mean2, new long[] {b, len, 1}, 'c'));
        ph.put("neg2", Nd4j.create(neg2, new long[] {b, len, 1}, 'c'));
        ph.put("overlap", Nd4j.create(overlap, new long[] {b, LexicalOverlap.COUNT}, 'c'));
        return ph;
    }

    /**
     * The features after the state, feature-major ({@code [FEATURES - 384][length]}): segment (1 on the second
     * field's tokens), exact match (a token of either field whose id occurs among the other field's), content
     * exact match (the same for a token that is not a function word or punctuation), and for each half-width w
     * of {@link #DENSITY_WINDOWS} the share of content matches among the 2w + 1 tokens of the token's own field
     * around it. Special tokens have all of them 0 but the segment. Exact-match features are 0 without
     * {@code exactMatch}.
     */
    float[] tokenFeatures(BgeTokenStates.Encoded enc) {
        int n = enc.length();
        int per = FEATURES - BgeTokenStates.DIMENSION;
        float[] out = new float[per * n];
        int from = enc.textStart();
        int to = from + enc.textLength();
        Set<Integer> firstIds = new HashSet<>();
        Set<Integer> secondIds = new HashSet<>();
        for (int t = 0; t < n; t++) {
            if (enc.charStart()[t] >= 0) {
                (t >= from && t < to ? secondIds : firstIds).add(enc.ids()[t]);
            }
        }
        int[] content = new int[n + 1]; // prefix sums of content matches
        for (int t = 0; t < n; t++) {
            boolean inSecond = t >= from && t < to;
            boolean real = enc.charStart()[t] >= 0;
            boolean match = config.exactMatch() && real
                    && (inSecond ? firstIds : secondIds).contains(enc.ids()[t]);
            boolean contentMatch = match && !stopwordIds.contains(enc.ids()[t]);
            out[t] = inSecond ? 1f : 0f;
            out[n + t] = match ? 1f : 0f;
            out[2 * n + t] = contentMatch ? 1f : 0f;
            content[t + 1] = content[t] + (contentMatch ? 1 : 0);
        }
        // the first field's tokens lie in [1, from - 1) ([CLS] before, [SEP] after), the second's in [from, to)
        int[][] fields = {{1, Math.max(1, from - 1)}, {from, to}};
        for (int w = 0; w < DENSITY_WINDOWS.length; w++) {
            int half = DENSITY_WINDOWS[w];
            for (int[] field : fields) {
                for (int t = field[0]; t < field[1]; t++) {
                    int lo = Math.max(field[0], t - half);
                    int hi = Math.min(field[1], t + half + 1);
                    out[(3 + w) * n + t] = (content[hi] - content[lo]) / (float) (2 * half + 1);
                }
            }
        }
        return out;
    }

    /** The network's logits [B, classes], row-major. */
    private float[] forward(Map<String, INDArray> placeholders) {
        if (forwardPass == null) {
            forwardPass = new RecyclingSession(sd, Operation.INFERENCE);
        }
        return HostArrays.values(forwardPass.run(placeholders, List.of("logits")).get("logits"));
    }

    private Logits logitsOf(Example e, float[] z, int row) {
        return Logits.ofClasses(Arrays.copyOfRange(z, row * classes, (row + 1) * classes), e.target());
    }

    // ---- Student ------------------------------------------------------------------------------------

    @Override
    public Task task() {
        return task;
    }

    public PairCrossConfig config() {
        return config;
    }

    /** The loss, batch filter and initialisation seed this student was created with. */
    public TrainingOptions trainingOptions() {
        return options;
    }

    /** Always true: this student reads the task's two pair fields together. */
    public boolean readsPairs() {
        return true;
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
        List<Example> train = encode(data.samples());
        for (int i = 0; i < train.size(); i++) {
            if (train.get(i).target() < 0) {
                Sample s = data.samples().get(i);
                throw new StudentException("sample " + s.id() + " has label '" + s.label() + "', which is not one of "
                        + task.labelNames() + " of task '" + task.name() + "'");
            }
        }
        BatchFilter filter = TokenLoss.applies(options) ? null : options.batchFilter();
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
                StepGradients g = gradients(batch, options.loss(), filter);
                if (g.kept() == 0) {
                    continue;
                }
                lossSum += g.lossSum();
                trainedRows += g.kept();
                adam.step(trainable, sd::getArrForVarName, g.parameters(), config.learningRate(),
                        Double.POSITIVE_INFINITY, config.weightDecay());
            }
            lastLoss = trainedRows == 0 ? Double.NaN : lossSum / trainedRows;
            log.debug("pair-cross epoch {}/{}: train loss {}, {} samples", epoch, epochs, lastLoss, trainedRows);
        }
        trained = true;
        long millis = (System.nanoTime() - started) / 1_000_000;
        log.debug("pair-cross fit: {} samples, {} epochs, {} ms", n, epochs, millis);
        return new FitReport(epochs, lastLoss, Double.NaN, millis);
    }

    /** The trainable weights by name (package-private: tests), live arrays. */
    Map<String, INDArray> weights() {
        Map<String, INDArray> out = new LinkedHashMap<>();
        for (String name : trainable) {
            out.put(name, sd.getArrForVarName(name));
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

    /**
     * One forward and backward pass over a batch of labelled samples. {@code filter} null: the loss in the graph
     * ({@link TokenLoss}), every sample kept. Else the generic path: the logits of a forward pass feed the filter,
     * each kept sample's {@link Loss#gradient} divided by the kept count is G (dropped samples zero), and the graph
     * backpropagates {@code sum(logits * G)}.
     */
    private StepGradients gradients(List<Example> batch, Loss loss, BatchFilter filter) {
        if (gradientPass == null) {
            gradientPass = CachedGradients.ofLoss(sd, trainable);
        }
        int b = batch.size();
        Map<String, INDArray> ph = placeholders(batch);
        if (filter == null) {
            List<int[]> targets = new ArrayList<>(b);
            for (Example e : batch) {
                targets.add(new int[] {e.target()});
            }
            ph.put("g", Nd4j.zeros(DataType.FLOAT, b, classes));
            ph.putAll(TokenLoss.placeholders(loss, targets, 1, classes));
            CachedGradients.Result result = gradientPass.run(ph);
            double mean = result.outputs().get(TokenLoss.TOKEN_LOSS).getDouble(0);
            return new StepGradients(result.gradients(), mean * b, b);
        }
        float[] z = forward(ph);
        List<Logits> logits = new ArrayList<>(b);
        for (int i = 0; i < b; i++) {
            logits.add(logitsOf(batch.get(i), z, i));
        }
        int[] keep = SeqStudents.kept(filter, logits);
        if (keep.length == 0) {
            return StepGradients.NONE;
        }
        double[] row = new double[classes];
        double[] grad = new double[classes];
        float[] g = new float[b * classes];
        double lossSum = 0;
        for (int i : keep) {
            for (int k = 0; k < classes; k++) {
                row[k] = z[i * classes + k];
            }
            int y = batch.get(i).target();
            lossSum += loss.value(row, y);
            loss.gradient(row, y, grad);
            for (int k = 0; k < classes; k++) {
                g[i * classes + k] = (float) (grad[k] / keep.length);
            }
        }
        ph.put("g", Nd4j.create(g, new long[] {b, classes}, 'c'));
        ph.putAll(TokenLoss.unused(b, 1, classes));
        return new StepGradients(gradientPass.run(ph).gradients(), lossSum, keep.length);
    }

    /**
     * The gradients one step would apply to a batch of labelled samples, by the loss in the graph or by the generic
     * host path (with {@link BatchFilter#NONE}); nothing is updated. For tests comparing the two.
     */
    StepGradients gradients(List<Sample> samples, boolean inGraph) {
        return gradients(encode(samples), options.loss(), inGraph ? null : BatchFilter.NONE);
    }

    @Override
    public List<Logits> logits(List<Sample> samples) {
        Objects.requireNonNull(samples, "samples");
        List<Example> examples = encode(samples);
        List<Logits> out = new ArrayList<>(samples.size());
        for (int from = 0; from < examples.size(); from += config.batchSize()) {
            List<Example> batch = examples.subList(from, Math.min(examples.size(), from + config.batchSize()));
            float[] z = forward(placeholders(batch));
            for (int i = 0; i < batch.size(); i++) {
                out.add(logitsOf(batch.get(i), z, i));
            }
        }
        return out;
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
        meta.addProperty("pair", true);
        adam.storeIn(sd, trainable);
        StudentArchive.write(file, meta, null, out -> sd.save(out, false));
        log.debug("saved pair-cross student to {}", file);
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", getClass().getName());
        m.put("kind", KIND);
        m.put("config", config);
        m.put("pair", pair);
        m.put("loss", options.loss().name());
        m.put("batchFilter", options.batchFilter().name());
        m.put("seed", options.seed());
        m.put("encoder", "bge-small-en-v1.5-q token states");
        return m;
    }



    /**
     * Restores a saved pair cross-reading student for {@code Students.load} (registered in
     * {@code META-INF/services/io.github.goldkd.student.StudentLoader}), on its own bge session.
     */
    public static final class Loader implements io.github.goldkd.student.StudentLoader {
        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public PairCrossStudent load(io.github.goldkd.student.StudentFile file) {
            StudentArchive.Contents c = StudentArchive.read(file, KIND);
            PairCrossConfig saved = new Gson().fromJson(c.meta().get("config"), PairCrossConfig.class);
            return new Factory(saved == null ? PairCrossConfig.defaults() : revalidated(saved)).load(file.path());
        }
    }

    /** Gson bypasses a record's canonical constructor: this runs its checks. */
    private static PairCrossConfig revalidated(PairCrossConfig c) {
        return new PairCrossConfig(c.modelDim(), c.heads(), c.learningRate(), c.weightDecay(), c.batchSize(),
                c.exactMatch(), c.overlap(), c.threads(), c.cacheMegabytes());
    }

    /**
     * Creates and restores {@link PairCrossStudent}s. Every student of one factory shares its bge session and
     * token-state cache, created on first use; {@link #close()} releases them.
     */
    public static final class Factory implements StudentFactory, AutoCloseable {
        private final PairCrossConfig config;
        private BgeTokenStates states;

        private Factory(PairCrossConfig config) {
            this.config = config;
        }

        public PairCrossConfig config() {
            return config;
        }

        synchronized BgeTokenStates states() {
            if (states == null) {
                states = BgeTokenStates.create(config.threads(), BgeTokenStates.MAX_TOKENS,
                        BgeTokenStates.DEFAULT_OVERLAP, BgeTokenStates.DEFAULT_MAX_FIRST_TOKENS,
                        (long) config.cacheMegabytes() << 20);
            }
            return states;
        }

        /**
         * A new student for a sentence-pair classification task.
         *
         * @throws StudentException for another kind of task, or without the optional bge dependency
         */
        @Override
        public PairCrossStudent create(Task task, TrainingOptions options) {
            checkTask(task);
            Objects.requireNonNull(options, "options");
            return new PairCrossStudent(task, options, config, states(), null, false);
        }

        /**
         * Restores a saved student on this factory's bge session; its batch filter is {@link BatchFilter#NONE}
         * (filters are not stored). The saved configuration drives the head.
         */
        @Override
        public PairCrossStudent load(Path file) {
            StudentArchive.Contents c = StudentArchive.read(file, KIND);
            try {
                Task task = TaskJson.fromJson(c.meta().getAsJsonObject("task"));
                checkTask(task);
                PairCrossConfig saved = revalidated(new Gson().fromJson(c.meta().get("config"),
                        PairCrossConfig.class));
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
                return new PairCrossStudent(task, new TrainingOptions(lf.loss(), BatchFilter.NONE, seed), saved,
                        states(), sd, wasTrained);
            } catch (RuntimeException e) {
                if (e instanceof StudentException se) {
                    throw se;
                }
                throw new StudentException("cannot load student from " + file + ": " + e.getMessage(), e);
            }
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("class", PairCrossStudent.class.getName(), "config", config);
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
