package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Keeps the README honest: every {@code ```java} block is compiled against the modules as built
 * and run in a fresh JVM in an empty directory, exactly as written. A block is a run of
 * statements preceded by its imports; the test wraps it in a {@code main} method.
 */
class ReadmeTest {
    @TempDir
    Path tmp;

    static String readme() throws IOException {
        Path base = Path.of(System.getProperty("basedir", "."));
        Path readme = base.resolve("../README.md").normalize();
        if (!Files.exists(readme)) {
            readme = Path.of("README.md");
        }
        return Files.readString(readme, StandardCharsets.UTF_8);
    }

    /** @return the lines of every fenced block of language {@code lang} */
    static List<List<String>> blocks(String markdown, String lang) {
        List<List<String>> out = new ArrayList<>();
        List<String> current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.equals("```" + lang)) {
                current = new ArrayList<>();
            } else if (current != null && line.equals("```")) {
                out.add(current);
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return out;
    }

    /** @return the lines of the first block of language {@code lang} after the line {@code marker} */
    static List<String> block(String markdown, String marker, String lang) {
        int at = markdown.indexOf(marker + "\n");
        assertThat(at).as("README.md has the marker %s", marker).isNotNegative();
        return blocks(markdown.substring(at), lang).get(0);
    }

    @Test
    void everyJavaExampleCompilesAndRuns() throws Exception {
        List<List<String>> examples = blocks(readme(), "java");
        assertThat(examples).as("java examples in README.md").isNotEmpty();
        for (int i = 0; i < examples.size(); i++) {
            String name = "ReadmeExample" + i;
            Path classes = Files.createDirectories(tmp.resolve("classes" + i));
            compile(name, source(name, examples.get(i)), classes);
            Path cwd = Files.createDirectories(tmp.resolve("run" + i));
            String output = run(name, classes, cwd);
            assertThat(output).as("output of README example %d", i).isNotBlank();
        }
    }

    @Test
    void theFirstExamplePrintsTheHashOfHello() throws Exception {
        String name = "ReadmeExampleHello";
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        compile(name, source(name, blocks(readme(), "java").get(0)), classes);
        // BLAKE2b-256 of "hello", then its length
        assertThat(run(name, classes, Files.createDirectories(tmp.resolve("cwd"))))
                .contains("324dcf027dd4a30a932c441f365a25e86b173defa4b8e58948253471b81b72cf 5");
    }

    static String source(String className, List<String> lines) {
        StringBuilder imports = new StringBuilder();
        StringBuilder body = new StringBuilder();
        for (String l : lines) {
            (l.startsWith("import ") ? imports : body).append(l).append('\n');
        }
        return imports + "public class " + className + " {\n"
                + "    public static void main(String[] args) throws Exception {\n" + body + "    }\n}\n";
    }

    static void compile(String className, String source, Path classes) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter diagnostics = new StringWriter();
        try (StandardJavaFileManager files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8)) {
            JavaFileObject unit = new SimpleJavaFileObject(URI.create("string:///" + className + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                @Override
                public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return source;
                }
            };
            List<String> options = List.of("-classpath", System.getProperty("java.class.path"), "-d", classes.toString(),
                    "--release", "17", "-Xlint:all", "-Werror");
            boolean ok = javac.getTask(diagnostics, files, null, options, null, List.of(unit)).call();
            assertThat(ok).as("README example compiles:\n%s\n%s", source, diagnostics).isTrue();
        }
    }

    /** Runs the example in its own JVM, so its relative paths land in {@code cwd} and not in the build. */
    static String run(String className, Path classes, Path cwd) throws IOException, InterruptedException {
        String cp = classes + File.pathSeparator + System.getProperty("java.class.path");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", cp, className).directory(cwd.toFile()).redirectErrorStream(true)
                .redirectOutput(cwd.resolveSibling(cwd.getFileName() + ".log").toFile()).start();
        p.getOutputStream().close();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the example finishes").isTrue();
        String output = Files.readString(cwd.resolveSibling(cwd.getFileName() + ".log"));
        assertThat(p.exitValue()).as("exit code of the example; output:\n%s", output).isZero();
        return output;
    }
}
