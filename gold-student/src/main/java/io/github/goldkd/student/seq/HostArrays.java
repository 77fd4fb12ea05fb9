package io.github.goldkd.student.seq;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Bulk copies between ND4J's off-heap float arrays and Java arrays. {@code DataBuffer.asFloat()} and
 * {@code setData(float[])} copy element by element through an indexer: in the host Adam step of a math student they
 * took most of the step's time (JFR: 9 % of {@code fit}, the arithmetic itself a fraction of it); the buffer's direct
 * {@code FloatBuffer} view copies in one call.
 */
final class HostArrays {

    private HostArrays() {
    }

    /** The values of {@code a} in row-major order, as floats (a copy). */
    static float[] values(INDArray a) {
        INDArray plain = isPlain(a) ? a : a.castTo(DataType.FLOAT).dup('c');
        float[] out = new float[(int) plain.length()];
        plain.data().asNioFloat().get(out);
        return out;
    }

    /** Writes {@code values} into {@code a} in row-major order; {@code a} must be {@link #isPlain plain}. */
    static void set(INDArray a, float[] values) {
        if (!isPlain(a) || a.length() != values.length) {
            throw new IllegalStateException("a host copy goes back into a plain float array of its length; got "
                    + a.dataType() + " " + a.ordering() + (a.isView() ? " view" : "") + " of " + a.length()
                    + " for " + values.length + " values");
        }
        a.data().asNioFloat().put(values);
    }

    /** Whether {@code a}'s buffer holds exactly its values, as floats, in row-major order. */
    static boolean isPlain(INDArray a) {
        return a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c' && a.data().length() == a.length();
    }
}
