package dev.lanecontroller.hal.sim;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Subscribers of one simulated input; subscription is rare, notification frequent. */
final class Listeners<T> {
    private final List<Consumer<T>> subscribers = new CopyOnWriteArrayList<>();

    void add(Consumer<T> subscriber) {
        subscribers.add(subscriber);
    }

    void notifyAll(T value) {
        for (Consumer<T> subscriber : subscribers) {
            subscriber.accept(value);
        }
    }
}
