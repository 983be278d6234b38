package io.pvcresizer.common.quantity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StorageQuantitiesTest {

    @Test
    void shouldReadBinaryAndDecimalSuffixes() {
        assertThat(StorageQuantities.toBytes("640Mi")).isEqualTo(671088640L);
        assertThat(StorageQuantities.toBytes("5Gi")).isEqualTo(5368709120L);
        assertThat(StorageQuantities.toBytes("1G")).isEqualTo(1_000_000_000L);
        assertThat(StorageQuantities.toBytes("1.5Gi")).isEqualTo(1610612736L);
        assertThat(StorageQuantities.toBytes("123")).isEqualTo(123L);
    }

    @Test
    void shouldRefuseWhatIsNotASize() {
        assertThatThrownBy(() -> StorageQuantities.toBytes("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageQuantities.toBytes("")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageQuantities.toBytes("-1Gi")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StorageQuantities.toBytes("16Ei")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldFormatWithTheLargestExactBinarySuffix() {
        assertThat(StorageQuantities.format(671088640L)).isEqualTo("640Mi");
        assertThat(StorageQuantities.format(5368709120L)).isEqualTo("5Gi");
        assertThat(StorageQuantities.format(1_000_000_000L)).isEqualTo("1000000000");
        assertThat(StorageQuantities.format(1_024_000L)).isEqualTo("1000Ki");
        assertThat(StorageQuantities.format(1001L)).isEqualTo("1001");
        assertThat(StorageQuantities.toBytes(StorageQuantities.quantity(1610612736L))).isEqualTo(1610612736L);
    }
}
