package io.pvcresizer.fs.stale;

import io.pvcresizer.fs.mount.MountEntry;
import io.pvcresizer.fs.mount.MountTable;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** A {@link MountTable} that answers each call with the next of the tables it was given; the last one repeats. */
final class ScriptedMountTable implements MountTable {

    private final Deque<List<MountEntry>> tables = new ArrayDeque<>();

    ScriptedMountTable answer(MountEntry... mounts) {
        tables.addLast(List.of(mounts));
        return this;
    }

    @Override
    public List<MountEntry> mounts() {
        if (tables.isEmpty()) {
            return List.of();
        }
        return tables.size() > 1 ? tables.pollFirst() : tables.peekFirst();
    }
}
