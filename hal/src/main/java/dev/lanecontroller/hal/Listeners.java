package dev.lanecontroller.hal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Subscribers of one input of a driver; subscription is rare, notification frequent. What a
 * subscriber throws reaches the driver, whose thread decides (a simulation stops on it).
 */
public final class Listeners<T> {
    private final List<Consumer<T>> subscribers = new CopyOnWriteArrayList<>();

    public void add(Consumer<T> subscriber) {
        subscribers.add(subscriber);
    }

    public void notifyAll(T value) {
        for (Consumer<T> subscriber : subscribers) {
            try {
                subscriber.accept(value);
            } catch (Gone gone) {
                subscribers.remove(subscriber);
            }
        }
    }

    /**
     * Thrown by a subscriber that is gone for good: it is removed. A simulation restarts the daemon
     * on the same devices thousands of times (power cuts); the dead lanes' subscriptions go this way.
     */
    public static final class Gone extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public Gone() {
            super("the subscriber is gone", null, false, false);
        }
    }
}
