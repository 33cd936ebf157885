package org.blobsfile.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The plugin SPI must not depend on the store API: a plugin author's view stays small, and the two
 * packages can evolve apart. Checked on the compiled classes, whose constant pools name every type
 * a class uses, including ones that only appear in signatures.
 */
class SpiLayeringTest {
    // a type directly in org.blobsfile.api: a class name follows the slash, not a sub-package
    private static final Pattern API_TYPE = Pattern.compile("org/blobsfile/api/[A-Z][A-Za-z0-9_$]*");

    @Test
    void noSpiClassUsesATypeOfTheApiPackage() throws IOException {
        Path spi = Path.of(System.getProperty("basedir", ""), "target", "classes", "org", "blobsfile", "api", "spi");
        List<String> uses = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.list(spi)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".class"))::iterator) {
                classes++;
                // class file names are modified UTF-8, which is ASCII for these names
                Matcher m = API_TYPE.matcher(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
                while (m.find()) {
                    uses.add(f.getFileName() + " uses " + m.group());
                }
            }
        }
        assertThat(classes).as("compiled SPI classes in " + spi).isPositive();
        assertThat(uses).as("references from org.blobsfile.api.spi to org.blobsfile.api").isEmpty();
    }
}
