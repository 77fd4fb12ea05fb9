package io.github.goldkd.student.seq;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StepMemoryTest {

    @Test
    void aReleasedBufferIsHandedOutAgainForAnyShapeOfItsSize() {
        StepMemory m = new StepMemory(1 << 20);
        INDArray a = m.allocate(false, DataType.FLOAT, 2, 3);
        m.release(a);
        INDArray same = m.allocate(false, DataType.FLOAT, 2, 3);
        assertThat(same).isSameAs(a);
        m.release(same);
        INDArray other = m.allocate(false, DataType.FLOAT, 3, 2);
        assertThat(other.shape()).containsExactly(3, 2);
        assertThat(other.data().address()).isEqualTo(a.data().address());
        assertThat(m.allocate(false, DataType.DOUBLE, 3, 2).data().address()).isNotEqualTo(a.data().address());
        assertThat(m.reused()).isEqualTo(2);
        assertThat(m.allocated()).isEqualTo(2);
    }

    @Test
    void aStepsUnreleasedArraysArePooledAtTheNextStepButItsResultsNever() {
        StepMemory m = new StepMemory(1 << 20);
        INDArray scratch = m.allocate(false, DataType.FLOAT, 4);
        INDArray result = m.allocate(false, DataType.FLOAT, 4);
        m.handOver(List.of(result));
        m.beginStep();
        assertThat(m.pooledBytes()).isEqualTo(16);
        INDArray next = m.allocate(false, DataType.FLOAT, 4);
        assertThat(next).isSameAs(scratch);
        INDArray fresh = m.allocate(false, DataType.FLOAT, 4);
        assertThat(fresh).isNotSameAs(result);
        assertThat(fresh.data().address()).isNotEqualTo(result.data().address());
    }

    @Test
    void aKeptArrayLeavesThePoolEvenAfterItsRelease() {
        StepMemory m = new StepMemory(1 << 20);
        INDArray gradient = m.allocate(false, DataType.FLOAT, 8);
        m.release(gradient); // what the session does with an output no op reads
        m.keep(gradient);
        assertThat(m.pooledBytes()).isZero();
        m.release(gradient);
        m.beginStep();
        assertThat(m.allocate(false, DataType.FLOAT, 8).data().address()).isNotEqualTo(gradient.data().address());
    }

    @Test
    void aGrowingArrayGetsTheBufferOfItsPowerOfTwo() {
        StepMemory m = new StepMemory(1 << 20);
        INDArray five = m.allocate(false, DataType.FLOAT, 1, 5);
        m.release(five);
        INDArray seven = m.allocate(false, DataType.FLOAT, 7, 1);
        assertThat(seven.shape()).containsExactly(7, 1);
        assertThat(seven.data().address()).isEqualTo(five.data().address());
        seven.assign(3);
        assertThat(seven.sumNumber().doubleValue()).isEqualTo(21.0);
        m.release(seven);
        assertThat(m.allocate(false, DataType.FLOAT, 9).data().address()).isNotEqualTo(five.data().address());
        assertThat(StepMemory.capacity(1)).isEqualTo(1);
        assertThat(StepMemory.capacity(8)).isEqualTo(8);
        assertThat(StepMemory.capacity(9)).isEqualTo(16);
    }

    @Test
    void thePoolIsBoundedOldestFirst() {
        StepMemory m = new StepMemory(32);
        INDArray first = m.allocate(false, DataType.FLOAT, 6);
        INDArray second = m.allocate(false, DataType.FLOAT, 6);
        INDArray tooBig = m.allocate(false, DataType.FLOAT, 9);
        m.release(first);
        m.release(second);
        m.release(tooBig);
        assertThat(m.pooledBytes()).isEqualTo(32);
        assertThat(m.allocate(false, DataType.FLOAT, 6)).isSameAs(second);
        assertThat(m.allocate(false, DataType.FLOAT, 6)).isNotSameAs(first);
        assertThatThrownBy(() -> new StepMemory(-1)).hasMessageContaining("maxPooledBytes");
    }
}
