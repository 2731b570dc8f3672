package dev.lanecontroller.daemon;

import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.config.SimulatedHardware;
import dev.lanecontroller.contract.LaneView;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.hal.RealTimeScheduler;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.link.LaneLink;
import dev.lanecontroller.link.MqttTransport;
import dev.lanecontroller.monitor.DeviceWatch;
import dev.lanecontroller.monitor.LaneWatch;
import dev.lanecontroller.ops.Health;
import dev.lanecontroller.ops.HealthServer;
import dev.lanecontroller.ops.LaneMetrics;
import dev.lanecontroller.ops.Periodic;
import dev.lanecontroller.ops.SystemdNotifier;
import dev.lanecontroller.shell.Inbox;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneRunner;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.sim.BenchVehicles;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.sim.DemoTraffic;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.DirectoryLock;
import dev.lanecontroller.store.NonceStore;
import dev.lanecontroller.store.SqliteJournal;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one place a lane is assembled from its config: storage, hardware (simulated or the Pi's),
 * the lane core on its thread, the central link, health and metrics, housekeeping and systemd.
 * {@code lane-controller run} and every test that runs a whole daemon start a lane here, so what is
 * tested is what runs at the border; only a {@link Host} differs.
 */
public final class LaneDaemon implements AutoCloseable {
    private static final long PURGE_FIRST_DELAY_MIN = 1;
    private static final long PURGE_INTERVAL_MIN = 60;
    /** The lane thread puts the outputs in the safe state and journals LANE_STARTED well within this. */
    private static final long STARTUP_TIMEOUT_MS = 30_000;
    /** How often the central backlog is held against its alarm thresholds. */
    private static final long BACKLOG_CHECK_S = 10;

    /**
     * The daemon cannot start, the problem named: unreadable keys or certificates, another daemon on
     * the database (nothing a restart changes), or hardware that did not open ({@link #mayClear}: a
     * GPIO chip udev has not made yet, a reader's port not there yet; a restart may find it).
     */
    public static final class StartFailure extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean mayClear;

        StartFailure(String message, Throwable cause) {
            this(message, cause, false);
        }

        StartFailure(String message, Throwable cause, boolean mayClear) {
            super(message, cause);
            this.mayClear = mayClear;
        }

        public boolean mayClear() {
            return mayClear;
        }
    }

    private final LaneConfig config;
    private final Host host;
    private final RealTimeScheduler scheduler;
    private final ClearanceStore store;
    private final SqliteJournal journal;
    private final NonceStore nonces;
    private final SimLane simulated;
    private final LaneDevices devices;
    private final LaneHardware ports;
    private final Inbox inbox;
    private final LaneShell shell;
    private final LaneRunner runner;
    private final LaneLink link;
    private final Periodic purge;
    private final Periodic backlogWatch;
    private final HealthServer health;
    private final SystemdNotifier systemd;
    private final DirectoryLock lock;
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean closing;

    private LaneDaemon(LaneConfig config, Host host, Parts parts) {
        this.config = config;
        this.host = host;
        this.scheduler = parts.scheduler;
        this.store = parts.store;
        this.journal = parts.journal;
        this.nonces = parts.nonces;
        this.simulated = parts.simulated;
        this.devices = parts.devices;
        this.ports = parts.ports;
        this.inbox = parts.inbox;
        this.shell = parts.shell;
        this.runner = parts.runner;
        this.link = parts.link;
        this.purge = parts.purge;
        this.backlogWatch = parts.backlogWatch;
        this.health = parts.health;
        this.systemd = parts.systemd;
        this.lock = parts.lock;
    }

    /** What is opened while a lane starts, so a start that fails part-way closes what it opened. */
    private static final class Parts {
        DirectoryLock lock;
        RealTimeScheduler scheduler;
        ClearanceStore store;
        SqliteJournal journal;
        NonceStore nonces;
        SimLane simulated;
        LaneDevices devices;
        LaneHardware ports;
        final Inbox inbox = new Inbox();
        LaneShell shell;
        LaneRunner runner;
        LaneLink link;
        Periodic purge;
        Periodic backlogWatch;
        HealthServer health;
        SystemdNotifier systemd;

        void closeAll() {
            for (AutoCloseable part : new AutoCloseable[] {runner, devices, link, health, purge, backlogWatch, systemd, nonces, journal,
                    store, scheduler, lock}) {
                if (part != null) {
                    try {
                        part.close();
                    } catch (Exception e) {
                        // Closing after a failed start: the start's own failure is the one reported.
                    }
                }
            }
        }
    }

    /** Builds the lane from its config on {@code host} and starts it; it runs until {@link #close()}. */
    public static LaneDaemon start(LaneConfig config, Host host) throws StartFailure {
        Parts parts = new Parts();
        try {
            return start(config, host, parts);
        } catch (StartFailure | RuntimeException | Error e) {
            parts.closeAll();
            throw e;
        }
    }

    private static LaneDaemon start(LaneConfig config, Host host, Parts parts) throws StartFailure {
        String bootId = UUID.randomUUID().toString();
        boolean simulatedHardware = config.hardware().kind() == HardwareSettings.Kind.SIMULATED;
        host.console().println("lane " + config.settings().laneId() + " starting: boot " + bootId + ", database " + config.storagePath()
                + ", " + config.hardware().kind().name().toLowerCase(Locale.ROOT) + " hardware, "
                + (config.hasCentral() ? "central " + config.central().brokerUri() : "no central link"));
        Path dataDir = config.storagePath().toAbsolutePath().getParent();
        try {
            // One daemon per lane database: a second one would interleave its journal and its MQTT client id.
            parts.lock = DirectoryLock.take(dataDir, DirectoryLock.DAEMON, "another lane-controller daemon");
        } catch (DirectoryLock.Held e) {
            throw new StartFailure(e.getMessage() + ": stop it first (systemctl stop lane-controller)", e);
        } catch (IOException e) {
            throw new StartFailure("cannot lock the data directory " + dataDir + ": " + e.getMessage(), e);
        }
        Database database = Database.open(config.storagePath());
        parts.scheduler = new RealTimeScheduler();
        parts.store = new ClearanceStore(database);
        parts.journal = new SqliteJournal(database, bootId);
        parts.nonces = new NonceStore(database);
        removeOrphans(parts.store, dataDir, host);
        List<CardRecord> demoCards = simulatedHardware ? ensureDemoLists(config, parts.store, host) : List.of();
        boolean bench = config.hardware().kind() == HardwareSettings.Kind.BENCH;
        if (simulatedHardware || bench) {
            SimulatedHardware sim = config.simulated();
            parts.simulated = new SimLane(parts.scheduler, sim.gateTravelMs(), sim.readerHeartbeatIntervalMs(),
                    config.settings().hasArmingLoop(), config.settings().hasExitLoop());
            parts.ports = parts.simulated.ports();
        }
        if (bench) {
            try {
                parts.devices = LaneDevices.openBench(config.hardware(), parts.simulated.ports());
            } catch (IOException | RuntimeException e) {
                throw new StartFailure("bench devices: " + e.getMessage(), e, true);
            }
            parts.ports = parts.devices.ports();
            BenchVehicles.driveThroughWhenOpen(parts.scheduler, parts.simulated);
        } else if (!simulatedHardware) {
            try {
                parts.devices = host.gpioPins() == null ? LaneDevices.open(config.hardware(), parts.scheduler)
                        : LaneDevices.open(config.hardware(), host.gpioPins().apply(config.hardware()), parts.scheduler);
            } catch (IOException | RuntimeException e) {
                throw new StartFailure("lane hardware: " + e.getMessage(), e, true);
            }
            parts.ports = parts.devices.ports();
        }
        RealTimeScheduler scheduler = parts.scheduler;
        Inbox inbox = parts.inbox;
        ConsoleObserver console = new ConsoleObserver(host.console());
        long startedMonoMs = parts.scheduler.nowMs();
        LaneWatch laneWatch = new LaneWatch();
        // Before the devices start, so the monitor hears their first word.
        DeviceWatch deviceWatch = new DeviceWatch(parts.ports, host.wallClockMs());
        LaneMetrics metrics = new LaneMetrics();
        metrics.describeProcess(host.softwareVersion());
        // Only the demo's simulated traffic has a simulated officer: on any other lane a referral
        // ends by an officer's signed RELEASE from central, never by a timer in the controller.
        boolean simulatedTraffic = simulatedHardware && config.simulated().trafficEnabled() && !demoCards.isEmpty();
        LaneObserver observer = (simulatedTraffic ? DemoTraffic.withOfficer(console, scheduler, inbox::offer) : console)
                .alsoOnEvent(entry -> {
                    // The link is made after the shell (it reads the shell's state); the lane starts only once both are made.
                    LaneLink link = parts.link;
                    if (link != null) {
                        link.onLaneEvent(entry);
                    }
                })
                .also(metrics::onEvent, metrics::onDecision)
                .andThen(laneWatch);
        Supplier<Now> clock = () -> new Now(scheduler.nowMs(), host.wallClockMs().getAsLong(), host.clockSynced().getAsBoolean());
        LaneShell shell = LaneShell.assemble(config.settings(), config.readFilter(), host.random(), parts.ports, parts.journal,
                parts.store, clock, observer, inbox::offer);
        parts.shell = shell;
        if (config.hasCentral()) {
            try {
                parts.link = new LaneLink(config.central(), new LaneLink.Lane(config.settings().laneId(),
                        config.settings().acceptedPrograms(), parts.journal, parts.store, parts.nonces, inbox::offer,
                        () -> view(shell, clock), clock, entry -> {
                            console.onEvent(entry);
                            metrics.onEvent(entry);
                        }, bootId, host.softwareVersion(), new SecureRandom()::nextDouble));
            } catch (IOException | MqttTransport.TransportException e) {
                throw new StartFailure("central link: " + e.getMessage(), e);
            }
        }
        if (parts.devices != null) {
            parts.devices.start();
        } else {
            parts.simulated.tagReader.start();
        }
        LaneRunner runner = new LaneRunner(shell, inbox, scheduler::nowMs);
        parts.runner = runner;
        runner.start();
        if (parts.link != null) {
            parts.link.start();
        }
        parts.purge = schedulePurge(parts.journal, config.retentionDays(), host);
        LaneLink link = parts.link;
        parts.backlogWatch = link == null ? null
                : Periodic.every("backlog-watch", BACKLOG_CHECK_S, BACKLOG_CHECK_S, TimeUnit.SECONDS, () -> {
                    link.retryHeldEvents();
                    link.backlog().check();
                });
        if (parts.devices != null) {
            parts.devices.registerMetrics(metrics);
        }
        parts.health = DaemonHealth.start(config, metrics, shell, runner, parts.journal, inbox, link, clock, scheduler, parts.devices,
                new DaemonHealth.MonitorParts(laneWatch, deviceWatch, bootId, host.softwareVersion(), startedMonoMs));
        parts.systemd = SystemdNotifier.fromEnvironment(host.environment());
        try {
            if (runner.awaitStarted(STARTUP_TIMEOUT_MS)) {
                SqliteJournal journal = parts.journal;
                parts.systemd.ready(() -> Health.laneLoop(runner.isAlive(), runner.lastTurnMs(), scheduler.nowMs()).ok(),
                        () -> DaemonHealth.statusLine(shell, journal, link));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailure("interrupted while the lane started", e);
        }
        if (simulatedTraffic) {
            SimulatedHardware sim = config.simulated();
            long seed = sim.seed() == null ? host.wallClockMs().getAsLong() ^ scheduler.nowMs() : sim.seed();
            DemoTraffic.start(scheduler, parts.simulated, demoCards, sim, seed, host.console());
        }
        return new LaneDaemon(config, host, parts);
    }

    /** Removes part files of interrupted builds, unless an import in another process is building one now. */
    private static void removeOrphans(ClearanceStore store, Path dataDir, Host host) {
        DirectoryLock imports;
        try {
            imports = DirectoryLock.take(dataDir, DirectoryLock.IMPORT, "a list import");
        } catch (DirectoryLock.Held e) {
            host.console().println(e.getMessage() + ": its part file is left alone until the next start");
            return;
        } catch (IOException e) {
            host.console().println("old list files not cleaned up: " + e.getMessage());
            return;
        }
        try (imports) {
            store.dropOrphanTables();
        }
    }

    /** Whether the lane thread is still running (it ends only on a programming error, which stops the daemon). */
    public boolean laneAlive() {
        return runner.isAlive();
    }

    /**
     * Stops the lane cleanly: the lane thread ends, LANE_STOPPED is journaled, the outputs go to
     * their safe state, central hears of the stop, and the stores close. Idempotent.
     *
     * @return 0, or 1 when the lane thread had failed
     */
    public synchronized int stop() {
        if (closing) {
            return runner.failure() == null ? 0 : 1;
        }
        closing = true;
        try {
            systemd.stopping();
            runner.close();
            // The lane thread has ended: this thread is now the only one touching the shell.
            if (runner.failure() == null) {
                shell.handle(new LaneInput.Stop());
            }
            ports.signal().show(SignalAspect.STOP);
            if (devices != null) {
                devices.close(); // the outputs in their safe state, the pins released
            }
            if (link != null) {
                link.close(); // after LANE_STOPPED, so central hears of the clean stop now
            }
            if (health != null) {
                health.close();
            }
            purge.close();
            if (backlogWatch != null) {
                backlogWatch.close();
            }
            systemd.close();
            host.console().println("lane " + config.settings().laneId() + " stopped: " + shell.steps() + " steps, last journal seq "
                    + journal.lastSeq() + (runner.failure() == null ? "" : ", FAILED: " + runner.failure()));
            return runner.failure() == null ? 0 : 1;
        } finally {
            nonces.close();
            store.close();
            journal.close();
            scheduler.close();
            lock.close(); // another daemon may use the directory now
            closed.countDown(); // the journal and the lists are closed: the JVM may exit
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** Waits until {@link #stop()} has finished (a shutdown hook must not let the JVM exit before). */
    public boolean awaitStopped(long timeoutMs) throws InterruptedException {
        return closed.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** Where inputs reach the lane (tests drive a simulated lane's commands through it). */
    public Inbox inbox() {
        return inbox;
    }

    public LaneShell shell() {
        return shell;
    }

    public SqliteJournal journal() {
        return journal;
    }

    public ClearanceStore store() {
        return store;
    }

    /** The central link, or null for a lane without a {@code central} section. */
    public LaneLink link() {
        return link;
    }

    /** A physical lane's devices (GPIO, reader, camera), or null on simulated hardware. */
    public LaneDevices devices() {
        return devices;
    }

    /** The simulated lane's devices, or null on real hardware. */
    public SimLane simulatedHardware() {
        return simulated;
    }

    /**
     * Deletes events central acknowledged more than {@code retentionDays} ago (DESIGN §8), once an
     * hour on a thread of its own, in small batches so the lane's journal never waits long.
     */
    private static Periodic schedulePurge(SqliteJournal journal, int retentionDays, Host host) {
        return Periodic.every("journal-purge", PURGE_FIRST_DELAY_MIN, PURGE_INTERVAL_MIN, TimeUnit.MINUTES, () -> {
            int deleted = journal.purgeSentBefore(host.wallClockMs().getAsLong() - retentionDays * 86_400_000L);
            if (deleted > 0) {
                System.getLogger(LaneDaemon.class.getName()).log(System.Logger.Level.INFO,
                        "purged " + deleted + " events acknowledged more than " + retentionDays + " days ago");
            }
        });
    }

    private static LaneView view(LaneShell shell, Supplier<Now> clock) {
        LaneState state = shell.state();
        return new LaneView(state.mode().name(), state.lists().values(), clock.get().clockSynced());
    }

    /** Puts a demo list in force for every accepted program that has no fresh one (simulated hardware only). */
    private static List<CardRecord> ensureDemoLists(LaneConfig config, ClearanceStore clearance, Host host) {
        int count = config.simulated().demoListCards();
        if (count == 0) {
            return List.of();
        }
        List<CardRecord> cards = DemoList.cards(count, 7);
        long now = host.wallClockMs().getAsLong();
        for (String program : config.settings().acceptedPrograms().stream().sorted().toList()) {
            ListInfo current = clearance.listsInForce().stream().filter(l -> l.program().equals(program)).findFirst().orElse(null);
            if (current == null || !current.isFreshAt(now, config.settings().maxListAgeMs())) {
                try {
                    ListInfo list = clearance.importList(program, current == null ? 1 : current.version() + 1, now, ListInfo.NO_EXPIRY,
                            now, sink -> {
                                cards.forEach(sink);
                                return cards.size();
                            });
                    host.console().println("demo list in force: " + list.program() + " v" + list.version() + ", " + list.entryCount() + " cards");
                } catch (IOException e) {
                    throw new IllegalStateException("the demo list is made in memory; it cannot fail to read", e);
                }
            }
        }
        return cards;
    }
}
