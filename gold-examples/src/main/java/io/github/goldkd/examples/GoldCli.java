package io.github.goldkd.examples;

import io.github.goldkd.core.io.TextFiles;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.PrintWriter;

/**
 * The {@code gold} command line: {@code demo}, {@code distill}, {@code eval}, {@code score} and
 * {@code bench ablation}.
 * The exit status follows the kind of error, not the class that found it: a bad option or setting (a
 * picocli parameter error, or an {@link IllegalArgumentException}, which the library throws for every
 * setting it refuses) exits with status 2 and one line naming it; a runtime failure (a data file's bad
 * content, I/O, a teacher's error: a {@code GoldException} or anything else) exits with status 1 and the
 * cause, without a stack trace (set {@code GOLD_STACKTRACE=1} to see one).
 */
@Command(name = "gold", mixinStandardHelpOptions = true, versionProvider = GoldCli.Version.class,
        description = "GOLD: LLM-driven data generation and knowledge distillation with out-of-distribution feedback.",
        subcommands = {DemoCommand.class, DistillCommand.class, EvalCommand.class, ScoreCommand.class,
                BenchCommand.class})
public final class GoldCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command line with the given streams and returns the exit status (testable). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new GoldCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("gold: " + ex.getMessage()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            return CommandLine.ExitCode.USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof CommandLine.ParameterException pe) {
                commandLine.getErr().println("gold: " + pe.getMessage());
                return CommandLine.ExitCode.USAGE;
            }
            if (ex instanceof IllegalArgumentException) {
                // A setting some builder or reader refused (core.Check): a usage error, whichever class checked.
                commandLine.getErr().println("gold: " + firstLine(String.valueOf(ex.getMessage())));
                return CommandLine.ExitCode.USAGE;
            }
            commandLine.getErr().println("gold: failed: " + describe(ex));
            if (System.getenv("GOLD_STACKTRACE") != null) {
                ex.printStackTrace(commandLine.getErr());
            }
            return CommandLine.ExitCode.SOFTWARE;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: demo, distill, eval, "
                + "score or bench");
    }

    /**
     * The message and the causes it does not already say, in one line: a file-system cause by its reason
     * ("not found", not the bare path), and no parser's own multi-line text, which the library has
     * already turned into a file and line.
     */
    static String describe(Throwable ex) {
        StringBuilder sb = new StringBuilder(firstLine(ex.getMessage() == null ? ex.getClass().getSimpleName()
                : ex.getMessage()));
        Throwable cause = ex.getCause();
        while (cause != null && cause != ex) {
            String m = cause instanceof IOException io && !cause.getClass().getName().startsWith("com.google.gson.")
                    ? TextFiles.reason(io) : cause.getMessage();
            if (m != null && !cause.getClass().getName().startsWith("com.google.gson.")
                    && !sb.toString().contains(firstLine(m))) {
                sb.append(": ").append(firstLine(m));
            }
            ex = cause;
            cause = cause.getCause();
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** The library version from gold-core's build. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            Package p = io.github.goldkd.core.GoldDistiller.class.getPackage();
            String v = p.getImplementationVersion();
            return new String[] {"gold " + (v == null ? "0.1.0-SNAPSHOT" : v)};
        }
    }
}
