package io.github.goldkd.examples;

import picocli.CommandLine;

import java.util.Locale;

/**
 * Checks of command-line values that name the option as the user typed it ({@code --batch-size}), made
 * before anything is built or written: the library's own checks name its builder settings instead.
 */
final class Options {

    private Options() {
    }

    static void range(CommandLine.Model.CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    option + " must be in [" + min + ", " + max + "], was " + value);
        }
    }

    static void range(CommandLine.Model.CommandSpec spec, String option, double value, double min, double max) {
        if (!(value >= min && value <= max)) {
            throw new CommandLine.ParameterException(spec.commandLine(), String.format(Locale.ROOT,
                    "%s must be in [%s, %s], was %s", option, fmt(min), fmt(max), value));
        }
    }

    /** Whether {@code option} was given on the command line (not just left at its default). */
    static boolean given(CommandLine.Model.CommandSpec spec, String option) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        return parsed != null && parsed.hasMatchedOption(option);
    }

    /** Refuses a path given for {@code option} that is not a regular file; null (not given) passes. */
    static void requireFile(CommandLine.Model.CommandSpec spec, java.nio.file.Path file, String option) {
        if (file != null && !java.nio.file.Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " file "
                    + (java.nio.file.Files.isDirectory(file) ? "is a directory" : "not found") + ": " + file);
        }
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
