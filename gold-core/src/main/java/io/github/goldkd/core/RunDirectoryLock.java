package io.github.goldkd.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The exclusive right to write one run directory: an OS file lock on {@value #FILE} in it, which holds the
 * owner's process id for the message a second writer gets. The operating system releases the lock when the
 * owner closes it or exits, crashes included, so a lock is never stale; the file itself stays (deleting it
 * would let two processes lock two different files of the same name).
 */
final class RunDirectoryLock implements Closeable {

    /** The lock file in the run directory. */
    static final String FILE = ".lock";

    /**
     * The locked byte lies far past the process id, so that systems with mandatory locks (Windows) still let
     * a second process read the id of the first.
     */
    private static final long LOCKED_BYTE = Long.MAX_VALUE - 1;

    /**
     * Directories locked by this JVM. Checked before the lock file is opened: a JVM that opened and closed a
     * second channel on a file it has locked would drop its own POSIX lock, and a second lock attempt from
     * the same JVM only throws {@link OverlappingFileLockException}.
     */
    private static final Set<Path> HELD = ConcurrentHashMap.newKeySet();

    private final Path key;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean closed;

    private RunDirectoryLock(Path key, FileChannel channel, FileLock lock) {
        this.key = key;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code dir}, which must exist, for this process.
     *
     * @throws RunStoreException "run directory R is in use by process N" when another writer holds it
     */
    static RunDirectoryLock acquire(Path dir) {
        return acquire(dir, true);
    }

    private static RunDirectoryLock acquire(Path dir, boolean writeOwner) {
        Path key = key(dir);
        long self = ProcessHandle.current().pid();
        if (!HELD.add(key)) {
            throw inUse(dir, Long.toString(self));
        }
        FileChannel ch = null;
        try {
            ch = FileChannel.open(dir.resolve(FILE), StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = ch.tryLock(LOCKED_BYTE, 1, false);
            } catch (OverlappingFileLockException e) {
                // another class loader of this JVM holds it
                throw inUse(dir, Long.toString(self));
            }
            if (lock == null) {
                throw inUse(dir, readOwner(ch));
            }
            if (writeOwner) {
                // not forced to disk: the id only serves the message, and a lost id only makes it vaguer
                ch.truncate(0);
                ByteBuffer pid = ByteBuffer.wrap((self + "\n").getBytes(StandardCharsets.UTF_8));
                while (pid.hasRemaining()) {
                    ch.write(pid, pid.position());
                }
            }
            return new RunDirectoryLock(key, ch, lock);
        } catch (IOException e) {
            close(ch);
            HELD.remove(key);
            throw new RunStoreException("cannot lock run directory " + dir + " (" + dir.resolve(FILE) + "): "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            close(ch);
            HELD.remove(key);
            throw e;
        }
    }

    /**
     * Fails when another writer holds {@code dir} now, without keeping the lock: lets a caller refuse early,
     * before it builds expensive components. The lock itself is taken later by {@link #acquire}.
     */
    static void checkFree(Path dir) {
        if (!Files.isRegularFile(dir.resolve(FILE))) {
            return; // nobody has ever written the directory through a lock
        }
        acquire(dir, false).close();
    }

    /** Releases the lock; the lock file stays. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            lock.release();
        } catch (IOException ignored) {
            // closing the channel below releases it as well
        } finally {
            close(channel);
            HELD.remove(key);
        }
    }

    private static Path key(Path dir) {
        try {
            return dir.toRealPath();
        } catch (IOException e) {
            return dir.toAbsolutePath().normalize();
        }
    }

    private static String readOwner(FileChannel ch) {
        try {
            ByteBuffer buf = ByteBuffer.allocate(32);
            int n = ch.read(buf, 0);
            String pid = n <= 0 ? "" : new String(buf.array(), 0, n, StandardCharsets.UTF_8).strip();
            return pid.matches("\\d+") ? pid : "(unknown: it has not written its id yet)";
        } catch (IOException e) {
            return "(unknown: " + e.getMessage() + ")";
        }
    }

    private static RunStoreException inUse(Path dir, String pid) {
        return new RunStoreException("run directory " + dir + " is in use by process " + pid
                + "; two writers would corrupt it: wait for that run to end or stop it");
    }

    private static void close(FileChannel ch) {
        if (ch != null) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // nothing left to release
            }
        }
    }
}
