package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The case count factor; restores the property it changes. */
class CasesTest {
    private String saved;

    @BeforeEach
    void saveProperty() {
        saved = System.getProperty(Cases.PROPERTY);
        System.clearProperty(Cases.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(Cases.PROPERTY);
        } else {
            System.setProperty(Cases.PROPERTY, saved);
        }
    }

    @Test
    void withoutThePropertyATestRunsItsOwnCount() {
        assertThat(Cases.scaled(37)).isEqualTo(37);
        assertThat(Cases.scaled(0)).isEqualTo(1);
    }

    @Test
    void thePropertyMultipliesTheCount() {
        System.setProperty(Cases.PROPERTY, "25");
        assertThat(Cases.scaled(37)).isEqualTo(925);
        assertThat(Cases.scaled(Integer.MAX_VALUE / 2)).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aFactorBelowOneOrNoNumberIsRefused() {
        System.setProperty(Cases.PROPERTY, "0");
        assertThatThrownBy(() -> Cases.scaled(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 1");
        System.setProperty(Cases.PROPERTY, "many");
        assertThatThrownBy(() -> Cases.scaled(3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dblobsfile.cases=many");
    }
}
