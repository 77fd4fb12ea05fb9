package io.github.goldkd.student.seq;

import org.bytedeco.javacpp.Pointer;
import org.nd4j.autodiff.samediff.internal.memory.AbstractMemoryMgr;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.BaseNDArray;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.LongShapeDescriptor;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The memory of a SameDiff session that runs one call after another: every array a call allocates is handed out
 * again in a later call (or later in the same call, once the session releases it).
 *
 * <p>Why not SameDiff's own {@code ArrayCacheMemoryMgr}: it only reuses what the session releases, and in the
 * seq2seq student's gradient function the session never releases about a third of a step's arrays (175 of 530
 * per step, measured): their release waits on ops the step never runs, such as the decoding graph's reads of the
 * encoder output. They are dead once the call has returned its results, which is when this manager takes them
 * back ({@link #beginStep}), except the results the caller holds ({@link #handOver}, {@link #keep}).
 *
 * <p>Buffers are pooled by data type and capacity, a power of two at least the array's length, so an array of
 * another shape of about the same size gets the buffer: a decoder step's arrays grow by one position per step and
 * a training batch's with its longest sequence, and an exact-size pool missed every one of them (half of a long
 * decoding went to allocating and zeroing fresh buffers). An array shorter than its buffer is a view on its
 * first elements. The pool is bounded: past {@code maxPooledBytes} the oldest buffers are dropped to the garbage
 * collector. A released buffer that another array still shares is never pooled. Not thread-safe: one per
 * session, and SameDiff keeps one session per thread.
 */
final class StepMemory extends AbstractMemoryMgr {

    private record Key(DataType type, long capacity) {
    }

    /**
     * A buffer of this manager and the last array made on it (handed out again as it is when the next request
     * has its very shape). Identity, not equality, tells two apart.
     */
    private static final class Slot {
        final Key key;
        final DataBuffer buffer;
        INDArray array;

        Slot(Key key, DataBuffer buffer, INDArray array) {
            this.key = key;
            this.buffer = buffer;
            this.array = array;
        }
    }

    /** How many pooled buffers of one capacity are searched for an array of the very shape before one is rewrapped. */
    private static final int SHAPE_SEARCH = 8;

    private final long maxPooledBytes;
    private final Map<Key, ArrayDeque<Slot>> free = new HashMap<>();
    /** Every pooled slot, oldest first: the eviction order. */
    private final LinkedHashSet<Slot> age = new LinkedHashSet<>();
    /** The slot of every array handed out since the last {@link #beginStep} and not yet pooled again. */
    private final Map<INDArray, Slot> live = new IdentityHashMap<>();
    /** Buffers of this call that went to the caller. */
    private final Set<DataBuffer> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private long pooledBytes;
    private long reused;
    private long allocated;

    /** A pool of at most a quarter of JavaCPP's off-heap limit, as SameDiff's own cache. */
    StepMemory() {
        this(Pointer.maxBytes() / 4);
    }

    StepMemory(long maxPooledBytes) {
        if (maxPooledBytes < 0) {
            throw new IllegalArgumentException("maxPooledBytes must be >= 0, was " + maxPooledBytes);
        }
        this.maxPooledBytes = maxPooledBytes;
    }

    @Override
    public INDArray allocate(boolean detached, DataType dataType, long... shape) {
        return take(dataType, shape, 'c');
    }

    @Override
    public INDArray allocate(boolean detached, LongShapeDescriptor descriptor) {
        if (descriptor.isEmpty()) {
            return Nd4j.create(descriptor); // no buffer to reuse
        }
        return take(descriptor.dataType(), descriptor.getShape(), descriptor.getOrder());
    }

    private INDArray take(DataType type, long[] shape, char order) {
        long length = 1;
        for (long d : shape) {
            length *= d;
        }
        if (length == 0 || type == DataType.UTF8) {
            return Nd4j.createUninitializedDetached(type, order, shape); // nothing to pool
        }
        Key key = new Key(type, capacity(length));
        ArrayDeque<Slot> pool = free.get(key);
        Slot slot = pool == null || pool.isEmpty() ? null : sameShape(pool, shape, order);
        if (slot == null && pool != null && !pool.isEmpty()) {
            slot = pool.pollLast();
        }
        INDArray out;
        if (slot != null) {
            age.remove(slot);
            pooledBytes -= bytes(key);
            if (slot.array.ordering() == order && Arrays.equals(slot.array.shape(), shape)) {
                // the array itself, under a new id: the session tracks arrays by id (as SameDiff's own cache does)
                out = slot.array;
                ((BaseNDArray) out).assignNewId();
            } else {
                out = Nd4j.create(slot.buffer, shape, Nd4j.getStrides(shape, order), 0, order);
                slot.array = out;
            }
            reused++;
        } else {
            DataBuffer buffer = Nd4j.createUninitializedDetached(type, key.capacity()).data();
            out = Nd4j.create(buffer, shape, Nd4j.getStrides(shape, order), 0, order);
            slot = new Slot(key, buffer, out);
            allocated++;
        }
        live.put(out, slot);
        return out;
    }

    /** The smallest power of two at least {@code length}: at most twice the memory, and few distinct sizes. */
    static long capacity(long length) {
        return length <= 1 ? 1 : Long.highestOneBit(length - 1) << 1;
    }

    /** Takes the most recently pooled slot whose array has this very shape among the last few, if there is one. */
    private static Slot sameShape(ArrayDeque<Slot> pool, long[] shape, char order) {
        Iterator<Slot> newest = pool.descendingIterator();
        for (int i = 0; i < SHAPE_SEARCH && newest.hasNext(); i++) {
            Slot s = newest.next();
            if (s.array.ordering() == order && Arrays.equals(s.array.shape(), shape)) {
                newest.remove();
                return s;
            }
        }
        return null;
    }

    /** The session says no later op of this call reads {@code array}. */
    @Override
    public void release(INDArray array) {
        Slot slot = live.remove(array);
        if (slot != null) {
            pool(slot);
        }
    }

    /**
     * Starts a call: every array of the previous call that was not handed over is dead (the session keeps stale
     * references to them, but reads a variable only after this call's op wrote it), so its buffer is pooled.
     */
    void beginStep() {
        kept.clear();
        for (Slot slot : live.values()) {
            pool(slot);
        }
        live.clear();
    }

    /** The call's results go to the caller: this manager never hands their buffers out again. */
    void handOver(Collection<INDArray> outputs) {
        for (INDArray o : outputs) {
            keep(o);
        }
    }

    /**
     * {@code array} goes to the caller even if the session released it a moment ago: its buffer leaves the pool
     * and the call's arrays, and is not pooled again.
     */
    void keep(INDArray array) {
        if (array == null || array.data() == null) {
            return;
        }
        Slot own = live.remove(array);
        DataBuffer buffer = own != null ? own.buffer : array.data();
        kept.add(buffer);
        if (own == null) {
            // released already (pooled), or an array of the session's own on a buffer of ours
            live.values().removeIf(s -> s.buffer == buffer);
            Iterator<Slot> pooled = age.iterator();
            while (pooled.hasNext()) {
                Slot s = pooled.next();
                if (s.buffer == buffer || s.array == array) {
                    unpool(pooled, s);
                }
            }
        }
    }

    private void pool(Slot slot) {
        if (kept.contains(slot.buffer) || Nd4j.getExecutioner().useCount(slot.buffer) > 1) {
            return; // the caller's, or another array still reads it: the garbage collector frees it
        }
        long size = bytes(slot.key);
        if (size > maxPooledBytes) {
            return;
        }
        Iterator<Slot> oldest = age.iterator();
        while (pooledBytes + size > maxPooledBytes && oldest.hasNext()) {
            unpool(oldest, oldest.next());
        }
        free.computeIfAbsent(slot.key, k -> new ArrayDeque<>()).addLast(slot);
        age.add(slot);
        pooledBytes += size;
    }

    /** Drops {@code slot}, the last one {@code ofAge} gave, from the pool (its buffer is left to the collector). */
    private void unpool(Iterator<Slot> ofAge, Slot slot) {
        ofAge.remove();
        free.get(slot.key).remove(slot);
        pooledBytes -= bytes(slot.key);
    }

    private static long bytes(Key key) {
        return key.capacity() * key.type().width();
    }

    /** Arrays handed out on a pooled buffer, and on a new one, since this manager was created. */
    long reused() {
        return reused;
    }

    long allocated() {
        return allocated;
    }

    long pooledBytes() {
        return pooledBytes;
    }

    @Override
    public void close() {
        free.clear();
        age.clear();
        live.clear();
        pooledBytes = 0;
    }
}
