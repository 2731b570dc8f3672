package dev.lanecontroller.link;

import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.ListWire.Chunk;
import dev.lanecontroller.contract.ListWire.Delta;
import dev.lanecontroller.contract.ListWire.Manifest;
import dev.lanecontroller.contract.RequestWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.SignedEnvelope.Rejected;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.ListBuilder;
import dev.lanecontroller.store.StoreException;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Clearance lists from central (DESIGN §7). A snapshot is a signed manifest plus chunks; the lane
 * subscribes to the chunks only while it builds a snapshot, checks each chunk against the
 * manifest's digest, builds the new version beside the one in force, and swaps it in when every
 * chunk is there. A delta N→N+1 is signed whole. Anything that fails a check is refused whole, with
 * its reason journaled (LIST_REJECTED), and the version in force stays. A delta that does not
 * follow on from the version in force makes the lane ask for a snapshot.
 */
public final class ListReceiver {
    private static final System.Logger LOG = System.getLogger(ListReceiver.class.getName());
    /** A snapshot that has not completed this long after its last chunk is given up and asked for again. */
    static final long ASSEMBLY_STALL_MS = 10 * 60_000;

    /** What the receiver needs from around it. */
    /** @param toLane the lane's inbox: a list swapped in reaches the lane core as an input at once */
    public record Wiring(String site, String lane, Topics topics, Set<String> programs, Map<String, PublicKey> keys,
                        ClearanceStore store, EventRecorder recorder, java.util.function.Predicate<LaneInput> toLane, LongSupplier wallClock) {}

    private final Wiring wiring;
    /**
     * The snapshots being built, by program: changed under this receiver's monitor, read without it
     * by {@link #subscriptions}, which the link's thread calls on every connect and which must not
     * wait for a list being handled (written, swapped in, journaled) on the inbound thread.
     */
    private final Map<String, Assembly> assemblies = new ConcurrentHashMap<>();
    /** A flood of bad list messages is counted in full and journaled at most this often. */
    static final int REJECTIONS_JOURNALED_PER_MINUTE = 60;
    private final RefusalCap rejected = new RefusalCap(REJECTIONS_JOURNALED_PER_MINUTE);
    private final AtomicLong applied = new AtomicLong();
    private LinkControl link;

    /** One snapshot being built. */
    private static final class Assembly {
        final Manifest manifest;
        final ListBuilder builder;
        final BitSet received = new BitSet();
        final long startedWallMs;
        long lastProgressWallMs;

        Assembly(Manifest manifest, ListBuilder builder, long nowWallMs) {
            this.manifest = manifest;
            this.builder = builder;
            this.startedWallMs = nowWallMs;
            this.lastProgressWallMs = nowWallMs;
        }

        boolean complete() {
            return received.cardinality() == manifest.chunkDigests().size();
        }
    }

    public ListReceiver(Wiring wiring) {
        this.wiring = wiring;
    }

    public void attach(LinkControl control) {
        this.link = control;
    }

    public long rejected() {
        return rejected.total();
    }

    public long applied() {
        return applied.get();
    }

    /** The topic filters to subscribe to on a connect: on the link's thread, never waiting for {@link #handle}. */
    public List<String> subscriptions() {
        List<String> filters = new ArrayList<>();
        for (String program : new TreeSet<>(wiring.programs())) {
            filters.add(wiring.topics().listManifest(program));
            filters.add(wiring.topics().listDelta(program));
            if (assemblies.containsKey(program)) {
                filters.add(wiring.topics().listChunks(program));
            }
        }
        return filters;
    }

