package io.github.goldkd.student;

import io.github.goldkd.core.GoldException;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Users who leave out the optional bge-small dependency (and with it onnxruntime) must be able to use every
 * other student: only OnnxBgeModel may refer to its packages.
 */
class OptionalDependencyTest {

    /** The classes that may refer to it, each loaded only after an availability check. */
    private static final java.util.Set<String> GUARDED = java.util.Set.of("OnnxBgeModel.class",
            "OnnxBgeTokenModel.class");

    private static Path classesDir() {
        return Path.of(OnnxBgeEncoder.class.getProtectionDomain().getCodeSource().getLocation().getPath());
    }

    @Test
    void onlyOnnxBgeModelRefersToTheOptionalDependency() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(classesDir())) {
            files = walk.filter(p -> p.toString().endsWith(".class")).toList();
        }
        assertThat(files).hasSizeGreaterThan(10);
        for (Path f : files) {
            // class names in the constant pool are stored as plain UTF-8, so a byte search finds any reference
            String bytes = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
            boolean refers = bytes.contains("dev/langchain4j") || bytes.contains("ai/onnxruntime")
                    || bytes.contains("ai/djl");
            if (GUARDED.contains(f.getFileName().toString())) {
                assertThat(refers).as("the scan finds the classes that do refer to it").isTrue();
            } else {
                assertThat(refers).as("%s refers to the optional dependency", f.getFileName()).isFalse();
            }
        }
    }

    @Test
    void withoutTheDependencyOnnxBgeEncoderSaysWhatIsMissing() throws Exception {
        URL[] urls = {classesDir().toUri().toURL(),
                GoldException.class.getProtectionDomain().getCodeSource().getLocation()};
        // a class path of gold-student and gold-core only: no langchain4j, no onnxruntime, no DL4J
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> c = loader.loadClass(OnnxBgeEncoder.class.getName());
            assertThat(c.getMethod("isAvailable").invoke(null)).isEqualTo(false);
            Method create = c.getMethod("create");
            try {
                create.invoke(null);
                throw new AssertionError("create() must fail without the dependency");
            } catch (InvocationTargetException e) {
                assertThat(e.getCause().getClass().getName()).isEqualTo(StudentException.class.getName());
                assertThat(e.getCause()).hasMessageContaining(OnnxBgeEncoder.ARTIFACT);
            }
        }
    }
}
