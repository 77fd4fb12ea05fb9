package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.DistillationListener;
import io.github.goldkd.core.FeedbackMode;
import io.github.goldkd.core.Generator;
import io.github.goldkd.core.GoldConfig;
import io.github.goldkd.core.GoldDistiller;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.RoundReport;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TeacherYieldException;
import io.github.goldkd.core.io.TextFiles;
import io.github.goldkd.examples.report.ReportWriter;
import io.github.goldkd.llm.ChatModel;
import io.github.goldkd.llm.HttpChatModel;
import io.github.goldkd.ood.OodScores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code gold distill}: one GOLD run (or the no-feedback baseline) on any task with any teacher. */
@Command(name = "distill", mixinStandardHelpOptions = true,
        description = "Generate data for a task with a teacher and distil a student (GOLD, or the baseline).")
final class DistillCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(DistillCommand.class);

    @Option(names = "--task", required = true, description = "Task file (JSON) or a shipped task: sentiment, squad, "
            + "svamp, nl4opt or qnli (then --pool and --test default to its shipped files).")
    String task;

    @CommandLine.Mixin
    TeacherOptions teacher = new TeacherOptions();

    @Option(names = "--rounds", description = "Rounds (default: ${DEFAULT-VALUE}; with --resume: the run's own, "
            + "give it to extend the run).")
    int rounds = 375;

    @Option(names = "--batch-size", description = "Samples per batch (default: ${DEFAULT-VALUE}).")
    int batchSize = 8;

    @Option(names = "--update-every", description = "Student update period in rounds (default: ${DEFAULT-VALUE}).")
    int updateEvery = 25;

    @Option(names = "--final-epochs", description = "Final student's epochs (default: ${DEFAULT-VALUE}).")
    int finalEpochs = 5;

    @Option(names = "--feedback", description = "on (GOLD) or off (no probes: the ZeroGen-style baseline with the "
            + "same number of generated samples) (default: ${DEFAULT-VALUE}).")
    String feedback = "on";

    @Option(names = "--student", description = "bag, cnn or encoder for classification (default bag), cross for sentence pairs too; span-qa for "
            + "extractive QA, seq2seq for math word problems and text generation (the defaults of those kinds); with "
            + "--resume: the run's.")
    String student;

    @Option(names = "--min-accepted-share", description = "Least share of a round's requested samples the teacher "
            + "must deliver; a round below it, or with no usable sample at all, ends the run with status 1 "
            + "(default: ${DEFAULT-VALUE}: only an empty round fails; not stored with the run).")
    double minAcceptedShare = 0.0;

    @Option(names = "--test", description = "Labelled test file; its accuracy goes into summary.json and the report.")
    Path test;

    @Option(names = "--seed", description = "Master seed (default: ${DEFAULT-VALUE}).")
    long seed = 42;

    @Option(names = "--out", description = "Run directory (default: runs/<task>-<time>; required with --resume).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out after its last completed round, with the "
            + "settings stored in it; options given again must match them (only --rounds may grow).")
    boolean resume;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** --task resolved: a file, or a shipped task with default pool and test set. */
    private TaskOption taskOption;

    @Override
    public Integer call() {
        // Everything that can be refused is checked before anything is built or written: a refused start
        // leaves nothing on disk and loads no native library.
        teacher.validate(spec, true);
        FeedbackMode mode = switch (feedback.toLowerCase(Locale.ROOT)) {
            case "on" -> FeedbackMode.ON;
            case "off" -> FeedbackMode.OFF_NO_PROBES;
            default -> throw usage("--feedback must be on or off, was '" + feedback + "'");
        };
        Options.range(spec, "--rounds", rounds, 1, 1_000_000);
        Options.range(spec, "--batch-size", batchSize, 1, 10_000);
        Options.range(spec, "--update-every", updateEvery, 1, 1_000_000);
        Options.range(spec, "--final-epochs", finalEpochs, 1, 10_000);
        Options.range(spec, "--min-accepted-share", minAcceptedShare, 0.0, 1.0);
        taskOption = TaskOption.resolve(spec.commandLine(), task);
        StudentChoice choice = taskOption.student(spec.commandLine(), student, StudentChoice.BAG);
        Options.requireFile(spec, test, "--test");
        if (teacher.isCorpus() && teacher.pool == null && !taskOption.shipped()) {
            throw usage("--teacher corpus needs --pool FILE");
        }
        if (resume && out == null) {
            throw usage("--resume needs --out DIR, the run to continue");
        }
        if (out == null) {
            out = Path.of("runs", TaskOption.slug(task) + "-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        if (Files.exists(out) && !Files.isDirectory(out)) {
            throw usage("--out " + out + " is not a directory");
        }
        boolean holdsRun = Files.exists(out.resolve(RunStore.CONFIG));
        if (resume && !holdsRun) {
            throw usage("--resume: no run in " + out);
        }
        if (!resume && holdsRun) {
            throw usage("--out " + out + " already holds a run; continue it with --resume, or choose another --out");
        }
        // The run is opened for resuming once, here: the builder refuses a run another process is writing
        // before anything is built or written, and goes on to Experiment.run, which does not open it again.
        GoldDistiller.Builder resumed = resume ? GoldDistiller.resume(out) : null;
        if (resume) {
            // The run's settings come from its config.json; options typed again must agree with them.
            RunStore.StoredRun stored = RunStore.read(out);
            if (!stored.task().equals(taskOption.task())) {
                throw usage("--task " + task + " is not the task of the run in " + out + " ('" + stored.task().name()
                        + "' as stored in its " + RunStore.TASK + "); a resumed run keeps its task");
            }
            GoldConfig c = stored.config();
            batchSize = keep("--batch-size", batchSize, c.batchSize());
            updateEvery = keep("--update-every", updateEvery, c.updateStudentEvery());
            finalEpochs = keep("--final-epochs", finalEpochs, c.finalEpochs());
            seed = keep("--seed", seed, c.seed());
            if (Options.given(spec, "--feedback") && mode != c.feedbackMode()) {
                throw differs("--feedback " + feedback, "feedback " + feedbackName(c.feedbackMode()), "--feedback");
            }
            mode = c.feedbackMode();
            StudentChoice storedStudent = StudentChoice.ofRun(stored).orElse(null);
            if (storedStudent != null) {
                if (Options.given(spec, "--student") && choice != storedStudent) {
                    throw differs("--student " + choice.cliName(), "--student " + storedStudent.cliName(),
                            "--student");
                }
                choice = storedStudent;
            }
            if (!Options.given(spec, "--rounds")) {
                rounds = c.rounds();
            } else if (rounds < c.rounds()) {
                throw usage("--rounds " + rounds + " is fewer than the " + c.rounds() + " rounds of the run in " + out
                        + "; a resumed run can only grow (leave --rounds out to finish it as it was planned)");
            }
        }
        Task t = taskOption.task();
        Dataset testSet = taskOption.test(test);
        if (testSet != null && testSet.isEmpty()) {
            throw new GoldException("--test " + (test != null ? test : task + "'s shipped test set")
                    + " holds no labelled samples");
        }
        Dataset poolSet = teacher.isCorpus() ? taskOption.pool(teacher.pool) : null;

        RunDirectory dir = RunDirectory.prepare(out);
        FeedbackMode feedbackMode = mode;
        Path cache = out.resolve(RunDirectory.REQUEST_CACHE);
        Progress progress = new Progress(cache);
        Generator gen = null;
        ChatModel chatModel = null;
        Experiment.Outcome o;
        try {
            // The request cache lives in the run directory: a repeated or resumed run pays nothing twice.
            chatModel = teacher.isCorpus() ? null : teacher.chatModel();
            gen = chatModel == null ? Teachers.corpus(t, poolSet) : Teachers.llm(chatModel, cache);
            GoldDistiller.Builder start = resume ? resumed : GoldDistiller.builder().task(t).runDirectory(out);
            o = Experiment.run(start, gen, choice.factory(), testSet,
                    b -> b.oodScorer(OodScores.energy(1.0)).rounds(rounds).batchSize(batchSize)
                            .updateStudentEvery(updateEvery).finalEpochs(finalEpochs).feedbackMode(feedbackMode)
                            .seed(seed).minAcceptedShare(minAcceptedShare).listener(progress));
        } catch (RuntimeException | Error e) {
            closeQuietly(gen);
            String cleaned = dir.cleanUpAfterFailure(progress.started);
            if (e instanceof TeacherYieldException y) {
                if (cleaned != null) {
                    throw new GoldException(y.getMessage() + "; " + cleaned, y);
                }
                // The failing round's answers are in the cache: a resume would replay them and fail again.
                boolean dropped = progress.dropAnswersSinceLastCommit();
                throw new GoldException(y.getMessage() + (dropped ? "; its answers were dropped from the request "
                        + "cache" : "") + "; continue the run with --resume --out " + out
                        + " once the teacher answers usably", y);
            }
            if (cleaned != null) {
                LOG.info("{}", cleaned);
            }
            throw e;
        }
        closeQuietly(gen);
        String feedbackName = feedbackName(feedbackMode);
        Summary summary = o.summary(seed, choice.cliName()).put("teacher", teacher.teacher).put("feedback", feedbackName);
        if (chatModel instanceof HttpChatModel http) {
            summary.put("servers", Teachers.serverCounts(http));
        }
        summary.write(out);
        PrintWriter w = spec.commandLine().getOut();
        if (testSet != null) {
            ReportWriter.write(out, "GOLD run: " + t.name(), List.of(new ReportWriter.RunView(
                    feedbackMode == FeedbackMode.ON ? "GOLD" : "no feedback", RunStore.read(out),
                    o.result().student(), o.testScore())), testSet, OodScores.energy(1.0));
            o.testScores().forEach((name, value) -> w.printf(Locale.ROOT, "test %s %.4f%n", name, value));
        }
        w.printf(Locale.ROOT, "%d samples generated in %d rounds, %.1f s; run directory %s%n",
                o.result().dataset().size(), o.result().rounds().size(), o.seconds(), out);
        if (!o.result().completed()) {
            w.println("stopped early: " + o.result().stopReason());
        }
        return 0;
    }

    /** Whether the run started, and how long the request cache was when the latest round was committed. */
    private static final class Progress implements DistillationListener {
        private final Path cache;
        boolean started;
        private long cacheSizeAtCommit = -1;

        Progress(Path cache) {
            this.cache = cache;
        }

        @Override
        public void onRunStart(Task task, GoldConfig config, int firstRound) {
            started = true;
            cacheSizeAtCommit = sizeOf(cache);
        }

        @Override
        public void onRoundEnd(RoundReport report) {
            cacheSizeAtCommit = sizeOf(cache);
        }

        /** Cuts the cache back to its length at the latest commit (the generator is closed by now). */
        boolean dropAnswersSinceLastCommit() {
            long now = sizeOf(cache);
            if (cacheSizeAtCommit < 0 || now <= cacheSizeAtCommit) {
                return false;
            }
            try (FileChannel ch = FileChannel.open(cache, StandardOpenOption.WRITE)) {
                ch.truncate(cacheSizeAtCommit);
                return true;
            } catch (IOException e) {
                LOG.warn("cannot drop the failed round's answers from {}: {}", cache, TextFiles.reason(e));
                return false;
            }
        }

        private static long sizeOf(Path file) {
            try {
                return Files.exists(file) ? Files.size(file) : 0;
            } catch (IOException e) {
                return -1;
            }
        }
    }

    /** A stored setting, or the option's value when given and equal to it. */
    private int keep(String option, int given, int stored) {
        return (int) keep(option, (long) given, stored);
    }

    private long keep(String option, long given, long stored) {
        if (Options.given(spec, option) && given != stored) {
            throw differs(option + " " + given, option + " " + stored, option);
        }
        return stored;
    }

    private CommandLine.ParameterException differs(String given, String stored, String option) {
        return usage(given + " differs from the run in " + out + ", which was made with " + stored
                + "; a resumed run keeps its settings: leave " + option + " out (only --rounds may grow)");
    }

    private static String feedbackName(FeedbackMode mode) {
        return switch (mode) {
            case ON -> "on";
            case OFF_NO_PROBES -> "off";
            case OFF_PROBES_KEPT -> "off-probes-kept";
        };
    }

    private void closeQuietly(Generator gen) {
        if (gen instanceof AutoCloseable c) {
            try {
                c.close();
            } catch (Exception e) {
                spec.commandLine().getErr().println("gold: warning: closing the teacher failed: " + e.getMessage());
            }
        }
    }

    private CommandLine.ParameterException usage(String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }
}