    /** True when the topic is one of this receiver's; then the message was handled. */
    public synchronized boolean handle(String topic, byte[] payload, boolean retained) {
        String program = wiring.topics().programOf(topic);
        if (program == null || !wiring.programs().contains(program)) {
            return false;
        }
        if (payload.length == 0) {
            return true; // central cleared a retained message
        }
        if (topic.equals(wiring.topics().listManifest(program))) {
            onManifest(program, payload, retained);
        } else if (topic.equals(wiring.topics().listDelta(program))) {
            onDelta(program, payload, retained);
        } else if (topic.startsWith(wiring.topics().listChunks(program).replace("+", ""))) {
            onChunk(program, topic, payload);
        } else {
            return false;
        }
        return true;
    }

    private void onManifest(String program, byte[] payload, boolean retained) {
        long now = wiring.wallClock().getAsLong();
        Manifest manifest;
        try {
            if (payload.length > ListWire.MANIFEST_BYTES_MAX) {
                throw new Rejected("TOO_LARGE", "a manifest is at most " + ListWire.MANIFEST_BYTES_MAX + " bytes; this one is " + payload.length);
            }
            manifest = ListWire.manifest(SignedEnvelope.open(payload, wiring.keys()));
            if (!manifest.program().equals(program)) {
                throw new Rejected("MALFORMED", "a manifest for " + manifest.program() + " on the topic of " + program);
            }
        } catch (Rejected e) {
            reject(program, null, "snapshot", e.code(), e.getMessage());
            return;
        }
        ListInfo current = wiring.store().inForce(program);
        Assembly building = assemblies.get(program);
        if ((current != null && manifest.version() == current.version())
                || (building != null && building.manifest.version() == manifest.version())) {
            return; // what we have or are building: a retained copy seen again on reconnect
        }
        if (current != null && manifest.version() < current.version()) {
            if (!retained) {
                reject(program, manifest.version(), "snapshot", "ROLLBACK", "v" + manifest.version() + " is older than v" + current.version()
                        + " in force: a list is never rolled back");
            }
            return; // an old retained snapshot, overtaken by deltas since
        }
        if (manifest.expiresWallMs() <= now) {
            reject(program, manifest.version(), "snapshot", "EXPIRED", "expired at " + Instant.ofEpochMilli(manifest.expiresWallMs()));
            return;
        }
        if (building != null) {
            if (building.manifest.version() > manifest.version()) {
                return;
            }
            abandon(program, building);
        }
        ListBuilder builder;
        try {
            builder = wiring.store().beginSnapshot(program, manifest.version(), manifest.issuedWallMs(), manifest.expiresWallMs());
        } catch (StoreException e) {
            reject(program, manifest.version(), "snapshot", "STORE_FAILED", e.getMessage());
            return;
        }
        Assembly assembly = new Assembly(manifest, builder, now);
        assemblies.put(program, assembly);
        LOG.log(System.Logger.Level.INFO, "building " + program + " v" + manifest.version() + ": " + manifest.entryCount() + " cards in "
                + manifest.chunkDigests().size() + " chunks");
        if (manifest.chunkDigests().isEmpty()) {
            finish(program, assembly);
        } else if (link != null) {
            link.subscribe(wiring.topics().listChunks(program));
        }
    }

