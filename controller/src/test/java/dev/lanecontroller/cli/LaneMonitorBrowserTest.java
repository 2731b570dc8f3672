package dev.lanecontroller.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.lanecontroller.core.CardStatus;
import dev.lanecontroller.store.CardRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The technician's lane monitor (docs/monitor.md) in a real browser, Debian's Chromium, against
 * {@code lane-controller run} on a bench: a strict LLRP reader emulator, the camera's webhook, the
 * signal, gate and loops simulated. What a technician on the cabinet's laptop would check: the page
 * is live with no console error, a cleared vehicle shows PROCEED at once and STOP after it, a
 * referral for the lane's own reason shows it by name, a lookout shows exactly as a card that is
 * not on the list, the page rides out
 * a restart of the daemon, and an unplugged reader shows offline with the lane in FAULT. It writes
 * the phone and laptop screenshots docs/monitor.md shows (target/monitor-screenshots/).
 */
class LaneMonitorBrowserTest {
    static final String MEMBER = "E20000000000000000000042";
    static final String UNKNOWN = "E200000000000000000000AA";
    static final String LOOKOUT = "E20000000000000000000077";
    static final Path SCREENSHOTS = Path.of("target", "monitor-screenshots");

    @TempDir
    Path dir;

    @BeforeAll
    static void needs() {
        MonitorBrowser.assumeInstalled();
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/python3")), "needs python3 for the reader emulator");
    }

    static List<CardRecord> cards() {
        return List.of(new CardRecord(MEMBER, CardStatus.ACTIVE, Long.MAX_VALUE, Set.of("ON:ABC123"), null, false),
                new CardRecord(LOOKOUT, CardStatus.ACTIVE, Long.MAX_VALUE, Set.of("ON:LKT777"), null, true));
    }

    static String readerYaml(LlrpReaderEmulator reader) {
        return "reader:\n  kind: llrp\n  antennas: [1, 2]\n  llrp: {host: 127.0.0.1, port: " + reader.port() + "}\n";
    }

    /** Short timeouts, so a referral ends (no officer on a bench) and a silent reader faults the lane within seconds. */
    static final String TIMINGS = "timings: {readerHeartbeatTimeoutMs: 3000, referralTimeoutMs: 10000}\n";

    /** A card held up to the reader and a plate posted by the camera: one vehicle. */
    static void vehicle(BenchDaemon bench, LlrpReaderEmulator reader, String card, String plate) throws Exception {
        int from = reader.lines().size();
        reader.command("tag " + card + " antenna=1 rssi=-52");
        reader.await("REPORTED " + card, from, 30_000);
        assertEquals(200, bench.postPlate(plate, "ON", 93));
    }

