package org.blobsfile.index.h2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.IndexBatch;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.api.spi.IndexUnreadableException;
import org.blobsfile.tck.BlobIndexContract;
import org.h2.engine.Constants;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;

class H2IndexTest extends BlobIndexContract {
    private static final byte[] KEY = new byte[32];

    @Override
    protected IndexProvider provider() {
        return new H2IndexProvider();
    }

    @Test
    void identity() {
        assertThat(provider().name()).isEqualTo("h2");
        assertThat(provider().artifact()).isEqualTo("org.blobsfile:index-h2");
    }

    @Test
    void theH2VersionIsRecorded() throws IOException {
        H2Index index = (H2Index) open();
        assertThat(index.recordedH2Version()).isEqualTo(Constants.VERSION).startsWith("2.");
    }

    @Test
    void aFileFromAnotherH2MajorVersionIsUnreadable() throws IOException {
        open().close();
        try (MVStore raw = new MVStore.Builder().fileName(indexDirectory().resolve(H2Index.FILE_NAME).toString()).open()) {
            MVMap<String, String> info = raw.openMap(H2Index.INFO_MAP);
            info.put(H2Index.H2_VERSION, "1.4.200");
            raw.commit();
        }
        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class).hasMessageContaining("1.4.200");
    }

    @Test
    void aLayoutThisVersionCannotReadIsUnreadable() throws IOException {
        open().close();
        try (MVStore raw = new MVStore.Builder().fileName(indexDirectory().resolve(H2Index.FILE_NAME).toString()).open()) {
            raw.<String, String>openMap(H2Index.INFO_MAP).put(H2Index.LAYOUT, "99");
            raw.commit();
        }
        assertThatThrownBy(this::open).isInstanceOf(IndexUnreadableException.class).hasMessageContaining("layout");
    }

    @Test
    void secondOpenSaysTheIndexIsInUseAndDestroyRefuses() throws IOException {
        open();
        assertThatThrownBy(this::open).isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
        assertThatThrownBy(() -> provider().destroy(indexDirectory()))
                .isExactlyInstanceOf(IOException.class).hasMessageContaining("in use");
    }

    @Test
    void operationsAfterCloseFailCleanly() throws IOException {
        BlobIndex index = open();
        index.write(new IndexBatch().put(KEY, new byte[] {1}));
        index.close();
        assertThatThrownBy(() -> index.get(KEY)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.getMeta("n")).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.scan(new byte[0], 10)).isInstanceOf(IOException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> index.write(new IndexBatch().put(KEY, new byte[] {2})))
                .isInstanceOf(IOException.class).hasMessageContaining("closed");
    }

    @Test
    void destroyDeletesTheDirectory() throws IOException {
        open().close();
        assertThat(indexDirectory().resolve(H2Index.FILE_NAME)).exists();
        provider().destroy(indexDirectory());
        assertThat(indexDirectory()).doesNotExist();
    }

    @Test
    void tuningComesFromSystemProperties() {
        String before = System.getProperty(H2Tuning.CACHE_PROPERTY);
        try {
            System.setProperty(H2Tuning.CACHE_PROPERTY, "7");
            assertThat(H2Tuning.fromSystemProperties().cacheMegabytes()).isEqualTo(7);
            System.setProperty(H2Tuning.CACHE_PROPERTY, "0");
            assertThatThrownBy(H2Tuning::fromSystemProperties).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(H2Tuning.CACHE_PROPERTY);
        } finally {
            if (before == null) {
                System.clearProperty(H2Tuning.CACHE_PROPERTY);
            } else {
                System.setProperty(H2Tuning.CACHE_PROPERTY, before);
            }
        }
    }
}
