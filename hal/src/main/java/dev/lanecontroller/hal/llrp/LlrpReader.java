package dev.lanecontroller.hal.llrp;

import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.ListeningTagReader;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fixed reader over LLRP, as a {@link TagReader}: connects, resets the reader's configuration
 * with a keepalive and antenna events, replaces its ROSpecs (and AccessSpecs) by the lane's — an
 * AccessSpec that reads each tag's TID when {@code tidWords} asks — enables and starts it, asks
 * which antennas are connected, then passes on every tag reported and beats the lane's heartbeat on
 * every keepalive (answered). A lane antenna disconnected is reader trouble until the reader says it
 * is back. A reader silent past the limit, a connection lost or a stream that stops making sense is
 * reconnected with backoff; meanwhile the heartbeat stops, and the lane faults READER_SILENT as it
 * should. A report that does not decode is dropped and counted; the thread goes on.
 */
public final class LlrpReader extends ListeningTagReader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LlrpReader.class.getName());
    /** The lane's one ROSpec on the reader. */
    static final long ROSPEC_ID = 1701;
    /** Antennas named in a trouble report, at most; the rest are counted. */
    static final int ANTENNAS_NAMED_MAX = 8;
    /** The lane's one AccessSpec (the TID read), when it reads TIDs. */
    static final long ACCESS_SPEC_ID = 1702;
    /** Messages read while waiting for one response, at most (reports keep coming meanwhile). */
    private static final int MESSAGES_PER_RESPONSE_MAX = 10_000;

    private final LlrpSettings settings;
    private final Backoff backoff;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean online;
    private volatile Socket socket;
    private volatile OutputStream out;
    private volatile String lastProblem = "not connected yet";
    private volatile long reads;
    private volatile long badReports;
    private volatile long connects;
    private volatile long connectionFailures;
    private long nextId = 1;
    /** The lane's antennas the reader last said are disconnected; the reader thread's own. */
    private final java.util.TreeSet<Integer> disconnected = new java.util.TreeSet<>();
    private volatile String antennaTrouble = "";

    public LlrpReader(LlrpSettings settings) {
        this.settings = settings;
        this.backoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs(), () -> ThreadLocalRandom.current().nextDouble());
        this.thread = new Thread(this::run, "llrp-" + settings.host());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** Connected, set up and inventorying. */
    public boolean online() {
        return online;
    }

    /** Why the reader is offline (or was last), for a technician. */
    public String lastProblem() {
        return lastProblem;
    }

    public long reads() {
        return reads;
    }

    /** Reports that did not decode, and streams that stopped making sense. */
    public long badReports() {
        return badReports;
    }

    /** What the reader says is wrong with the lane's antennas ("antenna 2 disconnected"), or "" when nothing. */
    public String antennaTrouble() {
        return antennaTrouble;
    }

    public long connects() {
        return connects;
    }

    public long connectionFailures() {
        return connectionFailures;
    }

    private void run() {
        while (running) {
            try (Socket connection = new Socket()) {
                socket = connection;
                connection.connect(new InetSocketAddress(settings.host(), settings.port()), (int) settings.connectTimeoutMs());
                connection.setSoTimeout((int) settings.silenceLimitMs());
                connection.setTcpNoDelay(true);
                session(new BufferedInputStream(connection.getInputStream()), new BufferedOutputStream(connection.getOutputStream()));
            } catch (SocketTimeoutException e) {
                lost("silent for " + settings.silenceLimitMs() + " ms: offline");
            } catch (IOException e) {
                lost(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            } catch (LlrpException e) {
                badReports++;
                lost(e.getMessage());
            }
            if (running) {
                try {
                    Thread.sleep(backoff.nextDelayMs());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void lost(String why) {
        if (!running) {
            return;
        }
        boolean wasOnline = online;
        boolean newProblem = !why.equals(lastProblem);
        online = false;
        out = null;
        connectionFailures++;
        lastProblem = why;
        // Every loss of a working reader and every new problem, a problem that repeats every tenth time:
        // a dead reader must not flood the log, and a technician must see each thing that went wrong.
        if (wasOnline || newProblem || connectionFailures % 10 == 1) {
            LOG.log(System.Logger.Level.WARNING, "LLRP reader " + settings.host() + ":" + settings.port() + ": " + why
                    + (wasOnline ? "" : " (" + connectionFailures + " failed attempts)"));
        }
    }

    private void session(InputStream in, OutputStream output) throws IOException, LlrpException {
        awaitConnectionAccepted(in);
        out = output;
        request(in, LlrpRequests.setConfig(nextId++, settings.keepaliveMs(), settings.air().factoryReset()), LlrpMessage.SET_READER_CONFIG_RESPONSE,
                true);
        request(in, LlrpRequests.deleteAllAccessSpecs(nextId++), LlrpMessage.DELETE_ACCESSSPEC_RESPONSE, false);
        request(in, LlrpRequests.deleteAllRospecs(nextId++), LlrpMessage.DELETE_ROSPEC_RESPONSE, false);
        request(in, LlrpRequests.addRospec(nextId++, ROSPEC_ID, settings.antennas(), settings.air()), LlrpMessage.ADD_ROSPEC_RESPONSE, true);
        if (settings.tidWords() > 0) {
            request(in, LlrpRequests.addTidAccessSpec(nextId++, ACCESS_SPEC_ID, ROSPEC_ID, settings.tidWords()),
                    LlrpMessage.ADD_ACCESSSPEC_RESPONSE, true);
            request(in, LlrpRequests.enableAccessSpec(nextId++, ACCESS_SPEC_ID), LlrpMessage.ENABLE_ACCESSSPEC_RESPONSE, true);
        }
        request(in, LlrpRequests.enableRospec(nextId++, ROSPEC_ID), LlrpMessage.ENABLE_ROSPEC_RESPONSE, true);
        request(in, LlrpRequests.startRospec(nextId++, ROSPEC_ID), LlrpMessage.START_ROSPEC_RESPONSE, true);
        LlrpMessage config = request(in, LlrpRequests.getAntennaProperties(nextId++), LlrpMessage.GET_READER_CONFIG_RESPONSE, false);
        // What the reader says now replaces what it said before the connection dropped; a reader that
        // does not say is taken at its events from here on.
        antennasNow(config == null ? List.of() : LlrpDecoder.antennaProperties(config), true);
        send(LlrpRequests.enableEventsAndReports(nextId++));
        online = true;
        connects++;
        backoff.reset();
        lastProblem = "";
        LOG.log(System.Logger.Level.INFO, "LLRP reader " + settings.host() + ":" + settings.port() + " online, antennas "
                + (settings.antennas().isEmpty() ? "all" : settings.antennas()));
        beat();
        while (running) {
            dispatch(LlrpFraming.read(in));
        }
    }

    /** A reader greets every client with a ConnectionAttemptEvent; a non-zero status means another client holds it. */
    private void awaitConnectionAccepted(InputStream in) throws IOException, LlrpException {
        for (int i = 0; i < MESSAGES_PER_RESPONSE_MAX; i++) {
            LlrpMessage message = LlrpFraming.read(in);
            if (message.type() == LlrpMessage.READER_EVENT_NOTIFICATION) {
                int status = LlrpDecoder.connectionAttemptStatus(message);
                if (status == 0) {
                    return;
                }
                if (status > 0) {
                    throw new LlrpException("the reader refused the connection (ConnectionAttemptEvent status " + status
                            + ": another client is connected)");
                }
            }
        }
        throw new LlrpException("no ConnectionAttemptEvent from the reader");
    }

    /**
     * Sends a request and waits for its response, passing on whatever else comes meanwhile; a reader
     * that keeps talking (keepalives, reports) but does not answer within the silence limit is
     * dropped and reconnected, like a silent one.
     */
    private LlrpMessage request(InputStream in, LlrpMessage request, int responseType, boolean mustSucceed) throws IOException, LlrpException {
        send(request);
        long deadlineNs = System.nanoTime() + settings.silenceLimitMs() * 1_000_000;
        for (int i = 0; i < MESSAGES_PER_RESPONSE_MAX; i++) {
            if (System.nanoTime() > deadlineNs) {
                break;
            }
            LlrpMessage message = LlrpFraming.read(in);
            if (message.type() == responseType && message.id() == request.id()) {
                LlrpDecoder.Status status = LlrpDecoder.status(message);
                if (!status.ok() && mustSucceed) {
                    throw new LlrpException("the reader refused " + LlrpMessage.name(request.type()) + ": status " + status.code()
                            + " " + status.description());
                }
                return status.ok() ? message : null;
            }
            if (message.type() == LlrpMessage.ERROR_MESSAGE) {
                throw new LlrpException("the reader answered " + LlrpMessage.name(request.type()) + " with ERROR_MESSAGE: "
                        + LlrpDecoder.status(message).description());
            }
            dispatch(message);
        }
        throw new LlrpException("no response to message type " + request.type() + " (" + LlrpMessage.name(request.type()) + ") within "
                + settings.silenceLimitMs() + " ms: reconnecting");
    }

    private void dispatch(LlrpMessage message) throws IOException {
        switch (message.type()) {
            case LlrpMessage.RO_ACCESS_REPORT -> {
                try {
                    for (LlrpDecoder.TagReport tag : LlrpDecoder.tagReports(message)) {
                        reads++;
                        deliver(tag.toTagRead());
                    }
                } catch (LlrpException e) {
                    dropped("report", e);
                }
                beat();
            }
            case LlrpMessage.KEEPALIVE -> {
                send(LlrpRequests.keepaliveAck(message.id()));
                beatIfOnline();
            }
            case LlrpMessage.READER_EVENT_NOTIFICATION -> {
                try {
                    antennasNow(LlrpDecoder.antennaEvents(message), false);
                } catch (LlrpException e) {
                    dropped("reader event", e);
                }
                beatIfOnline();
            }
            default -> { } // responses to nothing we sent, custom messages: ignored
        }
    }

    /** A message that did not decode: counted, and logged the first time and every hundredth after. */
    private void dropped(String what, LlrpException e) {
        badReports++;
        if (badReports % 100 == 1) {
            LOG.log(System.Logger.Level.WARNING, "LLRP " + what + " dropped (" + badReports + " so far): " + e.getMessage());
        }
    }

    /**
     * The lane's antennas as the reader now says they are ({@code whole}: every antenna it has, so
     * any not named is connected); the lane hears of trouble when the set of disconnected ones
     * changes, and that it ended when it is empty again.
     */
    private void antennasNow(List<LlrpDecoder.AntennaState> states, boolean whole) {
        java.util.TreeSet<Integer> now = whole ? new java.util.TreeSet<>() : new java.util.TreeSet<>(disconnected);
        for (LlrpDecoder.AntennaState state : states) {
            if (settings.antennas().isEmpty() || settings.antennas().contains(state.antenna())) {
                if (state.connected()) {
                    now.remove(state.antenna());
                } else {
                    now.add(state.antenna());
                }
            }
        }
        if (now.equals(disconnected)) {
            return;
        }
        disconnected.clear();
        disconnected.addAll(now);
        String where = "LLRP reader " + settings.host() + ":" + settings.port();
        if (now.isEmpty()) {
            antennaTrouble = "";
            LOG.log(System.Logger.Level.INFO, where + ": every lane antenna connected");
            troubleEnded();
        } else {
            // Named, at most a few: the detail goes into a FAULT event, and a reader may number 65,535 antennas.
            antennaTrouble = (now.size() == 1 ? "antenna " : "antennas ")
                    + String.join(", ", now.stream().limit(ANTENNAS_NAMED_MAX).map(String::valueOf).toList())
                    + (now.size() > ANTENNAS_NAMED_MAX ? " and " + (now.size() - ANTENNAS_NAMED_MAX) + " more" : "") + " disconnected";
            LOG.log(System.Logger.Level.WARNING, where + ": " + antennaTrouble);
            troubleStarted(antennaTrouble);
        }
    }

    /** A reader still being set up (no ROSpec running) reads nothing: its keepalives must not tell the lane it is alive. */
    private void beatIfOnline() {
        if (online) {
            beat();
        }
    }

    private void send(LlrpMessage message) throws IOException {
        OutputStream output = out;
        if (output == null) {
            throw new IOException("not connected");
        }
        synchronized (this) {
            LlrpFraming.write(output, message);
        }
    }

    /** Says goodbye to the reader when it can (CLOSE_CONNECTION), then stops the thread. */
    @Override
    public void close() {
        running = false;
        try {
            if (online) {
                send(LlrpRequests.closeConnection(0));
            }
        } catch (IOException e) {
            // Closing anyway.
        }
        Socket connection = socket;
        if (connection != null) {
            try {
                connection.close();
            } catch (IOException e) {
                // Closing anyway.
            }
        }
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        online = false;
    }
}
