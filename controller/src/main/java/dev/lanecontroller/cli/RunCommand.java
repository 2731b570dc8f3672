package dev.lanecontroller.cli;

import dev.lanecontroller.config.LaneConfig;
import dev.lanecontroller.config.HardwareSettings;
import dev.lanecontroller.config.SimulatedHardware;
import dev.lanecontroller.hal.LaneHardware;
import dev.lanecontroller.core.CommandKind;
import dev.lanecontroller.core.Lane;
import dev.lanecontroller.core.LaneInput;
import dev.lanecontroller.core.ListInfo;
import dev.lanecontroller.core.Now;
import dev.lanecontroller.hal.SignalAspect;
import dev.lanecontroller.hal.sim.RealTimeScheduler;
import dev.lanecontroller.hal.sim.SimLane;
import dev.lanecontroller.shell.HardwareInputs;
import dev.lanecontroller.shell.Inbox;
import dev.lanecontroller.shell.LaneObserver;
import dev.lanecontroller.shell.LaneRunner;
import dev.lanecontroller.shell.LaneShell;
import dev.lanecontroller.sim.DemoList;
import dev.lanecontroller.sim.Traffic;
import dev.lanecontroller.sim.TrafficGenerator;
import dev.lanecontroller.store.CardRecord;
import dev.lanecontroller.store.ClearanceStore;
import dev.lanecontroller.store.Database;
import dev.lanecontroller.store.JournalEntry;
import dev.lanecontroller.store.SqliteJournal;
import dev.lanecontroller.core.LaneState;
import dev.lanecontroller.ops.Health;
import dev.lanecontroller.ops.Periodic;
import dev.lanecontroller.ops.HealthServer;
import dev.lanecontroller.ops.SystemdNotifier;
import dev.lanecontroller.ops.LaneMetrics;
import dev.lanecontroller.link.LaneLink;
import dev.lanecontroller.link.LaneView;
import dev.lanecontroller.link.MqttTransport;
import dev.lanecontroller.store.NonceStore;
import java.io.IOException;
import java.nio.file.Files;
import java.util.function.Supplier;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "run", description = "Runs the lane daemon until stopped (SIGTERM or Ctrl-C).")
final class RunCommand implements Callable<Integer> {
    /** systemd-timesyncd (and chrony with its hook) create this file once the clock is synchronised. */
    private static final Path CLOCK_SYNCED_FLAG = Path.of("/run/systemd/timesync/synchronized");
    /** The simulated officer releases a referred vehicle after this long (a real one takes 10-40 s). */
    private static final long OFFICER_RELEASE_DELAY_MS = 8_000;
    /** The actor the demo's simulated officer releases as, in the journal and on the console. */
    private static final String SIMULATED_OFFICER = "officer-sim";
    private static final long PURGE_FIRST_DELAY_MIN = 1;
    private static final long PURGE_INTERVAL_MIN = 60;
    /** The lane thread puts the outputs in the safe state and journals LANE_STARTED well within this. */
    private static final long STARTUP_TIMEOUT_MS = 30_000;
    /** How often the central backlog is held against its alarm thresholds. */
    private static final long BACKLOG_CHECK_S = 10;

    /** Opens the Pi's GPIO for a {@code gpio} lane; null for Pi4J's provider named in the config. */
    private final java.util.function.Function<HardwareSettings, dev.lanecontroller.hal.gpio.GpioPins> gpioPins;
    /** Counted down to stop the daemon as SIGTERM does. */
    private final CountDownLatch stopped = new CountDownLatch(1);

    RunCommand() {
        this(null);
    }

    RunCommand(java.util.function.Function<HardwareSettings, dev.lanecontroller.hal.gpio.GpioPins> gpioPins) {
        this.gpioPins = gpioPins;
    }

    /** What SIGTERM does: the daemon stops cleanly. */
    void stop() {
        stopped.countDown();
    }

    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the lane config (YAML)")
    Path configFile;

    @Option(names = "--for", paramLabel = "SECONDS", description = "stop by itself after this long (default: run until stopped)")
    Long forSeconds;

