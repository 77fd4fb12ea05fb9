package io.github.goldkd.llm.corpus;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Encoder;
import io.github.goldkd.core.GeneratedBatch;
import io.github.goldkd.core.GenerationMode;
import io.github.goldkd.core.GenerationRequest;
import io.github.goldkd.core.GenerationStats;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.Check;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Origin;
import io.github.goldkd.core.Sample;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.metric.ArithmeticExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * A <b>simulation</b> of an LLM teacher for offline runs and controlled experiments: it answers generation
 * requests with samples drawn from a pool of real samples. It is not a language model and writes nothing
 * new; it imitates the behaviours of an LLM teacher that GOLD is about, with fixed, documented parameters.
 * Any real chat-model {@link Generator} replaces it. It serves every {@link TaskKind}: classification
 * (a pool of labelled texts) and the sequence kinds (a pool of inputs with a target and, where the data
 * has them, further gold references, e.g. every SQuAD answer or a math problem's value).
 *
 * <p><b>Classification.</b> Behaviour for a request of label {@code y} (the returned sample is always
 * labelled {@code y}):
 * <ul>
 *   <li><b>Head bias</b> (train mode, no feedback). Each class's pool texts are ranked once by similarity to
 *       the class centre (rank 0 = most central; TF-IDF cosine by default, or any {@link Encoder}). A text
 *       of class {@code y} not returned yet is drawn with probability proportional to
 *       {@code exp(-rank / (headTemperature * n_y))}, {@code n_y} being the class's pool size: an LLM's
 *       mode-seeking, with {@code headTemperature} saying how strongly.</li>
 *   <li><b>Feedback</b> (train mode, {@link GenerationRequest#feedback()} not empty). Each sample picks one
 *       feedback example at random and draws from class {@code y} with the same rank decay, ranking the
 *       class's texts by similarity to that example instead (ties by centre rank): in-context imitation.</li>
 *   <li><b>Probe</b> mode. Uniform among the unreturned texts of class {@code y} ("something different from
 *       what you wrote"); feedback examples are ignored.</li>
 *   <li><b>Label noise</b>. With probability {@code labelNoise} the text comes from another class (chosen
 *       uniformly among the other classes with texts left, and drawn there by the same rule) but is still
 *       labelled {@code y}, as an LLM's wrong answers are.</li>
 *   <li><b>No repeats</b>. A pool text is returned at most once over the teacher's life (the pool is
 *       de-duplicated by text at build time). When class {@code y} has no text left, the sample is not
 *       produced: the batch is shorter, a warning is logged and {@link GenerationStats#rejects()} counts it
 *       under {@code "exhausted:<y>"}. Nothing is recycled.</li>
 * </ul>
 *
 * <p><b>Sequence tasks</b> ({@link TaskKind#EXTRACTIVE_QA}, {@link TaskKind#MATH_WORD_PROBLEM},
 * {@link TaskKind#TEXT_GENERATION}). The request's label entries must be {@code null} (the teacher writes the
 * target); every returned sample has the pool sample's inputs (the task's fields, in order) and target, its
 * references where the pool had more than the target, and no label. The pool has no classes, so the same
 * rules apply to the whole pool at once:
 * <ul>
 *   <li><b>Head bias</b>: the pool is ranked once by similarity of its inputs' text (the task's input fields
 *       joined by newlines) to the centre of the whole pool, in the same TF-IDF (or encoder) space, and
 *       train draws decay as {@code exp(-rank / (headTemperature * n))}, {@code n} the pool size.</li>
 *   <li><b>Feedback</b>: each sample picks a feedback example at random and ranks the pool by similarity of
 *       the inputs to that example's inputs: the nearest pool samples are the likeliest.</li>
 *   <li><b>Probe</b> mode: uniform among the unreturned pool samples.</li>
 *   <li><b>Target noise</b>. With probability {@code labelNoise} (same setting, same default 10 %) the drawn
 *       sample gets a wrong target of the kind an LLM writes, and then carries no references (the wrong
 *       target is its only reference, so the stored sample is self-consistent, as a teacher's mistake
 *       would be, and no gold answer contradicts it):
 *       <ul>
 *         <li>QA: another span of the same span field, a run of whole words within one sentence, one word
 *             shorter than the gold target up to one word longer, that is not an exact match (SQuAD
 *             normalisation) of any gold answer; uniform among such spans. It occurs in the context, so it
 *             passes the acceptance filter an LLM's answer would pass.</li>
 *         <li>Math: the target expression with one binary operator changed ({@code +} &harr; {@code -},
 *             {@code *} &harr; {@code /}), uniform among the operators whose change still evaluates and
 *             gives a value that execution accuracy scores as wrong against the gold target and answer.
 *             The stored value reference is dropped rather than recomputed: the metric evaluates the
 *             expression itself.</li>
 *         <li>Generation: the target of another pool sample (uniform among those with a different
 *             target).</li>
 *       </ul>
 *       A sample that admits no such mistake (a context without another span, an expression whose every
 *       change divides by zero or keeps the value, a pool with one target) keeps its clean target.</li>
 *   <li><b>No repeats</b> as above, by the inputs' text; when the pool is used up the sample is not produced
 *       and {@link GenerationStats#rejects()} counts it under {@code "exhausted"}.</li>
 * </ul>
 *
 * <p><b>Demonstrations.</b> The task's own demonstrations are never returned: those found in the pool (by
 * their inputs' text) are marked as returned when the teacher is built, whatever the task kind.
 *
 * <p><b>Determinism and resume.</b> Every random choice comes from {@link GenerationRequest#seed()}, so the
 * same sequence of requests gives the same answers. The answers also depend on which texts earlier calls
 * returned. A run resumed from its run store makes a fresh teacher and replays no request, so call
 * {@link #markReturned} with every sample the teacher returned before; {@link GoldDistiller#resume} does
 * that through {@link #restore} with the committed rounds' samples before the first new request. Samples
 * are matched by their inputs, so a noisy sequence sample (wrong target) is matched too. Methods are
 * synchronised: one teacher may serve several threads, but the order of calls then decides the answers.
 */
public final class CorpusTeacher implements Generator {

    private static final Logger LOG = LoggerFactory.getLogger(CorpusTeacher.class);

    /** What {@link #describe()} and the logs call this generator, so that no run report mistakes it for an LLM. */
    public static final String KIND = "simulated LLM teacher answering from a pool of real texts (not a language model)";

    private final Task task;
    /** True for the sequence kinds: one pool without classes, targets instead of labels. */
    private final boolean sequence;
    /** The task's labels; empty for a sequence task. */
    private final List<String> labels;
    private final double headTemperature;
    private final double labelNoise;
    private final SimilaritySpace space;
    private final String similarityName;
    private final int duplicatesDropped;

    /** Pool entries after de-duplication, by pool index. */
    private final String[] keys;
    private final String[] ids;
    private final List<Map<String, String>> inputs;
    /** Sequence tasks: the target of each pool index; null for classification. */
    private final String[] targets;
    /** Sequence tasks: the stored references of each pool index (empty = the target alone). */
    private final List<List<String>> references;
    /** The class of each pool index (index into {@link #labels}); 0 for every entry of a sequence task. */
    private final int[] classOf;
    /** Per class (one class for a sequence task): its pool indices ordered by centre rank. */
    private final int[][] members;
    private final Map<String, Integer> indexByKey;

    private final boolean[] returned;
    private final int[] remaining;
    private final int demonstrationsExcluded;

    private CorpusTeacher(Builder b, List<Sample> pool, List<String> poolKeys, int dropped) {
        this.task = b.task;
        this.sequence = task.kind().isSequence();
        this.labels = task.labelNames();
        this.headTemperature = b.headTemperature;
        this.labelNoise = b.labelNoise;
        this.duplicatesDropped = dropped;
        int n = pool.size();
        int classes = sequence ? 1 : labels.size();
        this.keys = poolKeys.toArray(new String[0]);
        this.ids = new String[n];
        this.inputs = new ArrayList<>(n);
        this.targets = sequence ? new String[n] : null;
        this.references = new ArrayList<>(sequence ? n : 0);
        this.classOf = new int[n];
        this.indexByKey = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Sample s = pool.get(i);
            ids[i] = s.id();
            inputs.add(outputInputs(s, keys[i]));
            if (sequence) {
                targets[i] = s.target();
                references.add(s.references());
            }
            classOf[i] = sequence ? 0 : labels.indexOf(s.label());
            indexByKey.put(keys[i], i);
        }
        this.space = b.encoder == null ? SimilaritySpace.tfIdf(poolKeys) : SimilaritySpace.encoder(b.encoder, poolKeys);
        this.similarityName = space.name();
        this.members = new int[classes][];
        this.remaining = new int[classes];
        for (int c = 0; c < classes; c++) {
            int[] m = poolOf(c);
            double[] sim = space.toCentre(m);
            // tie-break by pool order so the ranking is a pure function of the pool
            members[c] = order(m, sim);
            remaining[c] = m.length;
        }
        this.returned = new boolean[n];
        // the prompt shows the demonstrations: answering with one of them would be copying the prompt
        this.demonstrationsExcluded = mark(task.demonstrations())[0];
        LOG.info("CorpusTeacher, a {}: {} task, pool of {} {} ({} duplicates dropped, {} demonstrations "
                        + "excluded), similarity {}, headTemperature {}, {} {}", KIND, task.kind(), n,
                sequence ? "samples" : "texts " + poolSizes(), dropped, demonstrationsExcluded, similarityName,
                headTemperature, sequence ? "target noise" : "labelNoise", labelNoise);
    }

    /** A builder; {@link Builder#task} and {@link Builder#pool} are required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public synchronized GeneratedBatch generate(GenerationRequest request) {
        if (sequence) {
            return generateSequence(request);
        }
        SplittableRandom rng = new SplittableRandom(request.seed());
        boolean probe = request.mode() == GenerationMode.PROBE;
        List<Sample> feedback = probe ? List.of() : request.feedback();
        Origin origin = probe ? Origin.PROBE : Origin.TRAIN;
        // per request: the ranking of a class by similarity to a feedback example, computed on first use
        Map<Long, int[]> feedbackRanks = new HashMap<>();
        Map<String, Integer> exhausted = new TreeMap<>();
        List<Sample> out = new ArrayList<>(request.count());
        int noisy = 0;
        for (String y : request.labels()) {
            int cy = y == null ? -1 : labels.indexOf(y);
            if (cy < 0) {
                throw new GoldException("CorpusTeacher (simulation) was asked for label '" + y + "', allowed: "
                        + labels);
            }
            if (remaining[cy] == 0) {
                exhausted.merge("exhausted:" + y, 1, Integer::sum);
                continue;
            }
            int source = cy;
            if (labelNoise > 0 && rng.nextDouble() < labelNoise) {
                int[] others = otherClassesWithTexts(cy);
                if (others.length > 0) {
                    source = others[others.length == 1 ? 0 : rng.nextInt(others.length)];
                    noisy++;
                }
            }
            int idx;
            if (probe) {
                idx = drawUniform(source, rng);
            } else if (!feedback.isEmpty()) {
                int f = feedback.size() == 1 ? 0 : rng.nextInt(feedback.size());
                long cacheKey = (long) f * labels.size() + source;
                int[] ranks = feedbackRanks.get(cacheKey);
                if (ranks == null) {
                    ranks = feedbackRanking(feedback.get(f), source);
                    feedbackRanks.put(cacheKey, ranks);
                }
                idx = drawByRank(source, ranks, rng);
            } else {
                idx = drawByRank(source, null, rng);
            }
            returned[idx] = true;
            remaining[source]--;
            out.add(new Sample(ids[idx], inputs.get(idx), y, null, origin, request.round()));
        }
        if (!exhausted.isEmpty()) {
            LOG.warn("CorpusTeacher (simulated teacher) round {} {}: pool exhausted, {} of {} requested samples "
                            + "not produced {}", request.round(), request.mode(), request.count() - out.size(),
                    request.count(), exhausted);
        }
        LOG.debug("CorpusTeacher (simulated teacher) round {} {}: {} samples ({} with another class's text), "
                + "{} feedback examples", request.round(), request.mode(), out.size(), noisy, feedback.size());
        return new GeneratedBatch(out, new GenerationStats(0, 0, 0, 0, exhausted));
    }

    /** A sequence request: see the class comment. */
    private GeneratedBatch generateSequence(GenerationRequest request) {
        SplittableRandom rng = new SplittableRandom(request.seed());
        boolean probe = request.mode() == GenerationMode.PROBE;
        List<Sample> feedback = probe ? List.of() : request.feedback();
        Origin origin = probe ? Origin.PROBE : Origin.TRAIN;
        // per request: the pool's ranking by similarity to each feedback example, computed on first use
        int[][] feedbackRanks = new int[feedback.size()][];
        int exhausted = 0;
        int noisy = 0;
        List<Sample> out = new ArrayList<>(request.count());
        for (String y : request.labels()) {
            if (y != null) {
                throw new GoldException("CorpusTeacher (simulation) was asked for label '" + y + "' for "
                        + task.kind() + " task '" + task.name() + "'; a sequence task has no labels, its request "
                        + "entries must be null (the teacher writes the target)");
            }
            if (remaining[0] == 0) {
                exhausted++;
                continue;
            }
            int idx;
            if (probe) {
                idx = drawUniform(0, rng);
            } else if (!feedback.isEmpty()) {
                int f = feedback.size() == 1 ? 0 : rng.nextInt(feedback.size());
                if (feedbackRanks[f] == null) {
                    feedbackRanks[f] = feedbackRanking(feedback.get(f), 0);
                }
                idx = drawByRank(0, feedbackRanks[f], rng);
            } else {
                idx = drawByRank(0, null, rng);
            }
            returned[idx] = true;
            remaining[0]--;
            String wrong = labelNoise > 0 && rng.nextDouble() < labelNoise ? wrongTarget(idx, rng) : null;
            if (wrong != null) {
                noisy++;
                out.add(new Sample(ids[idx], inputs.get(idx), null, wrong, origin, request.round(), List.of()));
            } else {
                out.add(new Sample(ids[idx], inputs.get(idx), null, targets[idx], origin, request.round(),
                        references.get(idx)));
            }
        }
        Map<String, Integer> rejects = exhausted == 0 ? Map.of() : Map.of("exhausted", exhausted);
        if (exhausted > 0) {
            LOG.warn("CorpusTeacher (simulated teacher) round {} {}: pool exhausted, {} of {} requested samples "
                    + "not produced", request.round(), request.mode(), exhausted, request.count());
        }
        LOG.debug("CorpusTeacher (simulated teacher) round {} {}: {} samples ({} with a wrong target), "
                + "{} feedback examples", request.round(), request.mode(), out.size(), noisy, feedback.size());
        return new GeneratedBatch(out, new GenerationStats(0, 0, 0, 0, rejects));
    }

    /**
     * The wrong target an LLM might have written for pool sample {@code idx} (see the class comment), or
     * null when the sample admits none.
     */
    private String wrongTarget(int idx, SplittableRandom rng) {
        String target = targets[idx];
        List<String> golds = references.get(idx);
        return switch (task.kind()) {
            case EXTRACTIVE_QA -> {
                List<String> all = new ArrayList<>(golds);
                all.add(target);
                yield TargetNoise.otherSpan(inputs.get(idx).get(task.spanField()), target, all, rng);
            }
            case MATH_WORD_PROBLEM -> TargetNoise.swappedOperator(target, golds, rng);
            case TEXT_GENERATION -> anotherTarget(idx, rng);
            case CLASSIFICATION -> throw new IllegalStateException("classification has label noise, not targets");
        };
    }

    /** The target of a pool sample whose target differs from that of {@code idx}, uniformly; null if none. */
    private String anotherTarget(int idx, SplittableRandom rng) {
        int[] others = new int[targets.length];
        int k = 0;
        for (int j = 0; j < targets.length; j++) {
            if (!targets[j].equals(targets[idx])) {
                others[k++] = j;
            }
        }
        return k == 0 ? null : targets[others[rng.nextInt(k)]];
    }

    /** Marks the committed rounds' samples as returned (see the class comment); called on resume. */
    @Override
    public void restore(List<Sample> generatedSoFar) {
        int marked = markReturned(generatedSoFar);
        LOG.info("CorpusTeacher restored: {} pool texts marked as already returned", marked);
    }

    /**
     * Marks pool texts as already returned, so that they are never returned again: what a resumed run needs
     * to rebuild this teacher's state (see the class comment). Samples are matched to pool texts by their
     * text (the task's input fields; a single-field sample by its only field); samples matching no pool text
     * are ignored.
     *
     * @return the number of pool texts newly marked
     */
    public synchronized int markReturned(Collection<Sample> alreadyGenerated) {
        Objects.requireNonNull(alreadyGenerated, "alreadyGenerated");
        int[] counts = mark(alreadyGenerated);
        LOG.info("CorpusTeacher (simulated teacher): marked {} pool texts as already returned ({} samples given, "
                        + "{} not from the pool); left {}", counts[0], alreadyGenerated.size(), counts[1],
                sequence ? remaining[0] : remainingSizes());
        return counts[0];
    }

    /** Marks the pool entries of {@code samples} as returned; returns {newly marked, not in the pool}. */
    private int[] mark(Collection<Sample> samples) {
        int marked = 0;
        int unmatched = 0;
        for (Sample s : samples) {
            String key = keyOrNull(s);
            Integer idx = key == null ? null : indexByKey.get(key);
            if (idx == null) {
                unmatched++;
            } else if (!returned[idx]) {
                returned[idx] = true;
                remaining[classOf[idx]]--;
                marked++;
            }
        }
        return new int[] {marked, unmatched};
    }

    /** The number of pool texts of {@code label} not returned yet. */
    public synchronized int remaining(String label) {
        if (sequence) {
            throw new GoldException("task '" + task.name() + "' is " + task.kind()
                    + " and has no labels; use remaining() for the pool samples left");
        }
        int c = labels.indexOf(label);
        if (c < 0) {
            throw new GoldException("unknown label '" + label + "', allowed: " + labels);
        }
        return remaining[c];
    }

    /** The number of pool texts (or sequence samples) not returned yet, over all labels. */
    public synchronized int remaining() {
        int total = 0;
        for (int r : remaining) {
            total += r;
        }
        return total;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("class", CorpusTeacher.class.getName());
        d.put("kind", KIND);
        d.put("simulation", true);
        d.put("similarity", similarityName);
        d.put("headTemperature", headTemperature);
        d.put("labelNoise", labelNoise);
        d.put("poolSize", keys.length);
        if (sequence) {
            d.put("targetNoise", switch (task.kind()) {
                case EXTRACTIVE_QA -> "another span of the same context";
                case MATH_WORD_PROBLEM -> "one operator of the expression changed";
                default -> "the target of another pool sample";
            });
        } else {
            d.put("poolPerLabel", poolSizes());
        }
        d.put("duplicateTextsDropped", duplicatesDropped);
        d.put("demonstrationsExcluded", demonstrationsExcluded);
        return Collections.unmodifiableMap(d);
    }

    @Override
    public String toString() {
        return "CorpusTeacher[simulation, pool=" + keys.length + ", headTemperature=" + headTemperature
                + ", labelNoise=" + labelNoise + ", similarity=" + similarityName + "]";
    }

    // ------------------------------------------------------------------ package-private, for tests

    /** The centre rank of a pool text within its class, or -1 when it is not in the pool. */
    int centreRank(String text) {
        Integer idx = indexByKey.get(text);
        if (idx == null) {
            return -1;
        }
        int[] m = members[classOf[idx]];
        for (int j = 0; j < m.length; j++) {
            if (m[j] == idx) {
                return j;
            }
        }
        throw new IllegalStateException("pool text missing from its class");
    }

    /** The label a pool text has in the pool, or null when it is not in the pool. */
    String poolLabel(String text) {
        Integer idx = indexByKey.get(text);
        return idx == null || sequence ? null : labels.get(classOf[idx]);
    }

    // ------------------------------------------------------------------ drawing

    /**
     * Draws an unreturned member of class {@code c} with weight {@code exp(-rank / (T * n_c))}; the rank of
     * member j is {@code ranks[j]}, or j itself (the centre rank) when {@code ranks} is null.
     */
    private int drawByRank(int c, int[] ranks, SplittableRandom rng) {
        int[] m = members[c];
        double scale = headTemperature * m.length;
        // shifting by the smallest unreturned rank leaves the distribution unchanged and keeps the weights
        // from underflowing to zero once the head of the class is used up
        int minRank = Integer.MAX_VALUE;
        for (int j = 0; j < m.length; j++) {
            if (!returned[m[j]]) {
                minRank = Math.min(minRank, ranks == null ? j : ranks[j]);
            }
        }
        double[] w = new double[m.length];
        double total = 0;
        for (int j = 0; j < m.length; j++) {
            if (!returned[m[j]]) {
                w[j] = Math.exp(-((ranks == null ? j : ranks[j]) - minRank) / scale);
                total += w[j];
            }
        }
        double u = rng.nextDouble() * total;
        int last = -1;
        for (int j = 0; j < m.length; j++) {
            if (w[j] > 0) {
                last = j;
                u -= w[j];
                if (u < 0) {
                    return m[j];
                }
            }
        }
        return m[last]; // rounding left a sliver of u: the last candidate takes it
    }

    private int drawUniform(int c, SplittableRandom rng) {
        int k = rng.nextInt(remaining[c]);
        for (int idx : members[c]) {
            if (!returned[idx] && k-- == 0) {
                return idx;
            }
        }
        throw new IllegalStateException("remaining count out of step with returned texts");
    }

    /** For each member position j of class c, its rank by similarity to the example (ties by centre rank). */
    private int[] feedbackRanking(Sample example, int c) {
        String text = keyOrNull(example);
        int[] m = members[c];
        double[] sim = space.toText(text == null ? example.text() : text, m);
        Integer[] pos = new Integer[m.length];
        for (int j = 0; j < m.length; j++) {
            pos[j] = j;
        }
        // stable sort on descending similarity; positions are already in centre-rank order
        Arrays.sort(pos, (a, b) -> Double.compare(sim[b], sim[a]));
        int[] ranks = new int[m.length];
        for (int r = 0; r < pos.length; r++) {
            ranks[pos[r]] = r;
        }
        return ranks;
    }

    private int[] otherClassesWithTexts(int cy) {
        int k = 0;
        int[] out = new int[labels.size()];
        for (int c = 0; c < labels.size(); c++) {
            if (c != cy && remaining[c] > 0) {
                out[k++] = c;
            }
        }
        return Arrays.copyOf(out, k);
    }

    // ------------------------------------------------------------------ pool helpers

    private int[] poolOf(int c) {
        int k = 0;
        for (int x : classOf) {
            if (x == c) {
                k++;
            }
        }
        int[] m = new int[k];
        k = 0;
        for (int i = 0; i < classOf.length; i++) {
            if (classOf[i] == c) {
                m[k++] = i;
            }
        }
        return m;
    }

    /** {@code m} sorted by descending similarity, ties in the given order. */
    private static int[] order(int[] m, double[] sim) {
        Integer[] pos = new Integer[m.length];
        for (int j = 0; j < m.length; j++) {
            pos[j] = j;
        }
        Arrays.sort(pos, (a, b) -> Double.compare(sim[b], sim[a]));
        int[] out = new int[m.length];
        for (int r = 0; r < m.length; r++) {
            out[r] = m[pos[r]];
        }
        return out;
    }

    private Map<String, Integer> poolSizes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            out.put(labels.get(c), members[c].length);
        }
        return out;
    }

    private Map<String, Integer> remainingSizes() {
        Map<String, Integer> out = new LinkedHashMap<>();
        for (int c = 0; c < labels.size(); c++) {
            out.put(labels.get(c), remaining[c]);
        }
        return out;
    }

    /** The returned sample's inputs: the task's fields, taken from the pool sample. */
    private Map<String, String> outputInputs(Sample s, String key) {
        List<String> fields = task.inputFields();
        if (fields.size() == 1) {
            return Map.of(fields.get(0), key);
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (String f : fields) {
            m.put(f, s.input(f));
        }
        return m;
    }

    /** The text a sample is matched by: see {@link #key}; null when the sample lacks the task's fields. */
    private String keyOrNull(Sample s) {
        try {
            return key(task, s);
        } catch (GoldException e) {
            return null;
        }
    }

    /**
     * The text identifying a sample: for a single-field task its field (or, when the sample has no field of
     * that name but only one field, that field); otherwise the task's fields joined by newlines in order.
     */
    static String key(Task task, Sample s) {
        List<String> fields = task.inputFields();
        if (fields.size() == 1) {
            String v = s.inputs().get(fields.get(0));
            if (v != null) {
                return v;
            }
            if (s.inputs().size() == 1) {
                return s.inputs().values().iterator().next();
            }
            throw new GoldException("sample " + s.id() + " has no input field '" + fields.get(0)
                    + "' and more than one other field " + s.inputs().keySet());
        }
        List<String> parts = new ArrayList<>(fields.size());
        for (String f : fields) {
            String v = s.inputs().get(f);
            if (v == null) {
                throw new GoldException("sample " + s.id() + " lacks input field '" + f + "' of task '"
                        + task.name() + "' " + fields);
            }
            parts.add(v);
        }
        return String.join("\n", parts);
    }

    /** Settings of a {@link CorpusTeacher}; validated in {@link #build()}. */
    public static final class Builder {

        private Task task;
        private List<Sample> pool;
        private Encoder encoder;
        private double headTemperature = 0.1;
        private double labelNoise = 0.1;

        private Builder() {
        }

        /**
         * The task, of any kind: for classification its labels are the labels the teacher answers for; for a
         * sequence kind its input fields, output field and (QA) span field shape the answers. Required.
         */
        public Builder task(Task task) {
            this.task = task;
            return this;
        }

        /**
         * The pool of real samples to answer from. Required. Classification: labelled texts, every task label
         * needs at least one. Sequence kinds: samples with the task's input fields and a target (QA: a span of
         * the span field; math: an expression that evaluates), and any further gold references.
         */
        public Builder pool(Collection<Sample> pool) {
            this.pool = pool == null ? null : List.copyOf(pool);
            return this;
        }

        /** The pool of real samples to answer from, e.g. read with {@code LabelledFiles}. */
        public Builder pool(Dataset pool) {
            return pool(pool == null ? null : pool.samples());
        }

        /**
         * The vector space for the similarity rankings; default (null) a TF-IDF model fitted on the pool.
         * The encoder embeds the pool once at build time and each feedback example once per request.
         */
        public Builder encoder(Encoder encoder) {
            this.encoder = encoder;
            return this;
        }

        /**
         * How strongly train-mode draws prefer central (or feedback-like) texts: weight
         * {@code exp(-rank / (headTemperature * n))}; smaller is stronger, large is nearly uniform. Default
         * 0.1 (about a tenth of a class is in play at a time). Must be &gt; 0.
         */
        public Builder headTemperature(double headTemperature) {
            this.headTemperature = headTemperature;
            return this;
        }

        /**
         * The rate of the teacher's mistakes: for classification the probability that a sample's text comes
         * from another class than its label, for a sequence kind the probability of a wrong target (see the
         * class comment). Default 0.1, in [0, 1].
         */
        public Builder labelNoise(double labelNoise) {
            this.labelNoise = labelNoise;
            return this;
        }

        /**
         * Validates the settings, de-duplicates the pool by text (first occurrence kept) and ranks each class.
         *
         * @throws IllegalArgumentException naming the setting, its value and what is allowed
         * @throws GoldException            naming the pool sample and what is wrong with it, or the label the
         *                                  pool has no text for: the pool's content, not a setting, is at fault
         */
        public CorpusTeacher build() {
            Check.notNull("task", task);
            Check.positive("headTemperature", headTemperature);
            Check.inRange("labelNoise", labelNoise, 0.0, 1.0);
            String poolRule = task.kind().isSequence() ? "pool must hold at least one sample with a target"
                    : "pool must hold at least one labelled text per task label";
            Check.that(pool != null, poolRule + ", was not set");
            if (pool.isEmpty()) {
                throw new GoldException(poolRule + ", was empty");
            }
            if (encoder != null) {
                Check.that(encoder.dimension() > 0, "encoder " + encoder.name() + " has dimension "
                        + encoder.dimension() + ", must be > 0");
            }
            if (task.kind().isSequence()) {
                return buildSequence();
            }
            List<String> names = task.labelNames();
            List<Sample> unique = new ArrayList<>(pool.size());
            List<String> uniqueKeys = new ArrayList<>(pool.size());
            Map<String, Sample> seen = new HashMap<>();
            int[] perLabel = new int[names.size()];
            int dropped = 0;
            int conflicting = 0;
            for (Sample s : pool) {
                if (s.label() == null || !names.contains(s.label())) {
                    throw new GoldException("pool sample " + s.id() + " has label '" + s.label()
                            + "', pool labels must be task labels " + names);
                }
                String key;
                try {
                    key = key(task, s);
                } catch (GoldException e) {
                    throw new GoldException("pool " + e.getMessage(), e);
                }
                Sample first = seen.putIfAbsent(key, s);
                if (first != null) {
                    dropped++;
                    if (!first.label().equals(s.label())) {
                        conflicting++;
                    }
                    continue;
                }
                unique.add(s);
                uniqueKeys.add(key);
                perLabel[names.indexOf(s.label())]++;
            }
            for (int c = 0; c < names.size(); c++) {
                if (perLabel[c] == 0) {
                    throw new GoldException("pool has no text labelled '" + names.get(c)
                            + "'; every task label needs at least one, task labels " + names);
                }
            }
            if (conflicting > 0) {
                LOG.warn("CorpusTeacher pool: {} texts appear with two different labels; the first label is kept",
                        conflicting);
            }
            return new CorpusTeacher(this, unique, uniqueKeys, dropped);
        }

        /** Checks every pool sample's target for the task's kind and de-duplicates the pool by inputs. */
        private CorpusTeacher buildSequence() {
            List<Sample> unique = new ArrayList<>(pool.size());
            List<String> uniqueKeys = new ArrayList<>(pool.size());
            Map<String, Sample> seen = new HashMap<>();
            int dropped = 0;
            int conflicting = 0;
            for (Sample s : pool) {
                String key;
                try {
                    key = key(task, s);
                } catch (GoldException e) {
                    throw new GoldException("pool " + e.getMessage(), e);
                }
                checkTarget(s, key);
                Sample first = seen.putIfAbsent(key, s);
                if (first != null) {
                    dropped++;
                    if (!first.target().equals(s.target())) {
                        conflicting++;
                    }
                    continue;
                }
                unique.add(s);
                uniqueKeys.add(key);
            }
            if (conflicting > 0) {
                LOG.warn("CorpusTeacher pool: {} inputs appear with two different targets; the first is kept",
                        conflicting);
            }
            return new CorpusTeacher(this, unique, uniqueKeys, dropped);
        }

        /**
         * A pool sample's target must be one the task's own acceptance rules would let through; {@code key}
         * is the sample's text (for a single-field task, its only field whatever its name).
         */
        private void checkTarget(Sample s, String key) {
            String where = "pool sample " + s.id() + " of " + task.kind() + " task '" + task.name() + "'";
            if (s.target() == null || s.target().isBlank()) {
                throw new GoldException(where + " has no target (its '" + task.outputField()
                        + "'); every pool sample needs one");
            }
            String span = task.inputFields().size() == 1 ? key : s.inputs().get(task.spanField());
            if (task.kind() == TaskKind.EXTRACTIVE_QA && !span.contains(s.target())) {
                throw new GoldException(where + " has answer '" + s.target() + "', which is not a span of its '"
                        + task.spanField() + "'");
            }
            if (task.kind() == TaskKind.MATH_WORD_PROBLEM && ArithmeticExpression.evaluate(s.target()).isEmpty()) {
                throw new GoldException(where + " has equation '" + s.target() + "', which does not evaluate; "
                        + "allowed: numbers, + - * /, parentheses");
            }
        }
    }
}
