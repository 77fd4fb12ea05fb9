package io.github.goldkd.examples;

import com.google.gson.JsonParser;
import io.github.goldkd.core.GoldException;
import io.github.goldkd.core.Task;
import io.github.goldkd.core.TaskKind;
import io.github.goldkd.core.io.TaskJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The READMEs' code compiles as written, against the modules' classes, and their task files parse.
 *
 * <p>Every {@code ```java} block of README.md is a complete source file (imports included, nothing hidden)
 * and is compiled as it stands. A block of a module README (gold-*&#47;README.md) may be a fragment: it is
 * compiled as the body of a method whose parameters, and any imports, are declared in an HTML comment
 * right before the block, which GitHub does not show:
 * {@code <!-- compiles with: import io.github.goldkd.ood.*; given: double[] scores, Task task -->}.
 * Deprecated calls fail the compilation, so a README does not teach an API on its way out.
 */
class ReadmeTest {

    private static final Pattern FENCE = Pattern.compile(
            "(?:<!-- compiles with:(?<context>[^\\n]*?)-->\\s*\\n)?```(?<lang>java|json)\\n(?<code>.*?)\\n```",
            Pattern.DOTALL);

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @TempDir
    Path tmp;

    /** One fenced block of a README. */
    private record Block(Path readme, int line, String lang, String context, String code) {
        String where() {
            return ROOT.relativize(readme) + " line " + line;
        }
    }

    @Test
    void everyJavaBlockOfTheMainReadmeIsACompleteProgramThatCompilesAsWritten() throws IOException {
        List<Block> blocks = blocks(ROOT.resolve("README.md"), "java");
        assertThat(blocks).as("the library examples of README.md").hasSizeGreaterThanOrEqualTo(3);
        for (Block b : blocks) {
            assertThat(b.context()).as("%s: README.md's code hides nothing", b.where()).isNull();
            Matcher type = Pattern.compile("(?m)^public (?:final )?(?:class|record|interface) (\\w+)")
                    .matcher(b.code());
            assertThat(type.find()).as("%s: a complete source file with a public class", b.where()).isTrue();
            compile(b, type.group(1), b.code());
        }
    }

    @Test
    void everyJavaBlockOfTheModuleReadmesCompilesInItsDeclaredContext() throws IOException {
        List<Block> blocks = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path m : modules.filter(p -> p.getFileName().toString().startsWith("gold-")).sorted().toList()) {
                if (Files.isRegularFile(m.resolve("README.md"))) {
                    blocks.addAll(blocks(m.resolve("README.md"), "java"));
                }
            }
        }
        assertThat(blocks).as("the module READMEs' snippets").isNotEmpty();
        int n = 0;
        for (Block b : blocks) {
            StringBuilder imports = new StringBuilder();
            String given = "";
            if (b.context() != null) {
                for (String part : b.context().split(";")) {
                    String p = part.strip();
                    if (p.startsWith("import ")) {
                        imports.append(p).append(";\n");
                    } else if (p.startsWith("given:")) {
                        given = p.substring("given:".length()).strip();
                    } else if (!p.isEmpty()) {
                        throw new AssertionError(b.where() + ": unknown part of the compile context: " + p);
                    }
                }
            }
            String body = b.code().lines().filter(l -> !l.startsWith("import "))
                    .collect(Collectors.joining("\n"));
            b.code().lines().filter(l -> l.startsWith("import ")).forEach(l -> imports.append(l).append('\n'));
            String name = "ModuleSnippet" + n++;
            compile(b, name, imports + "\nclass " + name + " {\n    void run(" + given + ") throws Exception {\n"
                    + body + "\n    }\n}\n");
        }
    }

    @Test
    void theTaskFilesOfTheReadmeParseWithTaskJson() throws IOException {
        List<Block> blocks = blocks(ROOT.resolve("README.md"), "json");
        assertThat(blocks).as("the task files of README.md").hasSizeGreaterThanOrEqualTo(2);
        for (Block b : blocks) {
            Path file = tmp.resolve("task-" + b.line() + ".json");
            Files.writeString(file, b.code(), StandardCharsets.UTF_8);
            Task task = TaskJson.read(file);
            assertThat(task.name()).as(b.where()).isNotBlank();
            assertThat(task.demonstrations()).as(b.where()).isNotEmpty();
        }
        // the complete example of "The task file", and the error its text quotes
        Block example = blocks.stream().filter(b -> b.code().contains("\"support-tickets\"")).findFirst()
                .orElseThrow(() -> new AssertionError("README.md has no task file named support-tickets"));
        Path file = tmp.resolve("task.json");
        Files.writeString(file, example.code(), StandardCharsets.UTF_8);
        Task task = TaskJson.read(file);
        assertThat(task.kind()).isEqualTo(TaskKind.CLASSIFICATION);
        assertThat(task.labelNames()).containsExactly("billing", "delivery", "technical");
        assertThat(task.inputFields()).containsExactly("text");
        assertThat(task.demonstrations()).hasSize(3).allSatisfy(d -> assertThat(d.label()).isNotNull());
        assertThat(TaskJson.fromJson(JsonParser.parseString(example.code()).getAsJsonObject())).isEqualTo(task);

        Files.writeString(file, example.code().replace("\"label\": \"billing\"}", "\"label\": \"refund\"}"),
                StandardCharsets.UTF_8);
        String readme = Files.readString(ROOT.resolve("README.md"), StandardCharsets.UTF_8).replaceAll("\\s+", " ");
        assertThatThrownBy(() -> TaskJson.read(file)).isInstanceOf(GoldException.class)
                .satisfies(e -> assertThat(readme).contains(e.getMessage().replace(file.toString(), "task.json")));
    }

    /** The fenced blocks of {@code lang} in {@code readme}, in order. */
    private static List<Block> blocks(Path readme, String lang) throws IOException {
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        List<Block> out = new ArrayList<>();
        Matcher m = FENCE.matcher(text);
        while (m.find()) {
            if (m.group("lang").equals(lang)) {
                int line = (int) text.substring(0, m.start("code")).lines().count();
                out.add(new Block(readme, line, lang, m.group("context"), m.group("code")));
            }
        }
        return out;
    }

    /** Compiles one source file against the test class path; fails with javac's messages. */
    private void compile(Block b, String className, String source) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertThat(javac).as("a JDK compiler (the tests run on a JDK)").isNotNull();
        Path dir = Files.createDirectories(tmp.resolve(className + "-" + b.line()));
        Path file = dir.resolve(className + ".java");
        Files.writeString(file, source, StandardCharsets.UTF_8);
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            List<String> options = List.of("--release", "17", "-classpath", System.getProperty("java.class.path"),
                    "-d", dir.toString(), "-Xlint:deprecation,unchecked,rawtypes", "-Werror", "-proc:none");
            boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(file)).call();
            String messages = diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() != Diagnostic.Kind.NOTE)
                    .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(Locale.ROOT))
                    .collect(Collectors.joining("\n"));
            assertThat(ok).as("%s does not compile:%n%s%n--- as compiled:%n%s", b.where(), messages, source)
                    .isTrue();
        }
    }
}
