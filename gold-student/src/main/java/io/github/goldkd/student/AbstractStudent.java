package io.github.goldkd.student;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import io.github.goldkd.core.BatchFilter;
import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Logits;
import io.github.goldkd.core.Loss;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Seeds;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.TrainingOptions;
import io.github.goldkd.core.io.TaskJson;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The training loop shared by the students: validation slice, seeded shuffling, mini-batches, the batch
 * filter inside each step, early stopping, listeners; and logits, probabilities and predictions in
 * eval mode. Subclasses supply the model: how samples are encoded, one training step, a forward pass.
 *
 * <p>Not thread-safe: one thread trains or scores a student at a time.
 *
 * @param <E> the encoded form of a list of samples (ids, vectors, ...)
 */
abstract class AbstractStudent<E> implements io.github.goldkd.core.Student {

    private static final Logger log = LoggerFactory.getLogger(AbstractStudent.class);

    /** Below this many held-out samples a validation slice says nothing, so none is carved. */
    static final int MIN_VALIDATION = 10;
    /** Inference batch size: bounds the memory of scoring many samples at once. */
    static final int INFERENCE_BATCH = 256;

    protected final Task task;
    protected final TrainingOptions options;
    private final List<TrainingListener> listeners = new CopyOnWriteArrayList<>();

    AbstractStudent(Task task, TrainingOptions options) {
        this.task = Objects.requireNonNull(task, "task");
        this.options = Objects.requireNonNull(options, "options");
        if (task.kind() != TaskKind.CLASSIFICATION) {
            throw new StudentException("task '" + task.name() + "' is " + task.kind()
                    + "; these students classify (TaskKind.CLASSIFICATION)");
        }
    }

    // ---- what a subclass provides -------------------------------------------------------------

    /** A short kind name, stored in the saved file, e.g. {@code bag-of-embeddings}. */
    abstract String kind();




    /** Called at the start of every non-empty fit with the training part (vocabulary, network on first fit). */
    abstract void prepare(Dataset train);

    abstract E encode(List<Sample> samples);

    /** Logits of {@code rows} of {@code data} in eval mode (no dropout). */
    abstract float[][] forward(E data, int[] rows);

    /**
     * One optimisation step on {@code rows} of {@code data}.
     *
     * @param progress share of this fit call's steps already done, in [0, 1)
     * @return the summed loss of the rows before the update
     */
    abstract double step(E data, int[] labels, int[] rows, double progress);

    /**
     * Called once at the end of a fit, after any restore of the best epoch (e.g. to copy parameters
     * trained outside the network back into it).
     */
    void finishFit() {
    }

    /** The current parameters, to be put back if a later epoch turns out worse (early stopping). */
    abstract EarlyStopping.Snapshot snapshot();

    /** The network's output for at most {@link #INFERENCE_BATCH} samples, in eval mode: [n, classes]. */
    abstract INDArray outputBatch(List<Sample> chunk);

    /** The network's output for any number of samples, computed in chunks so memory stays bounded. */
    final INDArray output(List<Sample> samples) {
        List<INDArray> parts = new ArrayList<>();
        for (int from = 0; from < samples.size(); from += INFERENCE_BATCH) {
            parts.add(outputBatch(samples.subList(from, Math.min(samples.size(), from + INFERENCE_BATCH))));
        }
        return parts.size() == 1 ? parts.get(0) : Nd4j.vstack(parts.toArray(new INDArray[0]));
    }

    /** The configuration record, for describe() and the saved file; its training settings drive {@link #fit}. */
    abstract StudentConfig config();

    // ---- public API -------------------------------------------------------------------------------

    @Override
    public Task task() {
        return task;
    }

    /** The loss, batch filter and initialisation seed this student was created with. */
    public TrainingOptions trainingOptions() {
        return options;
    }

