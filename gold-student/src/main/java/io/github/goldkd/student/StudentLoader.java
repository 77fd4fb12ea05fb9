package io.github.goldkd.student;

import io.github.goldkd.core.Student;

/**
 * Restores the students of one kind for {@link Students#load}: the service-provider interface through which
 * users' own student kinds are found, as the shipped ones are. To register a kind, write its students with
 * {@link StudentFile#write} (which records the kind and the task), implement this interface in a public class
 * with a public no-argument constructor, and name that class on one line of
 * {@code META-INF/services/io.github.goldkd.student.StudentLoader} in your jar.
 *
 * <p>Implementations must be thread-safe: {@link Students} may call one instance from several threads.
 */
public interface StudentLoader {

    /** The kind this loader restores, as {@code student.json} records it (e.g. {@code bag-of-embeddings}). */
    String kind();

    /**
     * Restores the student saved in {@code file}, whose {@link StudentFile#kind()} is {@link #kind()}; the task
     * it was built for is {@link StudentFile#task()}.
     */
    Student load(StudentFile file);
}
