package dev.lanecontroller.hal;

import java.util.function.Consumer;

/** What every tag reader keeps: who hears its reads and its heartbeat. Drivers extend this and call {@link #deliver} and {@link #beat}. */
public abstract class ListeningTagReader implements TagReader {
    private final Listeners<TagRead> readListeners = new Listeners<>();
    private final Listeners<Boolean> heartbeatListeners = new Listeners<>();

    @Override
    public final void onRead(Consumer<TagRead> listener) {
        readListeners.add(listener);
    }

    @Override
    public final void onHeartbeat(Runnable listener) {
        heartbeatListeners.add(ignored -> listener.run());
    }

    protected final void deliver(TagRead read) {
        readListeners.notifyAll(read);
    }

    /** A sign of life: the lane's READER_SILENT watch starts again. */
    protected final void beat() {
        heartbeatListeners.notifyAll(true);
    }
}
