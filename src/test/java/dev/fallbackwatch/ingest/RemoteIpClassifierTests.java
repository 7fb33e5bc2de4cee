package dev.fallbackwatch.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import com.google.common.net.InetAddresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RemoteIpClassifierTests {

    @ParameterizedTest
    @CsvSource(textBlock = """
            8.8.8.8,                  PUBLIC
            1.1.1.1,                  PUBLIC
            1.0.0.0,                  PUBLIC
            223.255.255.255,          PUBLIC
            2606:4700:4700::1111,     PUBLIC
            2a00:1450:4001:82a::200e, PUBLIC
            2001:4860:4860::8888,     PUBLIC
            2001:200::1,              PUBLIC
            2003::1,                  PUBLIC
            3fff:1000::1,             PUBLIC
            """)
    void classifiesGlobalUnicastAsPublic(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            9.255.255.255,   PUBLIC
            10.0.0.0,        PRIVATE
            10.255.255.255,  PRIVATE
            11.0.0.0,        PUBLIC
            172.15.255.255,  PUBLIC
            172.16.0.0,      PRIVATE
            172.31.255.255,  PRIVATE
            172.32.0.0,      PUBLIC
            192.167.255.255, PUBLIC
            192.168.0.0,     PRIVATE
            192.168.255.255, PRIVATE
            192.169.0.0,     PUBLIC
            """)
    void classifiesRfc1918AddressesAsPrivate(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            100.63.255.255,  PUBLIC
            100.64.0.0,      RESERVED
            100.127.255.255, RESERVED
            100.128.0.0,     PUBLIC
            """)
    void classifiesCarrierGradeNatAsReserved(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            # this network
            0.0.0.0,         RESERVED
            0.255.255.255,   RESERVED
            # IETF protocol assignments around the two anycast exceptions
            192.0.0.0,       RESERVED
            192.0.0.8,       RESERVED
            192.0.0.11,      RESERVED
            192.0.0.255,     RESERVED
            192.0.1.0,       PUBLIC
            # documentation
            192.0.2.1,       RESERVED
            198.51.100.7,    RESERVED
            203.0.113.255,   RESERVED
            # deprecated 6to4 relay anycast
            192.88.99.1,     RESERVED
            192.88.100.0,    PUBLIC
            # benchmarking
            198.17.255.255,  PUBLIC
            198.18.0.0,      RESERVED
            198.19.255.255,  RESERVED
            198.20.0.0,      PUBLIC
            # future use
            240.0.0.0,       RESERVED
            255.255.255.254, RESERVED
            """)
    void classifiesSpecialPurposeIpv4BlocksAsReserved(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            # unspecified and IPv4-compatible
            ::,                        RESERVED
            ::1.2.3.4,                 RESERVED
            # local-use translation and discard-only
            64:ff9b:1::1,              RESERVED
            100::1,                    RESERVED
            # IETF protocol assignments outside the exceptions
            2001:2::1,                 RESERVED
            2001:1ff:ffff::1,          RESERVED
            # documentation
            2001:db8::1,               RESERVED
            2001:db7:ffff::1,          PUBLIC
            2001:db9::1,               PUBLIC
            3fff::1,                   RESERVED
            3fff:fff:ffff::1,          RESERVED
            # 6to4 and segment routing
            2002:c000:204::1,          RESERVED
            5f00::1,                   RESERVED
            # outside 2000::/3, never allocated for unicast
            1fff:ffff::1,              RESERVED
            4000::1,                   RESERVED
            e000::1,                   RESERVED
            fec0::1,                   RESERVED
            """)
    void classifiesSpecialPurposeIpv6BlocksAsReserved(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            192.0.0.9,         PUBLIC
            192.0.0.10,        PUBLIC
            2001:1::1,         PUBLIC
            2001:1::2,         PUBLIC
            2001:1::4,         RESERVED
            2001:3::1,         PUBLIC
            2001:3:ffff::1,    PUBLIC
            2001:4:112::1,     PUBLIC
            2001:4:113::1,     RESERVED
            2001:1f:ffff::1,   RESERVED
            2001:20::1,        PUBLIC
            2001:2f:ffff::1,   PUBLIC
            2001:30::1,        PUBLIC
            2001:3f:ffff::1,   PUBLIC
            2001:40::1,        RESERVED
            """)
    void classifiesGloballyReachableBlocksInsideReservedBlocksAsPublic(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            2001::1,                                 TEREDO
            2001:0:4136:e378:8000:63bf:3fff:fdd2,    TEREDO
            2001:0:ffff:ffff:ffff:ffff:ffff:ffff,    TEREDO
            2001:1::5,                               RESERVED
            """)
    void classifiesTeredoAddresses(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            127.0.0.1,          LOOPBACK
            127.255.255.255,    LOOPBACK
            ::1,                LOOPBACK
            169.253.255.255,    PUBLIC
            169.254.0.0,        LINK_LOCAL
            169.254.169.254,    LINK_LOCAL
            169.255.0.0,        PUBLIC
            fe80::1,            LINK_LOCAL
            febf:ffff::1,       LINK_LOCAL
            fbff:ffff::1,       RESERVED
            fc00::1,            PRIVATE
            fd12:3456:789a::1,  PRIVATE
            fdff:ffff::1,       PRIVATE
            fe00::1,            RESERVED
            """)
    void classifiesLoopbackLinkLocalAndUniqueLocalAddresses(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            224.0.0.0,       MULTICAST
            224.0.0.251,     MULTICAST
            239.255.255.255, MULTICAST
            255.255.255.255, BROADCAST
            ff02::1,         MULTICAST
            ff0e::101,       MULTICAST
            """)
    void classifiesMulticastAndBroadcastAddresses(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            64:ff9b::8.8.8.8,     PUBLIC
            64:ff9b::808:808,     PUBLIC
            64:ff9b::10.1.2.3,    PRIVATE
            64:ff9b::127.0.0.1,   LOOPBACK
            64:ff9b::192.0.2.1,   RESERVED
            64:ff9b::100.64.0.1,  RESERVED
            64:ff9b::1:0:0,       RESERVED
            """)
    void classifiesNat64AddressesByTheirEmbeddedIpv4Address(String literal, RemoteIpType expected) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:8.8.8.8", "::ffff:10.0.0.1", "::FFFF:0808:0808", "0:0:0:0:0:ffff:1.2.3.4"})
    void classifiesIpv4MappedLiteralsAsFourToSixMapping(String literal) {
        assertThat(RemoteIpClassifier.classify(literal)).isEqualTo(RemoteIpType.FOUR_TO_SIX_MAPPING);
    }

    @Test
    void classifiesIpv4MappedAddressKeptInIpv6FormAsFourToSixMapping() throws UnknownHostException {
        byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 8, 8, 8, 8};
        InetAddress address = Inet6Address.getByAddress(null, mapped, -1);

        RemoteIpType type = RemoteIpClassifier.classify(address);

        assertThat(type).isEqualTo(RemoteIpType.FOUR_TO_SIX_MAPPING);
    }

    @ParameterizedTest
    @ValueSource(strings = {"8.8.8.8", "10.0.0.1", "2001::1", "64:ff9b::10.1.2.3", "fe80::1", "2001:20::1"})
    void classifiesAnInetAddressLikeItsLiteral(String literal) {
        InetAddress address = InetAddresses.forString(literal);

        assertThat(RemoteIpClassifier.classify(address)).isEqualTo(RemoteIpClassifier.classify(literal));
    }

    @Test
    void parsesIpv4AndIpv6Literals() {
        InetAddress ipv4 = RemoteIpClassifier.parseLiteral("192.0.2.1");
        InetAddress ipv6 = RemoteIpClassifier.parseLiteral("2001:db8::1");
        InetAddress mapped = RemoteIpClassifier.parseLiteral("::ffff:192.0.2.1");

        assertThat(ipv4).isInstanceOf(Inet4Address.class).isEqualTo(InetAddresses.forString("192.0.2.1"));
        assertThat(ipv6).isInstanceOf(Inet6Address.class).isEqualTo(InetAddresses.forString("2001:db8::1"));
        assertThat(mapped).isEqualTo(ipv4);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "fe80::1%eth0",
                "fe80::1%1",
                "[::1]",
                "[2001:db8::1]:443",
                "192.0.2.1:80",
                "example.com",
                "localhost",
                " 8.8.8.8",
                "8.8.8.8 ",
                "256.1.1.1",
                "1.2.3",
                "010.0.0.1",
                "0x08.8.8.8",
                "1::2::3",
                "::ffff:999.1.1.1",
                "192.0.2.0/24"
            })
    void rejectsTextThatIsNotAPlainAddressLiteral(String text) {
        assertThatIllegalArgumentException().isThrownBy(() -> RemoteIpClassifier.parseLiteral(text));
        assertThatIllegalArgumentException().isThrownBy(() -> RemoteIpClassifier.classify(text));
    }

    @Test
    void explainsWhyAZoneIdIsRejected() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RemoteIpClassifier.parseLiteral("fe80::1%eth0"))
                .withMessageContaining("zone id")
                .withMessageContaining("fe80::1%eth0");
    }

    @ParameterizedTest
    @CsvSource(textBlock = """
            PUBLIC,              Public
            PRIVATE,             Private
            LOOPBACK,            Loopback
            LINK_LOCAL,          LinkLocal
            MULTICAST,           Multicast
            BROADCAST,           Broadcast
            RESERVED,            Reserved
            TEREDO,              Teredo
            FOUR_TO_SIX_MAPPING, FourToSixMapping
            """)
    void spellsEachTypeAsDefenderDoes(RemoteIpType type, String defenderName) {
        assertThat(type.defenderName()).isEqualTo(defenderName);
    }
}
