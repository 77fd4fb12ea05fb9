package io.github.goldkd.student;

import io.github.goldkd.core.RunStore;
import io.github.goldkd.core.Student;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Loads a saved student without knowing its class: {@code Students.load(runDirectory)} reads the kind that
 * {@code student.json} records and hands the file to the {@link StudentLoader} of that kind. The shipped
 * kinds ({@code bag-of-embeddings}, {@code text-cnn}, {@code encoder-mlp}) and any kind registered in a
 * {@code META-INF/services/io.github.goldkd.student.StudentLoader} file on the class path are found through
 * {@link ServiceLoader}.
 *
 * <p>An {@code encoder-mlp} student is loaded on the bundled bge-small encoder ({@link OnnxBgeEncoder}, its
 * optional dependency on the class path) when it was trained on it; a student trained on another encoder is
 * loaded with {@code EncoderStudent.factory(thatEncoder).load(path)}.
 */
public final class Students {

    private Students() {
    }

    /**
     * The student saved in {@code fileOrRunDirectory}: a student file, or a run directory whose final student
     * ({@value RunStore#FINAL_STUDENT}) is loaded.
     *
     * @throws StudentException when the path holds no student file, or no loader on the class path restores
     *                          its kind (the message names the kinds there are)
     */
    public static Student load(Path fileOrRunDirectory) {
        StudentFile file = StudentFile.read(fileOrRunDirectory);
        Map<String, StudentLoader> loaders = loaders();
        StudentLoader loader = loaders.get(file.kind());
        if (loader == null) {
            throw new StudentException("student file " + file.path() + " holds a '" + file.kind()
                    + "' student, and no StudentLoader on the class path loads that kind; known kinds: "
                    + new TreeSet<>(loaders.keySet()) + " (register one in META-INF/services/"
                    + StudentLoader.class.getName() + ")");
        }
        return loader.load(file);
    }

    /** The kinds the loaders on the class path restore, sorted. */
    public static Set<String> kinds() {
        return Collections.unmodifiableSet(new TreeSet<>(loaders().keySet()));
    }

    /**
     * Every loader visible to the thread's context class loader or to gold-student's own, by kind; two loaders
     * of one kind are an error, since which one wins would depend on the class path's order.
     */
    static Map<String, StudentLoader> loaders() {
        Map<String, StudentLoader> byKind = new LinkedHashMap<>();
        Map<String, String> classes = new LinkedHashMap<>();
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        for (ClassLoader cl : context == null || context == Students.class.getClassLoader()
                ? new ClassLoader[] {Students.class.getClassLoader()}
                : new ClassLoader[] {context, Students.class.getClassLoader()}) {
            try {
                for (StudentLoader l : ServiceLoader.load(StudentLoader.class, cl)) {
                    String kind = l.kind();
                    String previous = classes.putIfAbsent(kind, l.getClass().getName());
                    if (previous == null) {
                        byKind.put(kind, l);
                    } else if (!previous.equals(l.getClass().getName())) {
                        throw new StudentException("two StudentLoaders on the class path load kind '" + kind + "': "
                                + previous + " and " + l.getClass().getName() + "; remove one");
                    }
                }
            } catch (ServiceConfigurationError e) {
                throw new StudentException("a StudentLoader registered in META-INF/services/"
                        + StudentLoader.class.getName() + " cannot be created: " + e.getMessage(), e);
            }
        }
        return byKind;
    }
}
