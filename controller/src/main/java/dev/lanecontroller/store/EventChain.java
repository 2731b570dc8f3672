package dev.lanecontroller.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Numbers and chains events: each entry's hash covers its own fields and the previous entry's hash
 * (SHA-256), so removing or altering one breaks every hash after it. Shared by every journal.
 */
public final class EventChain {
    public static final String GENESIS_HASH = "0".repeat(64);
    /** A payload bigger than this is a bug in the caller, not an event to store on an SD card. */
    public static final int PAYLOAD_BYTES_MAX = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String bootId;
    private long lastSeq;
    private String lastHash;

    public EventChain(String bootId, long lastSeq, String lastHash) {
        this.bootId = bootId;
        this.lastSeq = lastSeq;
        this.lastHash = lastHash;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public String lastHash() {
        return lastHash;
    }

    public String bootId() {
        return bootId;
    }

    /** The next entry; the chain advances only when {@link #commit} is called after it is stored. */
    public JournalEntry next(EventDraft draft, long seq, String prevHash) {
        String payload = payload(draft);
        String hash = hash(seq, bootId, draft.at().monoMs(), draft.at().wallMs(), draft.at().clockSynced(), draft.type(),
                payload, prevHash);
        return new JournalEntry(seq, bootId, draft.at().monoMs(), draft.at().wallMs(), draft.at().clockSynced(), draft.type(),
                payload, prevHash, hash, draft.event());
    }

    /**
     * Why {@code draft} can never be journaled (its details are not JSON, or too large), or null. A
     * programming error in an event, not a journal that fails: it is refused, the journal goes on.
     */
    public static String problem(EventDraft draft) {
        try {
            payload(draft);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private static String payload(EventDraft draft) {
        String payload;
        try {
            payload = JSON.writeValueAsString(draft.details());
        } catch (JsonProcessingException | RuntimeException e) {
            throw new IllegalArgumentException("event " + draft.type() + " cannot be written as JSON: " + e.getMessage(), e);
        }
        if (payload.length() > PAYLOAD_BYTES_MAX) {
            throw new IllegalArgumentException("event " + draft.type() + " payload is " + payload.length() + " bytes, over "
                    + PAYLOAD_BYTES_MAX);
        }
        return payload;
    }

    public void commit(JournalEntry last) {
        lastSeq = last.seq();
        lastHash = last.hash();
    }

    /** Recomputes an entry's hash from its fields: equal to {@code entry.hash()} when it is intact. */
    public static String hashOf(JournalEntry entry) {
        return hash(entry.seq(), entry.bootId(), entry.monoMs(), entry.wallMs(), entry.clockSynced(), entry.type(),
                entry.payloadJson(), entry.prevHash());
    }

    private static String hash(long seq, String bootId, long monoMs, long wallMs, boolean synced, String type, String payload,
                               String prevHash) {
        String canonical = prevHash + "\n" + seq + "\n" + bootId + "\n" + monoMs + "\n" + wallMs + "\n" + synced + "\n" + type
                + "\n" + payload;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
