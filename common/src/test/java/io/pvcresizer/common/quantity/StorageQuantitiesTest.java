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

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} is {1} bytes")
    @org.junit.jupiter.params.provider.CsvSource({
            "1Ei, 1152921504606846976",
            "7Ei, 8070450532247928832",
            "7.999Ei, 9222219115350168962",
            "1Pi, 1125899906842624",
            "8191Pi, 9222246136947933184",
            "1Ti, 1099511627776",
            "1.5Gi, 1610612736",
            "640Mi, 671088640",
            "3Ki, 3072",
            "9223372036854775807, 9223372036854775807",
            "9E, 9000000000000000000",
            "9P, 9000000000000000",
            "5T, 5000000000000",
            "5G, 5000000000",
            "5M, 5000000",
            "5k, 5000",
            "1500m, 2",
            "100m, 1",
            "1u, 1",
            "1n, 1",
            "1e3, 1000",
            "1E18, 1000000000000000000",
            "0.5, 1",
            "0, 0",
    })
    void shouldConvertEverySuffixExactly(String quantity, long bytes) {
        assertThat(StorageQuantities.toBytes(quantity)).isEqualTo(bytes);
        assertThat(StorageQuantities.toBytes(new io.fabric8.kubernetes.api.model.Quantity(quantity))).isEqualTo(bytes);
    }

    @org.junit.jupiter.params.ParameterizedTest(name = "{0} is refused")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"8Ei", "9223372036854775808", "8192Pi", "10E", "1e19",
            "-1Gi", "1Xi", "Gi", "1.2.3Gi", "1e999"})
    void shouldRefuseWhatIsNoByteCountWithTheQuantityInTheMessage(String quantity) {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> StorageQuantities.toBytes(quantity))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(quantity);
    }
}
