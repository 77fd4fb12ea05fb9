package io.github.goldkd.examples;

import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a release to Maven Central and a user's build need from the repository: the licence, the pom
 * metadata, a bill of materials that manages every module at the project's version, and a licence named
 * beside every shipped data set.
 */
class ReleaseFilesTest {

    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theRepositoryIsUnderApache2AndTheParentPomCarriesTheMetadataOfARelease() throws Exception {
        String licence = Files.readString(ROOT.resolve("LICENSE"), StandardCharsets.UTF_8);
        assertThat(licence).contains("Apache License", "Version 2.0, January 2004",
                "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION");

        Element parent = pom(ROOT.resolve("pom.xml"));
        assertThat(text(parent, "url")).startsWith("https://");
        assertThat(text(child(child(parent, "licenses"), "license"), "name")).isEqualTo("Apache License, Version 2.0");
        assertThat(text(child(parent, "scm"), "connection")).startsWith("scm:git:");
        assertThat(text(child(parent, "scm"), "url")).isEqualTo(text(parent, "url"));
        assertThat(text(child(child(parent, "developers"), "developer"), "name")).isNotBlank();
        assertThat(text(parent, "description")).isNotBlank();
        // the modules must not append their names to the inherited addresses
        assertThat(parent.getAttribute("child.project.url.inherit.append.path")).isEqualTo("false");
        // -sources and -javadoc jars: the two plugins are configured for every module
        List<String> plugins = new ArrayList<>();
        for (Element p : children(child(child(parent, "build"), "plugins"), "plugin")) {
            plugins.add(text(p, "artifactId"));
        }
        assertThat(plugins).contains("maven-source-plugin");
        String pomText = Files.readString(ROOT.resolve("pom.xml"), StandardCharsets.UTF_8);
        assertThat(pomText).contains("<artifactId>maven-javadoc-plugin</artifactId>");
    }

    @Test
    void theBomManagesEveryModuleAtTheProjectVersion() throws Exception {
        Element parent = pom(ROOT.resolve("pom.xml"));
        String version = text(parent, "version");
        List<String> modules = new ArrayList<>();
        for (Element m : children(child(parent, "modules"), "module")) {
            modules.add(m.getTextContent().strip());
        }
        assertThat(modules).contains("gold-bom");

        Element bom = pom(ROOT.resolve("gold-bom").resolve("pom.xml"));
        assertThat(text(bom, "artifactId")).isEqualTo("gold-bom");
        assertThat(text(bom, "packaging")).isEqualTo("pom");
        assertThat(text(bom, "version")).as("the bom's version is the parent's").isEqualTo(version);
        assertThat(text(bom, "groupId")).isEqualTo(text(parent, "groupId"));
        Map<String, String> managed = new LinkedHashMap<>();
        for (Element d : children(child(child(bom, "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(text(d, "groupId")).isEqualTo(text(parent, "groupId"));
            managed.put(text(d, "artifactId"), text(d, "version"));
        }
        List<String> expected = modules.stream().filter(m -> !m.equals("gold-bom")).toList();
        assertThat(managed.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(managed.values()).allSatisfy(v -> assertThat(v).isEqualTo("${project.version}"));
        // a user's import must not pin the project's third-party versions
        assertThat(bom.getElementsByTagName("parent").getLength()).isZero();
    }

    @Test
    void everyShippedDataFolderNamesItsLicenceBesideIt() throws Exception {
        Path data = ROOT.resolve("gold-examples/src/main/resources/data");
        List<Path> folders;
        try (Stream<Path> s = Files.list(data)) {
            folders = s.filter(Files::isDirectory).sorted().toList();
        }
        assertThat(folders).hasSizeGreaterThanOrEqualTo(5);
        for (Path folder : folders) {
            Path readme = folder.resolve("README.md");
            assertThat(readme).as("a README beside %s", folder.getFileName()).isRegularFile();
            String text = Files.readString(readme, StandardCharsets.UTF_8);
            assertThat(text).as(readme.toString()).containsPattern("(?i)licen[cs]e:? ")
                    .containsPattern("CC BY(-SA)? 4\\.0|MIT");
        }
    }

    private static Element pom(Path file) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document d = f.newDocumentBuilder().parse(file.toFile());
        return d.getDocumentElement();
    }

    /** The first direct child element named {@code name}; fails when there is none. */
    private static Element child(Element e, String name) {
        List<Element> c = children(e, name);
        assertThat(c).as("<%s> in <%s>", name, e.getTagName()).isNotEmpty();
        return c.get(0);
    }

    private static List<Element> children(Element e, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = e.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            Node n = nodes.item(i);
            if (n instanceof Element el && el.getTagName().equals(name)) {
                out.add(el);
            }
        }
        return out;
    }

    private static String text(Element e, String name) {
        return child(e, name).getTextContent().strip();
    }
}
