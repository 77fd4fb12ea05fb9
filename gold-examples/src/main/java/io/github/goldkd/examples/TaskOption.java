package io.github.goldkd.examples;

import io.github.goldkd.core.Dataset;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.io.TaskJson;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The command line's {@code --task NAME|FILE}: a task file, as before, or the name of a shipped task
 * ({@link ShippedTasks#NAMES}), whose shipped pool and test set then serve as the defaults of {@code --pool}
 * and {@code --test}. An existing file wins over a name, so a path keeps working whatever it is called.
 *
 * @param task the task
 * @param name the shipped task's name, or null when the task came from a file
 */
record TaskOption(Task task, String name) {

    /**
     * Resolves the option's value.
     *
     * @throws CommandLine.ParameterException (a usage error) when it is neither a file nor a shipped name
     */
    static TaskOption resolve(CommandLine cli, String value) {
        Path file = Path.of(value);
        if (Files.isRegularFile(file)) {
            return new TaskOption(TaskJson.read(file), null);
        }
        if (ShippedTasks.isName(value)) {
            return new TaskOption(ShippedTasks.task(value), value.toLowerCase(java.util.Locale.ROOT));
        }
        throw new CommandLine.ParameterException(cli, "--task must be a task file or one of "
                + String.join(", ", ShippedTasks.NAMES) + "; no file " + value);
    }

    /**
     * Refuses a sequence task: the students of {@code --student} (bag, cnn, encoder) are classifiers. Called
     * before any data is read or teacher built.
     */
    /**
     * The student for this task: {@code given} (a {@code --student} value, or null) when it learns the task's
     * kind, else the kind's default ({@code classifier} for a classification task).
     *
     * @throws CommandLine.ParameterException for an unknown student, or one that cannot learn this kind
     */
    StudentChoice student(CommandLine cli, String given, StudentChoice classifier) {
        String kind = task.kind().name().toLowerCase(java.util.Locale.ROOT);
        if (given == null) {
            return StudentChoice.defaultFor(task.kind(), classifier).orElseThrow(() ->
                    new CommandLine.ParameterException(cli, "no shipped student learns " + kind + " tasks"));
        }
        StudentChoice c;
        try {
            c = StudentChoice.parse(given);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cli, e.getMessage());
        }
        if (!c.supports(task.kind())) {
            throw new CommandLine.ParameterException(cli, "--student " + c.cliName() + " does not learn " + kind
                    + " tasks such as '" + task.name() + "'; students of " + kind + " tasks: "
                    + StudentChoice.namesFor(task.kind()));
        }
        return c;
    }

    /** Whether the task is a shipped one (so pool and test have defaults). */
    boolean shipped() {
        return name != null;
    }

    /** A short name for run directories: the shipped name or the file name without {@code .json}. */
    static String slug(String value) {
        Path p = Path.of(value).getFileName();
        return (p == null ? value : p.toString()).replaceFirst("\\.json$", "");
    }

    /** {@code file} read for the task, or the shipped pool when no file is given and the task is shipped. */
    Dataset pool(Path file) {
        return file != null ? ShippedTasks.read(task, file) : name != null ? ShippedTasks.pool(name) : null;
    }

    /** {@code file} read for the task, or the shipped test set when no file is given and the task is shipped. */
    Dataset test(Path file) {
        return file != null ? ShippedTasks.read(task, file) : name != null ? ShippedTasks.test(name) : null;
    }
}
