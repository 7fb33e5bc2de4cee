package dev.fallbackwatch.ingest;

import static dev.fallbackwatch.ingest.RemoteIpType.BROADCAST;
import static dev.fallbackwatch.ingest.RemoteIpType.FOUR_TO_SIX_MAPPING;
import static dev.fallbackwatch.ingest.RemoteIpType.LINK_LOCAL;
import static dev.fallbackwatch.ingest.RemoteIpType.LOOPBACK;
import static dev.fallbackwatch.ingest.RemoteIpType.MULTICAST;
import static dev.fallbackwatch.ingest.RemoteIpType.PRIVATE;
import static dev.fallbackwatch.ingest.RemoteIpType.PUBLIC;
import static dev.fallbackwatch.ingest.RemoteIpType.RESERVED;
import static dev.fallbackwatch.ingest.RemoteIpType.TEREDO;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Works out a RemoteIPType for an event that arrived without one, from its RemoteIP alone.
 *
 * <p>Each address family has a table of special-purpose blocks taken from the IANA registries. The most specific
 * block containing the address decides its type, so an exception such as a globally reachable anycast address
 * inside a reserved block is listed beside that block. A catch-all entry per family gives the type of everything
 * not listed. Literals are parsed without ever resolving a name.
 */
final class RemoteIpClassifier {

    private static final int IPV4_LENGTH = 4;

    private static final int IPV6_LENGTH = 16;

    private static final List<AddressBlock> IPV4_BLOCKS = List.of(
            block("0.0.0.0/0", PUBLIC), // everything not listed below is globally routable
            block("0.0.0.0/8", RESERVED), // "this network", RFC 791
            block("10.0.0.0/8", PRIVATE), // RFC 1918
            block("100.64.0.0/10", RESERVED), // shared address space for carrier-grade NAT, RFC 6598
            block("127.0.0.0/8", LOOPBACK), // RFC 1122
            block("169.254.0.0/16", LINK_LOCAL), // RFC 3927
            block("172.16.0.0/12", PRIVATE), // RFC 1918
            block("192.0.0.0/24", RESERVED), // IETF protocol assignments, RFC 6890
            block("192.0.0.9/32", PUBLIC), // Port Control Protocol anycast, RFC 7723
            block("192.0.0.10/32", PUBLIC), // TURN anycast, RFC 8155
            block("192.0.2.0/24", RESERVED), // documentation TEST-NET-1, RFC 5737
            block("192.88.99.0/24", RESERVED), // deprecated 6to4 relay anycast, RFC 7526
            block("192.168.0.0/16", PRIVATE), // RFC 1918
            block("198.18.0.0/15", RESERVED), // benchmarking, RFC 2544
            block("198.51.100.0/24", RESERVED), // documentation TEST-NET-2, RFC 5737
            block("203.0.113.0/24", RESERVED), // documentation TEST-NET-3, RFC 5737
            block("224.0.0.0/4", MULTICAST), // RFC 5771
            block("240.0.0.0/4", RESERVED), // future use, RFC 1112
            block("255.255.255.255/32", BROADCAST)); // limited broadcast, RFC 919

    private static final List<AddressBlock> IPV6_BLOCKS = List.of(
            block("::/0", RESERVED), // not yet allocated for unicast, RFC 4291
            block("2000::/3", PUBLIC), // global unicast, RFC 4291
            block("::/128", RESERVED), // unspecified address, RFC 4291
            block("::1/128", LOOPBACK), // RFC 4291
            block("::ffff:0:0/96", FOUR_TO_SIX_MAPPING), // IPv4-mapped, RFC 4291
            block("64:ff9b:1::/48", RESERVED), // local-use IPv4/IPv6 translation, RFC 8215
            block("100::/64", RESERVED), // discard-only, RFC 6666
            block("2001::/23", RESERVED), // IETF protocol assignments, RFC 2928
            block("2001::/32", TEREDO), // RFC 4380
            block("2001:1::1/128", PUBLIC), // Port Control Protocol anycast, RFC 7723
            block("2001:1::2/128", PUBLIC), // TURN anycast, RFC 8155
            block("2001:1::3/128", PUBLIC), // DNS-SD service registration anycast, RFC 9665
            block("2001:3::/32", PUBLIC), // automatic multicast tunneling, RFC 7450
            block("2001:4:112::/48", PUBLIC), // AS112 DNS service, RFC 7535
            block("2001:20::/28", PUBLIC), // ORCHIDv2, RFC 7343
            block("2001:30::/28", PUBLIC), // drone remote ID, RFC 9374
            block("2001:db8::/32", RESERVED), // documentation, RFC 3849
            block("2002::/16", RESERVED), // 6to4, RFC 3056
            block("3fff::/20", RESERVED), // documentation, RFC 9637
            block("5f00::/16", RESERVED), // segment routing SIDs, RFC 9602
            block("fc00::/7", PRIVATE), // unique local, RFC 4193
            block("fe80::/10", LINK_LOCAL), // RFC 4291
            block("ff00::/8", MULTICAST)); // RFC 4291

    // A NAT64 address takes the type of the IPv4 address in its last four bytes, RFC 6052; the block's own type
    // is never read.
    private static final AddressBlock NAT64_WELL_KNOWN_PREFIX = block("64:ff9b::/96", RESERVED);