    private void onChunk(String program, String topic, byte[] payload) {
        Assembly assembly = assemblies.get(program);
        if (assembly == null) {
            return; // chunks of a snapshot we are not building
        }
        int index;
        try {
            index = Integer.parseInt(topic.substring(topic.lastIndexOf('/') + 1));
        } catch (NumberFormatException e) {
            return; // not a chunk topic of the contract
        }
        List<String> digests = assembly.manifest.chunkDigests();
        if (index < 0 || index >= digests.size() || assembly.received.get(index)) {
            return; // beyond this snapshot (a longer older one), or seen already
        }
        try {
            if (payload.length > ListWire.CHUNK_BYTES_MAX) {
                throw new Rejected("TOO_LARGE", "chunk " + index + " is " + payload.length + " bytes, over " + ListWire.CHUNK_BYTES_MAX);
            }
            if (!ListWire.sha256(payload).equals(digests.get(index))) {
                Chunk other = parseQuietly(payload);
                if (other != null && other.version() != assembly.manifest.version()) {
                    return; // a retained chunk of another version, not yet overwritten by central
                }
                throw new Rejected("DIGEST_MISMATCH", "chunk " + index + " does not match the digest the signed manifest gives for it");
            }
            Chunk chunk = ListWire.chunk(payload);
            if (chunk.index() != index || chunk.version() != assembly.manifest.version() || !chunk.program().equals(program)) {
                throw new Rejected("MALFORMED", "chunk " + index + " says it is " + chunk.program() + " v" + chunk.version() + " chunk "
                        + chunk.index());
            }
            assembly.builder.add(chunk.entries());
        } catch (Rejected e) {
            abandon(program, assembly);
            reject(program, assembly.manifest.version(), "snapshot", e.code(), e.getMessage());
            return;
        } catch (StoreException e) {
            abandon(program, assembly);
            reject(program, assembly.manifest.version(), "snapshot", "STORE_FAILED", e.getMessage());
            return;
        }
        assembly.received.set(index);
        assembly.lastProgressWallMs = wiring.wallClock().getAsLong();
        if (assembly.complete()) {
            finish(program, assembly);
        }
    }

    private static Chunk parseQuietly(byte[] payload) {
        try {
            return ListWire.chunk(payload);
        } catch (Rejected e) {
            return null;
        }
    }

    private void finish(String program, Assembly assembly) {
        stopBuilding(program);
        long now = wiring.wallClock().getAsLong();
        try {
            ListInfo list = assembly.builder.finish(assembly.manifest.entryCount(), now);
            applied(list, "snapshot", wiring.wallClock().getAsLong() - assembly.startedWallMs);
        } catch (StoreException e) {
            reject(program, assembly.manifest.version(), "snapshot", "INVALID_CONTENT", e.getMessage());
        }
    }

    private void abandon(String program, Assembly assembly) {
        assembly.builder.abort();
        stopBuilding(program);
    }

    private void stopBuilding(String program) {
        assemblies.remove(program);
        if (link != null) {
            link.unsubscribe(wiring.topics().listChunks(program));
        }
    }

    private void onDelta(String program, byte[] payload, boolean retained) {
        long now = wiring.wallClock().getAsLong();
        Delta delta;
        try {
            if (payload.length > ListWire.DELTA_BYTES_MAX) {
                throw new Rejected("TOO_LARGE", "a delta is at most " + ListWire.DELTA_BYTES_MAX + " bytes; this one is " + payload.length);
            }
            delta = ListWire.delta(SignedEnvelope.open(payload, wiring.keys()));
            if (!delta.program().equals(program)) {
                throw new Rejected("MALFORMED", "a delta for " + delta.program() + " on the topic of " + program);
            }
        } catch (Rejected e) {
            reject(program, null, "delta", e.code(), e.getMessage());
            return;
        }
        ListInfo current = wiring.store().inForce(program);
        long have = current == null ? 0 : current.version();
        Assembly building = assemblies.get(program);
        if (delta.toVersion() <= have || (building != null && delta.toVersion() <= building.manifest.version())) {
            if (!retained && delta.toVersion() < have) {
                reject(program, delta.toVersion(), "delta", "ROLLBACK", "v" + delta.toVersion() + " is older than v" + have + " in force");
            }
            return; // already applied (a retained copy), or overtaken by the snapshot being built
        }
        if (building != null) {
            return; // the snapshot being built comes first; a later delta will follow on from it, or it will ask again
        }
        if (delta.fromVersion() != have) {
            reject(program, delta.toVersion(), "delta", "VERSION_GAP", "the delta goes from v" + delta.fromVersion() + " but v" + have
                    + " is in force");
            requestSnapshot(program, "delta v" + delta.fromVersion() + "->v" + delta.toVersion() + " does not follow on from v" + have);
            return;
        }
        if (delta.expiresWallMs() <= now) {
            reject(program, delta.toVersion(), "delta", "EXPIRED", "expired at " + Instant.ofEpochMilli(delta.expiresWallMs()));
            return;
        }
        try (ListBuilder builder = wiring.store().beginDelta(program, delta.fromVersion(), delta.issuedWallMs(), delta.expiresWallMs())) {
            for (String epc : delta.removes()) {
                builder.remove(epc);
            }
            for (var record : delta.upserts()) {
                builder.upsert(record);
            }
            ListInfo list = builder.finish(null, now);
            applied(list, "delta", wiring.wallClock().getAsLong() - now);
        } catch (StoreException e) {
            reject(program, delta.toVersion(), "delta", "INVALID_CONTENT", e.getMessage());
            requestSnapshot(program, "delta v" + delta.toVersion() + " could not be applied");
        }
    }

