package dev.lanecontroller.hal.serial;

import com.fazecast.jSerialComm.SerialPort;
import com.fazecast.jSerialComm.SerialPortInvalidPortException;
import dev.lanecontroller.hal.Backoff;
import dev.lanecontroller.hal.TagRead;
import dev.lanecontroller.hal.ListeningTagReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A line-oriented serial reader (USB or UART) through jSerialComm, or the same line protocol from a
 * serial-to-Ethernet server over TCP, as a {@link TagReader}. Such
 * readers send nothing while no card is near, so the heartbeat is the port itself: it beats every
 * read timeout while the port is open and readable, and stops when the device goes (unplugged,
 * failed), so the lane faults READER_SILENT. The port is reopened with backoff.
 */
public final class SerialTagReader extends ListeningTagReader implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SerialTagReader.class.getName());
    /** A blocking read returns at least this often: the heartbeat's period. */
    static final int READ_TIMEOUT_MS = 500;
    private static final int TCP_CONNECT_TIMEOUT_MS = 3_000;

    private final SerialSettings settings;
    private final Backoff backoff;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean online;
    private volatile ByteSource source;
    private volatile String lastProblem = "not opened yet";
    private volatile long reads;
    private volatile long rejectedFrames;
    private static final long REJECT_LOG_INTERVAL_NS = 10_000_000_000L;
    private long lastRejectLoggedNs;
    private volatile long opens;
    private volatile long failedOpens;

    public SerialTagReader(SerialSettings settings) {
        this.settings = settings;
        this.backoff = new Backoff(settings.reconnectMinMs(), settings.reconnectMaxMs(), () -> ThreadLocalRandom.current().nextDouble());
        this.thread = new Thread(this::run, "serial-" + settings.device());
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public boolean online() {
        return online;
    }

    public String lastProblem() {
        return lastProblem;
    }

    public long reads() {
        return reads;
    }

    /** Frames that were not a card: bad characters, wrong length, bad checksum, no end. */
    public long rejectedFrames() {
        return rejectedFrames;
    }

    public long opens() {
        return opens;
    }

    /** Attempts to open the port that failed (missing device, no permission): a reader that is away is retried. */
    public long failedOpens() {
        return failedOpens;
    }

    /** Where the reader's bytes come from: a serial port, or a serial-to-Ethernet server's TCP port. */
    private interface ByteSource {
        /** Bytes read into {@code buffer}; 0 when none came within the read timeout; -1 when the source is gone. */
        int read(byte[] buffer);

        void close();
    }

    private void run() {
        FrameParser parser = new FrameParser(settings.format(), this::onFrame);
        byte[] buffer = new byte[256];
        while (running) {
            ByteSource opened = settings.isTcp() ? openTcp() : openSerial();
            if (opened == null) {
                failedOpens++;
            } else {
                source = opened;
                opens++;
                online = true;
                backoff.reset();
                lastProblem = "";
                LOG.log(System.Logger.Level.INFO, "serial reader " + settings.device() + " open"
                        + (settings.isTcp() ? "" : " at " + settings.baudRate() + " baud"));
                readUntilFailure(opened, parser, buffer);
                opened.close();
                online = false;
            }
            sleepBackoff();
        }
    }

    private ByteSource openSerial() {
        SerialPort opened = portAt(settings.device());
        if (opened == null) {
            return null;
        }
        SerialSettings.Line line = settings.line();
        opened.setComPortParameters(settings.baudRate(), line.dataBits(), line.stopBits() == 2 ? SerialPort.TWO_STOP_BITS : SerialPort.ONE_STOP_BIT,
                switch (line.parity()) {
                    case NONE -> SerialPort.NO_PARITY;
                    case EVEN -> SerialPort.EVEN_PARITY;
                    case ODD -> SerialPort.ODD_PARITY;
                });
        opened.setComPortTimeouts(SerialPort.TIMEOUT_READ_SEMI_BLOCKING, READ_TIMEOUT_MS, 0);
        if (!opened.openPort()) {
            problem("cannot open " + settings.device() + " (error " + opened.getLastErrorCode() + "; missing, or not in group dialout?)");
            return null;
        }
        return new ByteSource() {
            @Override
            public int read(byte[] buffer) {
                int count = opened.readBytes(buffer, buffer.length);
                if (count < 0) {
                    problem(settings.device() + " failed (error " + opened.getLastErrorCode() + "): unplugged?");
                }
                return count;
            }

            @Override
            public void close() {
                opened.closePort();
            }
        };
    }

    /** The same line protocol from a serial-to-Ethernet server (a raw TCP port, as ser2net or a Moxa NPort give). */
    private ByteSource openTcp() {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(settings.tcpHost(), settings.tcpPort()), TCP_CONNECT_TIMEOUT_MS);
            socket.setSoTimeout(READ_TIMEOUT_MS);
        } catch (IOException e) {
            closeQuietly(socket);
            problem("cannot connect to " + settings.device() + ": " + e.getMessage());
            return null;
        }
        return new ByteSource() {
            @Override
            public int read(byte[] buffer) {
                try {
                    int count = socket.getInputStream().read(buffer);
                    if (count < 0) {
                        problem(settings.device() + " closed the connection");
                    }
                    return count;
                } catch (SocketTimeoutException quiet) {
                    return 0; // no card near: the connection itself is the heartbeat
                } catch (IOException e) {
                    problem(settings.device() + " failed: " + e.getMessage());
                    return -1;
                }
            }

            @Override
            public void close() {
                closeQuietly(socket);
            }
        };
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing a connection that failed: nothing more to learn from it.
        }
    }

    /** The port at that path, or null (a problem noted) while no device is there: unplugged, or not yet enumerated. */
    private SerialPort portAt(String device) {
        try {
            return SerialPort.getCommPort(device);
        } catch (SerialPortInvalidPortException e) {
            problem(device + " is not there (unplugged?): " + e.getMessage());
            return null;
        }
    }

    private void readUntilFailure(ByteSource opened, FrameParser parser, byte[] buffer) {
        while (running) {
            int count = opened.read(buffer);
            if (count < 0) {
                return;
            }
            parser.accept(buffer, count);
            beat();
        }
    }

    private void onFrame(FrameParser.Outcome outcome) {
        if (outcome instanceof FrameParser.Card card) {
            try {
                TagRead read = new TagRead(card.hex(), null, settings.antenna(), settings.rssiDbm());
                reads++;
                deliver(read);
            } catch (IllegalArgumentException e) {
                reject(e.getMessage());
            }
        } else if (outcome instanceof FrameParser.Rejected rejected) {
            reject(rejected.reason());
        }
    }

    private void reject(String why) {
        rejectedFrames++;
        // The first of a run, then at most one line every 10 s with the count: every run of bad frames is seen, none floods the log.
        long now = System.nanoTime();
        if (rejectedFrames == 1 || now - lastRejectLoggedNs >= REJECT_LOG_INTERVAL_NS) {
            lastRejectLoggedNs = now;
            LOG.log(System.Logger.Level.WARNING, "serial reader " + settings.device() + ": frame rejected (" + rejectedFrames + " so far): " + why);
        }
    }

    private void problem(String why) {
        if (!why.equals(lastProblem)) {
            LOG.log(System.Logger.Level.WARNING, "serial reader: " + why);
        }
        lastProblem = why;
    }

    private void sleepBackoff() {
        if (!running) {
            return;
        }
        try {
            Thread.sleep(backoff.nextDelayMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(READ_TIMEOUT_MS * 4L);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ByteSource opened = source;
        if (opened != null) {
            opened.close();
        }
        online = false;
    }
}
