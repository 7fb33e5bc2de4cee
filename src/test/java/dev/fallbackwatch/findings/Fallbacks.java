package dev.fallbackwatch.findings;

import static dev.fallbackwatch.testing.DefenderEvents.event;

import dev.fallbackwatch.testing.DefenderEvents;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Builds fallback patterns: one process instance trying one new address a minute, cycling through ports. */
public final class Fallbacks {

    /** The actor the tests' admin API key is recorded as. */
    public static final String TEST_ACTOR = "api-key:admin (configuration)";

    private Fallbacks() {}

    /**
     * One connection a minute from {@code start}, each to a new address 45.77.&lt;pid % 250&gt;.n on the next of
     * {@code ports}: with the seeded thresholds 3 addresses are Medium, 4 High, 5 on 3 ports Critical.
     */
    public static List<DefenderEvents> fallback(String device, long pid, String start, int addresses, int... ports) {
        int[] used = ports.length == 0 ? new int[] {443} : ports;
        List<DefenderEvents> events = new ArrayList<>();
        for (int i = 0; i < addresses; i++) {
            events.add(event().device(device)
                    .pid(pid)
                    .at(Instant.parse(start).plus(i, ChronoUnit.MINUTES))
                    .to("45.77." + pid % 250 + "." + (i + 1), used[i % used.length]));
        }
        return events;
    }
}
