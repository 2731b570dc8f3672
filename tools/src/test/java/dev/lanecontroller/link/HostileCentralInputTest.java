package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.contract.CommandWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.SqliteJournal;
import dev.lanecontroller.tools.central.ListPublisher;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile input from central's side of the link, seeded (docs/reliability.md): list chunks,
 * manifests and deltas, and commands, each malformed, oversized, truncated, bit-flipped,
 * replayed, reordered, signed by a key the lane does not know, expired, or well-signed but with
 * fields of the wrong kind, fed straight to the lane's handlers. No exception may escape; the list
 * in force must only ever be a complete version central really signed, never older than the one
 * before; only fresh, well-signed commands may reach the lane, each once; every refusal is counted,
 * and journaled at a bounded rate. {@code -Dlane.fuzz.iterations=N} (default 3000) and
 * {@code -Dlane.campaign.seed=S}; a failure names both.
 */
class HostileCentralInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROGRAM = "NEXUS";
    private static final String KEY_ID = "central-lists";
    private static final String COMMAND_KEY_ID = "central-ops";

    @TempDir
    Path dir;
    private Rig rig;

    @AfterEach
    void close() {
        if (rig != null) {
            rig.close();
        }
    }

    /** The lane's link with its stores, not connected: the test plays the broker. */
    private final class Rig implements AutoCloseable {
        final KeyPair listKey = Ed25519Keys.generate();
        final KeyPair commandKey = Ed25519Keys.generate();
        final KeyPair strangerKey = Ed25519Keys.generate();
        final AtomicLong wallMs = new AtomicLong(1_795_852_800_000L);
        final Database database;
        final SqliteJournal journal;
        final ClearanceStore store;
        final NonceStore nonces;
        final LaneLink link;
        final Topics topics = Topics.lane("lc/v1", "test-site", "lane-07");
        final List<LaneInput> toLane = new CopyOnWriteArrayList<>();

        Rig() throws Exception {
            Ed25519Keys.writePublic(listKey.getPublic(), dir.resolve("lists.pub"));
            Ed25519Keys.writePublic(commandKey.getPublic(), dir.resolve("commands.pub"));
            CentralSettings settings = new CentralSettings("tcp://127.0.0.1:9", "test-site", "lc/v1", "test-site-lane-07", null, null, null,
                    true, 30, 30_000, 64, 1_000, 1_000, 120_000, Map.of(KEY_ID, dir.resolve("lists.pub")),
                    Map.of(COMMAND_KEY_ID, dir.resolve("commands.pub")), List.of(), List.of());
            database = Database.open(dir.resolve("lane.db"));
            journal = new SqliteJournal(database, "boot-fuzz");
            store = new ClearanceStore(database);
            nonces = new NonceStore(database);
            link = new LaneLink(settings, new LaneLink.Lane("lane-07", Set.of(PROGRAM), journal, store, nonces, toLane::add,
                    () -> new LaneView("AUTOMATED", store.listsInForce(), true), () -> new Now(wallMs.get(), wallMs.get(), true),
                    entry -> { }, "boot-fuzz", "test", () -> 0.5));
        }

        List<JournalEntry> events(String type) {
            List<JournalEntry> found = new ArrayList<>();
            List<JournalEntry> page;
            long after = 0;
            while (!(page = journal.read(after, 5_000)).isEmpty()) {
                for (JournalEntry entry : page) {
                    if (entry.type().equals(type)) {
                        found.add(entry);
                    }
                }
                after = page.get(page.size() - 1).seq();
            }
            return found;
        }

        @Override
        public void close() {
            link.close();
            nonces.close();
            store.close();
            journal.close();
        }
    }

    private record Message(String topic, byte[] payload) {}

    @Test
    void listMessagesFromAHostileBrokerNeverPutAnIncompleteOrUnsignedListInForce() throws Exception {
        CampaignRun run = CampaignRun.of("lane.fuzz.iterations", 3_000);
        int iterations = run.trials();
        String replay = run.replay();
        SplittableRandom random = run.random();
        rig = new Rig();
        List<CardRecord> cards = DemoList.cards(250, 11);
        // Every version central really signed, with the card counts it may hold: a snapshot's exactly,
        // a delta's (5 upserts, 1 remove) within reach of the version it follows.
        Map<Long, Set<Long>> signedCounts = new HashMap<>();
        List<Message> seen = new ArrayList<>();
        long nextVersion = 1;
        long lastInForce = 0;
        int validSnapshots = 0;
        int[] kinds = new int[8];
        for (int i = 0; i < iterations; i++) {
            rig.wallMs.addAndGet(300); // three messages a second: faster than the journaling cap
            List<Message> batch = new ArrayList<>();
            int kind = random.nextInt(8);
            kinds[kind]++;
            switch (kind) {
                case 0 -> { // a real snapshot, its chunks reordered and some sent twice
                    long version = nextVersion++;
                    List<CardRecord> some = cards.subList(0, 50 + random.nextInt(cards.size() - 50));
                    List<Message> snapshot = snapshot(version, some, rig.listKey, KEY_ID);
                    signedCounts.computeIfAbsent(version, v -> new HashSet<>()).add((long) some.size());
                    batch.add(snapshot.get(snapshot.size() - 1));
                    List<Message> chunks = new ArrayList<>(snapshot.subList(0, snapshot.size() - 1));
                    shuffle(chunks, random);
                    batch.addAll(chunks);
                    if (!chunks.isEmpty() && random.nextBoolean()) {
                        batch.add(chunks.get(random.nextInt(chunks.size())));
                    }
                    validSnapshots++;
                }
                case 1 -> { // something seen before, again (an old version, a duplicate)
                    if (!seen.isEmpty()) {
                        batch.add(seen.get(random.nextInt(seen.size())));
                    }
                }
                case 2 -> batch.add(mutate(seen.isEmpty() ? snapshot(nextVersion, cards.subList(0, 10), rig.listKey, KEY_ID).get(0)
                        : seen.get(random.nextInt(seen.size())), random));
                case 3 -> batch.addAll(snapshot(nextVersion + random.nextInt(3), cards.subList(0, 20), rig.strangerKey, KEY_ID));
                case 4 -> batch.add(new Message(randomListTopic(random), randomBytes(random, random.nextInt(2_000))));
                case 5 -> batch.add(resignedWithWrongFields(snapshot(nextVersion, cards.subList(0, 30), rig.listKey, KEY_ID), random));
                case 6 -> { // a delta from the version in force, or from one that is not, maybe with wrong fields
                    long from = random.nextInt(4) == 0 ? random.nextLong(nextVersion + 2) : Math.max(lastInForce, 1);
                    Message delta = delta(from, cards.subList(0, 5), List.of(cards.get(6).epcHex()));
                    batch.add(random.nextBoolean() ? delta : resignedWithWrongFields(List.of(delta), random));
                    ListInfo base = rig.store.inForce(PROGRAM);
                    if (base != null && from == base.version()) {
                        Set<Long> counts = signedCounts.computeIfAbsent(from + 1, v -> new HashSet<>());
                        for (long n = base.entryCount() - 1; n <= base.entryCount() + 5; n++) {
                            counts.add(n);
                        }
                    }
                }
                default -> { // oversized, or truncated
                    Message base = seen.isEmpty() ? snapshot(nextVersion, cards.subList(0, 10), rig.listKey, KEY_ID).get(0)
                            : seen.get(random.nextInt(seen.size()));
                    batch.add(random.nextBoolean() ? new Message(base.topic(), randomBytes(random, ListWire.MANIFEST_BYTES_MAX + 1 + random.nextInt(1_000)))
                            : new Message(base.topic(), java.util.Arrays.copyOf(base.payload(), random.nextInt(Math.max(1, base.payload().length)))));
                }
            }
            for (Message message : batch) {
                try {
                    rig.link.lists().handle(message.topic(), message.payload(), random.nextBoolean());
                } catch (Throwable t) {
                    fail("iteration " + i + " (kind " + kind + ") threw " + t + replay, t);
                }
                seen.add(message);
            }
            if (seen.size() > 400) {
                seen.subList(0, 200).clear();
            }
            ListInfo inForce = rig.store.inForce(PROGRAM);
            if (inForce != null) {
                assertTrue(inForce.version() >= lastInForce, "the list was rolled back from v" + lastInForce + " to v" + inForce.version()
                        + " at iteration " + i + replay);
                assertTrue(signedCounts.containsKey(inForce.version()), "v" + inForce.version() + " in force was never signed by central"
                        + replay);
                assertTrue(signedCounts.get(inForce.version()).contains(inForce.entryCount()), "v" + inForce.version() + " is in force with "
                        + inForce.entryCount() + " cards, not as signed: " + signedCounts.get(inForce.version()) + replay);
                lastInForce = inForce.version();
                nextVersion = Math.max(nextVersion, lastInForce + 2); // snapshot and delta versions never collide
            }
        }
        // The receiver is not wedged: the next real snapshot, delivered plainly, comes into force whole.
        long last = nextVersion++;
        List<Message> clean = snapshot(last, cards, rig.listKey, KEY_ID);
        rig.link.lists().handle(clean.get(clean.size() - 1).topic(), clean.get(clean.size() - 1).payload(), true);
        for (Message chunk : clean.subList(0, clean.size() - 1)) {
            rig.link.lists().handle(chunk.topic(), chunk.payload(), true);
        }
        assertEquals(last, rig.store.inForce(PROGRAM).version(), "a clean snapshot after the storm" + replay);
        assertEquals(cards.size(), rig.store.inForce(PROGRAM).entryCount(), replay);
        long rejected = rig.link.lists().rejected();
        List<JournalEntry> journaled = rig.events("LIST_REJECTED");
        long minutes = iterations * 300L / 60_000 + 2;
        assertTrue(rejected > iterations / 4, "most of the garbage was refused and counted: " + rejected + replay);
        assertTrue(journaled.size() <= minutes * ListReceiver.REJECTIONS_JOURNALED_PER_MINUTE, journaled.size() + " journaled" + replay);
        JsonNode lastJournaled = JSON.readTree(journaled.get(journaled.size() - 1).payloadJson());
        assertTrue(lastJournaled.get("rejectedSinceStart").asLong() <= rejected, replay);
        CampaignReport.row("hostile-lists", "hostile list messages (chunks, manifests, deltas)", run, 3_000,
                String.format(Locale.ROOT, "%d rounds: %d real snapshots reordered and duplicated, %d replays, %d mutations, %d from an "
                                + "unknown key, %d random, %d re-signed with wrong fields, %d deltas, %d oversized or truncated; 0 "
                                + "exceptions, every list in force complete and signed, never rolled back (last v%d); %d refusals "
                                + "counted, %d journaled (at most %d a minute); a clean snapshot afterwards came into force whole",
                        iterations, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5], kinds[6], kinds[7], lastInForce, rejected,
                        journaled.size(), ListReceiver.REJECTIONS_JOURNALED_PER_MINUTE));
    }

    @Test
    void onlyFreshWellSignedCommandsReachTheLaneEachOnce() throws Exception {
        CampaignRun run = CampaignRun.of("lane.fuzz.iterations", 3_000);
        int iterations = run.trials();
        String replay = run.replay();
        SplittableRandom random = run.random();
        rig = new Rig();
        Set<String> trusted = new HashSet<>(); // ids of commands well signed, fresh and not seen before
        Set<String> untrusted = new HashSet<>();
        List<byte[]> sent = new ArrayList<>();
        int[] kinds = new int[7];
        for (int i = 0; i < iterations; i++) {
            rig.wallMs.addAndGet(300); // three messages a second: faster than the journaling cap
            Instant now = Instant.ofEpochMilli(rig.wallMs.get());
            String id = "cmd-" + run.seed() + "-" + i;
            int kind = random.nextInt(7);
            kinds[kind]++;
            byte[] message = switch (kind) {
                case 0 -> {
                    trusted.add(id);
                    yield command(id, now, rig.commandKey, random);
                }
                case 1 -> sent.isEmpty() ? randomBytes(random, 10) : sent.get(random.nextInt(sent.size())); // replayed
                case 2 -> {
                    untrusted.add(id);
                    yield command(id, now, rig.strangerKey, random);
                }
                case 3 -> {
                    untrusted.add(id);
                    yield command(id, random.nextBoolean() ? now.minusSeconds(121 + random.nextInt(100_000))
                            : now.plusSeconds(120 + random.nextInt(100_000)), rig.commandKey, random);
                }
                case 4 -> {
                    untrusted.add(id);
                    yield mutateBytes(command(id, now, rig.commandKey, random), random);
                }
                case 5 -> resignedCommand(id, now, random, trusted); // signed by central: may pass if its fields still make sense
                default -> random.nextBoolean() ? randomBytes(random, random.nextInt(3_000))
                        : randomBytes(random, CommandWire.COMMAND_BYTES_MAX + 1 + random.nextInt(100));
            };
            sent.add(message);
            try {
                rig.link.commands().handle(message);
            } catch (Throwable t) {
                fail("iteration " + i + " (kind " + kind + ") threw " + t + replay, t);
            }
        }
        Set<String> reached = new HashSet<>();
        for (LaneInput input : rig.toLane) {
            if (input instanceof LaneInput.Command command) {
                assertTrue(reached.add(command.commandId()), command.commandId() + " reached the lane twice" + replay);
                assertTrue(trusted.contains(command.commandId()) && !untrusted.contains(command.commandId()),
                        command.commandId() + " reached the lane without being fresh and well signed" + replay);
            }
        }
        long refusals = rig.link.commands().refusals();
        long journaled = rig.events("COMMAND_REJECTED").size();
        assertTrue(!reached.isEmpty() && refusals > iterations / 3, reached.size() + " reached, " + refusals + " refused" + replay);
        assertTrue(journaled <= (iterations * 300L / 60_000 + 2) * CommandHandler.REFUSALS_JOURNALED_PER_MINUTE, replay);
        CampaignReport.row("hostile-commands", "hostile commands", run, 3_000,
                String.format(Locale.ROOT, "%d commands: %d good, %d replays, %d from an unknown key, %d expired or from the future, %d "
                                + "bit-flipped, %d re-signed with wrong fields, %d random or oversized; 0 exceptions; %d reached the lane, "
                                + "each once, all fresh and well signed; %d refused and counted, %d journaled (at most %d a minute)",
                        iterations, kinds[0], kinds[1], kinds[2], kinds[3], kinds[4], kinds[5], kinds[6], reached.size(), refusals, journaled,
                        CommandHandler.REFUSALS_JOURNALED_PER_MINUTE));
    }

    // ---- message makers ----

    private List<Message> snapshot(long version, List<CardRecord> cards, KeyPair key, String keyId) throws Exception {
        List<Message> out = new ArrayList<>();
        ListPublisher.snapshot((topic, payload) -> out.add(new Message(topic, payload)), rig.topics, PROGRAM, version, rig.wallMs.get() - 1_000,
                rig.wallMs.get() + 86_400_000L, cards.iterator(), 40, 0, keyId, key.getPrivate());
        return out;
    }

    private Message delta(long fromVersion, List<CardRecord> upserts, List<String> removes) throws Exception {
        List<Message> out = new ArrayList<>();
        ListPublisher.delta((topic, payload) -> out.add(new Message(topic, payload)), rig.topics, PROGRAM, fromVersion, rig.wallMs.get() - 1_000,
                rig.wallMs.get() + 86_400_000L, upserts, removes, KEY_ID, rig.listKey.getPrivate());
        return out.get(0);
    }

    private byte[] command(String id, Instant issuedAt, KeyPair key, SplittableRandom random) {
        String[] types = {"SET_MODE", "RELEASE", "CONFIRM", "FAULT_RESET", "REPLAY", "LIST_RESYNC"};
        String type = types[random.nextInt(types.length)];
        Map<String, Object> args = switch (type) {
            case "SET_MODE" -> Map.of("mode", List.of("AUTOMATED", "MANUAL", "CLOSED", "MAINTENANCE").get(random.nextInt(4)));
            case "REPLAY" -> Map.of("fromSeq", 1, "toSeq", 1 + random.nextInt(50));
            case "LIST_RESYNC" -> Map.of("program", PROGRAM);
            default -> Map.of();
        };
        return CommandWire.sealed(id, "test-site", "lane-07", type, issuedAt, "officer-" + random.nextInt(100), args, COMMAND_KEY_ID,
                key.getPrivate());
    }

    /** A command central really signed, with a field of the wrong kind, missing, or absurd. */
    private byte[] resignedCommand(String id, Instant now, SplittableRandom random, Set<String> trusted) throws Exception {
        ObjectNode command = (ObjectNode) JSON.readTree(CommandWire.payload(id, "test-site", "lane-07", "SET_MODE", now, "officer",
                Map.of("mode", "MANUAL")));
        breakAField(command, random);
        trusted.add(command.path("commandId").asText()); // whatever id it now carries, central signed it
        return SignedEnvelope.seal(JSON.writeValueAsBytes(command), COMMAND_KEY_ID, rig.commandKey.getPrivate());
    }

    /** One of the messages (a manifest or a delta) re-signed by central's key with a field broken. */
    private Message resignedWithWrongFields(List<Message> messages, SplittableRandom random) throws Exception {
        Message signed = messages.get(messages.size() - 1);
        JsonNode envelope = JSON.readTree(signed.payload());
        ObjectNode inner = (ObjectNode) JSON.readTree(Base64.getDecoder().decode(envelope.get("payload").asText()));
        breakAField(inner, random);
        return new Message(signed.topic(), SignedEnvelope.seal(JSON.writeValueAsBytes(inner), KEY_ID, rig.listKey.getPrivate()));
    }

    private static void breakAField(ObjectNode node, SplittableRandom random) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        String name = names.get(random.nextInt(names.size()));
        switch (random.nextInt(7)) {
            case 0 -> node.remove(name);
            case 1 -> node.put(name, "x".repeat(random.nextInt(5_000)));
            case 2 -> node.put(name, random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE);
            case 3 -> node.put(name, -1 - random.nextInt(1_000));
            case 4 -> node.putArray(name).add(1).add("two");
            case 5 -> node.putNull(name);
            default -> node.putObject(name).put("nested", true);
        }
    }

    private static Message mutate(Message message, SplittableRandom random) {
        return new Message(message.topic(), mutateBytes(message.payload(), random));
    }

    private static byte[] mutateBytes(byte[] original, SplittableRandom random) {
        byte[] copy = original.clone();
        int flips = 1 + random.nextInt(8);
        for (int f = 0; f < flips && copy.length > 0; f++) {
            copy[random.nextInt(copy.length)] ^= (byte) (1 << random.nextInt(8));
        }
        return copy;
    }

    private String randomListTopic(SplittableRandom random) {
        return switch (random.nextInt(4)) {
            case 0 -> rig.topics.listManifest(PROGRAM);
            case 1 -> rig.topics.listDelta(PROGRAM);
            case 2 -> rig.topics.listChunk(PROGRAM, random.nextInt(5));
            default -> rig.topics.listChunks(PROGRAM).replace("+", random.nextBoolean() ? "-1" : "x/" + random.nextInt(100_000));
        };
    }

    private static byte[] randomBytes(SplittableRandom random, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) random.nextInt(256);
        }
        if (length > 2 && random.nextBoolean()) { // often JSON-ish, to get past the first parser checks
            byte[] json = ("{\"payload\":\"" + Base64.getEncoder().encodeToString(bytes) + "\",\"keyId\":\"" + KEY_ID + "\",\"signature\":\"AA\",\"schema\":\"signed/1\"}")
                    .getBytes(StandardCharsets.UTF_8);
            return json;
        }
        return bytes;
    }

    private static <T> void shuffle(List<T> list, SplittableRandom random) {
        for (int i = list.size() - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            T swap = list.get(i);
            list.set(i, list.get(j));
            list.set(j, swap);
        }
    }
}
