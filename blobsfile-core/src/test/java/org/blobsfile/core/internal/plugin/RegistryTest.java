package org.blobsfile.core.internal.plugin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.blobsfile.api.PluginException;
import org.blobsfile.api.spi.BlobIndex;
import org.blobsfile.api.spi.Codec;
import org.blobsfile.api.spi.IndexProvider;
import org.blobsfile.core.Plugins;
import org.junit.jupiter.api.Test;

class RegistryTest {
    /** A codec that copies its input behind a one-byte marker; enough to exercise the registry. */
    static class MarkerCodec implements Codec {
        private final int id;
        private final String name;

        MarkerCodec(int id, String name) {
            this.id = id;
            this.name = name;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public byte[] compress(byte[] src, int off, int len) {
            byte[] out = new byte[len + 1];
            out[0] = (byte) id;
            System.arraycopy(src, off, out, 1, len);
            return out;
        }

        @Override
        public byte[] decompress(byte[] src, int off, int len, int maxLength) throws IOException {
            if (len < 1 || src[off] != (byte) id) {
                throw new IOException("not a marker payload");
            }
            return java.util.Arrays.copyOfRange(src, off + 1, off + len);
        }
    }

    static class OtherMarkerCodec extends MarkerCodec {
        OtherMarkerCodec(int id, String name) {
            super(id, name);
        }
    }

    @Test
    void twoCodecsWithOneIdIsAnErrorNamingBoth() {
        assertThatThrownBy(() -> CodecRegistry.of(List.of(new MarkerCodec(200, "a"), new OtherMarkerCodec(200, "b"))))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("two codecs claim id 200")
                .hasMessageContaining(MarkerCodec.class.getName())
                .hasMessageContaining(OtherMarkerCodec.class.getName());
    }

    @Test
    void twoCodecsWithOneNameIsAnError() {
        assertThatThrownBy(() -> CodecRegistry.of(List.of(new MarkerCodec(200, "a"), new OtherMarkerCodec(201, "a"))))
                .isInstanceOf(PluginException.class).hasMessageContaining("two codecs claim the name 'a'");
    }

    @Test
    void reservedIdsAreRefused() {
        for (int id : new int[] {0, 255, 256, -1}) {
            assertThatThrownBy(() -> CodecRegistry.of(List.of(new MarkerCodec(id, "x"))))
                    .isInstanceOf(PluginException.class).hasMessageContaining("1 to 254");
        }
    }

    @Test
    void discoveryFindsTheCodecsOnTheClassPath() {
        assertThat(Plugins.codecs()).extracting(Codec::name).contains("snappy");
        assertThat(Plugins.indexes()).extracting(p -> p.name()).contains("rocksdb");
        assertThat(CodecRegistry.discovered().forName("none")).isNull();
    }

    @Test
    void anExplicitCodecWinsOverDiscovery() {
        CodecRegistry r = CodecRegistry.discovered().with(new MarkerCodec(1, "snappy"));
        assertThat(r.forId(1)).isInstanceOf(MarkerCodec.class);
        assertThat(r.forName("snappy")).isInstanceOf(MarkerCodec.class);
    }

    /** An index provider that only has a name; the registry never opens it. */
    private record NamedIndex(String name) implements IndexProvider {
        @Override
        public BlobIndex open(Path directory) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void destroy(Path directory) {
            throw new UnsupportedOperationException();
        }
    }

    @Test
    void twoIndexesWithOneNameIsAnErrorNamingBoth() {
        assertThatThrownBy(() -> PluginRegistry.of(PluginRegistry.Kind.INDEX,
                List.<IndexProvider>of(new NamedIndex("x"), new NamedIndex("x")), IndexProvider::name))
                .isInstanceOf(PluginException.class)
                .hasMessageContaining("two indexes claim the name 'x'")
                .hasMessageContaining(NamedIndex.class.getName());
    }

    @Test
    void aMissingIndexNamesWhatIsAvailableAndTheArtifactToAdd() {
        PluginRegistry<IndexProvider> only = PluginRegistry.of(PluginRegistry.Kind.INDEX,
                List.<IndexProvider>of(new NamedIndex("memory")), IndexProvider::name);
        assertThat(only.forName("memory").name()).isEqualTo("memory");
        assertThatThrownBy(() -> only.forName("h2")).isInstanceOf(PluginException.class)
                .hasMessage("index 'h2' not found; available: [memory]; add org.blobsfile:index-h2 to the class path");
        assertThatThrownBy(() -> only.forName("mine")).isInstanceOf(PluginException.class)
                .hasMessage("index 'mine' not found; available: [memory]; add the module that provides it to the class path");
    }
}
