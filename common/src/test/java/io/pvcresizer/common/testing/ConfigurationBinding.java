package io.pvcresizer.common.testing;

import java.util.Map;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/**
 * Builds a settings record the way Spring Boot binds it at start-up, so that a test gets the record's own
 * {@code @DefaultValue}s for every key it does not set.
 */
public final class ConfigurationBinding {

    private ConfigurationBinding() {
    }

    /** {@code type} with every default, as bound from an empty configuration. */
    public static <T> T defaults(Class<T> type) {
        return bind(type, Map.of());
    }

    /** {@code type} bound from {@code properties}, keys relative to the record ({@code retry.max-attempts}). */
    public static <T> T bind(Class<T> type, Map<String, ?> properties) {
        Map<String, Object> prefixed = new java.util.LinkedHashMap<>();
        properties.forEach((key, value) -> prefixed.put("x." + key, value));
        return new Binder(new MapConfigurationPropertySource(prefixed)).bindOrCreate("x", Bindable.of(type));
    }
}
