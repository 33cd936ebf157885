package org.blobsfile.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.blobsfile.api.BlobRef;
import org.blobsfile.api.IndexFinding;
import org.blobsfile.api.VerifyReport;
import org.junit.jupiter.api.Test;

/** The text and JSON of a verify report with index findings and warnings. */
class VerifyReportsTest {
    private static final BlobRef BLOB = BlobRef.parse("ab".repeat(32));
    private static final String NOTE = "blobs-00000: closed without EOF entry (filled to the last byte by another v1"
            + " writer): no parity, unprotected";

    @Test
    void aWarningIsPrintedAndLeavesTheStoreClean() {
        VerifyReport r = new VerifyReport(2, 1000, 5, List.of(), List.of(), List.of(NOTE));
        assertThat(r.isClean()).isTrue();
        assertThat(Reports.lines(r)).containsExactly("warning  " + NOTE);
        assertThat(Reports.summary(r)).endsWith(": clean (1 warning)");
        Map<String, Object> json = MiniJson.object(Reports.json(Path.of("s"), r));
        assertThat(json).containsEntry("clean", true).containsEntry("warnings", List.of(NOTE))
                .containsEntry("index", List.of());
    }

    @Test
    void anIndexFindingIsDamageWithAReindexHint() {
        IndexFinding f = new IndexFinding(IndexFinding.Kind.STALE, Path.of("s", "blobs-00001"), 1310, BLOB,
                "the index places this blob at offset 1310 (20 bytes), where the pack does not hold it");
        VerifyReport r = new VerifyReport(2, 1000, 5, List.of(), List.of(f), List.of());
        assertThat(r.isClean()).isFalse();
        assertThat(Reports.lines(r)).containsExactly("index  blobs-00001  offset 1310  blob " + BLOB.hex()
                + "  stale: the index places this blob at offset 1310 (20 bytes), where the pack does not hold it");
        assertThat(Reports.summary(r)).endsWith(": the index differs from the packs in 1 blob;"
                + " run 'blobsfile reindex' to rebuild it from the packs");
        Map<String, Object> json = MiniJson.object(Reports.json(Path.of("s"), r));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> index = (List<Map<String, Object>>) json.get("index");
        assertThat(index).singleElement().satisfies(x -> assertThat(x).containsEntry("kind", "stale")
                .containsEntry("pack", "blobs-00001").containsEntry("offset", 1310L).containsEntry("blob", BLOB.hex()));
    }
}