    /** Adds a listener called after every epoch of {@link #fit}. */
    public void addListener(TrainingListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    public void removeListener(TrainingListener listener) {
        listeners.remove(listener);
    }

    /**
     * Trains for up to {@code epochs} epochs: a validation slice is held out when the data allow one, each epoch
     * trains on a shuffled order in mini-batches (the batch filter inside each step), and with a validation slice
     * and a patience {@link EarlyStopping} ends training and keeps the best epoch. Shuffling, the split and the
     * randomness DL4J draws while training (dropout) all follow {@code seed}, whatever else runs on the thread
     * ({@link NetworkRandom}).
     */
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
        labelsOf(data.samples()); // fail before any work on a sample without a task label
        TrainingSettings settings = config().training();
        Dataset.Split validationAndTrain = holdOutValidation(data, settings.validationFraction(), seed);
        Dataset validation = validationAndTrain.first();
        prepare(validationAndTrain.second());
        Epochs run = new Epochs(validationAndTrain.second(), validation, epochs, seed);
        EarlyStopping stopping = validation.isEmpty() || settings.patience() == 0 ? null
                : new EarlyStopping(settings.patience());
        int epochsRun = 0;
        double trainLoss = Double.NaN;
        Validation last = Validation.NONE;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long epochStart = System.nanoTime();
            trainLoss = run.train(epoch);
            last = run.validate();
            epochsRun = epoch;
            report(new TrainingListener.EpochReport(epoch, epochs, trainLoss, last.accuracy(), run.trained,
                    (System.nanoTime() - epochStart) / 1_000_000));
            if (stopping != null && stopping.afterEpoch(epoch, epochs, last.accuracy(), last.loss(), this::snapshot)) {
                log.debug("{}: early stop after epoch {}, best epoch {}", kind(), epoch, stopping.bestEpoch());
                break;
            }
        }
        double accuracy = stopping != null && stopping.restoreBest(epochsRun) ? stopping.bestAccuracy()
                : last.accuracy();
        finishFit();
        long millis = (System.nanoTime() - start) / 1_000_000;
        log.debug("{} fit: {} samples, {} epochs run of {}, {} ms", kind(), run.size, epochsRun, epochs, millis);
        return new FitReport(epochsRun, trainLoss, accuracy, millis);
    }

    /**
     * The validation slice (first) and the training part (second): a share of {@code data} is held out only when
     * it holds at least {@link #MIN_VALIDATION} samples and leaves one to train on.
     */
    private static Dataset.Split holdOutValidation(Dataset data, double fraction, long seed) {
        int held = (int) Math.round(fraction * data.size());
        if (held >= MIN_VALIDATION && data.size() - held >= 1) {
            return data.split(fraction, Seeds.derive(seed, "validation-split"));
        }
        return new Dataset.Split(Dataset.empty(), data);
    }

    private void report(TrainingListener.EpochReport report) {
        log.debug("{} epoch {}/{}: train loss {}, validation accuracy {}, {} samples, {} ms", kind(), report.epoch(),
                report.epochs(), report.trainLoss(), report.validationAccuracy(), report.samplesTrained(),
                report.millis());
        for (TrainingListener l : listeners) {
            l.onEpochEnd(report);
        }
    }

    /** Accuracy and mean loss on the validation slice after an epoch; NaN without one. */
    private record Validation(double accuracy, double loss) {
        static final Validation NONE = new Validation(Double.NaN, Double.NaN);
    }

    /** The epochs of one fit call: its encoded data, its step counter and its random generator. */
    private final class Epochs {
        private final E trainData;
        private final int[] trainLabels;
        private final E validationData;
        private final int[] validationLabels;
        private final int size;
        private final int batch;
        private final long totalSteps;
        private final long seed;
        private final NetworkRandom random;
        private long stepIndex;
        /** Samples trained on in the last epoch, after the batch filter. */
        int trained;

        Epochs(Dataset train, Dataset validation, int epochs, long seed) {
            this.trainData = encode(train.samples());
            this.trainLabels = labelsOf(train.samples());
            this.validationData = validation.isEmpty() ? null : encode(validation.samples());
            this.validationLabels = labelsOf(validation.samples());
            this.size = train.size();
            this.batch = Math.min(config().training().batchSize(), size);
            this.totalSteps = (long) ((size + batch - 1) / batch) * epochs;
            this.seed = seed;
            this.random = NetworkRandom.seeded(Seeds.derive(seed, "nd4j"));
        }

        /** One epoch over a fresh shuffle; the mean loss of the samples trained on (NaN if the filter kept none). */
        double train(int epoch) {
            int[] order = Seeds.permutation(size, Seeds.derive(seed, "shuffle", epoch));
            BatchFilter filter = options.batchFilter();
            double lossSum = 0;
            trained = 0;
            for (int from = 0; from < size; from += batch) {
                int[] rows = Arrays.copyOfRange(order, from, Math.min(size, from + batch));
                if (filter != BatchFilter.NONE) {
                    rows = applyFilter(filter, trainData, trainLabels, rows);
                }
                if (rows.length > 0) {
                    int[] kept = rows;
                    double progress = stepIndex / (double) totalSteps;
                    lossSum += random.draw(() -> step(trainData, trainLabels, kept, progress));
                    trained += rows.length;
                }
                stepIndex++;
            }
            return trained == 0 ? Double.NaN : lossSum / trained;
        }

        Validation validate() {
            if (validationData == null) {
                return Validation.NONE;
            }
            Loss loss = options.loss();
            float[][] z = forward(validationData, range(validationLabels.length));
            int correct = 0;
            double sum = 0;
            for (int i = 0; i < z.length; i++) {
                sum += loss.value(toDouble(z[i]), validationLabels[i]);
                if (argmax(z[i]) == validationLabels[i]) {
                    correct++;
                }
            }
            return new Validation(correct / (double) z.length, sum / z.length);
        }
    }

    private int[] applyFilter(BatchFilter filter, E data, int[] labels, int[] rows) {
        float[][] z = forward(data, rows);
        List<Logits> batch = new ArrayList<>(rows.length);
        for (int i = 0; i < rows.length; i++) {
            batch.add(Logits.ofClasses(z[i], labels[rows[i]]));
        }
        int[] keep = filter.keep(batch);
        int[] kept = new int[keep.length];
        for (int i = 0; i < keep.length; i++) {
            if (keep[i] < 0 || keep[i] >= rows.length || (i > 0 && keep[i] <= keep[i - 1])) {
                throw new StudentException("batch filter " + filter.name() + " returned invalid indices "
                        + Arrays.toString(keep) + " for a batch of " + rows.length);
            }
            kept[i] = rows[keep[i]];
        }
        return kept;
    }

    @Override
    public List<Logits> logits(List<Sample> samples) {
        if (samples.isEmpty()) {
            return List.of();
        }
        float[][] z = output(samples).toFloatMatrix();
        List<Logits> out = new ArrayList<>(z.length);
        for (int i = 0; i < z.length; i++) {
            out.add(Logits.ofClasses(z[i], targetOf(samples.get(i))));
        }
        return out;
    }

    /** Class probabilities (the softmax of the logits, computed by ND4J), one row per sample. */
    public List<double[]> probabilities(List<Sample> samples) {
        if (samples.isEmpty()) {
            return List.of();
        }
        double[][] p = Transforms.softmax(output(samples).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE), true)
                .toDoubleMatrix();
        return List.of(p);
    }

    /** The predicted label of each sample: the argmax of the network's output, computed by ND4J. */
    @Override
    public List<String> predict(List<Sample> samples) {
        if (samples.isEmpty()) {
            return List.of();
        }
        long[] best = output(samples).argMax(1).toLongVector();
        List<String> names = task.labelNames();
        List<String> out = new ArrayList<>(best.length);
        for (long b : best) {
            out.add(names.get((int) b));
        }
        return out;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("class", getClass().getName());
        m.put("kind", kind());
        m.put("config", config());
        m.put("loss", options.loss().name());
        m.put("batchFilter", options.batchFilter().name());
        m.put("seed", options.seed());
        return m;
    }

    // ---- helpers for subclasses -----------------------------------------------------------------

    /** The common part of the saved metadata: kind, task, configuration and options. */
    JsonObject metadata(boolean trained) {
        JsonObject meta = new JsonObject();
        meta.addProperty("kind", kind());
        meta.add("task", TaskJson.toJson(task));
        meta.add("config", new Gson().toJsonTree(config()));
        meta.addProperty("loss", options.loss().name());
        meta.addProperty("batchFilter", options.batchFilter().name());
        meta.addProperty("seed", options.seed());
        meta.addProperty("trained", trained);
        return meta;
    }

    void save(Path file, boolean trained, List<String> vocabulary, StudentArchive.NetworkWriter network) {
        StudentArchive.write(file, metadata(trained), vocabulary, network);
        log.debug("saved {} student to {}", kind(), file);
    }

    /** Class index of each sample's label; an exception naming the first sample without a task label. */
    int[] labelsOf(List<Sample> samples) {
        int[] y = new int[samples.size()];
        List<String> names = task.labelNames();
        for (int i = 0; i < y.length; i++) {
            Sample s = samples.get(i);
            int k = s.label() == null ? -1 : names.indexOf(s.label());
            if (k < 0) {
                throw new StudentException("sample " + s.id() + " has label '" + s.label() + "', which is not one of "
                        + names + " of task '" + task.name() + "'");
            }
            y[i] = k;
        }
        return y;
    }

    /**
     * Whether a student restored from {@code meta} reads its inputs as a pair: only when the file says so,
     * because files written before pair-aware students read every task as one joined text.
     */
    static boolean savedAsPair(JsonObject meta) {
        return meta.has("pair") && meta.get("pair").getAsBoolean();
    }

    int targetOf(Sample s) {
        return s.label() == null ? -1 : task.labelNames().indexOf(s.label());
    }

    static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }


    static double[] toDouble(float[] z) {
        double[] d = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            d[i] = z[i];
        }
        return d;
    }

    static int argmax(float[] z) {
        int best = 0;
        for (int k = 1; k < z.length; k++) {
            if (z[k] > z[best]) {
                best = k;
            }
        }
        return best;
    }

    /** One-hot labels of {@code rows} as a float matrix [rows, classes]. */
    INDArray oneHot(int[] labels, int[] rows) {
        float[][] y = new float[rows.length][task.labels().size()];
        for (int i = 0; i < rows.length; i++) {
            y[i][labels[rows[i]]] = 1f;
        }
        return Nd4j.createFromArray(y);
    }
}
