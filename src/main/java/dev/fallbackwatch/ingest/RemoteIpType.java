package dev.fallbackwatch.ingest;

/**
 * The kind of address in a network event's RemoteIP, as Defender reports it in the RemoteIPType column.
 *
 * <p>Only {@link #PUBLIC} is globally routable unicast; every other kind stays inside a host, a link or a
 * private network, or is not a real peer at all.
 */
enum RemoteIpType {
    PUBLIC("Public"),
    PRIVATE("Private"),
    LOOPBACK("Loopback"),
    LINK_LOCAL("LinkLocal"),
    MULTICAST("Multicast"),
    BROADCAST("Broadcast"),
    RESERVED("Reserved"),
    TEREDO("Teredo"),
    FOUR_TO_SIX_MAPPING("FourToSixMapping");

    private final String defenderName;

    RemoteIpType(String defenderName) {
        this.defenderName = defenderName;
    }

    /** The value as it appears in Defender's RemoteIPType column, for example {@code LinkLocal}. */
    String defenderName() {
        return defenderName;
    }
}
