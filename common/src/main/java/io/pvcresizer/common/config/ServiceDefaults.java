package io.pvcresizer.common.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ClassPathResource;

/**
 * Gives a service its own Spring settings ({@code <service>-defaults.yml}: application name, port, actuator endpoints,
 * log pattern) only when that service is the application being started, so that the three services can also run side
 * by side in one JVM (the demo, the benchmark and the end-to-end tests) without one's {@code application.yml}
 * shadowing the others'. These have the lowest precedence: a user's {@code application.yml}, environment variables and
 * arguments override them. The {@code pvc-resizer.*} defaults are not here: each is written once, in its settings
 * record.
 */
public abstract class ServiceDefaults implements EnvironmentPostProcessor {

    private final Class<?> applicationClass;
    private final String resource;

    protected ServiceDefaults(Class<?> applicationClass, String resource) {
        this.applicationClass = applicationClass;
        this.resource = resource;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        boolean ours = application.getAllSources().stream()
                .anyMatch(source -> source instanceof Class<?> type && applicationClass.isAssignableFrom(type));
        if (!ours) {
            return;
        }
        try {
            List<PropertySource<?>> documents = new YamlPropertySourceLoader().load(resource, new ClassPathResource(resource));
            documents.forEach(environment.getPropertySources()::addLast);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