    /**
     * Asks central for a full snapshot, and reads the retained manifest again (it may already be
     * newer than the version in force).
     */
    public synchronized void requestSnapshot(String program, String why) {
        ListInfo current = wiring.store().inForce(program);
        wiring.recorder().record(new LaneEvent.ListSnapshotRequested(program, current == null ? null : current.version(), why));
        if (link == null) {
            return;
        }
        link.publish(wiring.topics().requests(), RequestWire.snapshot(wiring.site(), wiring.lane(), program,
                current == null ? null : current.version(), why, wiring.wallClock().getAsLong()));
        // Subscribing again to the same filter makes the broker send its retained manifest again
        // (MQTT 3.1.1, 3.8.4) without a moment unsubscribed.
        link.subscribe(wiring.topics().listManifest(program));
    }

    /** Housekeeping: a snapshot whose chunks stopped coming is given up and asked for again. */
    public synchronized void onHeartbeat() {
        long now = wiring.wallClock().getAsLong();
        for (Map.Entry<String, Assembly> entry : new HashMap<>(assemblies).entrySet()) {
            Assembly assembly = entry.getValue();
            if (now - assembly.lastProgressWallMs > ASSEMBLY_STALL_MS) {
                abandon(entry.getKey(), assembly);
                reject(entry.getKey(), assembly.manifest.version(), "snapshot", "INCOMPLETE", assembly.received.cardinality() + " of "
                        + assembly.manifest.chunkDigests().size() + " chunks came in " + (now - assembly.startedWallMs) / 1000 + " s");
                requestSnapshot(entry.getKey(), "the snapshot stalled");
            }
        }
    }

    private void applied(ListInfo list, String kind, long tookMs) {
        applied.incrementAndGet();
        // The lane decides on the new version from its next input on; its slow poll of the store is for
        // imports made by another process, and catches this one too should the inbox be full.
        if (!wiring.toLane().test(new LaneInput.ListInForce(list))) {
            LOG.log(System.Logger.Level.WARNING, list.program() + " v" + list.version() + ": the lane's inbox is full; it learns of the "
                    + "new version at its next poll of the store");
        }
        wiring.recorder().record(new LaneEvent.ListApplied(list.program(), list.version(), kind, list.entryCount(), tookMs));
        LOG.log(System.Logger.Level.INFO, list.program() + " v" + list.version() + " in force (" + kind + ", " + list.entryCount()
                + " cards, " + tookMs + " ms)");
        if (link != null) {
            link.statusChanged();
        }
    }

    private void reject(String program, Long version, String kind, String code, String why) {
        if (rejected.admit(wiring.wallClock().getAsLong())) {
            ListInfo current = wiring.store().inForce(program);
            wiring.recorder().record(new LaneEvent.ListRejected(program, version, kind, code, why,
                    current == null ? null : current.version(), rejected.total()));
            LOG.log(System.Logger.Level.WARNING, program + (version == null ? "" : " v" + version) + " " + kind + " rejected, " + code + ": "
                    + why);
        }
    }

}
