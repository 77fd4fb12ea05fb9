package io.github.goldkd.core;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.goldkd.core.io.Jsonl;
import io.github.goldkd.core.metric.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The GOLD loop: generate, train, probe, score, feed back; then train the final student.
 *
 * <pre>{@code
 * DistillationResult result = GoldDistiller.builder()
 *         .task(task).generator(teacher).student(studentFactory)
 *         .oodScorer(OodScores.energy(1.0))
 *         .runDirectory(Path.of("runs/sentiment"))
 *         .build()
 *         .run();
 * }</pre>
 *
 * <p>Each round b (0-based) does, in this order: if {@code b % R == 0}, update the in-loop student on all
 * data so far and checkpoint it; generate the train batch (with the current feedback examples when
 * {@code b % P == 0}) and persist it; in a probe round, generate the probe batch (with the same feedback
 * examples) and persist it, score it with the student, select the feedback examples and persist the
 * selection; then commit the round. After the last round a fresh student is trained on all data with
 * the final loss and saved. Every random choice derives from the master seed, round by round, so a run
 * resumed with {@link #resume} ends exactly as an uninterrupted one.
 *
 * <p>Settings and their reference defaults are on {@link Builder}.
 */
public final class GoldDistiller {

    private static final Logger LOG = LoggerFactory.getLogger(GoldDistiller.class);

    private final Task task;
    private final Generator generator;
    private final StudentFactory studentFactory;
    private final OodScorer scorer;
    private final FeedbackSelector selector;
    private final Loss loopLoss;
    private final Loss finalLoss;
    private final BatchFilter batchFilter;
    private final Metric metric;
    private final GoldConfig config;
    private final Path runDirectory;
    private final Dataset monitor;
    private final List<DistillationListener> listeners;
    private final boolean resuming;
    private final RunStore.StoredRun storedRun;
    private final double minAcceptedShare;
    private final LabelPlanner labelPlanner;
    private boolean started;

    private GoldDistiller(Builder b, GoldConfig config, Metric metric) {
        this.task = b.task;
        this.generator = b.generator;
        this.studentFactory = b.studentFactory;
        this.scorer = b.scorer;
        this.selector = b.selector;
        this.loopLoss = b.loopLoss;
        this.finalLoss = b.finalLoss;
        this.batchFilter = b.batchFilter;
        this.metric = metric;
        this.config = config;
        this.runDirectory = b.runDirectory;
        this.monitor = b.monitor;
        this.listeners = List.copyOf(b.listeners);
        this.resuming = b.storedRun != null;
        this.storedRun = b.storedRun;
        this.minAcceptedShare = b.minAcceptedShare;
        this.labelPlanner = new LabelPlanner(task, config.labelPlan(), config.batchSize(), config.probeSize(),
                config.seed());
    }

    /** A builder with the reference defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder for continuing the run in {@code runDirectory}: task and loop settings are read from it.
     * Give the same components (generator, student factory, scorer, selector) as the original run; the
     * stored names are checked at {@code build()}, the generator and student factory by the class, kind,
     * model, encoder and config in their {@code describe()} (their other settings, such as a cache path or a
     * budget, may change). The number of rounds may be raised to extend a run.
     */
    public static Builder resume(Path runDirectory) {
        RunStore.StoredRun run = RunStore.read(runDirectory);
        RunStore.checkNotInUse(runDirectory); // before the caller builds its components, which may be costly
        Builder b = new Builder();
        b.task = run.task();
        b.settings = GoldConfigDraft.of(run.config());
        // A metric of the user's own is not known by name: it must be given again, and build() compares names.
        b.metric = Metrics.find(run.config().metric()).orElse(null);
        b.runDirectory = runDirectory;
        b.storedRun = run;
        return b;
    }

    /** The validated settings of this distiller. */
    public GoldConfig config() {
        return config;
    }

    /**
     * Runs the loop (or, when built by {@link #resume}, continues it after the last committed round) and
     * trains the final student.
     *
     * @throws RunStoreException    when the run directory cannot be written, is written by another process
     *                              (the run holds its lock until it returns), or already holds a run and this
     *                              distiller was not built by {@link #resume}
     * @throws TeacherYieldException when a round delivers no sample (or less than
     *                               {@link Builder#minAcceptedShare}) or no data is left for the final student;
     *                               the rounds committed before stay in the run directory
     * @throws IllegalStateException when called a second time
     */
    public synchronized DistillationResult run() {
        if (started) {
            throw new IllegalStateException("this GoldDistiller has already run; build another one (or use "
                    + "GoldDistiller.resume(dir) to continue its run)");
        }
        started = true;
        // The store holds the run directory's lock until the run ends, normally or not.
        try (RunStore store = resuming ? RunStore.reopen(storedRun) : RunStore.create(runDirectory, task, config)) {
            return run(store);
        }
    }

    private DistillationResult run(RunStore store) {
        State state = new State(new FeedbackPool(config.feedbackLifetime(), config.feedbackPoolLimit()));
        JsonObject provenance;
        if (resuming) {
            RunStore.StoredRun stored = storedRun;
            store.writeConfig(config);
            restore(stored, store, state);
            generator.restore(stored.samples().samples());
            provenance = store.readProvenance();
            JsonArray resumed = provenance.has("resumedAt") ? provenance.getAsJsonArray("resumedAt") : new JsonArray();
            resumed.add(Instant.now().toString() + " after round " + stored.lastRound());
            provenance.add("resumedAt", resumed);
            provenance.add("config", Jsonl.GSON.toJsonTree(config));
            LOG.info("resuming run in {} after round {} of {}", runDirectory, stored.lastRound(), config.rounds());
        } else {
            provenance = Provenance.start(config, components());
            LOG.info("GOLD run in {}: task '{}', {} rounds of {} train + {} probe samples, feedback {}",
                    runDirectory, task.name(), config.rounds(), config.batchSize(), config.probeSize(),
                    config.feedbackMode());
        }
        store.writeProvenance(provenance);
        // What earlier processes committed, so that listeners' running totals continue rather than restart.
        RunStore.StoredRun committed = new RunStore.StoredRun(runDirectory, task, config, Dataset.of(state.all),
                List.copyOf(state.selections), List.copyOf(state.rounds));
        for (DistillationListener l : listeners) {
            l.onRunStart(committed);
        }

        String stopReason = null;
        for (int b = state.nextRound; b < config.rounds(); b++) {
            try {
                runRound(b, state, store);
            } catch (BudgetExhaustedException e) {
                stopReason = e.getMessage();
                LOG.warn("generation stopped in round {}: {}; the round is not committed, the final student "
                        + "trains on the {} committed rounds", b, stopReason, b);
                break;
            }
        }

        Student finalStudent = trainFinalStudent(state, store, stopReason);
        Provenance.finish(provenance, state.all.size(), state.rounds.size(), stopReason);
        store.writeProvenance(provenance);
        DistillationResult result = new DistillationResult(finalStudent, Dataset.of(state.all), state.rounds,
                state.selections, runDirectory, stopReason, metric);
        for (DistillationListener l : listeners) {
            l.onRunEnd(result);
        }
        return result;
    }

    private void runRound(int b, State st, RunStore store) {
        long start = System.nanoTime();
        boolean updated = false;
        Double monitorScore = null;
        if (config.isUpdateRound(b)) {
            Student.FitReport fit = updateStudent(b, st);
            store.saveCheckpoint(st.student, b);
            updated = true;
            double score = monitorScore(st.student);
            monitorScore = Double.isNaN(score) ? null : score;
            for (DistillationListener l : listeners) {
                l.onStudentUpdated(b, fit, score);
            }
        }

        boolean feedbackOn = config.feedbackMode() == FeedbackMode.ON;
        List<Sample> feedback = feedbackOn && config.isFeedbackRound(b) ? st.feedback.examples() : List.of();

        GeneratedBatch trainBatch = generate(b, GenerationMode.TRAIN, 0, config.batchSize(), feedback,
                Seeds.derive(config.seed(), "train", b));
        persist(b, GenerationMode.TRAIN, trainBatch, st, store);
        GenerationStats stats = trainBatch.stats();
        List<Sample> train = trainBatch.samples();
        int trainRequested = config.batchSize();
        int probeRequested = 0;
        int probeGenerated = 0;
        List<String> selectedIds = List.of();
        List<Sample> probeSamples = null;

        if (config.isProbeRound(b)) {
            if (config.feedbackMode() == FeedbackMode.OFF_NO_PROBES) {
                // The probe budget is spent on ordinary train data, so totals match the run with feedback.
                GeneratedBatch extra = generate(b, GenerationMode.TRAIN, config.batchSize(), config.probeSize(),
                        List.of(), Seeds.derive(config.seed(), "extra-train", b));
                persist(b, GenerationMode.TRAIN, extra, st, store);
                stats = stats.plus(extra.stats());
                train = concat(train, extra.samples());
                trainRequested += config.probeSize();
            } else {
                GeneratedBatch probe = generate(b, GenerationMode.PROBE, 0, config.probeSize(), feedback,
                        Seeds.derive(config.seed(), "probe", b));
                persist(b, GenerationMode.PROBE, probe, st, store);
                stats = stats.plus(probe.stats());
                probeRequested = config.probeSize();
                probeGenerated = probe.samples().size();
                probeSamples = probe.samples();
            }
        }
        checkYield(b, trainRequested + probeRequested, train.size() + probeGenerated, stats);
        if (feedbackOn && probeSamples != null) {
            selectedIds = select(b, probeSamples, st, store);
        }

        RoundReport report = new RoundReport(b, trainRequested, train.size(), probeRequested, probeGenerated,
                feedback.size(), selectedIds, updated, monitorScore, stats.requests(), stats.cacheHits(),
                stats.promptTokens(), stats.completionTokens(), stats.rejects(),
                (System.nanoTime() - start) / 1_000_000, store.samplesSinceCommit(), store.selectionsSinceCommit());
        store.commitRound(report);
        if (updated) {
            store.pruneCheckpoints(b);
        }
        st.rounds.add(report);
        st.nextRound = b + 1;
        LOG.info("round {}/{}: generated {} (train {}, probe {}), rejected {}, selected {}, feedback in prompt {}, "
                        + "student {} {}, tokens {}+{}, {} ms", b + 1, config.rounds(), report.generated(),
                report.trainGenerated(), report.probeGenerated(), stats.rejected(), selectedIds.size(),
                feedback.size(), metric.name(), monitorScore == null ? "-" : String.format("%.4f", monitorScore),
                stats.promptTokens(),
                stats.completionTokens(), report.millis());
        for (DistillationListener l : listeners) {
            l.onRoundEnd(report);
        }
    }

    /**
     * Ends the run when the round's yield is below the tolerance: before its selection and commit, so the
     * round is not committed and no student is trained on what the teacher failed to deliver.
     */
    private void checkYield(int b, int requested, int accepted, GenerationStats stats) {
        if (accepted > 0 && accepted >= minAcceptedShare * requested) {
            return;
        }
        StringBuilder reasons = new StringBuilder();
        new TreeMap<>(stats.rejects()).forEach((reason, n) ->
                reasons.append(reasons.length() == 0 ? "" : ", ").append(reason).append('=').append(n));
        String what = accepted == 0 ? "the teacher produced nothing usable in round " + b
                : String.format(Locale.ROOT, "the teacher's yield in round %d is below minAcceptedShare %s", b,
                minAcceptedShare);
        throw new TeacherYieldException(what + ": " + accepted + " of " + requested + " requested samples accepted; "
                + (reasons.length() == 0 ? "the generator reported no rejected candidates" : "rejected: " + reasons)
                + "; " + (b == 0 ? "no round is committed" : "rounds 0-" + (b - 1) + " are committed")
                + " in " + runDirectory, b, stats.rejects());
    }

    private Student.FitReport updateStudent(int b, State st) {
        Dataset data = trainingData(st.all);
        if (st.student == null || config.studentUpdate() == StudentUpdate.RETRAIN) {
            long init = config.studentUpdate() == StudentUpdate.RETRAIN
                    ? Seeds.derive(config.seed(), "student-init", b) : Seeds.derive(config.seed(), "student-init");
            st.student = studentFactory.create(task, new TrainingOptions(loopLoss, BatchFilter.NONE, init));
        }
        if (data.isEmpty()) {
            return Student.FitReport.NOTHING;
        }
        return st.student.fit(data, config.updateEpochs(), Seeds.derive(config.seed(), "update", b));
    }

    /** Asks the generator for a batch and stamps the loop's ids, origin and round on its samples. */
    private GeneratedBatch generate(int b, GenerationMode mode, int firstIndex, int count, List<Sample> feedback,
                                    long seed) {
        GenerationRequest request = new GenerationRequest(task, mode, labelPlanner.labels(b, mode, firstIndex, count),
                feedback, b, seed);
        GeneratedBatch batch = generator.generate(request);
        if (batch.samples().size() > count) {
            throw new GoldException("generator returned " + batch.samples().size() + " samples for a request of "
                    + count + " (round " + b + ", " + mode + ")");
        }
        Origin origin = mode == GenerationMode.TRAIN ? Origin.TRAIN : Origin.PROBE;
        List<Sample> stamped = new ArrayList<>(batch.samples().size());
        for (int i = 0; i < batch.samples().size(); i++) {
            stamped.add(batch.samples().get(i).stamped(Sample.generatedId(b, mode, firstIndex + i), origin, b));
        }
        return new GeneratedBatch(stamped, batch.stats());
    }

    private void persist(int b, GenerationMode mode, GeneratedBatch batch, State st, RunStore store) {
        store.appendSamples(batch.samples());
        st.all.addAll(batch.samples());
        for (DistillationListener l : listeners) {
            l.onGenerated(b, mode, batch.samples(), batch.stats());
        }
    }

    private List<String> select(int b, List<Sample> probe, State st, RunStore store) {
        List<Logits> logits = probe.isEmpty() ? List.of() : st.student.logits(probe);
        double[] scores = probe.isEmpty() ? new double[0] : scorer.score(logits);
        if (scores.length != probe.size() || logits.size() != probe.size()) {
            throw new GoldException("scorer " + scorer.name() + " returned " + scores.length + " scores and the student "
                    + logits.size() + " logits for " + probe.size() + " probe samples");
        }
        for (int i = 0; i < scores.length; i++) {
            // A failure of this run (the student's logits went bad), not a setting: checked before any
            // selector sees it, as selectors refuse NaN as a bad argument.
            if (Double.isNaN(scores[i])) {
                throw new GoldException("scorer " + scorer.name() + " returned NaN for probe sample "
                        + probe.get(i).id() + " in round " + b);
            }
        }
        int[] chosen = selector.select(new SelectionContext(probe, scores, logits, task,
                Seeds.derive(config.seed(), "select", b)));
        checkSelection(b, chosen, probe.size());
        List<Sample> selected = new ArrayList<>(chosen.length);
        List<String> ids = new ArrayList<>(chosen.length);
        for (int i : chosen) {
            selected.add(probe.get(i));
            ids.add(probe.get(i).id());
        }
        List<String> probeIds = new ArrayList<>(probe.size());
        for (Sample s : probe) {
            probeIds.add(s.id());
        }
        Selection selection = new Selection(b, scorer.name(), selector.name(), probeIds, scores, ids);
        store.appendSelection(selection);
        st.selections.add(selection);
        st.feedback.add(selected);
        for (DistillationListener l : listeners) {
            l.onSelected(selection);
        }
        return ids;
    }

    /** A selector's indices must be distinct and inside the probe batch: a bad one would corrupt the feedback. */
    private void checkSelection(int b, int[] chosen, int probes) {
        String allowed = probes == 0 ? "no index, the probe batch is empty"
                : "distinct indices in [0, " + (probes - 1) + "]";
        if (chosen == null) {
            throw new GoldException("feedback selector " + selector.name() + " returned null in round " + b
                    + "; allowed: " + allowed);
        }
        boolean[] seen = new boolean[probes];
        for (int i : chosen) {
            if (i < 0 || i >= probes) {
                throw new GoldException("feedback selector " + selector.name() + " returned index " + i
                        + " in round " + b + " for a probe batch of " + probes + " samples; allowed: " + allowed);
            }
            if (seen[i]) {
                throw new GoldException("feedback selector " + selector.name() + " returned index " + i
                        + " twice in round " + b + "; allowed: " + allowed);
            }
            seen[i] = true;
        }
    }

    private Dataset trainingData(List<Sample> all) {
        if (config.keepProbes()) {
            return Dataset.of(all);
        }
        List<Sample> out = new ArrayList<>(all.size());
        for (Sample s : all) {
            if (s.origin() != Origin.PROBE) {
                out.add(s);
            }
        }
        return Dataset.of(out);
    }

    private Student trainFinalStudent(State st, RunStore store, String stopReason) {
        Path saved = runDirectory.resolve(RunStore.FINAL_STUDENT);
        if (resuming && st.rounds.size() == config.rounds() && Files.exists(saved)) {
            LOG.info("run in {} had already finished; loading its final student", runDirectory);
            return studentFactory.load(saved);
        }
        Dataset data = trainingData(st.all);
        if (data.isEmpty()) {
            // An untrained student saved as the result would look like a finished run.
            throw new TeacherYieldException("no generated data to train the final student on after "
                    + st.rounds.size() + " committed rounds" + (stopReason == null ? "" : " (" + stopReason + ")")
                    + "; no final student was saved in " + runDirectory, -1, Map.of());
        }
        Student student = studentFactory.create(task,
                new TrainingOptions(finalLoss, batchFilter, Seeds.derive(config.seed(), "final-init")));
        Student.FitReport fit = student.fit(data, config.finalEpochs(), Seeds.derive(config.seed(), "final-fit"));
        store.saveFinalStudent(student);
        double score = monitorScore(student);
        LOG.info("final student: {} samples, {} epochs, loss {}, train loss {}, monitoring {} {}", data.size(),
                fit.epochs(), finalLoss.name(), fit.trainLoss(), metric.name(),
                Double.isNaN(score) ? "-" : String.format("%.4f", score));
        for (DistillationListener l : listeners) {
            l.onFinalStudentTrained(fit, score);
        }
        return student;
    }

    private double monitorScore(Student student) {
        return monitor == null ? Double.NaN : student.score(monitor, metric);
    }

    private void restore(RunStore.StoredRun stored, RunStore store, State st) {
        st.all.addAll(stored.samples().samples());
        st.rounds.addAll(stored.rounds());
        st.selections.addAll(stored.selections());
        st.nextRound = stored.rounds().size();
        Map<String, Sample> byId = new HashMap<>();
        for (Sample s : st.all) {
            byId.put(s.id(), s);
        }
        for (Selection sel : stored.selections()) {
            List<Sample> selected = new ArrayList<>();
            for (String id : sel.selectedIds()) {
                Sample s = byId.get(id);
                if (s == null) {
                    throw new RunStoreException(runDirectory.resolve(RunStore.SELECTIONS) + ": round " + sel.round()
                            + " selects sample " + id + ", which is not in " + RunStore.SAMPLES);
                }
                selected.add(s);
            }
            st.feedback.add(selected);
        }
        // RunStore.reopen has checked that this checkpoint is there.
        Path checkpoint = store.resumeCheckpoint(stored);
        if (checkpoint != null) {
            st.student = studentFactory.load(checkpoint);
        }
    }

    private Map<String, Object> components() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("generator", generator.describe());
        c.put("studentFactory", studentFactory.describe());
        c.put("oodScorer", scorer == null ? "none" : scorer.name());
        c.put("selector", selector.name());
        c.put("loopLoss", loopLoss.name());
        c.put("finalLoss", finalLoss.name());
        c.put("batchFilter", batchFilter.name());
        c.put("metric", metric.name());
        c.put("monitorSamples", monitor == null ? 0 : monitor.size());
        return c;
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        List<T> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** Mutable state of a run in progress. */
    private static final class State {
        final List<Sample> all = new ArrayList<>();
        final FeedbackPool feedback;
        final List<RoundReport> rounds = new ArrayList<>();
        final List<Selection> selections = new ArrayList<>();
        Student student;
        int nextRound;

        State(FeedbackPool feedback) {
            this.feedback = feedback;
        }
    }

    /**
     * Settings of a {@link GoldDistiller}, with the reference defaults of the GOLD paper's scripts.
     * {@link #build()} validates them together and names the setting, the value and the allowed range of
     * the first one that is wrong.
     */
    public static final class Builder {
        private Task task;
        private Generator generator;
        private StudentFactory studentFactory;
        private OodScorer scorer;
        private FeedbackSelector selector = RankBandSelector.reference();
        private Loss loopLoss = new CrossEntropyLoss();
        private Loss finalLoss = SymmetricCrossEntropyLoss.defaults();
        private BatchFilter batchFilter = BatchFilter.NONE;
        private Metric metric;
        /** The loop settings, each declared once there: what build() turns into the run's GoldConfig. */
        private GoldConfigDraft settings = new GoldConfigDraft();
        private Path runDirectory;
        private Dataset monitor;
        private final List<DistillationListener> listeners = new ArrayList<>();
        private RunStore.StoredRun storedRun;
        private double minAcceptedShare = 0.0;

        private Builder() {
        }

        /** The task (required). */
        public Builder task(Task task) {
            this.task = task;
            return this;
        }

        /** The teacher (required). */
        public Builder generator(Generator generator) {
            this.generator = generator;
            return this;
        }

        /** Makes the in-loop and final students (required). */
        public Builder student(StudentFactory factory) {
            this.studentFactory = factory;
            return this;
        }

        /** The OOD score of probe samples (required when feedback is on), e.g. gold-ood's energy. */
        public Builder oodScorer(OodScorer scorer) {
            this.scorer = scorer;
            return this;
        }

        /** A feedback selector other than the rank band, e.g. top-k or random (gold-ood); default the band. */
        public Builder selector(FeedbackSelector selector) {
            this.selector = selector;
            return this;
        }

        /**
         * The rank band [lo, hi) of the reference selector; default [0.5, 0.8). Replaces a selector given
         * before.
         *
         * @throws IllegalArgumentException as {@link RankBandSelector}'s constructor for a band out of range
         */
        public Builder selectionBand(double lo, double hi) {
            this.selector = new RankBandSelector(lo, hi);
            return this;
        }

        /** Loss of the in-loop student; default cross-entropy. */
        public Builder loopLoss(Loss loss) {
            this.loopLoss = loss;
            return this;
        }

        /** Loss of the final student; default symmetric cross-entropy (alpha 0.1, beta 1.0). */
        public Builder finalLoss(Loss loss) {
            this.finalLoss = loss;
            return this;
        }

        /**
         * Loss of the final student.
         *
         * @deprecated the name hid which student it is for, next to {@link #loopLoss}; use {@link #finalLoss}
         */
        @Deprecated
        public Builder loss(Loss loss) {
            return finalLoss(loss);
        }

        /** Mini-batch filter of the final student's training; default none. */
        public Builder batchFilter(BatchFilter filter) {
            this.batchFilter = filter;
            return this;
        }

        /**
         * The metric that scores students on the monitoring set and in reports; default the task kind's
         * primary metric (accuracy, exact_match, execution_accuracy, rouge_l: {@link Metrics#defaultFor}).
         */
        public Builder metric(Metric metric) {
            this.metric = metric;
            return this;
        }

        /** Train samples per round, B; default 8, range [1, 10000]. */
        public Builder batchSize(int batchSize) {
            settings.batchSize = batchSize;
            return this;
        }

        /** Probe samples per probe round; default equal to the batch size, range [0, 10000]. */
        public Builder probeSize(int probeSize) {
            settings.probeSize = probeSize;
            return this;
        }

        /** Rounds, N; default 375 (about 3,000 samples at B = 8), range [1, 1000000]. */
        public Builder rounds(int rounds) {
            settings.rounds = rounds;
            return this;
        }

        /** Feedback goes into every P-th train prompt; default 2, at least 1. */
        public Builder feedbackEvery(int period) {
            settings.feedbackEvery = period;
            return this;
        }

        /** The in-loop student is updated every R rounds; default 25, at least 1. */
        public Builder updateStudentEvery(int period) {
            settings.updateStudentEvery = period;
            return this;
        }

        /** Passes over all data per in-loop update; default 1, range [1, 1000]. */
        public Builder updateEpochs(int epochs) {
            settings.updateEpochs = epochs;
            return this;
        }

        /** Continue training (default) or retrain the in-loop student from scratch at each update. */
        public Builder studentUpdate(StudentUpdate mode) {
            settings.studentUpdate = mode;
            return this;
        }

        /** When probes are generated; default every round. */
        public Builder probePolicy(ProbePolicy policy) {
            settings.probePolicy = policy;
            return this;
        }

        /** GOLD (default) or one of the no-feedback ablations with the same number of generated samples. */
        public Builder feedbackMode(FeedbackMode mode) {
            settings.feedbackMode = mode;
            return this;
        }

        /** Whether probe samples are training data; default yes. */
        public Builder keepProbes(boolean keep) {
            settings.keepProbes = keep;
            return this;
        }

        /** Replace (default) or accumulate feedback examples. */
        public Builder feedbackLifetime(FeedbackLifetime lifetime) {
            settings.feedbackLifetime = lifetime;
            return this;
        }

        /** Most feedback examples kept when accumulating (the most recent win); default 32, range [1, 1000]. */
        public Builder feedbackPoolLimit(int limit) {
            settings.feedbackPoolLimit = limit;
            return this;
        }

        /** Balanced round-robin (default) or uniform random labels. */
        public Builder labelPlan(LabelPlan plan) {
            settings.labelPlan = plan;
            return this;
        }

        /** Epochs of the final student's training; default 5, range [1, 10000]. */
        public Builder finalEpochs(int epochs) {
            settings.finalEpochs = epochs;
            return this;
        }

        /**
         * The least share of a round's requested samples (train and probe) the teacher must deliver; a round
         * below it, and any round that delivers no sample at all, ends the run with a
         * {@link TeacherYieldException} before the round is committed. Default 0: only an empty round fails.
         * Range [0, 1]. A policy of this process, like a budget: it is not stored with the run, so give it
         * again when resuming.
         */
        public Builder minAcceptedShare(double share) {
            this.minAcceptedShare = share;
            return this;
        }

        /** The master seed; default 42. */
        public Builder seed(long seed) {
            settings.seed = seed;
            return this;
        }

        /** Where the run store lives (required); must not hold another run. */
        public Builder runDirectory(Path dir) {
            this.runDirectory = dir;
            return this;
        }

        /**
         * Real data with references whose metric is reported after each student update and for the final
         * student. It is only reported, never used for any decision of the loop.
         */
        public Builder monitor(Dataset data) {
            this.monitor = data;
            return this;
        }

        /** Adds a listener. */
        public Builder listener(DistillationListener listener) {
            this.listeners.add(Objects.requireNonNull(listener, "listener"));
            return this;
        }

        /** Validates the settings together and builds the distiller; the builder itself is not changed. */
        public GoldDistiller build() {
            Check.notNull("task", task);
            Check.notNull("generator", generator);
            Check.notNull("student", studentFactory);
            Check.notNull("runDirectory", runDirectory);
            Check.notNull("loopLoss", loopLoss);
            Check.notNull("finalLoss", finalLoss);
            Check.notNull("batchFilter", batchFilter);
            Check.notNull("selector", selector);
            GoldConfigDraft s = settings;
            Check.notNull("studentUpdate", s.studentUpdate);
            Check.notNull("probePolicy", s.probePolicy);
            Check.notNull("feedbackMode", s.feedbackMode);
            Check.notNull("feedbackLifetime", s.feedbackLifetime);
            Check.notNull("labelPlan", s.labelPlan);
            int probes = s.effectiveProbeSize();
            Check.inRange("batchSize", s.batchSize, 1, 10_000);
            Check.inRange("probeSize", probes, 0, 10_000);
            Check.inRange("rounds", s.rounds, 1, 1_000_000);
            Check.inRange("feedbackEvery", s.feedbackEvery, 1, 1_000_000);
            Check.inRange("updateStudentEvery", s.updateStudentEvery, 1, 1_000_000);
            Check.inRange("updateEpochs", s.updateEpochs, 1, 1_000);
            Check.inRange("feedbackPoolLimit", s.feedbackPoolLimit, 1, 1_000);
            Check.inRange("finalEpochs", s.finalEpochs, 1, 10_000);
            Check.inRange("minAcceptedShare", minAcceptedShare, 0.0, 1.0);
            Check.that(s.feedbackMode == FeedbackMode.OFF_NO_PROBES
                            || (s.probePolicy != ProbePolicy.NEVER && probes > 0),
                    "feedbackMode " + s.feedbackMode + " needs probes, but probePolicy is " + s.probePolicy
                            + " and probeSize is " + probes + "; allowed: probePolicy EVERY_ROUND or "
                            + "FEEDBACK_ROUNDS with probeSize >= 1, or feedbackMode OFF_NO_PROBES");
            Check.that(s.feedbackMode != FeedbackMode.OFF_PROBES_KEPT || s.keepProbes,
                    "feedbackMode OFF_PROBES_KEPT keeps probes as data, but keepProbes is false; allowed: "
                            + "keepProbes true, or feedbackMode OFF_NO_PROBES");
            Check.that(s.feedbackMode != FeedbackMode.ON || scorer != null,
                    "oodScorer is required when feedbackMode is ON, was null; "
                            + "e.g. io.github.goldkd.ood.OodScores.energy(1.0)");
            if (monitor != null) {
                for (Sample m : monitor) {
                    Check.that(task.kind() != TaskKind.CLASSIFICATION || task.labelNames().contains(m.label()),
                            "monitor sample " + m.id() + " has label '" + m.label() + "', allowed: "
                                    + task.labelNames());
                    Check.that(!m.references().isEmpty(), "monitor sample " + m.id() + " has no reference to "
                            + "score against (a label, a target or references)");
                }
            }
            Metric m = metric == null ? Metrics.defaultFor(task.kind()) : metric;
            GoldConfig config = s.toConfig(scorer == null ? "none" : scorer.name(), selector.name(),
                    loopLoss.name(), finalLoss.name(), batchFilter.name(), m.name());
            if (storedRun != null) {
                checkSameAsStored(config, storedRun.config());
                ComponentIdentity.requireStored(runDirectory, "generator", "generator", generator.describe());
                ComponentIdentity.requireStored(runDirectory, "student", "studentFactory", studentFactory.describe());
            }
            return new GoldDistiller(this, config, m);
        }

        /**
         * A resumed run must have the stored run's config, except that its rounds may grow. The records
         * decide; their JSON form (what config.json holds) only names the first setting that differs.
         */
        private void checkSameAsStored(GoldConfig given, GoldConfig stored) {
            if (!given.withRounds(stored.rounds()).equals(stored)) {
                JsonObject now = Jsonl.GSON.toJsonTree(given).getAsJsonObject();
                JsonObject then = Jsonl.GSON.toJsonTree(stored).getAsJsonObject();
                for (String setting : now.keySet()) {
                    if (!setting.equals("rounds") && !Objects.equals(now.get(setting), then.get(setting))) {
                        throw new IllegalArgumentException(setting + " differs from the stored run in "
                                + runDirectory + ": stored " + plain(then.get(setting)) + ", given "
                                + plain(now.get(setting)) + "; a resumed run must use the same settings (only "
                                + "rounds may grow)");
                    }
                }
            }
            Check.that(given.rounds() >= stored.rounds(), "rounds must be >= the stored run's " + stored.rounds()
                    + " when resuming, was " + given.rounds());
        }

        /** A JSON value as the setting reads: 3, ON, band[0.5,0.8) (no quotes). */
        private static String plain(JsonElement e) {
            return e == null || e.isJsonNull() ? "null" : e.isJsonPrimitive() ? e.getAsString() : e.toString();
        }
    }
}