    @Test
    void aTechnicianSeesTheLaneLiveInARealBrowser() throws Exception {
        LlrpReaderEmulator reader = new LlrpReaderEmulator(dir);
        try (reader; BenchDaemon bench = new BenchDaemon(dir, cards(), readerYaml(reader), TIMINGS);
             MonitorBrowser browser = new MonitorBrowser(1280, 1500)) {
            reader.await("ROSPEC_STARTED", 0, 30_000);
            browser.open("http://127.0.0.1:" + bench.healthPort() + "/");
            browser.await(() -> browser.text("link").equals("Live"), 30_000, "Live");
            browser.await(() -> browser.text("lane-id").equals("bench-01"), 5_000, "the lane's id");
            browser.await(() -> browser.text("devices").contains("Reader (llrp)\nonline"), 30_000, "the reader online");
            assertTrue(browser.text("devices").contains("Camera\nunknown"), "a camera that has not posted yet is unknown, not fine: "
                    + browser.text("devices"));
            assertTrue(browser.text("signal").equals("STOP"), browser.text("signal"));

            // A member: PROCEED while the vehicle passes, STOP after it, within a second of each.
            vehicle(bench, reader, MEMBER, "ABC 123");
            browser.await(() -> browser.text("signal").equals("PROCEED"), 30_000, "PROCEED for the member");
            long proceedSeenMs = System.currentTimeMillis();
            JsonNode decision = bench.events("DECISION").get(0);
            assertEquals("CLEARED", decision.get("outcome").asText());
            long decidedMs = decision.get("_wallMs").asLong();
            assertTrue(proceedSeenMs - decidedMs <= 1_000, "PROCEED on the page " + (proceedSeenMs - decidedMs) + " ms after the decision");
            browser.await(() -> browser.text("signal").equals("STOP"), 30_000, "STOP after the member passed");
            long stopSeenMs = System.currentTimeMillis();
            browser.await(() -> !bench.events("PASSAGE").isEmpty(), 30_000, "the passage journaled");
            long passedMs = bench.events("PASSAGE").get(0).get("_wallMs").asLong();
            assertTrue(stopSeenMs - passedMs <= 1_000, "STOP on the page " + (stopSeenMs - passedMs) + " ms after the passage");
            browser.await(() -> browser.text("vehicle-rows").contains("CLEARED"), 5_000, "the member in the last vehicles");
            assertTrue(browser.text("devices").contains("card E200…0042, antenna 1, -52 dBm"), "the last read, shortened: "
                    + browser.text("devices"));

            // The member's card but no plate (this lane requires one): a referral with the lane's own reason, by name.
            browser.await(() -> browser.text("gate").startsWith("closed"), 30_000, "the arm down behind the member");
            int from = reader.lines().size();
            reader.command("tag " + MEMBER + " antenna=1 rssi=-52");
            reader.await("REPORTED " + MEMBER, from, 30_000);
            browser.await(() -> bench.events("DECISION").size() > 1 && browser.text("vehicle-rows").startsWith(time(bench, 1) + " REFERRED NO_PLATE 1 –"), 30_000,
                    "the referral's reason");
            awaitIdle(bench, 1);

            // A card not on the list, then a lookout: on the cabinet's page the two are the same.
            vehicle(bench, reader, UNKNOWN, "ZZZ 999");
            browser.await(() -> bench.events("DECISION").size() == 3, 30_000, "the unknown card decided");
            browser.await(() -> browser.text("vehicle-rows").startsWith(time(bench, 2) + " REFERRED CARD_CHECK 1 ON:ZZZ999 –"), 30_000,
                    "the unknown card referred for the card");
            awaitIdle(bench, 2);
            vehicle(bench, reader, LOOKOUT, "LKT 777");
            browser.await(() -> bench.events("DECISION").size() == 4, 30_000, "the lookout decided");
            assertEquals("LOOKOUT", bench.events("DECISION").get(3).get("outcome").asText(), "the journal has it for central");
            browser.await(() -> browser.text("vehicle-rows").startsWith(time(bench, 3) + " REFERRED CARD_CHECK 1 ON:LKT777 –"), 30_000,
                    "the lookout shown exactly as the unknown card");
            assertFalse(browser.pageSource().toUpperCase(java.util.Locale.ROOT).contains("LOOKOUT"), "the page never says lookout");
            assertFalse(browser.pageSource().contains(MEMBER) || browser.pageSource().contains(LOOKOUT), "no full card number on the page");
            assertEquals(List.of(), browser.consoleErrors(), "the page logged no error");

            browser.screenshot(SCREENSHOTS.resolve("monitor-laptop.png"));
            browser.resize(390, 1800);
            browser.screenshot(SCREENSHOTS.resolve("monitor-phone.png"));
            browser.resize(1280, 1500);

            // The daemon restarted (an upgrade, systemctl restart): the page says so and comes back by itself.
            String bootBefore = browser.text("software");
            bench.restart();
            browser.await(() -> browser.text("link").startsWith("Connection to the lane lost") || !browser.text("software").equals(bootBefore),
                    30_000, "the lost connection, or the new boot");
            browser.await(() -> browser.text("link").equals("Live") && !browser.text("software").equals(bootBefore), 60_000,
                    "Live again with the new boot");
            browser.await(() -> browser.text("devices").contains("Reader (llrp)\nonline"), 30_000, "the reader online after the restart");

            // The reader unplugged: offline, and the lane in FAULT.
            reader.close();
            browser.await(() -> browser.text("devices").contains("Reader (llrp)\noffline"), 30_000, "the reader offline");
            browser.await(() -> browser.text("mode").startsWith("FAULT"), 30_000, "the lane in FAULT");
        }
    }

    @Test
    void offLoopbackTheBrowserGetsThePageOnlyWithTheTechniciansLogin() throws Exception {
        String password = "cabinet-key-2026";
        String credential = dev.lanecontroller.monitor.TechnicianCredential.encode(password.toCharArray());
        LlrpReaderEmulator reader = new LlrpReaderEmulator(dir);
        try (reader; BenchDaemon bench = new BenchDaemon(dir, cards(), readerYaml(reader), TIMINGS, "0.0.0.0",
                ", technicianCredential: '" + credential + "'")) {
            reader.await("ROSPEC_STARTED", 0, 30_000);
            String url = "http://127.0.0.1:" + bench.healthPort() + "/";
            try (MonitorBrowser stranger = new MonitorBrowser(1280, 900)) {
                stranger.open(url);
                assertFalse(stranger.pageSource().contains("Lane monitor") || stranger.pageSource().contains("bench-01"),
                        "without the login, nothing of the lane: " + stranger.pageSource());
            }
            try (MonitorBrowser technician = new MonitorBrowser(1280, 900)) {
                technician.sendHeader("Authorization", LaneMonitorAccessTest.basic("technician", password));
                technician.open(url);
                technician.await(() -> technician.text("link").equals("Live") && technician.text("lane-id").equals("bench-01"), 30_000,
                        "the live page with the login");
                assertEquals(List.of(), technician.consoleErrors(), "the page logged no error");
            }
        }
    }

    /** The page's time of the {@code index}-th decision (the browser's clock and zone are this JVM's). */
    private static String time(BenchDaemon bench, int index) {
        long wallMs = bench.events("DECISION").get(index).get("_wallMs").asLong();
        return java.time.LocalTime.ofInstant(java.time.Instant.ofEpochMilli(wallMs), java.time.ZoneId.systemDefault())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).format(java.time.format.DateTimeFormatter.ofPattern("HH:mm:ss"));
    }

    /** Waits until the referral of the {@code referrals}-th referred vehicle timed out (no officer on a bench). */
    static void awaitIdle(BenchDaemon bench, int referrals) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 60_000;
        while (bench.events("REFERRAL_TIMEOUT").size() < referrals) {
            assertTrue(System.currentTimeMillis() < deadline, "the referral did not time out; the journal:" + bench.journal());
            Thread.sleep(50);
        }
    }
}
