package io.pvcresizer.watcher;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of watcher-service: it only starts Spring; the wiring is in {@code config.WatcherConfiguration}. */
@SpringBootApplication
public class WatcherServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(WatcherServiceApplication.class, args);
    }
}
