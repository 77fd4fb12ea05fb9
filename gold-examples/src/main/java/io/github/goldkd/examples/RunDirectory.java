package io.github.goldkd.examples;

import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.io.TextFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The {@code --out} directory of one {@code gold distill} invocation and what was in it before, so that a
 * start that fails before it commits a round can take back what it wrote (the request cache, the run
 * files, the directory itself) without touching anything that was there already or any committed round.
 */
final class RunDirectory {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

    /** The LLM teachers' request cache inside the run directory. */
    static final String REQUEST_CACHE = "request-cache.jsonl";

    private final Path dir;
    /** The outermost directory this invocation created (the run directory or an ancestor), or null. */
    private final Path createdTop;
    private final Set<Path> entriesBefore;
    private final int committedBefore;

    private RunDirectory(Path dir, Path createdTop, Set<Path> entriesBefore, int committedBefore) {
        this.dir = dir;
        this.createdTop = createdTop;
        this.entriesBefore = entriesBefore;
        this.committedBefore = committedBefore;
    }

    /**
     * Creates {@code dir} and its missing parents, one level at a time so that a directory made by someone
     * else in the meantime is never taken for this invocation's, and records what it holds.
     */
    static RunDirectory prepare(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path p = dir.toAbsolutePath(); p != null && !Files.exists(p); p = p.getParent()) {
            missing.add(0, p);
        }
        Path top = null;
        for (Path p : missing) {
            try {
                Files.createDirectory(p);
                if (top == null) {
                    top = p;
                }
            } catch (FileAlreadyExistsException e) {
                if (!Files.isDirectory(p)) {
                    deleteTree(top);
                    throw new GoldException("cannot create run directory " + dir + ": " + p + " is not a directory");
                }
            } catch (IOException e) {
                deleteTree(top);
                throw new GoldException("cannot create run directory " + dir + ": " + TextFiles.reason(e), e);
            }
        }
        return new RunDirectory(dir, top, entries(dir), committedRounds(dir));
    }

    /**
     * After a failure: when this invocation committed no round, removes what it added. The directory goes
     * when this invocation created it and it holds no committed round; otherwise only the entries that
     * were not there before go, and only the request cache unless the run had started (then the run files
     * are this invocation's too).
     *
     * @param runStarted whether the loop had opened the run store for this invocation
     * @return what was removed, for the message; null when nothing was
     */
    String cleanUpAfterFailure(boolean runStarted) {
        int committed = committedRounds(dir);
        if (committed > committedBefore || committed == Integer.MAX_VALUE) {
            return null; // rounds committed by this invocation are the run's data; an unreadable file is kept
        }
        if (createdTop != null && committed == 0) {
            return deleteTree(createdTop) ? "removed " + createdTop + ", which this failed start had created" : null;
        }
        List<String> removed = new ArrayList<>();
        for (Path p : entries(dir)) {
            if (!entriesBefore.contains(p) && (runStarted || p.getFileName().toString().equals(REQUEST_CACHE))
                    && deleteTree(p)) {
                removed.add(p.getFileName().toString());
            }
        }
        return removed.isEmpty() ? null : "removed " + String.join(", ", removed) + " that this failed start had "
                + "written in " + dir;
    }

    private static Set<Path> entries(Path dir) {
        Set<Path> out = new HashSet<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new GoldException("cannot list run directory " + dir + ": " + TextFiles.reason(e), e);
        }
        return out;
    }

    /** Lines of rounds.jsonl: a round counts once its line is there. */
    private static int committedRounds(Path dir) {
        Path rounds = dir.resolve(RunStore.ROUNDS);
        if (!Files.exists(rounds)) {
            return 0;
        }
        try (Stream<String> lines = Files.lines(rounds, StandardCharsets.UTF_8)) {
            return (int) lines.filter(l -> !l.isBlank()).count();
        } catch (IOException | java.io.UncheckedIOException e) {
            return Integer.MAX_VALUE; // unreadable: treat as holding data, so nothing is removed
        }
    }

    private static boolean deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return false;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
            return true;
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", root, TextFiles.reason(e));
            return false;
        }
    }
}
