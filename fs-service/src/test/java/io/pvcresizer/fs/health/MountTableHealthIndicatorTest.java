package io.pvcresizer.fs.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import io.pvcresizer.fs.mount.MountTable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;

/** The {@code mountTable} health component is DOWN with a reason while the host mount table cannot be read. */
class MountTableHealthIndicatorTest {

    @Test
    void shouldBeDownWhileTheMountTableCannotBeReadAndUpWhenItCan() {
        AtomicBoolean readable = new AtomicBoolean(false);
        MountTable table = () -> {
            if (!readable.get()) {
                throw new ResizeException(Reason.MOUNT_TABLE_UNREADABLE, "cannot read /host/proc/1/mountinfo: No such file", null);
            }
            return List.of();
        };
        MountTableHealthIndicator health = new MountTableHealthIndicator(table, "/host/proc/1/mountinfo");

        Health down = health.health();
        assertThat(down.getStatus()).isEqualTo(Status.DOWN);
        assertThat(down.getDetails()).containsEntry("reason", "cannot read the mount table /host/proc/1/mountinfo");

        readable.set(true);
        assertThat(health.health().getStatus()).isEqualTo(Status.UP);
    }
}
