package dev.lanecontroller.link;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.SqliteJournal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How long a lane stays offline after its broker is back (docs/performance.md), with the default
 * reconnect backoff (central.reconnectMinMs 1000, reconnectMaxMs 15000): broker outages long
 * enough for the backoff to reach its cap, then the time from the broker listening again to the
 * lane connected. {@code -Dgroups=benchmark -Dcampaign.excluded= -Dlane.broker=mosquitto}
 * ({@code -Dlane.bench.outages=N}, {@code -Dlane.bench.outageS=S}).
 */
@Tag("benchmark")
class ReconnectAfterOutageBenchmarkTest {
    private static final long DEFAULT_RECONNECT_MIN_MS = 1_000;
    private static final long DEFAULT_RECONNECT_MAX_MS = 15_000;

    @TempDir
    Path dir;

    @Test
    void aLaneIsBackWithinOneCappedDelayOfItsBroker() throws Exception {
        int outages = Integer.getInteger("lane.bench.outages", 6);
        long outageS = Long.getLong("lane.bench.outageS", 40);
        List<Long> backAfterMs = new ArrayList<>();
        try (TestBroker broker = TestBroker.start(dir.resolve("broker"));
             SqliteJournal journal = new SqliteJournal(Database.open(dir.resolve("lane.db")), "boot-1")) {
            SplittableRandom random = new SplittableRandom(20_261_130L);
            CentralLink link = LinkHarness.link(broker.uri(), journal, Inbound.NONE, 64, LinkHarness.LANE,
                    new Backoff(DEFAULT_RECONNECT_MIN_MS, DEFAULT_RECONNECT_MAX_MS, random::nextDouble));
            try {
                link.start();
                for (int i = 0; i < outages; i++) {
                    assertTrue(EventSyncTest.waitFor(link::isConnected, 60_000), "connected before outage " + i);
                    broker.stop();
                    EventSyncTest.sleep(TimeUnit.SECONDS.toMillis(outageS));
                    broker.start(); // returns once the broker accepts connections
                    long upAt = System.nanoTime();
                    assertTrue(EventSyncTest.waitFor(link::isConnected, 60_000), "the lane came back after outage " + i);
                    backAfterMs.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upAt));
                }
            } finally {
                link.close();
            }
        }
        List<Long> sorted = backAfterMs.stream().sorted().toList();
        System.out.printf("reconnect after %d outages of %d s on %s: back after %s ms (median %d ms, max %d ms)%n", outages, outageS,
                System.getProperty("lane.broker", "hivemq"), backAfterMs, sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
        assertTrue(sorted.get(sorted.size() - 1) <= DEFAULT_RECONNECT_MAX_MS + 5_000,
                "back within one capped delay plus the connect: " + backAfterMs);
    }
}
