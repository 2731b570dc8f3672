package dev.lanecontroller.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PeriodicTest {
    @Test
    void aRunThatThrowsDoesNotStopTheJob() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        CountDownLatch thirdRun = new CountDownLatch(3);
        try (Periodic job = Periodic.every("flaky-job", 0, 1, TimeUnit.MILLISECONDS, () -> {
            runs.incrementAndGet();
            thirdRun.countDown();
            throw new IllegalStateException("the disk is full");
        })) {
            assertTrue(thirdRun.await(30, TimeUnit.SECONDS), "runs after the failures: " + runs.get());
        }
    }

    @Test
    void aSlowJobDoesNotDelayAnother() throws Exception {
        CountDownLatch slowMayEnd = new CountDownLatch(1);
        CountDownLatch quickRuns = new CountDownLatch(3);
        try (Periodic slow = Periodic.every("slow-job", 0, 1, TimeUnit.MILLISECONDS, () -> {
                 try {
                     slowMayEnd.await();
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
             });
             Periodic quick = Periodic.every("quick-job", 0, 1, TimeUnit.MILLISECONDS, quickRuns::countDown)) {
            assertTrue(quickRuns.await(30, TimeUnit.SECONDS), "the quick job ran while the slow one was still running");
            slowMayEnd.countDown();
        }
    }
}
