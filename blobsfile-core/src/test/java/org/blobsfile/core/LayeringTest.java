package org.blobsfile.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.core.importer.Location;
import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.net.URL;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the core's arrows pointing down, read from the compiled classes: the store uses the archive, parity
 * and the index, both use the plugins, the plugins use the pack format, and the pack format uses
 * Reed-Solomon, hashing and I/O. Parity and the index never see each other, and nothing below
 * the store reaches back up.
 */
class LayeringTest {
    private static final String INTERNAL = "org.blobsfile.core.internal.";
    private static JavaClasses core;

    @BeforeAll
    static void importCore() {
        // only the core's own classes: scanning the whole class path for the package costs seconds
        URL classes = PackInspector.class.getProtectionDomain().getCodeSource().getLocation();
        core = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importLocations(Set.of(Location.of(classes)));
    }

    @Test
    void layersOnlyReachDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("entry points").definedBy("org.blobsfile.core")
                .layer("store").definedBy(INTERNAL + "store..")
                .layer("archive").definedBy(INTERNAL + "archive..")
                .layer("parity").definedBy(INTERNAL + "parity..")
                .layer("index").definedBy(INTERNAL + "index..")
                .layer("plugin").definedBy(INTERNAL + "plugin..")
                .layer("pack").definedBy(INTERNAL + "pack..")
                .layer("rs").definedBy(INTERNAL + "rs..")
                .layer("hash").definedBy(INTERNAL + "hash..")
                .layer("io").definedBy(INTERNAL + "io..")
                .whereLayer("entry points").mayNotBeAccessedByAnyLayer()
                .whereLayer("store").mayOnlyBeAccessedByLayers("entry points")
                .whereLayer("archive").mayOnlyBeAccessedByLayers("entry points", "store")
                .whereLayer("parity").mayOnlyBeAccessedByLayers("entry points", "store")
                .whereLayer("index").mayOnlyBeAccessedByLayers("entry points", "store")
                .whereLayer("plugin").mayOnlyBeAccessedByLayers("entry points", "store", "archive", "parity", "index")
                .whereLayer("pack").mayOnlyBeAccessedByLayers("entry points", "store", "archive", "parity", "index", "plugin")
                .whereLayer("rs").mayOnlyBeAccessedByLayers("entry points", "store", "archive", "parity", "index", "plugin",
                        "pack")
                .whereLayer("hash").mayOnlyBeAccessedByLayers("entry points", "store", "archive", "parity", "index", "plugin",
                        "pack")
                .whereLayer("io").mayOnlyBeAccessedByLayers("entry points", "store", "archive", "parity", "index", "plugin",
                        "pack")
                .check(core);
    }

    @Test
    void everyClassSitsInALayer() {
        Set<String> packages = core.stream().map(JavaClass::getPackageName).collect(Collectors.toSet());
        assertThat(packages).allMatch(p -> p.equals("org.blobsfile.core")
                || p.matches("org\\.blobsfile\\.core\\.internal\\.(store|archive|parity|index|plugin|pack|rs|hash|io)"));
    }

    @Test
    void theCoreNeverImportsAPlugin() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("org.blobsfile.codec..", "org.blobsfile.index..", "org.blobsfile.archive..",
                "org.blobsfile.cli..", "org.blobsfile.bench..").check(core);
    }

    @Test
    void onlyTheEntryPointPackageIsExported() throws IOException {
        ModuleDescriptor module = LayeringTest.class.getModule().isNamed()
                ? LayeringTest.class.getModule().getDescriptor()
                : ModuleDescriptor.read(LayeringTest.class.getResourceAsStream("/module-info.class"));
        assertThat(module.exports()).extracting(ModuleDescriptor.Exports::source).containsExactly("org.blobsfile.core");
        assertThat(module.exports()).allMatch(e -> !e.isQualified());
    }
}
