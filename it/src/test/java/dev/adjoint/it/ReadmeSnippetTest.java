package dev.adjoint.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's pom snippet and the sample project CI builds cannot drift apart: the sample's pom is
 * exactly its coordinates plus the snippet.
 */
class ReadmeSnippetTest {

    private static final Path README = Path.of("..", "README.md");

    private static final Path SAMPLE_POM = Path.of("..", "samples", "use-adjoint", "pom.xml");

    /** Everything in the sample's pom that is not the snippet: the XML frame and the sample's own coordinates. */
    private static final String FRAME_BEFORE = """
            <?xml version="1.0" encoding="UTF-8"?>
            <project xmlns="http://maven.apache.org/POM/4.0.0"
                     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                     xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
              <modelVersion>4.0.0</modelVersion>
              <groupId>com.example</groupId>
              <artifactId>use-adjoint</artifactId>
              <version>1.0-SNAPSHOT</version>

            """;

    private static final String FRAME_AFTER = "</project>\n";

    /** The first ```xml block of the README's "Use Adjoint in your project" section. */
    private static String readmeSnippet() throws IOException {
        String readme = Files.readString(README);
        int section = readme.indexOf("\n## Use Adjoint in your project\n");
        assertTrue(section >= 0, "README.md has no '## Use Adjoint in your project' section");
        Matcher block = Pattern.compile("```xml\n(.*?)```\n", Pattern.DOTALL).matcher(readme);
        assertTrue(block.find(section), "no ```xml block in the README's 'Use Adjoint in your project' section");
        int nextSection = readme.indexOf("\n## ", section + 1);
        assertTrue(nextSection < 0 || block.start() < nextSection, "the ```xml block is not in that section");
        return block.group(1);
    }

    @Test
    void samplePomIsTheReadmeSnippetInItsFrame() throws IOException {
        String snippet = readmeSnippet();
        String pom = Files.readString(SAMPLE_POM);
        assertEquals(FRAME_BEFORE + snippet + FRAME_AFTER, pom,
                "samples/use-adjoint/pom.xml must be its coordinates plus the README's snippet, verbatim");
    }

    @Test
    void snippetUsesThisBuildsVersion() throws IOException {
        String version = System.getProperty("adjoint.version");
        assertNotNull(version, "surefire passes adjoint.version");
        assertTrue(readmeSnippet().contains("<adjoint.version>" + version + "</adjoint.version>"),
                "the README's snippet does not name version " + version);
    }
}
