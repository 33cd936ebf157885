package org.blobsfile.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A module's public API as sorted text, checked against a file kept in the repository
 * ({@code <module>/api/<artifact>.api}) so that every change to the API shows up in review.
 * Shared by the modules' {@code ApiBaselineTest}s through this module's test jar; it lives in a
 * package of its own because a test jar on the class path cannot add classes to a package that a
 * named module already holds.
 *
 * <p>The dump holds one line per public or protected type, field, constructor and method declared
 * in the listed packages (not their sub-packages), with modifiers, generic signatures, supertypes
 * and thrown exceptions. Inherited members are not repeated: a changed supertype shows on the
 * type's own line. Not thread-safe.
 */
public final class ApiBaseline {
    /** The system property that, set to {@code true}, rewrites the baseline instead of checking it. */
    public static final String UPDATE_PROPERTY = "blobsfile.api.update";

    private static final int TYPE_MODIFIERS = Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
            | Modifier.FINAL | Modifier.ABSTRACT;
    // synchronized, native and strictfp say how a method runs, not how it is called
    private static final int MEMBER_MODIFIERS = Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
            | Modifier.FINAL | Modifier.ABSTRACT;
    private static final int FIELD_MODIFIERS = Modifier.PUBLIC | Modifier.PROTECTED | Modifier.STATIC
            | Modifier.FINAL;

    private ApiBaseline() {
    }

    /**
     * Checks the API of one Maven module against its baseline file, or rewrites the file when
     * {@value #UPDATE_PROPERTY} is {@code true}.
     *
     * @param artifact the module's artifact id, which names the file {@code api/<artifact>.api}
     * @param loader   a class loader that sees the module's classes
     * @param packages the packages whose public types make the API
     * @throws AssertionError with a diff when the API differs from the file
     */
    public static void check(String artifact, ClassLoader loader, String... packages) {
        Path module = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        check(artifact, module.resolve("target").resolve("classes"), module.resolve("api").resolve(artifact + ".api"),
                loader, List.of(packages));
    }

