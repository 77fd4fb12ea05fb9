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

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
