package dev.fallbackwatch.settings;

import com.google.common.net.InetAddresses;
import dev.fallbackwatch.web.FieldProblem;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/** Checks and normalises the destination of an exclusion: a network in CIDR notation, or a domain suffix. */
final class DestinationRules {

    private static final Pattern DOMAIN = Pattern.compile("[a-z0-9_-]+(\\.[a-z0-9_-]+)*");

    private DestinationRules() {}

    /** Returns the request with its destination in canonical form, adding a problem per invalid field. */
    static DestinationExclusionRequest normalize(DestinationExclusionRequest entry, List<FieldProblem> problems) {
        if ((entry.cidr() == null) == (entry.remoteUrl() == null)) {
            problems.add(new FieldProblem("cidr", "give exactly one of cidr and remoteUrl"));
            return entry;
        }
        String cidr = entry.cidr() == null ? null : cidr(entry.cidr(), problems);
        String domain = entry.remoteUrl() == null ? null : domain(entry.remoteUrl(), problems);
        return new DestinationExclusionRequest(
                cidr,
                domain,
                entry.port(),
                entry.reason(),
                entry.deviceName(),
                entry.accountName(),
                entry.processName(),
                entry.expiresAt());
    }

    private static String cidr(String text, List<FieldProblem> problems) {
        int slash = text.indexOf('/');
        String addressText = slash < 0 ? text : text.substring(0, slash);
        if (addressText.contains("%") || !InetAddresses.isInetAddress(addressText)) {
            problems.add(new FieldProblem("cidr", "must be a network such as 10.0.0.0/8 or 2001:db8::/32"));
            return text;
        }
        InetAddress address = InetAddresses.forString(addressText);
        int bits = address.getAddress().length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException ex) {
            prefix = -1;
        }
        if (prefix < 0 || prefix > bits) {
            problems.add(new FieldProblem("cidr", "prefix length must be between 0 and " + bits));
            return text;
        }

        BigInteger value = new BigInteger(1, address.getAddress());
        BigInteger hostBits = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
        if (!value.and(hostBits).equals(BigInteger.ZERO)) {
            BigInteger network = value.andNot(hostBits);
            problems.add(new FieldProblem(
                    "cidr",
                    "has address bits set beyond the /" + prefix + " prefix; the network is "
                            + InetAddresses.toAddrString(toAddress(network, bits / 8)) + "/" + prefix));
            return text;
        }
        return InetAddresses.toAddrString(address) + "/" + prefix;
    }

    private static InetAddress toAddress(BigInteger value, int length) {
        byte[] raw = value.toByteArray();
        byte[] bytes = new byte[length];
        int copy = Math.min(raw.length, length);
        System.arraycopy(raw, raw.length - copy, bytes, length - copy, copy);
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException ex) {
            throw new IllegalStateException("An address of " + length + " bytes is always valid", ex);
        }
    }

    private static String domain(String text, List<FieldProblem> problems) {
        String domain = text.trim().toLowerCase(Locale.ROOT);
        if (domain.startsWith("*.")) {
            domain = domain.substring(2);
        } else if (domain.startsWith(".")) {
            domain = domain.substring(1);
        }
        if (!DOMAIN.matcher(domain).matches()) {
            problems.add(new FieldProblem(
                    "remoteUrl", "must be a domain such as example.com, without scheme, port or path"));
        }
        return domain;
    }
}
