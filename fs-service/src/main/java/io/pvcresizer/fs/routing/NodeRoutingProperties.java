package io.pvcresizer.fs.routing;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of node routing ({@code pvc-resizer.fs.routing.*}).
 *
 * @param topicWait how long the agent keeps asking the broker for the partition count of node-requests at start
 *                  before it gives up and fails to start
 */
@ConfigurationProperties("pvc-resizer.fs.routing")
public record NodeRoutingProperties(@DefaultValue("60s") Duration topicWait) {
}
