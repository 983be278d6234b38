package io.pvcresizer.resize.rbd;

import io.pvcresizer.common.failure.Reason;
import io.pvcresizer.common.failure.ResizeException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parts of {@code rbd info --format json} pvc-resizer needs: the image's name and size in bytes.
 *
 * @param name      image name
 * @param sizeBytes image size
 */
public record RbdImageInfo(String name, long sizeBytes) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** Parses the JSON {@code rbd info --format json} prints. */
    public static RbdImageInfo parse(String json) {
        try {
            JsonNode tree = JSON.readTree(json);
            JsonNode size = tree.get("size");
            if (size == null || !size.canConvertToLong()) {
                throw new ResizeException(Reason.UNEXPECTED_RBD_OUTPUT, "rbd info printed no size: " + abbreviate(json));
            }
            return new RbdImageInfo(tree.path("name").asString(""), size.asLong());
        } catch (JacksonException e) {
            throw new ResizeException(Reason.UNEXPECTED_RBD_OUTPUT, "rbd info printed no JSON: " + abbreviate(json));
        }
    }

    private static String abbreviate(String text) {
        String stripped = text == null ? "" : text.strip();
        return stripped.length() > 200 ? stripped.substring(0, 200) + "…" : stripped;
    }
}
