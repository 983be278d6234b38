package io.pvcresizer.tools.deadletters;

import io.pvcresizer.common.events.EventHeader;
import io.pvcresizer.common.events.FilesystemExpansionRequested;
import io.pvcresizer.common.events.ResizeEvent;
import io.pvcresizer.common.events.VolumeExpansionRequested;
import io.pvcresizer.common.events.VolumeRef;
import io.pvcresizer.common.kafka.EventCodec;
import io.pvcresizer.common.kafka.EventDecodingException;
import io.pvcresizer.common.quantity.StorageQuantities;
import java.util.Optional;

/**
 * Tells which dead-lettered requests their claim no longer wants, so that a replay does not grow a volume for a
 * resize that was cancelled, superseded or whose claim is gone: a volume request is still wanted while its claim (same
 * uid, bound to the same volume) asks for exactly its target; a node request while the claim asks for at most its
 * target (the volume's size, which the backend may have rounded up). Results and undecodable records are not
 * requests and are not checked (the watcher checks results against the claim itself).
 */
final class StaleRequests {

    private final EventCodec codec = new EventCodec();
    private final ClaimLookup claims;

    StaleRequests(ClaimLookup claims) {
        this.claims = claims;
    }

    /**
     * Why {@code deadLetter} is no longer wanted by its claim, or empty when it is (or is not a request).
     *
     * @throws ClaimLookup.ClaimLookupException when the claim could not be read
     */
    Optional<String> whyStale(DeadLetter deadLetter) {
        ResizeEvent event;
        try {
            event = codec.decode(deadLetter.value());
        } catch (EventDecodingException e) {
            return Optional.empty();
        }
        if (event instanceof VolumeExpansionRequested request) {
            return check(request.header(), request.targetBytes(), true);
        }
        if (event instanceof FilesystemExpansionRequested request) {
            return check(request.header(), request.targetBytes(), false);
        }
        return Optional.empty();
    }

    private Optional<String> check(EventHeader header, long target, boolean exact) {
        VolumeRef ref = header.volume();
        String claimName = ref.namespace() + "/" + ref.pvcName();
        String wanted = StorageQuantities.format(target);
        Optional<ClaimLookup.ClaimNow> found = claims.find(ref.namespace(), ref.pvcName());
        if (found.isEmpty()) {
            return Optional.of("claim " + claimName + " no longer exists");
        }
        ClaimLookup.ClaimNow claim = found.get();
        if (ref.pvcUid() == null || !ref.pvcUid().equals(claim.uid())) {
            return Optional.of("claim " + claimName + " is another object now (uid " + claim.uid() + ", the request"
                    + " was for uid " + ref.pvcUid() + ")");
        }
        if (claim.volumeName() == null || !claim.volumeName().equals(ref.pvName())) {
            return Optional.of("claim " + claimName + " is bound to " + (claim.volumeName() == null ? "no volume"
                    : "volume " + claim.volumeName()) + ", the request was for " + ref.pvName());
        }
        long requested;
        try {
            requested = StorageQuantities.toBytes(claim.requestedStorage());
        } catch (IllegalArgumentException e) {
            return Optional.of("claim " + claimName + " asks for no size this command can read ("
                    + claim.requestedStorage() + ")");
        }
        if (exact ? requested != target : requested > target) {
            return Optional.of("claim " + claimName + " now asks for " + claim.requestedStorage() + ", the request was"
                    + " for " + wanted);
        }
        return Optional.empty();
    }
}
