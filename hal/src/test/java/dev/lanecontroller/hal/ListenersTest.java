package dev.lanecontroller.hal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ListenersTest {
    /** A simulation restarts its lane on the same devices thousands of times: the dead lanes must not stay subscribed. */
    @Test
    void aSubscriberThatIsGoneIsRemovedAndTheOthersStillHear() {
        Listeners<String> listeners = new Listeners<>();
        List<String> heard = new ArrayList<>();
        int[] deadCalls = {0};
        listeners.add(value -> {
            deadCalls[0]++;
            throw new Listeners.Gone();
        });
        listeners.add(heard::add);
        listeners.notifyAll("one");
        listeners.notifyAll("two");
        assertEquals(List.of("one", "two"), heard);
        assertEquals(1, deadCalls[0], "asked once, then removed");
    }
}
