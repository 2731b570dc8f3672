package dev.lanecontroller.store;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * Reads an import's records on a thread of its own and hands them over in batches. The first bad
 * record ends the read, and its error comes out of {@link #next} on the importing thread.
 */
final class BatchPipe implements AutoCloseable {
    /** Records per batch: large enough to amortise a JDBC batch, small enough for a Pi's heap. */
    static final int BATCH_RECORDS = 10_000;
    /** Batches read ahead of the inserts: about 4 MB of records at most. */
    static final int BATCHES_AHEAD = 4;
    /** Marks the end; compared by identity, so it must be an object no batch can be. */
    private static final List<CardRecord> END = java.util.Collections.unmodifiableList(new ArrayList<>());

    private final BlockingQueue<List<CardRecord>> batches = new ArrayBlockingQueue<>(BATCHES_AHEAD);
    private final FutureTask<Long> reader;
    private volatile boolean abandoned;

    BatchPipe(ClearanceStore.RecordSource source) {
        reader = new FutureTask<>(() -> {
            List<CardRecord> batch = new ArrayList<>(BATCH_RECORDS);
            long count = source.feed(record -> {
                batch.add(record);
                if (batch.size() == BATCH_RECORDS) {
                    hand(List.copyOf(batch));
                    batch.clear();
                }
            });
            if (!batch.isEmpty()) {
                hand(List.copyOf(batch));
            }
            hand(END);
            return count;
        });
        Thread thread = new Thread(reader, "list-import-reader");
        thread.setDaemon(true);
        thread.start();
    }

    /** The next batch, or null after the last one; throws the reader's error if it failed. */
    List<CardRecord> next() throws IOException {
        try {
            while (true) {
                List<CardRecord> batch = batches.poll(100, TimeUnit.MILLISECONDS);
                if (batch == END) {
                    return null;
                }
                if (batch != null) {
                    return batch;
                }
                if (reader.isDone()) {
                    reader.get(); // the reader ended without END: rethrow what stopped it
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the import was interrupted", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    long recordCount() throws IOException {
        try {
            return reader.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the import was interrupted", e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    private void hand(List<CardRecord> batch) {
        try {
            while (!batches.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                if (abandoned) {
                    throw new CancellationException("the import stopped");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("the import was interrupted");
        }
    }

    private static IOException rethrow(Throwable cause) {
        if (cause instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
    }

    /** Stops the reader if the inserts ended first (an error); it lets go of its batches and ends. */
    @Override
    public void close() {
        abandoned = true;
        batches.clear();
    }
}
