package io.pvcresizer.resize.csi;

import io.pvcresizer.common.events.SecretReference;
import java.util.Map;

/** Reads the content of the Secret a CSI call must carry; the content is handed to the call and kept nowhere else. */
public interface SecretReader {

    /**
     * The Secret's data, decoded, as CSI passes secrets ({@code key → value}).
     *
     * @throws io.pvcresizer.common.failure.ResizeException final {@code SecretNotReadable} naming the Secret (never
     *                                                      its content) when it is missing or may not be read
     */
    Map<String, String> read(SecretReference secret);
}
