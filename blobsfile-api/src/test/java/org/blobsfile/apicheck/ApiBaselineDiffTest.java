package org.blobsfile.apicheck;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiBaselineDiffTest {
    @Test
    void aChangedMemberIsShownUnderItsType() {
        List<String> file = List.of("# header", "", "public class a.A", "  public void f()", "  public void g()",
                "", "public class a.B", "  public void h()", "");
        List<String> code = List.of("# header", "", "public class a.A", "  public void f()", "  public void g2()",
                "", "public class a.B", "  public void h()", "");
        assertThat(ApiBaseline.diff(file, code))
                .isEqualTo("  public class a.A\n-   public void g()\n+   public void g2()\n");
    }

    @Test
    void aRemovedTypeIsShownWithItsMembersAndEqualTextGivesNoDiff() {
        List<String> file = List.of("public class a.A", "  public void f()", "", "public class a.B", "  public void h()", "");
        List<String> code = List.of("public class a.B", "  public void h()", "");
        assertThat(ApiBaseline.diff(file, code)).isEqualTo("- public class a.A\n-   public void f()\n");
        assertThat(ApiBaseline.diff(code, code)).isEmpty();
    }
}
