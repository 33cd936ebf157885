import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites, inside the command line's executable jar, every class file older than Java 6 (major
 * version under 50) as a Java 8 class file with stack map frames computed by ASM. The bytecode
 * itself is kept. Run by the build after the jar is shaded:
 * {@code java -cp asm.jar UpgradeClassFiles.java JAR}.
 *
 * <p>Why: {@code bin/blobsfile} keeps a class-data-sharing archive of the classes a run loads, and
 * JDK 17 leaves pre-Java 6 class files out of it, so picocli (compiled for Java 5) was read and
 * verified by the old type-inferring verifier at every start: the larger part of a short command's
 * parsing time. A class that uses {@code jsr}/{@code ret}, which Java 7 class files forbid, fails
 * the build rather than being changed.
 */
public final class UpgradeClassFiles {
    private static final int FIRST_ARCHIVABLE = 50;

    private UpgradeClassFiles() {
    }

    /**
     * @param args the jar to rewrite in place
     * @throws IOException when the jar cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: UpgradeClassFiles JAR");
        }
        Path jar = Path.of(args[0]).toAbsolutePath();
        int upgraded = 0;
        // the jar's own classes resolve common super classes when frames are computed; the loader
        // is closed before the file system, whose close writes the new jar over the old one
        try (FileSystem zip = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of());
             URLClassLoader classes = new URLClassLoader(new URL[] {jar.toUri().toURL()},
                     ClassLoader.getPlatformClassLoader())) {
            List<Path> classFiles;
            try (Stream<Path> all = Files.walk(zip.getPath("/"))) {
                classFiles = all.filter(p -> p.toString().endsWith(".class") && Files.isRegularFile(p)).toList();
            }
            for (Path p : classFiles) {
                byte[] bytes = Files.readAllBytes(p);
                if (isClassFile(bytes) && majorVersion(bytes) < FIRST_ARCHIVABLE) {
                    Files.write(p, upgrade(bytes, classes));
                    upgraded++;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        System.out.println("UpgradeClassFiles: " + upgraded + " class files older than Java 6 rewritten as Java 8 in "
                + jar.getFileName());
    }

    private static boolean isClassFile(byte[] b) {
        return b.length >= 8 && (b[0] & 0xFF) == 0xCA && (b[1] & 0xFF) == 0xFE && (b[2] & 0xFF) == 0xBA
                && (b[3] & 0xFF) == 0xBE;
    }

    private static int majorVersion(byte[] b) {
        return (b[6] & 0xFF) << 8 | (b[7] & 0xFF);
    }

    private static byte[] upgrade(byte[] bytes, ClassLoader classes) {
        ClassWriter out = new ClassWriter(ClassWriter.COMPUTE_FRAMES) {
            @Override
            protected ClassLoader getClassLoader() {
                return classes;
            }
        };
        new ClassReader(bytes).accept(new ClassVisitor(Opcodes.ASM9, out) {
            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                              String[] interfaces) {
                super.visit(Opcodes.V1_8, access, name, signature, superName, interfaces);
            }
        }, ClassReader.SKIP_FRAMES);
        return out.toByteArray();
    }
}
