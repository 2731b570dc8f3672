package dev.lanecontroller.tools.central;

import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.Topics;
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
        Snapshot snapshot = new Snapshot(out, topics, program, version, entriesPerChunk);
        while (records.hasNext()) {
            snapshot.add(records.next());
        }
        return snapshot.finish(issuedWallMs, expiresWallMs, previousChunkCount, keyId, key);
    }

    /** A snapshot published as its records come: each full chunk goes out at once, the manifest last. */
    public static final class Snapshot {
        private final Retained out;
        private final Topics topics;
        private final String program;
        private final long version;
        private final int entriesPerChunk;
        private final List<String> digests = new ArrayList<>();
        private final List<CardRecord> batch;
        private long entries;

        public Snapshot(Retained out, Topics topics, String program, long version, int entriesPerChunk) {
            if (entriesPerChunk < 1 || entriesPerChunk > ListWire.ENTRIES_PER_CHUNK_MAX) {
                throw new IllegalArgumentException("entries per chunk must be 1.." + ListWire.ENTRIES_PER_CHUNK_MAX);
            }
            this.out = out;
            this.topics = topics;
            this.program = program;
            this.version = version;
            this.entriesPerChunk = entriesPerChunk;
            this.batch = new ArrayList<>(entriesPerChunk);
        }

        public void add(CardRecord record) throws Exception {
            batch.add(record);
            entries++;
            if (batch.size() == entriesPerChunk) {
                flush();
            }
        }

        private void flush() throws Exception {
            if (digests.size() >= ListWire.CHUNKS_MAX) {
                throw new IllegalArgumentException("more than " + ListWire.CHUNKS_MAX + " chunks: use bigger chunks");
            }
            byte[] payload = ListWire.chunkPayload(program, version, digests.size(), batch);
            out.publish(topics.listChunk(program, digests.size()), payload);
            digests.add(ListWire.sha256(payload));
            batch.clear();
        }

        /** Publishes the last chunk, clears chunks an older, longer snapshot left, then the signed manifest. */
        public Published finish(long issuedWallMs, long expiresWallMs, int previousChunkCount, String keyId, PrivateKey key)
                throws Exception {
            if (!batch.isEmpty()) {
                flush();
            }
            for (int stale = digests.size(); stale < previousChunkCount; stale++) {
                out.publish(topics.listChunk(program, stale), new byte[0]);
            }
            byte[] manifest = ListWire.manifestPayload(program, version, issuedWallMs, expiresWallMs, entries, digests);
            out.publish(topics.listManifest(program), SignedEnvelope.seal(manifest, keyId, key));
            return new Published(digests.size(), entries, ListWire.listDigest(digests));
        }
    }

    public static void delta(Retained out, Topics topics, String program, long fromVersion, long issuedWallMs, long expiresWallMs,
                             List<CardRecord> upserts, List<String> removes, String keyId, PrivateKey key) throws Exception {
        byte[] delta = ListWire.deltaPayload(program, fromVersion, issuedWallMs, expiresWallMs, upserts, removes);
        out.publish(topics.listDelta(program), SignedEnvelope.seal(delta, keyId, key));
    }
}
