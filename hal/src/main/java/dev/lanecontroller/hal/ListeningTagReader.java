package dev.lanecontroller.hal;

import java.util.function.Consumer;

/** What every tag reader keeps: who hears its reads and its heartbeat. Drivers extend this and call {@link #deliver} and {@link #beat}. */
public abstract class ListeningTagReader implements TagReader {
    private final Listeners<TagRead> readListeners = new Listeners<>();
    private final Listeners<Boolean> heartbeatListeners = new Listeners<>();
    private final Listeners<String> troubleStartedListeners = new Listeners<>();
    private final Listeners<Boolean> troubleEndedListeners = new Listeners<>();

    @Override
    public final void onRead(Consumer<TagRead> listener) {
        readListeners.add(listener);
    }

    @Override
    public final void onHeartbeat(Runnable listener) {
        heartbeatListeners.add(ignored -> listener.run());
    }

    @Override
    public final void onTrouble(Consumer<String> started, Runnable ended) {
        troubleStartedListeners.add(started);
        troubleEndedListeners.add(ignored -> ended.run());
    }

    protected final void deliver(TagRead read) {
        readListeners.notifyAll(read);
    }

    /** A sign of life: the lane's READER_SILENT watch starts again. */
    protected final void beat() {
        heartbeatListeners.notifyAll(true);
    }

    /** The reader says something is wrong with it ({@code detail}, for a technician); the lane goes to FAULT until {@link #troubleEnded}. */
    protected final void troubleStarted(String detail) {
        troubleStartedListeners.notifyAll(java.util.Objects.requireNonNull(detail, "detail"));
    }

    /** Nothing the reader reported is wrong any more. */
    protected final void troubleEnded() {
        troubleEndedListeners.notifyAll(true);
    }
}