    /**
     * Checks the API found in {@code classes} against {@code baseline}, or rewrites it.
     *
     * @param artifact the artifact id, named in the file's header
     * @param classes  the compiled main classes (a directory)
     * @param baseline the checked-in dump
     * @param loader   a class loader that sees those classes
     * @param packages the packages whose public types make the API
     * @throws AssertionError with a diff when the API differs from the file
     */
    public static void check(String artifact, Path classes, Path baseline, ClassLoader loader, List<String> packages) {
        String actual = header(artifact, packages) + dump(classes, loader, packages);
        try {
            if (Boolean.getBoolean(UPDATE_PROPERTY)) {
                Files.createDirectories(baseline.getParent());
                Files.writeString(baseline, actual, StandardCharsets.UTF_8);
                System.err.println("API baseline rewritten: " + baseline);
                return;
            }
            if (!Files.exists(baseline)) {
                throw new AssertionError("no API baseline at " + baseline + "; " + howToAccept());
            }
            String expected = Files.readString(baseline, StandardCharsets.UTF_8).replace("\r\n", "\n");
            if (!expected.equals(actual)) {
                throw new AssertionError("the public API of " + artifact + " differs from " + baseline
                        + " (- only in the file, + only in the code):\n" + diff(lines(expected), lines(actual))
                        + "If the change is deliberate, " + howToAccept());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String howToAccept() {
        return "rewrite the file by running the build with -D" + UPDATE_PROPERTY + "=true"
                + " (for example mvn -B verify -D" + UPDATE_PROPERTY + "=true) and commit it with the change.\n";
    }

    private static String header(String artifact, List<String> packages) {
        return "# The public API of " + artifact + " (" + String.join(", ", packages) + "), generated by its\n"
                + "# ApiBaselineTest. Do not edit: rerun the build with -D" + UPDATE_PROPERTY + "=true to rewrite it.\n";
    }

    /**
     * @param classes  the compiled main classes (a directory)
     * @param loader   a class loader that sees them
     * @param packages the packages to list
     * @return the sorted dump, a blank line between types
     */
    public static String dump(Path classes, ClassLoader loader, List<String> packages) {
        List<Class<?>> types = new ArrayList<>();
        for (String p : packages) {
            for (String name : classNames(classes, p)) {
                Class<?> c;
                try {
                    c = Class.forName(name, false, loader);
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException("cannot load " + name + " found in " + classes, e);
                }
                if (visible(c)) {
                    types.add(c);
                }
            }
        }
        types.sort(Comparator.comparing(Class::getName));
        StringBuilder out = new StringBuilder();
        for (Class<?> c : types) {
            out.append('\n').append(typeLine(c)).append('\n');
            for (String member : members(c)) {
                out.append("  ").append(member).append('\n');
            }
        }
        return out.toString();
    }

    private static List<String> classNames(Path classes, String pkg) {
        Path dir = classes.resolve(pkg.replace('.', '/'));
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("no compiled package " + pkg + " in " + classes);
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(f -> f.getFileName().toString())
                    .filter(f -> f.endsWith(".class") && !f.equals("package-info.class") && !f.equals("module-info.class"))
                    .map(f -> pkg + "." + f.substring(0, f.length() - ".class".length()))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Public top-level types, and member types reachable through public or protected owners. */
    private static boolean visible(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic()) {
            return false;
        }
        for (Class<?> t = c; t != null; t = t.getDeclaringClass()) {
            int m = t.getModifiers();
            boolean topLevel = t.getDeclaringClass() == null;
            if (!(Modifier.isPublic(m) || (!topLevel && Modifier.isProtected(m)))) {
                return false;
            }
        }
        return true;
    }

    private static boolean exposed(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static String typeLine(Class<?> c) {
        int mods = c.getModifiers() & TYPE_MODIFIERS;
        String kind;
        if (c.isAnnotation()) {
            kind = "@interface";
            mods &= ~Modifier.ABSTRACT;
        } else if (c.isInterface()) {
            kind = "interface";
            mods &= ~Modifier.ABSTRACT;
        } else if (c.isEnum()) {
            kind = "enum";
        } else if (c.isRecord()) {
            kind = "record";
        } else {
            kind = "class";
        }
        StringBuilder s = new StringBuilder(Modifier.toString(mods));
        if (c.isSealed()) {
            s.append(" sealed");
        }
        s.append(' ').append(kind).append(' ').append(c.getName()).append(typeParameters(c.getTypeParameters()));
        Type sup = c.getGenericSuperclass();
        if (sup != null && sup != Object.class) {
            s.append(" extends ").append(name(sup));
        }
        Type[] interfaces = c.getGenericInterfaces();
        if (interfaces.length > 0) {
            s.append(c.isInterface() ? " extends " : " implements ").append(names(interfaces));
        }
        if (c.isSealed()) {
            s.append(" permits ").append(names(c.getPermittedSubclasses()));
        }
        return s.toString();
    }

    private static List<String> members(Class<?> c) {
        List<String> fields = new ArrayList<>();
        for (Field f : c.getDeclaredFields()) {
            if (exposed(f.getModifiers()) && !f.isSynthetic()) {
                fields.add(Modifier.toString(f.getModifiers() & FIELD_MODIFIERS) + " " + name(f.getGenericType())
                        + " " + f.getName());
            }
        }
        List<String> constructors = new ArrayList<>();
        for (Constructor<?> k : c.getDeclaredConstructors()) {
            if (exposed(k.getModifiers()) && !k.isSynthetic()) {
                constructors.add(executable(k, "", c.getSimpleName()));
            }
        }
        List<String> methods = new ArrayList<>();
        for (Method m : c.getDeclaredMethods()) {
            if (exposed(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
                methods.add(executable(m, name(m.getGenericReturnType()) + " ", m.getName()));
            }
        }
        // the name decides the order, not the modifiers that open each line
        Comparator<String> byName = Comparator.comparing(ApiBaseline::afterModifiers).thenComparing(s -> s);
        fields.sort(byName);
        constructors.sort(byName);
        methods.sort(byName);
        List<String> all = new ArrayList<>(fields);
        all.addAll(constructors);
        all.addAll(methods);
        return all;
    }

    /** The part of a member line from its name on, the key members are sorted by. */
    private static String afterModifiers(String line) {
        int paren = line.indexOf('(');
        String head = paren < 0 ? line : line.substring(0, paren);
        int space = head.lastIndexOf(' ');
        return line.substring(space + 1);
    }

    private static String executable(Executable e, String returns, String name) {
        int mods = e.getModifiers() & MEMBER_MODIFIERS;
        StringBuilder s = new StringBuilder(Modifier.toString(mods));
        if (e instanceof Method && ((Method) e).isDefault()) {
            s.append(s.length() == 0 ? "default" : " default");
        }
        String typeParameters = typeParameters(e.getTypeParameters());
        if (!typeParameters.isEmpty()) {
            s.append(' ').append(typeParameters);
        }
        s.append(' ').append(returns).append(name).append('(');
        Type[] params = e.getGenericParameterTypes();
        for (int i = 0; i < params.length; i++) {
            String p = name(params[i]);
            if (e.isVarArgs() && i == params.length - 1 && p.endsWith("[]")) {
                p = p.substring(0, p.length() - 2) + "...";
            }
            s.append(i == 0 ? "" : ", ").append(p);
        }
        s.append(')');
        Type[] thrown = e.getGenericExceptionTypes();
        if (thrown.length > 0) {
            s.append(" throws ").append(names(thrown));
        }
        return s.toString();
    }

    private static String typeParameters(TypeVariable<?>[] vars) {
        if (vars.length == 0) {
            return "";
        }
        StringBuilder s = new StringBuilder("<");
        for (int i = 0; i < vars.length; i++) {
            s.append(i == 0 ? "" : ", ").append(vars[i].getName());
            Type[] bounds = vars[i].getBounds();
            if (!(bounds.length == 1 && bounds[0] == Object.class)) {
                s.append(" extends ").append(Arrays.stream(bounds).map(ApiBaseline::name).collect(Collectors.joining(" & ")));
            }
        }
        return s.append('>').toString();
    }

    private static String names(Type[] types) {
        return Arrays.stream(types).map(ApiBaseline::name).collect(Collectors.joining(", "));
    }

    private static String name(Type t) {
        if (t instanceof Class<?>) {
            Class<?> c = (Class<?>) t;
            return c.isArray() ? name(c.getComponentType()) + "[]" : c.getName();
        }
        if (t instanceof ParameterizedType) {
            ParameterizedType p = (ParameterizedType) t;
            return name(p.getRawType()) + "<" + names(p.getActualTypeArguments()) + ">";
        }
        if (t instanceof GenericArrayType) {
            return name(((GenericArrayType) t).getGenericComponentType()) + "[]";
        }
        if (t instanceof WildcardType) {
            WildcardType w = (WildcardType) t;
            if (w.getLowerBounds().length > 0) {
                return "? super " + names(w.getLowerBounds());
            }
            Type[] upper = w.getUpperBounds();
            return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + names(upper);
        }
        if (t instanceof TypeVariable<?>) {
            return ((TypeVariable<?>) t).getName();
        }
        return t.getTypeName();
    }

    private static List<String> lines(String text) {
        return List.of(text.split("\n", -1));
    }

    /**
     * The lines that differ, from a longest common subsequence, each change preceded by the type
     * line it belongs to so that a changed member can be placed.
     */
    static String diff(List<String> expected, List<String> actual) {
        int n = expected.size();
        int m = actual.size();
        int[][] common = new int[n + 1][m + 1];
        for (int i = n - 1; i >= 0; i--) {
            for (int j = m - 1; j >= 0; j--) {
                common[i][j] = expected.get(i).equals(actual.get(j))
                        ? common[i + 1][j + 1] + 1
                        : Math.max(common[i + 1][j], common[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        String owner = null;
        boolean ownerShown = false;
        int i = 0;
        int j = 0;
        while (i < n || j < m) {
            String line;
            char op;
            if (i < n && j < m && expected.get(i).equals(actual.get(j))) {
                line = expected.get(i);
                op = ' ';
                i++;
                j++;
            } else if (i < n && (j == m || common[i + 1][j] >= common[i][j + 1])) {
                line = expected.get(i);
                op = '-';
                i++;
            } else {
                line = actual.get(j);
                op = '+';
                j++;
            }
            boolean typeLine = !line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#");
            if (op == ' ') {
                if (typeLine) {
                    owner = line;
                    ownerShown = false;
                }
                continue;
            }
            if (typeLine) {
                owner = line; // the changed type line itself places the members after it
                ownerShown = true;
            } else if (owner != null && !ownerShown && !line.isEmpty()) {
                out.append("  ").append(owner).append('\n');
                ownerShown = true;
            }
            if (!line.isEmpty()) {
                out.append(op).append(' ').append(line).append('\n');
            }
        }
        return out.toString();
    }
}
