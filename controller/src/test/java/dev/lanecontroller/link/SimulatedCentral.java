package dev.lanecontroller.link;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Central's side of a simulation, as docs/mqtt-contract.md says central behaves: it keeps each
 * event once by sequence number (a second copy must be the same event), checks each event's hash
 * by docs/journal.md's recipe over the bytes that came and that it names the hash of the one
 * before it, reads the lane's last sequence number from its status,
 * finds its holes to ask for again (REPLAY), and keeps the replies and the command ids the lane
 * says it received.
 */
final class SimulatedCentral {
    /** By sequence number, the first 64 bits of each event's hash and of the hash it names before it (0: not received). */
    private long[] hashes = new long[1_024];
    private long[] prevHashes = new long[1_024];
    private long received;
    /** Command id → how many COMMAND_RECEIVED events name it. */
    private final Map<String, Integer> commandsReceived = new HashMap<>();
    /** List version → its entry count, as the lane's LIST_APPLIED events say. */
    private final Map<Long, Long> listsApplied = new TreeMap<>();
    /** Reply code ("OK", "BAD_SIGNATURE", ...) → how many. */
    private final Map<String, Long> replies = new TreeMap<>();
    /** Every command id a reply named. */
    private final java.util.Set<String> answered = new java.util.HashSet<>();
    private long lastSeqKnown;
    private long lastAskedMs = Long.MIN_VALUE / 2;

    void deliver(byte[] payload) {
        JsonNode event = SimulatedBroker.parse(payload);
        int seq = Math.toIntExact(event.get("seq").asLong());
        long hash = prefix(event.get("hash").asText());
        if (seq >= hashes.length) {
            hashes = java.util.Arrays.copyOf(hashes, Math.max(seq + 1, hashes.length * 2));
            prevHashes = java.util.Arrays.copyOf(prevHashes, hashes.length);
        }
        if (hashes[seq] != 0) {
            if (hashes[seq] != hash) {
                throw new AssertionError("two different events with sequence number " + seq + ": a number was used twice");
            }
            return;
        }
        if (!CentralConsumer.hashHolds(payload, event)) {
            throw new AssertionError("the hash of event " + seq + " is not docs/journal.md's recipe over the bytes that came");
        }
        hashes[seq] = hash;
        prevHashes[seq] = prefix(event.get("prevHash").asText());
        received++;
        lastSeqKnown = Math.max(lastSeqKnown, seq);
        if (event.get("type").asText().equals("COMMAND_RECEIVED")) {
            commandsReceived.merge(event.get("details").get("commandId").asText(), 1, Integer::sum);
        } else if (event.get("type").asText().equals("LIST_APPLIED")) {
            listsApplied.put(event.get("details").get("version").asLong(), event.get("details").get("entries").asLong());
        }
    }

    /** A status (retained, or a will): the journal's last sequence number in it tells central how far the lane has got. */
    void status(byte[] payload) {
        JsonNode status = SimulatedBroker.parse(payload);
        JsonNode journal = status.path("journal").path("lastSeq");
        if (journal.isNumber()) {
            lastSeqKnown = Math.max(lastSeqKnown, journal.asLong());
        }
    }

    void reply(byte[] payload) {
        JsonNode reply = SimulatedBroker.parse(payload);
        replies.merge(reply.path("type").asText() + " " + reply.path("code").asText(), 1L, Long::sum);
        if (reply.path("commandId").isTextual()) {
            answered.add(reply.get("commandId").asText());
        }
    }

    /** The first 64 bits of a hex SHA-256 (never 0 in practice; 0 marks "not received"). */
    static long prefix(String hexHash) {
        return Long.parseUnsignedLong(hexHash.substring(0, 16), 16);
    }

    boolean answered(String commandId) {
        return answered.contains(commandId);
    }

    long received() {
        return received;
    }

    boolean has(long seq) {
        return seq < hashes.length && hashes[(int) seq] != 0;
    }

    /** The first 64 bits of event {@code seq}'s hash as central has it, or 0. */
    long hash(long seq) {
        return has(seq) ? hashes[(int) seq] : 0;
    }

    Map<String, Integer> commandsReceived() {
        return commandsReceived;
    }

    Map<Long, Long> listsApplied() {
        return listsApplied;
    }

    Map<String, Long> replies() {
        return replies;
    }

    /** The last sequence number central knows the lane journaled (from its events and statuses). */
    long lastSeqKnown() {
        return lastSeqKnown;
    }

    List<long[]> holes(long last, long nowMs) {
        List<long[]> runs = new ArrayList<>();
        if (nowMs - lastAskedMs < 5_000) {
            return runs;
        }
        lastAskedMs = nowMs;
        long start = 0;
        for (long seq = 1; seq <= last + 1; seq++) {
            boolean missing = seq <= last && !has(seq);
            if (missing && start == 0) {
                start = seq;
            } else if (!missing && start != 0) {
                runs.add(new long[] {start, seq - 1});
                start = 0;
            }
        }
        return runs;
    }

    List<Long> missing(long last) {
        List<Long> missing = new ArrayList<>();
        for (long seq = 1; seq <= last && missing.size() < 20; seq++) {
            if (!has(seq)) {
                missing.add(seq);
            }
        }
        return missing;
    }

    /** The chain as central received it: every event from the second on names the hash of the one before. */
    void checkChain(long last) {
        for (long seq = 2; seq <= last; seq++) {
            if (prevHashes[(int) seq] != hashes[(int) seq - 1]) {
                throw new AssertionError("the chain breaks at event " + seq + ": it names a hash beginning "
                        + Long.toHexString(prevHashes[(int) seq]) + ", event " + (seq - 1) + "'s begins " + Long.toHexString(hashes[(int) seq - 1]));
            }
        }
    }
}
