package io.pvcresizer.common.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BoundedTextTest {

    @Test
    void shouldKeepAShortMessageAsItIs() {
        assertThat(BoundedText.message("rbd: error opening image x")).isEqualTo("rbd: error opening image x");
        assertThat(BoundedText.message(null)).isNull();
    }

    @Test
    void shouldCutALongMessageAtTheLimitAndSaySo() {
        String bounded = BoundedText.message("x".repeat(1024 * 1024));

        assertThat(bounded).hasSize(BoundedText.MESSAGE_LIMIT).endsWith(" … (truncated)").startsWith("xxxx");
    }

    @Test
    void shouldNotSplitASurrogatePair() {
        String text = "a".repeat(1009) + "😀" + "b".repeat(100);

        assertThat(BoundedText.message(text)).doesNotContain("\uD83D …").endsWith(" … (truncated)");
    }
}
