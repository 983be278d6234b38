package io.pvcresizer.tools.benchmark.fake;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Adds the instant backend to resize-service, beside the real ones: passed to the application as an extra source
 * ({@code spring.main.sources}), it is picked by the registry for the drivers mapped to {@value InstantVolumeExpander#BACKEND}.
 */
@Configuration(proxyBeanMethods = false)
public class InstantBackendConfiguration {

    @Bean
    public InstantVolumeExpander instantVolumeExpander() {
        return new InstantVolumeExpander();
    }
}