    private RemoteIpClassifier() {}

    /**
     * Classifies a RemoteIP literal.
     *
     * <p>Prefer this over {@link #classify(InetAddress)} for text: Java turns an IPv4-mapped literal such as
     * {@code ::ffff:1.2.3.4} into a plain IPv4 address while parsing, so only the text still shows the mapping.
     *
     * @throws IllegalArgumentException if the text is not a plain IPv4 or IPv6 literal
     */
    static RemoteIpType classify(String literal) {
        return classify(addressBytes(literal));
    }

    /** Classifies an address; an IPv4-mapped address is only recognised if it is still an IPv6 address. */
    static RemoteIpType classify(InetAddress address) {
        Objects.requireNonNull(address, "address");
        return classify(address.getAddress());
    }

    /**
     * Parses an IPv4 or IPv6 literal without any name lookup.
     *
     * <p>Zone ids ({@code fe80::1%eth0}), brackets, ports, host names and empty text are rejected. An IPv4-mapped
     * IPv6 literal comes back as the {@link Inet4Address} it maps.
     *
     * @throws IllegalArgumentException if the text is not a plain IPv4 or IPv6 literal
     */
    static InetAddress parseLiteral(String text) {
        if (text == null || text.isEmpty()) {
            throw new IllegalArgumentException("IP address literal is missing");
        }
        if (text.indexOf('%') >= 0) {
            throw new IllegalArgumentException(
                    "IP address literal must not carry a zone id: '" + text + "'; drop the part from '%' on");
        }

        try {
            return InetAddresses.forString(text);
        } catch (IllegalArgumentException ex) {
            throw new IllegalArgumentException(
                    "Not an IP address literal: '" + text + "'; expected IPv4 like 10.1.2.3 or IPv6 like 2001:db8::1",
                    ex);
        }
    }

    private static byte[] addressBytes(String literal) {
        InetAddress address = parseLiteral(literal);
        byte[] bytes = address.getAddress();
        boolean writtenAsIpv6 = literal.indexOf(':') >= 0;
        if (writtenAsIpv6 && address instanceof Inet4Address) {
            return ipv4Mapped(bytes);
        }
        return bytes;
    }

    private static byte[] ipv4Mapped(byte[] ipv4) {
        byte[] mapped = new byte[IPV6_LENGTH];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, mapped, IPV6_LENGTH - IPV4_LENGTH, IPV4_LENGTH);
        return mapped;
    }

    private static RemoteIpType classify(byte[] address) {
        if (address.length == IPV4_LENGTH) {
            return mostSpecificBlock(IPV4_BLOCKS, address).type();
        }

        if (NAT64_WELL_KNOWN_PREFIX.contains(address)) {
            byte[] embeddedIpv4 = Arrays.copyOfRange(address, IPV6_LENGTH - IPV4_LENGTH, IPV6_LENGTH);
            return mostSpecificBlock(IPV4_BLOCKS, embeddedIpv4).type();
        }
        return mostSpecificBlock(IPV6_BLOCKS, address).type();
    }

    private static AddressBlock mostSpecificBlock(List<AddressBlock> blocks, byte[] address) {
        // The catch-all entry of each table contains every address of its family, so a match always exists.
        return blocks.stream()
                .filter(block -> block.contains(address))
                .max(Comparator.comparingInt(AddressBlock::prefixLength))
                .orElseThrow();
    }

    private static AddressBlock block(String cidr, RemoteIpType type) {
        int slash = cidr.indexOf('/');
        String network = cidr.substring(0, slash);
        int prefixLength = Integer.parseInt(cidr.substring(slash + 1));

        // Parsing the network as a literal keeps the IPv4-mapped block in its 16-byte form.
        byte[] networkBytes = addressBytes(network);
        if (prefixLength > networkBytes.length * Byte.SIZE || !hostBitsAreZero(networkBytes, prefixLength)) {
            throw new IllegalArgumentException("Malformed CIDR block in the range table: " + cidr);
        }
        return new AddressBlock(networkBytes, prefixLength, type);
    }

    private static boolean hostBitsAreZero(byte[] network, int prefixLength) {
        for (int bit = prefixLength; bit < network.length * Byte.SIZE; bit++) {
            if ((network[bit / Byte.SIZE] & (0x80 >>> (bit % Byte.SIZE))) != 0) {
                return false;
            }
        }
        return true;
    }

    /** A CIDR block: the addresses whose first {@code prefixLength} bits equal those of {@code network}. */
    private record AddressBlock(byte[] network, int prefixLength, RemoteIpType type) {

        boolean contains(byte[] address) {
            if (address.length != network.length) {
                return false;
            }

            int wholeBytes = prefixLength / Byte.SIZE;
            if (!Arrays.equals(address, 0, wholeBytes, network, 0, wholeBytes)) {
                return false;
            }

            int remainingBits = prefixLength % Byte.SIZE;
            if (remainingBits == 0) {
                return true;
            }
            int mask = (0xff << (Byte.SIZE - remainingBits)) & 0xff;
            return (address[wholeBytes] & mask) == (network[wholeBytes] & mask);
        }
    }
}
