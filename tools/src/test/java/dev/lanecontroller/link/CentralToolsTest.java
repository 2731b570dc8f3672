package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.contract.SignedEnvelope;
import dev.lanecontroller.core.LaneMode;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.tools.ToolsMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The `central` subcommands against a lane over a real broker: what a technician or central would run. */
class CentralToolsTest {
    @TempDir
    Path dir;

    @Test
    void keygenMakesAKeyPairThatSignsAndVerifies() throws Exception {
        assertEquals(0, ToolsMain.execute("central", "keygen", "--out", dir.toString(), "--name", "ops-2026"));
        PublicKey publicKey = Ed25519Keys.readPublic(dir.resolve("ops-2026.pub"));
        byte[] sealed = SignedEnvelope.seal("{\"a\":1}".getBytes(), "ops-2026", Ed25519Keys.readPrivate(dir.resolve("ops-2026.key")));
        assertEquals(1, SignedEnvelope.open(sealed, java.util.Map.of("ops-2026", publicKey)).get("a").asInt());
        assertEquals(2, ToolsMain.execute("central", "keygen", "--out", dir.toString(), "--name", "ops-2026"), "never overwrites a key");
    }

    @Test
    void aListThatExpiresBeforeItIsIssuedIsRefusedBeforeAnythingIsPublished() throws Exception {
        assertEquals(0, ToolsMain.execute("central", "keygen", "--out", dir.toString(), "--name", "lists-2026"));
        Path csv = Files.writeString(dir.resolve("nexus.csv"), "epc,status\nE20000000000000000000001,ACTIVE\n");
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream before = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        int exit;
        try {
            // Broker unreachable on purpose: the refusal comes before any connection.
            exit = ToolsMain.execute("central", "publish-list", "--broker", "tcp://127.0.0.1:1", "--allow-plain-tcp", "--key",
                    dir.resolve("lists-2026.key").toString(), "--key-id", "lists-2026", "--program", "NEXUS", "--list-version", "7",
                    "--file", csv.toString(), "--expires", "2020-01-01T00:00:00Z");
        } finally {
            System.setErr(before);
        }
        assertEquals(2, exit, "before: published, and every lane took it as stale");
        assertTrue(err.toString().contains("--expires 2020-01-01T00:00:00Z is not after the list's issue time"), err.toString());
    }

    @Test
    void publishListAndSendCommandReachTheLane() throws Exception {
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             LaneFixture lane = new LaneFixture(dir, broker.uri(), 120_000)) {
            Path listKey = dir.resolve("lists.key");
            Path commandKey = dir.resolve("ops.key");
            Ed25519Keys.writePrivate(lane.listKey.getPrivate(), listKey);
            Ed25519Keys.writePrivate(lane.commandKey.getPrivate(), commandKey);
            List<CardRecord> cards = DemoList.cards(5_000, 1);
            Path csv = dir.resolve("nexus.csv");
            List<String> lines = new ArrayList<>(List.of("epc,status"));
            cards.forEach(card -> lines.add(card.epcHex() + "," + card.status()));
            Files.write(csv, lines);
            String[] brokerArgs = {"--broker", broker.uri(), "--allow-plain-tcp"};

            assertEquals(0, ToolsMain.execute(concat(new String[] {"central", "publish-list"}, brokerArgs, new String[] {"--key",
                    listKey.toString(), "--key-id", "central-lists", "--program", "NEXUS", "--list-version", "1", "--file", csv.toString(),
                    "--chunk-entries", "1000"})));
            assertTrue(EventSyncTest.waitFor(() -> version(lane) == 1, 30_000), "the snapshot came into force");
            assertEquals(5_000, lane.store.inForce("NEXUS").entryCount());

            Path upserts = dir.resolve("upserts.jsonl");
            Files.writeString(upserts, "{\"epc\":\"E2000000000000000000FFFF\",\"status\":\"ACTIVE\"}\n");
            Path removes = dir.resolve("removes.txt");
            Files.writeString(removes, cards.get(0).epcHex() + "\n" + cards.get(1).epcHex() + "\n");
            assertEquals(0, ToolsMain.execute(concat(new String[] {"central", "publish-list"}, brokerArgs, new String[] {"--key",
                    listKey.toString(), "--key-id", "central-lists", "--program", "NEXUS", "--list-version", "2", "--delta-from", "1",
                    "--file", upserts.toString(), "--removes", removes.toString()})));
            assertTrue(EventSyncTest.waitFor(() -> version(lane) == 2, 30_000), "the delta came into force");
            assertEquals(4_999, lane.store.inForce("NEXUS").entryCount());

            assertEquals(0, ToolsMain.execute(concat(new String[] {"central", "send-command"}, brokerArgs, new String[] {"--key",
                    commandKey.toString(), "--key-id", "central-ops", "--site", LaneFixture.SITE, "--lane", LaneFixture.LANE, "--type",
                    "SET_MODE", "--mode", "CLOSED", "--actor", "supervisor-1"})));
            assertEquals(LaneMode.CLOSED, lane.shell.state().mode());
            assertEquals(1, ToolsMain.execute(concat(new String[] {"central", "send-command"}, brokerArgs, new String[] {"--key",
                    commandKey.toString(), "--key-id", "central-ops", "--site", LaneFixture.SITE, "--lane", LaneFixture.LANE, "--type",
                    "RELEASE", "--actor", "supervisor-1"})), "a refused command exits 1");
            assertEquals(0, ToolsMain.execute(concat(new String[] {"central", "tail"}, brokerArgs, new String[] {"--for", "1"})));
        }
    }

    private static long version(LaneFixture lane) {
        ListInfo list = lane.store.inForce("NEXUS");
        return list == null ? 0 : list.version();
    }

    private static String[] concat(String[]... parts) {
        List<String> all = new ArrayList<>();
        for (String[] part : parts) {
            all.addAll(List.of(part));
        }
        return all.toArray(String[]::new);
    }
}
