package dev.lanecontroller.link;

import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.ListWire;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.link.MqttTransport.ConnectSpec;
import dev.lanecontroller.link.MqttTransport.TransportException;
import dev.lanecontroller.store.Outbox;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.net.SocketFactory;

/**
 * The lane's connection to central (DESIGN §7): connects, announces itself with a retained status
 * (and leaves a retained last will), keeps the event sync running while connected, sends a
 * heartbeat, and reconnects with exponential backoff and full jitter when the link drops. One
 * thread steps both the link ({@link #step}) and the event sync; a simulation steps them in virtual
 * time. Messages from central are queued to one inbound thread so that slow work (a list) never
 * stalls the MQTT client's own thread or the events going out.
 */
public final class CentralLink implements LinkControl, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(CentralLink.class.getName());
    /** Messages waiting for the inbound thread; when full, the client's thread waits (TCP pushes back on central). */
    static final int INBOUND_QUEUE_MAX = 1_024;
    /**
     * Bytes waiting for the inbound thread, at most: one largest list chunk. Retained chunks of a
     * snapshot arrive all at once on subscribing; held in the heap they made every young
     * collection copy tens of MB and stopped the lane for 10-28 ms (docs/performance.md).
     */
    static final int INBOUND_BYTES_MAX = ListWire.CHUNK_BYTES_MAX;
    static final int CONNECT_TIMEOUT_S = 10;
    static final int EXTRA_IN_FLIGHT = 64;
    /** On a clean stop the last events (LANE_STOPPED among them) get this long to reach central. */
    static final long DRAIN_ON_STOP_MS = 3_000;
    /** How often a connected link looks at how long its oldest publish has waited for a PUBACK. */
    static final long ACK_CHECK_MS = 1_000;

    private final MqttTransport transport;
    private final Topics topics;
    private final StatusWire statusWire;
    private final EventSync sync;
    private final Outbox outbox;
    private final Inbound inbound;
    private final Supplier<LaneView> view;
    private final Backoff backoff;
    private final String clientId;
    private final int keepAliveS;
    private final int maxInFlight;
    private final long heartbeatIntervalMs;
    private final SocketFactory socketFactory;
    private final LongSupplier wallClock;
    private final BlockingQueue<Message> inboundQueue = new ArrayBlockingQueue<>(INBOUND_QUEUE_MAX);
    private final Semaphore inboundBytes = new Semaphore(INBOUND_BYTES_MAX);
    private final java.util.concurrent.atomic.AtomicBoolean heartbeatQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread linkThread;
    private final Thread inboundThread;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong connectFailures = new AtomicLong();
    private final AtomicLong acknowledgementTimeouts = new AtomicLong();
    private final AtomicLong driverTurns = new AtomicLong();

    private final LongSupplier monoNs;
    /** Connected and set up (subscribed, status published, the sync started): the stepping thread's alone. */
    private boolean up;
    /** When down: no connect attempt before this (monoNs). */
    private long nextAttemptNs;
    /** When up: the next heartbeat's status (monoNs). */
    private long nextHeartbeatNs;

    private boolean connected;
    private boolean statusDue;
    /** Set when the event sync has work, so that the thread does not wait (cleared as it steps). */
    private boolean woken;
    private boolean closed;
    private long connectedSinceWallMs;

    /** Everything the link is made of; built by the daemon from its config, by tests from theirs. */
    public record Parts(MqttTransport transport, Topics topics, StatusWire statusWire, EventSync sync, Outbox outbox, Inbound inbound,
                        Supplier<LaneView> view, Backoff backoff, String clientId, int keepAliveS, int inFlightWindow,
                        long heartbeatIntervalMs, SocketFactory socketFactory, LongSupplier wallClock) {}

    public CentralLink(Parts parts) {
        this(parts, System::nanoTime);
    }

    /** A link on another clock: a simulation passes its virtual clock and calls {@link #step} itself. */
    CentralLink(Parts parts, LongSupplier monoNs) {
        this.monoNs = monoNs;
        this.nextAttemptNs = monoNs.getAsLong();
        this.transport = parts.transport();
        this.topics = parts.topics();
        this.statusWire = parts.statusWire();
        this.sync = parts.sync();
        this.outbox = parts.outbox();
        this.inbound = parts.inbound();
        sync.onWake(this::wakeUp);
        this.view = parts.view();
        this.backoff = parts.backoff();
        this.clientId = parts.clientId();
        this.keepAliveS = parts.keepAliveS();
        this.maxInFlight = parts.inFlightWindow() * 2 + EXTRA_IN_FLIGHT;
        this.heartbeatIntervalMs = parts.heartbeatIntervalMs();
        this.socketFactory = parts.socketFactory();
        this.wallClock = parts.wallClock();
        this.linkThread = new Thread(this::runLink, "central-link");
        this.inboundThread = new Thread(this::runInbound, "central-inbound");
        // Lists are parsed, hashed and built here: below the lane thread (docs/performance.md, "The decision tail").
        inboundThread.setPriority(Thread.MIN_PRIORITY);
        linkThread.setDaemon(true);
        inboundThread.setDaemon(true);
    }

    public void start() {
        inboundThread.start();
        linkThread.start();
    }

    /** Connected to the broker: possibly not yet subscribed (wait for {@link #connects()} to count a connection for that). */
    public synchronized boolean isConnected() {
        return connected;
    }

    /** Connections made since start, each counted once its subscriptions were granted, its status published and the sync started. */
    public long connects() {
        return connects.get();
    }

    public long connectFailures() {
        return connectFailures.get();
    }

    public EventSync sync() {
        return sync;
    }

    /** Something the status shows changed (mode, list): publish it now rather than at the next heartbeat. */
    @Override
    public synchronized void statusChanged() {
        statusDue = true;
        notifyAll();
    }

    /** For the inbound handlers: subscribe now (and on every reconnect while {@link Inbound#subscriptions} names it). */
    @Override
    public boolean subscribe(String filter) {
        try {
            transport.subscribe(List.of(filter), 1);
            return true;
        } catch (TransportException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            return false;
        }
    }

    @Override
    public boolean unsubscribe(String filter) {
        try {
            transport.unsubscribe(filter);
            return true;
        } catch (TransportException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            return false;
        }
    }

    /** For the inbound handlers: publish a reply or request, QoS 1, not retained. False when the link is down. */
    @Override
    public boolean publish(String topic, byte[] payload) {
        try {
            transport.publish(topic, payload, 1, false, failure -> {
                if (failure != null) {
                    LOG.log(System.Logger.Level.WARNING, "publish to " + topic + " not acknowledged: " + failure.getMessage());
                }
            });
            return true;
        } catch (TransportException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage());
            return false;
        }
    }

    /**
     * The link's one thread: a step of the link, a step of the event sync, then a wait until either
     * has something due or something changed (an event journaled, a PUBACK, a lost connection).
     */
    private void runLink() {
        while (!isClosed()) {
            driverTurns.incrementAndGet();
            step();
            sync.step();
            long waitNs = Math.min(nextStepInNs(), sync.nextStepInNs()); // outside this monitor: the sync takes its own
            synchronized (this) {
                // A status change while down waits for the connection, which publishes the status anyway.
                if (!closed && !woken && !(statusDue && up) && (!up || connected) && waitNs > 0) {
                    waitQuietly(Math.max(1, waitNs / 1_000_000));
                }
                woken = false;
            }
        }
        if (up) {
            sync.disconnected(); // close() says goodbye on the transport itself
            synchronized (this) {
                connected = false;
            }
            up = false;
        }
        try {
            sync.finish();
        } catch (RuntimeException e) {
            // After a stop that outlasted close()'s wait the store may be closed: marks not made go again.
            LOG.log(System.Logger.Level.WARNING, "the event sync's last marks were not made: " + e);
        }
    }

    /** For tests of the driver: its turns so far, and whether it is waiting now. */
    long driverTurns() {
        return driverTurns.get();
    }

    Thread.State driverState() {
        return linkThread.getState();
    }

    /** The event sync has something to do: the thread steps at once. */
    private synchronized void wakeUp() {
        woken = true;
        notifyAll();
    }

    /**
     * One turn of the link, never waiting (though a real broker's connect takes its time): when down
     * and the backoff is over, connects; when up, drops a connection that was lost or stopped
     * acknowledging, and publishes the status at each heartbeat or when it changed. The thread takes
     * one whenever woken or due; a simulation takes them in virtual time.
     */
    void step() {
        if (isClosed()) {
            return;
        }
        if (!up) {
            if (monoNs.getAsLong() - nextAttemptNs < 0) {
                return;
            }
            try {
                connectOnce();
                connects.incrementAndGet();
                backoff.reset();
                LOG.log(System.Logger.Level.INFO, "connected to central as " + clientId);
                up = true;
                nextHeartbeatNs = monoNs.getAsLong() + heartbeatIntervalMs * 1_000_000;
            } catch (TransportException | RuntimeException e) {
                failed(e);
            }
            return;
        }
        boolean lost;
        boolean statusNow;
        synchronized (this) {
            lost = !connected;
            statusNow = statusDue;
            statusDue = false; // a new connection publishes its status anyway
        }
        if (lost) {
            down();
            return;
        }
        long waitedMs = sync.ackStalledMs();
        if (waitedMs > ackTimeoutMs()) {
            // Keepalives may still be answered while publishes are not: only a new connection helps.
            LOG.log(System.Logger.Level.WARNING, "no PUBACK at all for " + waitedMs + " ms with events waiting (limit " + ackTimeoutMs()
                    + " ms, twice the keepalive): dropping the connection to publish again on a new one");
            acknowledgementTimeouts.incrementAndGet();
            down();
            return;
        }
        if (statusNow || monoNs.getAsLong() - nextHeartbeatNs >= 0) {
            try {
                publishStatus();
                queueHeartbeat();
            } catch (TransportException | RuntimeException e) {
                failed(e);
                return;
            }
            nextHeartbeatNs = monoNs.getAsLong() + heartbeatIntervalMs * 1_000_000;
        }
    }

    /** How long until a step has something to do, if nothing changes meanwhile (ns). */
    long nextStepInNs() {
        long now = monoNs.getAsLong();
        if (!up) {
            return nextAttemptNs - now;
        }
        return Math.min(ACK_CHECK_MS * 1_000_000, nextHeartbeatNs - now);
    }

    private void failed(Exception e) {
        long failures = connectFailures.incrementAndGet();
        if (e instanceof TransportException) {
            // The first failure of a run, then ever more seldom: an outage of hours must not fill the log.
            int streak = backoff.failures() + 1;
            LOG.log((streak & (streak - 1)) == 0 ? System.Logger.Level.WARNING : System.Logger.Level.DEBUG,
                    e.getMessage() + " (attempt " + streak + ", " + failures + " failures since start)");
        } else {
            LOG.log(System.Logger.Level.ERROR, "central link failed: " + e);
        }
        down();
    }

    /** The connection is over (lost, refused, or dropped by us): the sync stops, the next attempt waits out the backoff. */
    private void down() {
        sync.disconnected();
        synchronized (this) {
            connected = false;
        }
        up = false;
        if (!isClosed()) {
            transport.disconnect();
            nextAttemptNs = monoNs.getAsLong() + backoff.nextDelayMs() * 1_000_000;
        }
    }

    private void connectOnce() throws TransportException {
        long nowMs = wallClock.getAsLong();
        ConnectSpec spec = new ConnectSpec(clientId, keepAliveS, CONNECT_TIMEOUT_S, maxInFlight, topics.status(),
                statusWire.offline("connection lost", nowMs), socketFactory);
        transport.connect(spec, new MqttTransport.Listener() {
            @Override
            public void messageArrived(String topic, byte[] payload, boolean retained) {
                enqueue(new Message(topic, payload, retained));
            }

            @Override
            public void connectionLost(Throwable cause) {
                LOG.log(System.Logger.Level.WARNING, "connection to central lost: " + cause);
                synchronized (CentralLink.this) {
                    connected = false;
                    CentralLink.this.notifyAll();
                }
            }
        });
        synchronized (this) {
            connected = true;
            connectedSinceWallMs = nowMs;
        }
        List<String> filters = inbound.subscriptions();
        if (!filters.isEmpty()) {
            transport.subscribe(filters, 1);
        }
        publishStatus();
        sync.connected(transport::publish);
    }

    /** No PUBACK at all for two keepalive intervals with events waiting: this connection does not work, whatever its pings say. */
    private long ackTimeoutMs() {
        return 2_000L * keepAliveS;
    }

    /** Connections dropped because a publish waited too long for its PUBACK. */
    public long acknowledgementTimeouts() {
        return acknowledgementTimeouts.get();
    }

    private void publishStatus() throws TransportException {
        LaneView lane = view.get();
        long connectedSince;
        synchronized (this) {
            connectedSince = connectedSinceWallMs;
        }
        byte[] status = statusWire.online(lane, outbox.lastSeq(), outbox.unsentCount(), outbox.oldestUnsentSeq(),
                wallClock.getAsLong(), connectedSince);
        transport.publish(topics.status(), status, 1, true, failure -> { });
    }

    private record Message(String topic, byte[] payload, boolean retained) {}

    /**
     * A heartbeat's housekeeping (Inbound.onHeartbeat), queued to the inbound thread: there it may
     * wait behind a list being built; this thread, which also sends the events, must not.
     */
    private static final Message HEARTBEAT = new Message("", new byte[0], false);

    private void queueHeartbeat() {
        if (heartbeatQueued.compareAndSet(false, true) && !inboundQueue.offer(HEARTBEAT)) {
            heartbeatQueued.set(false); // the queue is full: the next heartbeat tries again
        }
    }

    private void enqueue(Message message) {
        int bytes = queuedBytes(message);
        try {
            // Waits when the inbound thread is behind: the broker then holds the rest.
            while (!inboundBytes.tryAcquire(bytes, 1, TimeUnit.SECONDS)) {
                if (isClosed()) {
                    return;
                }
            }
            while (!inboundQueue.offer(message, 1, TimeUnit.SECONDS)) {
                if (isClosed()) {
                    inboundBytes.release(bytes);
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a message counts against {@link #INBOUND_BYTES_MAX}: a larger one (refused by its handler) still fits alone. */
    private static int queuedBytes(Message message) {
        return Math.min(message.payload().length, INBOUND_BYTES_MAX);
    }

    private void runInbound() {
        while (!isClosed()) {
            Message message;
            try {
                message = inboundQueue.poll(500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (message != null) {
                handleOne(message);
            }
        }
    }

    /**
     * One turn of everything the link's threads do, on the caller's thread, for a simulation that
     * starts none: a step of the link and of the event sync, then the messages from central that
     * came meanwhile. Returns how long until the next turn has something to do if nothing happens
     * meanwhile (ns).
     */
    long turn() {
        step();
        sync.step();
        handleQueuedInbound();
        return Math.min(nextStepInNs(), sync.nextStepInNs());
    }

    /** What the inbound thread does, on the caller's thread. */
    private void handleQueuedInbound() {
        for (Message message = inboundQueue.poll(); message != null; message = inboundQueue.poll()) {
            handleOne(message);
        }
    }

    private void handleOne(Message message) {
        if (message == HEARTBEAT) {
            heartbeatQueued.set(false);
            try {
                inbound.onHeartbeat();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "heartbeat housekeeping failed: " + e);
            }
            return;
        }
        try {
            inbound.handle(message.topic(), message.payload(), message.retained());
        } catch (RuntimeException e) {
            // A bug in a handler must not take the link down; the message is lost, and said so.
            LOG.log(System.Logger.Level.ERROR, "message on " + message.topic() + " could not be handled: " + e);
        } finally {
            inboundBytes.release(queuedBytes(message));
        }
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void waitQuietly(long ms) {
        try {
            wait(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
        }
    }

    /** A clean stop: the retained status says "stopped" (not the will's "connection lost"), then disconnect. */
    @Override
    public void close() {
        long drainDeadline = System.nanoTime() + DRAIN_ON_STOP_MS * 1_000_000;
        while (isConnected() && outbox.unsentCount() > 0 && System.nanoTime() < drainDeadline) {
            sync.wake();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        boolean wasConnected;
        synchronized (this) {
            closed = true;
            wasConnected = connected;
            notifyAll();
        }
        try {
            linkThread.join(5_000);
            inboundThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (wasConnected && transport.isConnected()) {
            try {
                transport.publish(topics.status(), statusWire.offline("stopped", wallClock.getAsLong()), 1, true, failure -> { });
            } catch (TransportException e) {
                LOG.log(System.Logger.Level.WARNING, "could not say goodbye: " + e.getMessage());
            }
            transport.disconnect();
        }
        transport.close();
    }
}
