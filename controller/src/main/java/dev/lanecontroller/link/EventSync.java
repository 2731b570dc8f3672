package dev.lanecontroller.link;

import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.EventWire.Delivery;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LogThinning;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.Outbox;
import dev.lanecontroller.store.StoreException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Moves events from the outbox to central, QoS 1 (DESIGN §7): a step function ({@link #step}) that
 * the central link's thread takes whenever there is work ({@link #nextStepInNs}), or a simulation
 * takes in virtual time. It has no thread of its own (its backlog reader reads a page ahead on one).
 *
 * <p>Per connection, events journaled before it came up are the backlog and the rest are live: the
 * pump fills its window with live events first, then requested replays, then the backlog, so a
 * drain after a long outage never delays what is happening now. An event is marked sent only when
 * its PUBACK arrives. A lost connection forgets everything in flight and starts again from the
 * outbox: an event may go twice, never zero times, and consumers dedupe by event id.
 */
public final class EventSync {
    private static final System.Logger LOG = System.getLogger(EventSync.class.getName());
    /** Acknowledgements are marked in batches: one commit per batch, not one per event. */
    static final int MARK_BATCH_MAX = 512;
    static final long MARK_INTERVAL_MS = 20;
    /** With nothing to do the pump still looks at the outbox this often, in case a wake-up was missed. */
    static final long IDLE_POLL_MS = 500;
    /** One replay request covers at most this many events; central asks again for more. */
    public static final long REPLAY_EVENTS_MAX = 100_000;
    public static final int REPLAYS_QUEUED_MAX = 16;
    /** Events read from the outbox at once: one query per page rather than per free slot. */
    static final int PAGE_EVENTS = 1_000;
    /**
     * Lane events waiting for their hand-over (a reply, a status refresh). The lane thread only
     * offers (it never waits on the link); when full the hand-over is skipped, counted by the
     * caller, while the event itself is in the journal and goes out all the same.
     */
    static final int HAND_OVERS_QUEUED_MAX = 1_024;

    /** How the pump hands a message to MQTT; {@code done} gets null on PUBACK. */
    @FunctionalInterface
    public interface Publisher {
        void publish(String topic, byte[] payload, int qos, boolean retained, java.util.function.Consumer<Throwable> done)
                throws MqttTransport.TransportException;
    }

    private final Outbox outbox;
    private final EventWire wire;
    private final Topics topics;
    private final int windowSize;
    private volatile Runnable wakeDriver = () -> { };
    private final ConcurrentLinkedQueue<Long> acked = new ConcurrentLinkedQueue<>();
    private final BlockingQueue<JournalEntry> handOvers = new ArrayBlockingQueue<>(HAND_OVERS_QUEUED_MAX);
    /** Handed over and not yet dealt with (queued or in hand). */
    private final AtomicInteger handOversPending = new AtomicInteger();
    private volatile Consumer<JournalEntry> handOver = entry -> { };
    private final Deque<long[]> replays = new ArrayDeque<>();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failedPublishes = new AtomicLong();

    private final LongSupplier monoNs;
    /** False in a simulation: the backlog is read on the stepping thread, not a page ahead on a thread of its own. */
    private final boolean readAhead;
    private Publisher publisher;
    /** The round in progress: the stepping thread's alone. */
    private Round round;
    private long lastMarkMs;
    /** After a failure no step does anything before this (monoNs). */
    private long pausedUntilNs;
    /** Steps that failed since the last one that worked: their log lines thin out (1st, 10th, 100th, ...). */
    private long failuresInARow;
    /** The round in progress, for {@link #ackStalledMs()}. */
    private volatile Round activeRound;
    /** When the window last moved (an acknowledgement came, or a publish went out with none waiting): monoNs. */
    private volatile long lastProgressNs;
    /** When central's broker last acknowledged an event (monoNs), 0 before the first. */
    private volatile long lastAcknowledgedNs;
    private long epoch;
    private boolean wakeUp;
    /** Set when events were journaled since the live end of the outbox was last read. */
    private boolean newEvents = true;

    public EventSync(Outbox outbox, EventWire wire, Topics topics, int windowSize) {
        this(outbox, wire, topics, windowSize, System::nanoTime, true);
    }

    /**
     * A sync on another clock: a simulation passes its virtual clock, reads the backlog inline
     * ({@code readAhead} false), never calls {@link #start} and calls {@link #step} itself.
     */
    EventSync(Outbox outbox, EventWire wire, Topics topics, int windowSize, LongSupplier monoNs, boolean readAhead) {
        if (windowSize < 1 || windowSize > 10_000) {
            throw new IllegalArgumentException("in-flight window must be 1..10000, got " + windowSize);
        }
        this.outbox = outbox;
        this.wire = wire;
        this.topics = topics;
        this.windowSize = windowSize;
        this.monoNs = monoNs;
        this.readAhead = readAhead;
        this.lastProgressNs = monoNs.getAsLong();
        this.pausedUntilNs = lastProgressNs; // compared by difference: nanoTime may be negative
        this.lastMarkMs = lastProgressNs / 1_000_000;
    }

    /**
     * Who takes the steps (the central link's thread) and must hear when there is something to do:
     * called outside this sync's monitor. Set before the first step.
     */
    void onWake(Runnable driver) {
        wakeDriver = driver;
    }

    /** The link is up: a new round starts from the outbox. */
    public void connected(Publisher newPublisher) {
        synchronized (this) {
            publisher = newPublisher;
            activeRound = null; // what waited on the old connection is no longer this connection's
            epoch++;
            wakeUp = true;
        }
        wakeDriver.run();
    }

    /** The link is down: whatever was in flight will be sent again. */
    public void disconnected() {
        synchronized (this) {
            publisher = null;
            activeRound = null;
            epoch++;
            wakeUp = true;
        }
        wakeDriver.run();
    }

    /**
     * What deals with each lane event handed over ({@link #handOver}), on this sync's thread before
     * its next step: the link's replies and status refresh share the sync's loop, not a thread of
     * their own. Set before the first step.
     */
    void onHandOver(Consumer<JournalEntry> consumer) {
        handOver = consumer;
    }

    /** From the lane thread: never waits. False when the queue is full (the hand-over is skipped). */
    boolean handOver(JournalEntry entry) {
        boolean queued = handOvers.offer(entry);
        if (queued) {
            handOversPending.incrementAndGet();
        }
        wake();
        return queued;
    }

    /** Waits (at most {@code timeoutMs}) until everything handed over so far has been dealt with. */
    boolean awaitHandOvers(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (handOversPending.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    private void dealWithHandOvers() {
        for (JournalEntry entry = handOvers.poll(); entry != null; entry = handOvers.poll()) {
            try {
                handOver.accept(entry);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "lane event " + entry.seq() + " not handed to the central link: " + e);
            } finally {
                handOversPending.decrementAndGet();
            }
        }
    }

    /** New events were journaled. */
    public void wake() {
        synchronized (this) {
            newEvents = true;
            wakeUp = true;
        }
        wakeDriver.run();
    }

    private void ackArrived() {
        synchronized (this) {
            wakeUp = true;
        }
        wakeDriver.run();
    }

    /** What a replay request came to: the events that will be sent again, or why none will. */
    public record Replay(Outcome outcome, long fromSeq, long toSeq) {
        public enum Outcome {
            QUEUED,
            /** The journal holds none of those events (any more). */
            NOTHING_TO_REPLAY,
            /** {@link #REPLAYS_QUEUED_MAX} replays wait already: ask again once one has been sent. */
            BUSY
        }

        public boolean queued() {
            return outcome == Outcome.QUEUED;
        }
    }

    /**
     * Central asked for events {@code fromSeq..toSeq} again: queues what will be sent (clipped to
     * what the journal still holds and to {@link #REPLAY_EVENTS_MAX}).
     */
    public Replay requestReplay(long fromSeq, long toSeq) {
        long first = Math.max(fromSeq, Math.max(1, outbox.firstSeq()));
        long last = Math.min(toSeq, Math.min(outbox.lastSeq(), first + REPLAY_EVENTS_MAX - 1));
        if (first > last) {
            return new Replay(Replay.Outcome.NOTHING_TO_REPLAY, fromSeq, toSeq);
        }
        synchronized (this) {
            if (replays.size() >= REPLAYS_QUEUED_MAX) {
                return new Replay(Replay.Outcome.BUSY, fromSeq, toSeq);
            }
            replays.add(new long[] {first - 1, last});
            wakeUp = true;
        }
        wakeDriver.run();
        return new Replay(Replay.Outcome.QUEUED, first, last);
    }

    public long published() {
        return published.get();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    /** Seconds since central's broker last acknowledged an event; -1 before the first since start. */
    public long secondsSinceLastAcknowledgement() {
        long at = lastAcknowledgedNs;
        return at == 0 ? -1 : (monoNs.getAsLong() - at) / 1_000_000_000L;
    }

    /**
     * How long events have waited on this connection with no PUBACK at all coming back (0 when none
     * waits). A broker that stops acknowledging while the connection looks alive (keepalives still
     * answered) shows here: the link then drops the connection and publishes again after
     * reconnecting. A slow link whose acknowledgements keep coming never does, however full its window.
     */
    public long ackStalledMs() {
        Round round = activeRound;
        if (round == null || round.inFlight.isEmpty()) {
            return 0;
        }
        return (monoNs.getAsLong() - lastProgressNs) / 1_000_000;
    }

    public long failedPublishes() {
        return failedPublishes.get();
    }

    /**
     * How long until a step has something to do if nothing changes meanwhile (ns): now when woken
     * or when there is room to send; the rest of a pause after a failure; else when a batch of
     * acknowledgements is due to be marked, or the idle poll.
     */
    long nextStepInNs() {
        long pausedNs = pausedUntilNs - monoNs.getAsLong();
        if (pausedNs > 0) {
            return pausedNs; // through the whole pause: a step taken a moment early would do nothing
        }
        synchronized (this) {
            if (wakeUp || busy()) {
                return 0;
            }
        }
        return (acked.isEmpty() ? IDLE_POLL_MS : MARK_INTERVAL_MS) * 1_000_000;
    }

    /** The last turn, when the link stops: what the lane handed over, and the marks of what was acknowledged. */
    void finish() {
        dealWithHandOvers(); // what the lane handed over before it stopped
        round = end(round);
        markAcknowledged();
    }

    /** Whether a step now would send (room in the window with events to fill it) or start a round. */
    private synchronized boolean busy() {
        boolean canSend = publisher != null && round != null && !round.idle && round.inFlight.size() < windowSize;
        boolean newRound = round == null ? publisher != null : round.epoch != epoch;
        return canSend || newRound || !handOvers.isEmpty();
    }

    /**
     * One turn of the sync, never waiting: marks what was acknowledged if a batch is due, starts a
     * round for a new connection, and fills the window's free room. The thread takes one whenever
     * woken; a simulation takes them in virtual time. After a failure it
     * sets a pause ({@link #pausedUntilNs}) rather than sleep.
     */
    void step() {
        dealWithHandOvers(); // outside this sync's monitor: the link's own locks are taken there
        if (monoNs.getAsLong() - pausedUntilNs < 0) {
            return;
        }
        synchronized (this) {
            wakeUp = false; // this step does what the wake-up was for
        }
        Publisher current;
        long currentEpoch;
        synchronized (this) {
            current = publisher;
            currentEpoch = epoch;
        }
        try {
            long nowMs = monoNs.getAsLong() / 1_000_000;
            if (acked.size() >= MARK_BATCH_MAX || nowMs - lastMarkMs >= MARK_INTERVAL_MS
                    || (round != null && round.epoch != currentEpoch)) {
                markAcknowledged();
                lastMarkMs = nowMs;
            }
            if (current == null) {
                round = end(round);
                return;
            }
            if (round == null || round.epoch != currentEpoch) {
                end(round);
                round = new Round(currentEpoch, outbox.lastSeq());
                activeRound = round;
            }
            round.idle = !fill(round, current);
            if (failuresInARow > 0) {
                LOG.log(System.Logger.Level.WARNING, "the event sync works again after " + failuresInARow + " failed steps");
                failuresInARow = 0;
            }
        } catch (StoreException e) {
            // Tried again every IDLE_POLL_MS: a disk failing for an hour must not write thousands of lines.
            if (LogThinning.worthLogging(++failuresInARow)) {
                LOG.log(System.Logger.Level.ERROR, "outbox read or mark failed (" + failuresInARow + " in a row), starting the round again: "
                        + e.getMessage());
            }
            round = end(round); // a fresh round reads the outbox again from its start
            pause();
        } catch (RuntimeException e) {
            if (LogThinning.worthLogging(++failuresInARow)) {
                LOG.log(System.Logger.Level.ERROR, "event sync failed (" + failuresInARow + " in a row), retrying: " + e);
            }
            pause();
        }
    }

    private void pause() {
        pausedUntilNs = monoNs.getAsLong() + IDLE_POLL_MS * 1_000_000;
    }

    /** Stops a round's backlog reader; returns null, the round that follows none. */
    private static Round end(Round round) {
        if (round != null && round.reader != null) {
            round.reader.close();
        }
        return null;
    }

    /**
     * Publishes into the window's free room, live events first; false when there was nothing to
     * send. The outbox is read a page at a time into the round's buffers, and its live end only
     * when events were journaled since (or once per idle poll), not on every acknowledgement.
     */
    private boolean fill(Round round, Publisher current) {
        int room = windowSize - round.inFlight.size();
        if (room <= 0) {
            return true;
        }
        boolean readLive;
        synchronized (this) {
            readLive = newEvents || monoNs.getAsLong() - round.liveReadAtNs > IDLE_POLL_MS * 1_000_000;
            newEvents = false;
        }
        if (round.live.isEmpty() && readLive) {
            round.liveReadAtNs = monoNs.getAsLong();
            List<JournalEntry> page = outbox.unsent(round.liveCursor, PAGE_EVENTS);
            if (!page.isEmpty()) {
                round.liveCursor = page.get(page.size() - 1).seq();
                round.live.addAll(page);
                if (page.size() == PAGE_EVENTS) {
                    synchronized (this) {
                        newEvents = true; // more behind this page
                    }
                }
            }
        }
        if (!round.live.isEmpty()) {
            return send(round, current, take(round.live, room), Delivery.LIVE);
        }
        long[] replay;
        synchronized (this) {
            replay = replays.peek();
        }
        if (replay != null) {
            List<JournalEntry> again = outbox.read(replay[0], (int) Math.min(room, replay[1] - replay[0]));
            if (again.isEmpty() || again.get(again.size() - 1).seq() >= replay[1]) {
                synchronized (this) {
                    replays.poll();
                }
            } else {
                replay[0] = again.get(again.size() - 1).seq();
            }
            return send(round, current, again, Delivery.REPLAY) || !again.isEmpty();
        }
        if (round.backlog.isEmpty()) {
            if (round.reader == null) {
                round.reader = new BacklogReader(outbox, wire, round.liveBoundary, PAGE_EVENTS, this::ackArrived, readAhead);
            }
            List<BacklogReader.Outgoing> page = round.reader.poll();
            if (page != null) {
                round.backlog.addAll(page);
            } else if (round.reader.failure() != null) {
                throw round.reader.failure();
            }
        }
        if (!round.backlog.isEmpty()) {
            return sendEncoded(round, current, take(round.backlog, room));
        }
        return false;
    }

    private static <T> List<T> take(Deque<T> buffer, int max) {
        List<T> taken = new ArrayList<>(Math.min(max, buffer.size()));
        while (taken.size() < max && !buffer.isEmpty()) {
            taken.add(buffer.poll());
        }
        return taken;
    }

    private boolean send(Round round, Publisher current, List<JournalEntry> entries, Delivery delivery) {
        List<BacklogReader.Outgoing> encoded = new ArrayList<>(entries.size());
        for (JournalEntry entry : entries) {
            // A replay fills a hole in central's record: its alerts were alerts when they happened, not now.
            boolean alertCopy = EventWire.isAlert(entry.type()) && delivery != Delivery.REPLAY;
            encoded.add(new BacklogReader.Outgoing(entry.seq(), alertCopy, wire.encode(entry, delivery)));
        }
        return sendEncoded(round, current, encoded);
    }

    private boolean sendEncoded(Round round, Publisher current, List<BacklogReader.Outgoing> events) {
        for (BacklogReader.Outgoing event : events) {
            Long seq = event.seq();
            if (round.inFlight.isEmpty()) {
                lastProgressNs = monoNs.getAsLong(); // the window starts moving now
            }
            round.inFlight.put(seq, monoNs.getAsLong());
            try {
                current.publish(topics.events(), event.payload(), 1, false, failure -> {
                    lastProgressNs = monoNs.getAsLong();
                    round.inFlight.remove(seq);
                    if (failure == null) {
                        acknowledged.incrementAndGet();
                        lastAcknowledgedNs = monoNs.getAsLong();
                        acked.add(seq);
                    } else {
                        failedPublishes.incrementAndGet();
                    }
                    ackArrived();
                });
                published.incrementAndGet();
                if (event.alert()) {
                    // The alert stream is a convenience copy; the events topic is the record.
                    current.publish(topics.alerts(), event.payload(), 1, false, failure -> { });
                }
            } catch (MqttTransport.TransportException e) {
                round.inFlight.remove(seq);
                failedPublishes.incrementAndGet();
                // The client refused it (link going down): start this round again from the outbox.
                LOG.log(System.Logger.Level.WARNING, "publish of event " + seq + " refused: " + e.getMessage());
                synchronized (this) {
                    if (round.epoch == epoch) {
                        epoch++;
                    }
                }
                // Not again at once: a client that refuses one publish (too many in progress, going
                // down) refuses the next too, and each new round reads the outbox again.
                pause();
                return false;
            }
        }
        return !events.isEmpty();
    }

    private void markAcknowledged() {
        List<Long> seqs = new ArrayList<>();
        Long seq;
        while ((seq = acked.poll()) != null) {
            seqs.add(seq);
        }
        if (!seqs.isEmpty()) {
            try {
                outbox.markSent(seqs);
            } catch (StoreException e) {
                // Not marked: they go again, and consumers dedupe. Nothing is lost.
                LOG.log(System.Logger.Level.ERROR, seqs.size() + " acknowledged events could not be marked sent: " + e.getMessage());
            }
        }
    }

    /** One connection's worth of sending. */
    private static final class Round {
        final long epoch;
        final long liveBoundary;
        /** Each event published and not yet acknowledged, with when it was published (monoNs). */
        final Map<Long, Long> inFlight = new ConcurrentHashMap<>();
        final Deque<JournalEntry> live = new ArrayDeque<>();
        final Deque<BacklogReader.Outgoing> backlog = new ArrayDeque<>();
        BacklogReader reader;
        long liveReadAtNs;
        long liveCursor;
        boolean idle;

        Round(long epoch, long liveBoundary) {
            this.epoch = epoch;
            this.liveBoundary = liveBoundary;
            this.liveCursor = liveBoundary;
        }
    }
}
