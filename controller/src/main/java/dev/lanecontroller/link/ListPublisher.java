package dev.lanecontroller.link;

import dev.lanecontroller.store.CardRecord;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Central's side of a list (the ops tool and the tests): cuts a snapshot into chunks, publishes
 * them retained, then the signed manifest, retained, so a lane that sees the manifest finds every
 * chunk already there; clears chunk topics an earlier, longer snapshot left behind. A delta is one
 * signed, retained message.
 */
public final class ListPublisher {
    /** How the publisher hands a message to MQTT (QoS 1); must not return before the broker has it. */
    @FunctionalInterface
    public interface Retained {
        void publish(String topic, byte[] payload) throws Exception;
    }

    public record Published(int chunks, long entries, String listDigest) {}

    private ListPublisher() {}

    public static Published snapshot(Retained out, Topics topics, String program, long version, long issuedWallMs, long expiresWallMs,
                                     Iterator<CardRecord> records, int entriesPerChunk, int previousChunkCount, String keyId,
                                     PrivateKey key) throws Exception {
        if (entriesPerChunk < 1 || entriesPerChunk > ListWire.ENTRIES_PER_CHUNK_MAX) {
            throw new IllegalArgumentException("entries per chunk must be 1.." + ListWire.ENTRIES_PER_CHUNK_MAX);
        }
        List<String> digests = new ArrayList<>();
        List<CardRecord> batch = new ArrayList<>(entriesPerChunk);
        long entries = 0;
        while (records.hasNext()) {
            batch.add(records.next());
            entries++;
            if (batch.size() == entriesPerChunk) {
                digests.add(chunk(out, topics, program, version, digests.size(), batch));
                batch.clear();
            }
        }
        if (!batch.isEmpty()) {
            digests.add(chunk(out, topics, program, version, digests.size(), batch));
        }
        if (digests.size() > ListWire.CHUNKS_MAX) {
            throw new IllegalArgumentException(digests.size() + " chunks is over " + ListWire.CHUNKS_MAX + ": use bigger chunks");
        }
        for (int stale = digests.size(); stale < previousChunkCount; stale++) {
            out.publish(topics.listChunk(program, stale), new byte[0]);
        }
        byte[] manifest = ListWire.manifestPayload(program, version, issuedWallMs, expiresWallMs, entries, digests);
        out.publish(topics.listManifest(program), SignedEnvelope.seal(manifest, keyId, key));
        return new Published(digests.size(), entries, ListWire.listDigest(digests));
    }

    private static String chunk(Retained out, Topics topics, String program, long version, int index, List<CardRecord> batch)
            throws Exception {
        byte[] payload = ListWire.chunkPayload(program, version, index, batch);
        out.publish(topics.listChunk(program, index), payload);
        return ListWire.sha256(payload);
    }

    public static void delta(Retained out, Topics topics, String program, long fromVersion, long issuedWallMs, long expiresWallMs,
                             List<CardRecord> upserts, List<String> removes, String keyId, PrivateKey key) throws Exception {
        byte[] delta = ListWire.deltaPayload(program, fromVersion, issuedWallMs, expiresWallMs, upserts, removes);
        out.publish(topics.listDelta(program), SignedEnvelope.seal(delta, keyId, key));
    }
}
