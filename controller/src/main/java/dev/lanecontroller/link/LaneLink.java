package dev.lanecontroller.link;

import dev.lanecontroller.config.CentralSettings;
import dev.lanecontroller.contract.EventWire;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.contract.StatusWire;
import dev.lanecontroller.contract.Topics;
import dev.lanecontroller.core.LaneEvent;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LogThinning;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.core.RandomSource;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.link.MqttTransport.TransportException;
import dev.lanecontroller.pki.Ed25519Keys;
import dev.lanecontroller.pki.Tls;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.EventDraft;
import dev.lanecontroller.store.HeldEvents;
import dev.lanecontroller.store.Journal;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.StoreException;
import java.io.IOException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.net.SocketFactory;

/**
 * The whole central link of one lane, put together from its config: event sync, presence, lists
 * and commands over one MQTT connection. The daemon makes one; so do the tests, the same way.
 */
public final class LaneLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LaneLink.class.getName());

    private final CentralLink link;
    private final CommandHandler commands;
    private final ListReceiver lists;
    private final EventSync sync;
    private final BacklogWatch backlog;
    /** The link's own events (commands, lists, backlog alarms) while the journal fails; guarded by this. */
    private final HeldEvents writer;
    private final Consumer<JournalEntry> echo;
    private final Supplier<Now> clock;
    private final java.util.concurrent.atomic.AtomicLong laneEventsDropped = new java.util.concurrent.atomic.AtomicLong();
    /** Link events are a few a minute even under attack (refusals are capped at 60 a minute): 1,000 is a long failure. */
    public static final int HELD_EVENTS_MAX = 1_000;
    /** How long a stopping link waits for the event sync to deal with what the lane handed over. */
    private static final long HAND_OVER_DRAIN_MS = 2_000;

    /** What the link needs of the lane. */
    public record Lane(String laneId, Set<String> programs, Journal journal, ClearanceStore store, NonceStore nonces,
                       Predicate<LaneInput> toLane, Supplier<LaneView> view, Supplier<Now> clock, Consumer<JournalEntry> echo,
                       String bootId, String softwareVersion, RandomSource random) {}

    public LaneLink(CentralSettings settings, Lane lane) throws IOException, TransportException {
        this(settings, lane, () -> new PahoTransport(settings.brokerUri(), settings.clientId()), System::nanoTime, true);
    }

    /** Makes the link's MQTT client, once the keys and TLS files have been read. */
    @FunctionalInterface
    interface TransportMaker {
        MqttTransport make() throws TransportException;
    }

    /**
     * The same link on another transport and clock: a simulation passes its simulated broker and
     * virtual clock ({@code readBacklogAhead} false: no reader thread), starts nothing, and takes
     * the link's turns itself ({@link CentralLink#turn}).
     */
    LaneLink(CentralSettings settings, Lane lane, TransportMaker transportMaker, java.util.function.LongSupplier monoNs,
             boolean readBacklogAhead) throws IOException, TransportException {
        Map<String, PublicKey> listKeys = Ed25519Keys.readAll(settings.listKeys());
        Map<String, PublicKey> commandKeys = Ed25519Keys.readAll(settings.commandKeys());
        SocketFactory socketFactory = settings.usesTls() ? Tls.socketFactory(settings.caFile(), settings.certFile(), settings.keyFile()) : null;
        Topics topics = new Topics(settings.topicRoot(), settings.site(), lane.laneId());
        String journalId = lane.journal().outbox().journalId();
        sync = new EventSync(lane.journal().outbox(), new EventWire(settings.site(), lane.laneId(), journalId), topics,
                settings.inFlightWindow(), monoNs, readBacklogAhead);
        writer = new HeldEvents(lane.journal(), HELD_EVENTS_MAX, "the central link");
        echo = lane.echo();
        clock = lane.clock();
        EventRecorder recorder = new EventRecorder() {
            @Override
            public JournalEntry record(LaneEvent event) {
                return LaneLink.this.record(event, true);
            }

            @Override
            public JournalEntry recordNowOrNever(LaneEvent event) {
                return LaneLink.this.record(event, false);
            }
        };
        backlog = new BacklogWatch(lane.journal().outbox(), longs(settings.backlogAlarmEvents()), longs(settings.backlogAlarmAgeMs()),
                recorder, () -> lane.clock().get().wallMs());
        lists = new ListReceiver(new ListReceiver.Wiring(settings.site(), lane.laneId(), topics, lane.programs(), listKeys, lane.store(),
                recorder, lane.toLane(), () -> lane.clock().get().wallMs()));
        CentralLink[] self = new CentralLink[1];
        commands = new CommandHandler(new CommandHandler.Wiring(settings.site(), lane.laneId(), commandKeys, settings.commandMaxAgeMs(),
                lane.nonces(), recorder, lane.toLane(), sync, program -> lists.requestSnapshot(program, "central asked for a resync"),
                payload -> self[0] != null && self[0].publish(topics.replies(), payload), () -> lane.clock().get().wallMs()));
        Inbound inbound = new Inbound() {
            @Override
            public List<String> subscriptions() {
                List<String> filters = new ArrayList<>();
                filters.add(topics.commands());
                filters.addAll(lists.subscriptions());
                return filters;
            }

            @Override
            public void handle(String topic, byte[] payload, boolean retained) {
                if (topic.equals(topics.commands())) {
                    if (!retained) {
                        commands.handle(payload);
                    }
                    // A retained command is never acted on: a command is for the moment it is sent.
                } else if (!lists.handle(topic, payload, retained)) {
                    LOG.log(System.Logger.Level.WARNING, "message on unexpected topic " + topic + " ignored");
                }
            }

            @Override
            public void onHeartbeat() {
                lists.onHeartbeat();
                long now = lane.clock().get().wallMs();
                try {
                    lane.nonces().purgeIssuedBefore(now - settings.commandMaxAgeMs() - CommandHandler.FUTURE_SKEW_MS);
                } catch (StoreException e) {
                    LOG.log(System.Logger.Level.WARNING, "command ids not purged: " + e.getMessage());
                }
            }
        };
        link = new CentralLink(new CentralLink.Parts(transportMaker.make(), topics,
                new StatusWire(settings.site(), lane.laneId(), lane.bootId(), journalId, lane.softwareVersion(), settings.heartbeatIntervalMs()),
                sync, lane.journal().outbox(), inbound, lane.view(),
                new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs(), lane.random()::nextUnit), settings.clientId(), settings.keepAliveS(),
                settings.inFlightWindow(), settings.heartbeatIntervalMs(), socketFactory, () -> lane.clock().get().wallMs()), monoNs);
        self[0] = link;
        sync.onHandOver(this::handOver);
        lists.attach(link);
    }

    /**
     * Journals an event of the link's; null when it is not durable now. If {@code holdIfFailed}, an
     * event the journal could not take is held and written first once it can.
     */
    private synchronized JournalEntry record(LaneEvent event, boolean holdIfFailed) {
        List<JournalEntry> written = write(List.of(EventDraft.of(event, clock.get())), holdIfFailed);
        return written == null ? null : written.get(written.size() - 1);
    }

    /** Writes what a failed journal left held, if it takes writes again (the daemon calls it on a timer). */
    public synchronized void retryHeldEvents() {
        if (writer.held() > 0) {
            write(List.of(), true);
        }
    }

    private List<JournalEntry> write(List<EventDraft> drafts, boolean holdIfFailed) {
        List<JournalEntry> written = writer.write(drafts, holdIfFailed);
        if (written != null && !written.isEmpty()) {
            written.forEach(echo);
            sync.wake();
        }
        return written;
    }

    /** Events of the link's waiting for the journal to take writes again. */
    public int heldEvents() {
        return writer.held();
    }

    /** Events of the link's dropped because its hold was full. */
    public long eventsLost() {
        return writer.lost();
    }

    /** Lane events that passed without a reply or status refresh because the hand-over queue was full. */
    public long laneEventsDropped() {
        return laneEventsDropped.get();
    }

    /** Events refused because they could never be journaled (a programming error), each replaced by an EVENT_REFUSED alert. */
    public long eventsRefused() {
        return writer.refused();
    }

    public void start() {
        link.start();
    }

    /**
     * Every event the lane journals passes here, on the lane thread: it is only handed over (DESIGN
     * §3: the lane thread never calls into the network or waits on the link). The event sync's thread
     * then sends it out, answers the command it settles, and refreshes the status.
     */
    public void onLaneEvent(JournalEntry entry) {
        if (!sync.handOver(entry)) {
            long dropped = laneEventsDropped.incrementAndGet();
            if (LogThinning.worthLogging(dropped)) {
                LOG.log(System.Logger.Level.WARNING, "lane events queued for the central link: full (" + EventSync.HAND_OVERS_QUEUED_MAX
                        + "); " + dropped + " passed without a reply or status refresh (they are journaled and go out all the same)");
            }
        }
    }

    private void handOver(JournalEntry entry) {
        commands.onLaneEvent(entry);
        switch (entry.type()) {
            case "MODE_CHANGED", "LIST_IN_FORCE", "FAULT", "FAULT_RESET", "LANE_STARTED" -> link.statusChanged();
            default -> {
                // The heartbeat carries the rest.
            }
        }
    }

    public CentralLink link() {
        return link;
    }

    /** The central backlog alarm: the daemon calls its {@code check()} on a timer, connected or not. */
    public BacklogWatch backlog() {
        return backlog;
    }

    private static long[] longs(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).toArray();
    }

    public CommandHandler commands() {
        return commands;
    }

    public ListReceiver lists() {
        return lists;
    }

    @Override
    public void close() {
        // What the lane handed over before it stopped (LANE_STOPPED first of all) is dealt with first.
        try {
            if (!sync.awaitHandOvers(HAND_OVER_DRAIN_MS)) {
                LOG.log(System.Logger.Level.WARNING, "the central link did not deal with the lane's last events within " + HAND_OVER_DRAIN_MS
                        + " ms (their replies or status refresh may be missing; the events themselves are journaled)");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        link.close();
    }
}
