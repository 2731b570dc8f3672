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
            subscriber.accept(value);
        }
    }
}
