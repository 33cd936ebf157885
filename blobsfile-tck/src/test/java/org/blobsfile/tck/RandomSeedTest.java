package org.blobsfile.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.lang.reflect.Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The seed extension on its own: what it hands out with and without the property, and what a
 * failure carries. Drives the callbacks directly; restores the property it changes.
 */
class RandomSeedTest {
    private String saved;

    @BeforeEach
    void saveProperty() {
        saved = System.getProperty(RandomSeed.PROPERTY);
        System.clearProperty(RandomSeed.PROPERTY);
    }

    @AfterEach
    void restoreProperty() {
        if (saved == null) {
            System.clearProperty(RandomSeed.PROPERTY);
        } else {
            System.setProperty(RandomSeed.PROPERTY, saved);
        }
    }

    /** A context that answers only what the extension asks: the class and the display name. */
    private static ExtensionContext context() {
        return (ExtensionContext) Proxy.newProxyInstance(RandomSeedTest.class.getClassLoader(),
                new Class<?>[] {ExtensionContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getRequiredTestClass" -> RandomSeedTest.class;
                    case "getDisplayName" -> "aTest()";
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static Throwable fail(RandomSeed seeds, Throwable failure) {
        return catchThrowable(() -> seeds.handleTestExecutionException(context(), failure));
    }

    @Test
    void aFreshSeedHoldsForOneTestAndChangesWithTheNext() {
        RandomSeed seeds = new RandomSeed();
        seeds.beforeEach(context());
        long first = seeds.seed();
        assertThat(seeds.seed()).isEqualTo(first);
        assertThat(seeds.random().nextLong()).isEqualTo(seeds.random().nextLong());
        boolean changed = false;
        for (int i = 0; i < 5 && !changed; i++) { // 2^-64 per draw that it repeats by chance
            seeds.beforeEach(context());
            changed = seeds.seed() != first;
        }
        assertThat(changed).isTrue();
    }

    @Test
    void thePropertyFixesEverySeed() {
        System.setProperty(RandomSeed.PROPERTY, "-4093");
        RandomSeed seeds = new RandomSeed();
        seeds.beforeEach(context());
        assertThat(seeds.seed()).isEqualTo(-4093L);
        assertThat(seeds.seed(77L)).isEqualTo(-4093L);
        seeds.beforeEach(context());
        assertThat(seeds.seed()).isEqualTo(-4093L);
    }

    @Test
    void aDefaultHoldsWithoutTheProperty() {
        RandomSeed seeds = new RandomSeed();
        seeds.beforeEach(context());
        assertThat(seeds.seed(77L)).isEqualTo(77L);
    }

    @Test
    void aFailureNamesItsSeedAndTheReplayOption() {
        System.setProperty(RandomSeed.PROPERTY, "31");
        RandomSeed seeds = new RandomSeed();
        seeds.beforeEach(context());
        seeds.seed();
        AssertionError failure = new AssertionError("boom");
        Throwable thrown = fail(seeds, failure);
        assertThat(thrown).isSameAs(failure);
        assertThat(thrown.getSuppressed()).singleElement().isInstanceOf(RandomSeed.Replay.class)
                .extracting(Throwable::getMessage).isEqualTo("seed 31; replay with -Dblobsfile.seed=31");
    }

    @Test
    void aFailureListsEverySeedItTook() {
        RandomSeed seeds = new RandomSeed();
        seeds.beforeEach(context());
        seeds.seed(5L);
        seeds.seed(9L);
        assertThat(fail(seeds, new AssertionError()).getSuppressed()).singleElement()
                .extracting(Throwable::getMessage).isEqualTo("seeds 5, 9; replay one with -Dblobsfile.seed=<seed>");
    }

    @Test
    void aTestThatTookNoSeedFailsAsItWould() {
        RandomSeed seeds = new RandomSeed();
        seeds.beforeEach(context());
        seeds.seed(5L);
        seeds.beforeEach(context()); // the next test forgets the seed of the last
        assertThat(fail(seeds, new AssertionError()).getSuppressed()).isEmpty();
    }

    @Test
    void aPropertyThatIsNoNumberIsRefused() {
        System.setProperty(RandomSeed.PROPERTY, "twelve");
        assertThatThrownBy(RandomSeed::fromProperty).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-Dblobsfile.seed=twelve");
        System.setProperty(RandomSeed.PROPERTY, " ");
        assertThat(RandomSeed.fromProperty()).isNull();
    }
}