    @Override
    public Integer call() throws InterruptedException {
        LaneConfig config = ConfigFile.loadOrReport(configFile);
        if (config == null) {
            return ConfigFile.BAD_CONFIG_EXIT;
        }
        SimulatedHardware sim = config.simulated();
        Database database = Database.open(config.storagePath());
        String bootId = UUID.randomUUID().toString();
        System.out.println("lane " + config.settings().laneId() + " starting: boot " + bootId + ", database " + config.storagePath()
                + ", " + config.hardware().kind().name().toLowerCase(java.util.Locale.ROOT) + " hardware, " + (config.hasCentral() ? "central " + config.central().brokerUri() : "no central link"));
        CountDownLatch closed = new CountDownLatch(1);
        try (RealTimeScheduler scheduler = new RealTimeScheduler();
             ClearanceStore clearance = new ClearanceStore(database);
             SqliteJournal journal = new SqliteJournal(database, bootId);
             NonceStore nonces = new NonceStore(database)) {
            clearance.dropOrphanTables();
            boolean simulated = config.hardware().kind() == HardwareSettings.Kind.SIMULATED;
            List<CardRecord> demoCards = simulated ? ensureDemoLists(config, clearance) : List.of();
            SimLane hardware = null;
            LaneDevices devices = null;
            LaneHardware ports;
            if (simulated) {
                hardware = new SimLane(scheduler, sim.gateTravelMs(), sim.readerHeartbeatIntervalMs(), config.settings().hasArmingLoop(),
                        config.settings().hasExitLoop());
                ports = hardware.ports();
            } else {
                try {
                    devices = gpioPins == null ? LaneDevices.open(config.hardware(), scheduler)
                            : LaneDevices.open(config.hardware(), gpioPins.apply(config.hardware()), scheduler);
                } catch (IOException | RuntimeException e) {
                    System.err.println("lane hardware: " + e.getMessage());
                    return 2;
                }
                ports = devices.ports();
            }
            Inbox inbox = new Inbox();
            long wallAtStart = System.currentTimeMillis();
            long monoAtStart = scheduler.nowMs();
            ConsoleObserver console = new ConsoleObserver(System.out);
            LaneLink[] central = new LaneLink[1];
            LaneMetrics metrics = new LaneMetrics();
            // Only the demo's simulated traffic has a simulated officer: on any other lane a referral
            // ends by an officer's signed RELEASE from central, never by a timer in the controller.
            boolean simulatedTraffic = simulated && sim.trafficEnabled() && !demoCards.isEmpty();
            LaneObserver observer = withCentral(simulatedTraffic ? simulatedOfficer(console, scheduler, inbox) : console, central)
                    .also(metrics::onEvent, metrics::onDecision);
            Supplier<Now> clock = () -> new Now(scheduler.nowMs(), System.currentTimeMillis(), Files.exists(CLOCK_SYNCED_FLAG));
            LaneShell shell = new LaneShell(new Lane(config.settings(), new SecureRandom()::nextDouble), ports, journal,
                    clearance, clock, observer);
            if (config.hasCentral()) {
                try {
                    central[0] = new LaneLink(config.central(), new LaneLink.Lane(config.settings().laneId(),
                            config.settings().acceptedPrograms(), journal, clearance, nonces, inbox::offer,
                            () -> view(shell, clock), clock, entry -> {
                                console.onEvent(entry);
                                metrics.onEvent(entry);
                            }, bootId, Main.softwareVersion(),
                            new SecureRandom()::nextDouble));
                } catch (IOException | MqttTransport.TransportException e) {
                    System.err.println("central link: " + e.getMessage());
                    return 2;
                }
            }
            HardwareInputs.subscribe(ports, config.readFilter(), inbox::offer);
            if (hardware != null) {
                hardware.tagReader.start();
            } else {
                devices.start();
            }
            LaneRunner runner = new LaneRunner(shell, inbox, scheduler::nowMs);
            // SIGTERM/Ctrl-C: the JVM exits when the hook returns, so the hook waits for the clean stop below.
            Thread hook = new Thread(() -> {
                stopped.countDown();
                awaitQuietly(closed);
            }, "shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            runner.start();
            if (central[0] != null) {
                central[0].start();
            }
            Periodic purge = schedulePurge(journal, config.retentionDays());
            LaneLink link = central[0];
            Periodic backlogWatch = link == null ? null
                    : Periodic.every("backlog-watch", BACKLOG_CHECK_S, BACKLOG_CHECK_S, TimeUnit.SECONDS, () -> {
                        link.retryHeldEvents();
                        link.backlog().check();
                    });
            if (devices != null) {
                devices.registerMetrics(metrics);
            }
            HealthServer health = DaemonHealth.start(config, metrics, shell, runner, journal, inbox, central[0], clock, scheduler);
            SystemdNotifier systemd = SystemdNotifier.fromEnvironment(System.getenv());
            if (runner.awaitStarted(STARTUP_TIMEOUT_MS)) {
                systemd.ready(() -> Health.laneLoop(runner.isAlive(), runner.lastTurnMs(), scheduler.nowMs()).ok(),
                        () -> DaemonHealth.statusLine(shell, journal, central[0]));
            }
            if (simulatedTraffic) {
                System.out.println("simulated traffic: " + sim.vehiclesPerHour() + " vehicles/h from the demo list; a simulated officer ("
                        + SIMULATED_OFFICER + ") releases each referred vehicle after " + OFFICER_RELEASE_DELAY_MS / 1000 + " s");
                long seed = sim.seed() == null ? wallAtStart ^ monoAtStart : sim.seed();
                startTraffic(scheduler, hardware, new TrafficGenerator(demoCards, new SplittableRandom(seed), false),
                        new Traffic(scheduler, hardware, new SplittableRandom(seed + 1), 0.01), sim.vehiclesPerHour());
            }
            boolean selfStopped = forSeconds == null ? waitForever(stopped, runner) : !stopped.await(forSeconds, TimeUnit.SECONDS);
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
            if (central[0] != null) {
                central[0].close(); // after LANE_STOPPED, so central hears of the clean stop now
            }
            if (health != null) {
                health.close();
            }
            purge.close();
            if (backlogWatch != null) {
                backlogWatch.close();
            }
            systemd.close();
            System.out.println("lane " + config.settings().laneId() + " stopped: " + shell.steps() + " steps, last journal seq "
                    + journal.lastSeq() + (runner.failure() == null ? "" : ", FAILED: " + runner.failure()));
            if (selfStopped) {
                Runtime.getRuntime().removeShutdownHook(hook);
            }
            return runner.failure() == null ? 0 : 1;
        } finally {
            closed.countDown(); // the journal and the lists are closed: the JVM may exit
        }
    }

    /**
     * Deletes events central acknowledged more than {@code retentionDays} ago (DESIGN §8), once an
     * hour on a thread of its own, in small batches so the lane's journal never waits long.
     */
    private static Periodic schedulePurge(SqliteJournal journal, int retentionDays) {
        return Periodic.every("journal-purge", PURGE_FIRST_DELAY_MIN, PURGE_INTERVAL_MIN, TimeUnit.MINUTES, () -> {
            int deleted = journal.purgeSentBefore(System.currentTimeMillis() - retentionDays * 86_400_000L);
            if (deleted > 0) {
                System.getLogger(RunCommand.class.getName()).log(System.Logger.Level.INFO,
                        "purged " + deleted + " events acknowledged more than " + retentionDays + " days ago");
            }
        });
    }

    private static LaneView view(LaneShell shell, Supplier<Now> clock) {
        LaneState state = shell.state();
        return new LaneView(state.mode().name(), state.lists().values(), clock.get().clockSynced());
    }

    /** Passes every journaled event on to the central link as well (when there is one). */
    private static LaneObserver withCentral(LaneObserver inner, LaneLink[] central) {
        return inner.alsoOnEvent(entry -> {
            if (central[0] != null) {
                central[0].onLaneEvent(entry);
            }
        });
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean waitForever(CountDownLatch stopped, LaneRunner runner) throws InterruptedException {
        while (!stopped.await(1, TimeUnit.SECONDS)) {
            if (!runner.isAlive()) {
                return true;
            }
        }
        return false;
    }

    /** Puts a demo list in force for every accepted program that has no fresh one (simulated hardware only). */
    private static List<CardRecord> ensureDemoLists(LaneConfig config, ClearanceStore clearance) {
        int count = config.simulated().demoListCards();
        if (count == 0) {
            return List.of();
        }
        List<CardRecord> cards = DemoList.cards(count, 7);
        long now = System.currentTimeMillis();
        for (String program : config.settings().acceptedPrograms().stream().sorted().toList()) {
            ListInfo current = clearance.listsInForce().stream().filter(l -> l.program().equals(program)).findFirst().orElse(null);
            if (current == null || !current.isFreshAt(now, config.settings().maxListAgeMs())) {
                try {
                    ListInfo list = clearance.importList(program, current == null ? 1 : current.version() + 1, now, ListInfo.NO_EXPIRY,
                            now, sink -> {
                                cards.forEach(sink);
                                return cards.size();
                            });
                    System.out.println("demo list in force: " + list.program() + " v" + list.version() + ", " + list.entryCount() + " cards");
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("the demo list is made in memory; it cannot fail to read", e);
                }
            }
        }
        return cards;
    }

    private static void startTraffic(RealTimeScheduler scheduler, SimLane hardware, TrafficGenerator generator, Traffic traffic,
                                     double vehiclesPerHour) {
        scheduler.after(generator.nextGapMs(vehiclesPerHour), new Runnable() {
            @Override
            public void run() {
                if (traffic.vehiclesInLane() < 10) {
                    traffic.add(generator.next());
                }
                scheduler.after(generator.nextGapMs(vehiclesPerHour), this);
            }
        });
    }

    /**
     * Wraps the console with the demo's simulated officer, who releases each referred vehicle after a
     * short look. Simulated traffic only: nothing else in the controller ever releases a referral.
     */
    private static LaneObserver simulatedOfficer(LaneObserver console, RealTimeScheduler scheduler, Inbox inbox) {
        return console.alsoOnEvent(entry -> {
            if (entry.type().equals("DECISION") && !entry.payloadJson().contains("\"outcome\":\"CLEARED\"")) {
                scheduler.after(OFFICER_RELEASE_DELAY_MS, () -> inbox.offer(
                        new LaneInput.Command("sim-release-" + entry.seq(), CommandKind.RELEASE, null, SIMULATED_OFFICER)));
            }
        });
    }
}
