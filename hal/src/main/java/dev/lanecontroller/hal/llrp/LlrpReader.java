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
import java.util.concurrent.ThreadLocalRandom;

/**
 * A fixed reader over LLRP, as a {@link TagReader}: connects, resets the reader's configuration
 * with a keepalive, replaces its ROSpecs by the lane's, enables and starts it, then passes on every
 * tag reported and beats the lane's heartbeat on every keepalive (answered). A reader silent past
 * the limit, a connection lost or a stream that stops making sense is reconnected with backoff;
 * meanwhile the heartbeat stops, and the lane faults READER_SILENT as it should. A report that does
 * not decode is dropped and counted; the thread goes on.
 */
public final class LlrpReader extends ListeningTagReader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LlrpReader.class.getName());
    /** The lane's one ROSpec on the reader. */
    static final long ROSPEC_ID = 1701;
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
        online = false;
        out = null;
        connectionFailures++;
        lastProblem = why;
        // Every loss of a working reader, then every tenth failed attempt: a dead reader must not flood the journal.
        if (wasOnline || connectionFailures % 10 == 1) {
            LOG.log(System.Logger.Level.WARNING, "LLRP reader " + settings.host() + ":" + settings.port() + ": " + why
                    + (wasOnline ? "" : " (" + connectionFailures + " failed attempts)"));
        }
    }

    private void session(InputStream in, OutputStream output) throws IOException, LlrpException {
        awaitConnectionAccepted(in);
        out = output;
        request(in, LlrpRequests.setConfig(nextId++, settings.keepaliveMs(), settings.air().factoryReset()), LlrpMessage.SET_READER_CONFIG_RESPONSE,
                true);
        request(in, LlrpRequests.deleteAllRospecs(nextId++), LlrpMessage.DELETE_ROSPEC_RESPONSE, false);
        request(in, LlrpRequests.addRospec(nextId++, ROSPEC_ID, settings.antennas(), settings.air()), LlrpMessage.ADD_ROSPEC_RESPONSE, true);
        request(in, LlrpRequests.enableRospec(nextId++, ROSPEC_ID), LlrpMessage.ENABLE_ROSPEC_RESPONSE, true);
        request(in, LlrpRequests.startRospec(nextId++, ROSPEC_ID), LlrpMessage.START_ROSPEC_RESPONSE, true);
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
    private void request(InputStream in, LlrpMessage request, int responseType, boolean mustSucceed) throws IOException, LlrpException {
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
                return;
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
                    badReports++;
                    if (badReports % 100 == 1) {
                        LOG.log(System.Logger.Level.WARNING, "LLRP report dropped (" + badReports + " so far): " + e.getMessage());
                    }
                }
                beat();
            }
            case LlrpMessage.KEEPALIVE -> {
                send(LlrpRequests.keepaliveAck(message.id()));
                beatIfOnline();
            }
            case LlrpMessage.READER_EVENT_NOTIFICATION -> beatIfOnline();
            default -> { } // responses to nothing we sent, custom messages: ignored
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
