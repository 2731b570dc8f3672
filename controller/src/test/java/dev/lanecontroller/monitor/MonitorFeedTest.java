package dev.lanecontroller.monitor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The feed's cost is bounded by its own clock, not by how fast the lane changes. */
class MonitorFeedTest {
    @Test
    void aLaneThatNudgesWithoutPauseIsSampledAtMostEveryFiftyMilliseconds() throws Exception {
        AtomicLong samples = new AtomicLong();
        long elapsedNs;
        try (MonitorFeed feed = new MonitorFeed(() -> Map.of("sample", samples.incrementAndGet()))) {
            long start = System.nanoTime();
            while (System.nanoTime() - start < TimeUnit.SECONDS.toNanos(1)) {
                feed.nudge(); // a benchmark's lane: thousands of changes a second
            }
            elapsedNs = System.nanoTime() - start;
        }
        long allowed = 2 + TimeUnit.NANOSECONDS.toMillis(elapsedNs) / MonitorFeed.SAMPLE_GAP_MIN_MS;
        assertTrue(samples.get() <= allowed, samples.get() + " samples in " + elapsedNs / 1_000_000 + " ms; at most " + allowed);
        assertTrue(samples.get() >= 2, "a nudged feed samples: " + samples.get());
    }

    @Test
    void aViewThatCannotBeReadIsSentAsAnErrorNotAsTheLastGoodOne() throws Exception {
        AtomicLong calls = new AtomicLong();
        try (MonitorFeed feed = new MonitorFeed(() -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("journal unreadable");
            }
            return Map.of("lane", "ok");
        })) {
            MonitorFeed.Versioned first = feed.awaitNewer(0, 10_000);
            String json = new String(first.json(), java.nio.charset.StandardCharsets.UTF_8);
            long seen = first.version();
            while (!json.contains("error")) {
                MonitorFeed.Versioned next = feed.awaitNewer(seen, 10_000);
                assertTrue(next.version() > seen, "a new view within 10 s");
                seen = next.version();
                json = new String(next.json(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertTrue(json.contains("the lane's state cannot be read: journal unreadable"), json);
        }
    }
}
