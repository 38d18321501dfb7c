using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Serverless.Companion.Music;

/// <summary>How a host name becomes addresses; DNS in production, a table in tests (which must not reach the network).</summary>
public interface IHostAddressResolver
{
    /// <exception cref="SocketException">The name does not resolve.</exception>
    Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken);
}

public sealed class DnsHostAddressResolver : IHostAddressResolver
{
    public Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        Dns.GetHostAddressesAsync(host, cancellationToken);
}

public enum TrackLinkVerdict
{
    Allowed,

    /// <summary>A non-public address, a host not on <see cref="MusicOptions.AllowedUrlHosts"/>, or a link with a user name.</summary>
    NotAllowed,

    /// <summary>The host name did not resolve (in time).</summary>
    HostUnknown,
}

/// <summary>
/// Decides whether a <c>/music play</c> link may go to Lavalink, which would fetch it from inside our network: its host
/// must be on <see cref="MusicOptions.AllowedUrlHosts"/> when that is set, and every address it resolves to must be
/// public (<see cref="PublicAddress"/>). This does not see redirects or a name that resolves differently for Lavalink
/// later; turning off Lavalink's generic <c>http</c> source (deploy/lavalink/application.yml) closes those.
/// </summary>
public sealed class TrackLinkPolicy(IHostAddressResolver resolver, IOptions<MusicOptions> options, TimeProvider timeProvider)
{
    /// <summary>A name that takes longer than this to resolve is treated as unknown, rather than holding the guild's work.</summary>
    public static readonly TimeSpan ResolveTimeout = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<string> _allowedHosts = options.Value.AllowedHosts();

    /// <summary>An http(s) link with a host, as Lavalink's http-based sources would take it; false for anything else (a search).</summary>
    public static bool TryParseLink(string query, out Uri link)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Uri.TryCreate(query.Trim(), UriKind.Absolute, out var uri)
            && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            && uri.Host.Length > 0)
        {
            link = uri;
            return true;
        }

        link = null!;
        return false;
    }

    public async Task<TrackLinkVerdict> CheckAsync(Uri link, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(link);
        // user@host is read differently by different URL parsers; no music link needs it.
        if (link.UserInfo.Length > 0)
        {
            return TrackLinkVerdict.NotAllowed;
        }

        var host = link.IdnHost.TrimEnd('.');
        if (_allowedHosts.Count > 0 && !_allowedHosts.Any(allowed => IsHostOrSubdomain(host, allowed)))
        {
            return TrackLinkVerdict.NotAllowed;
        }

        // Literals in any form an OS resolver accepts (2130706433, 127.1, [::ffff:7f00:1]) are read as addresses, not names.
        if (IPAddress.TryParse(host.Trim('[', ']'), out var literal))
        {
            return PublicAddress.IsPublic(literal) ? TrackLinkVerdict.Allowed : TrackLinkVerdict.NotAllowed;
        }

        IPAddress[] addresses;
        using (var timeout = new CancellationTokenSource(ResolveTimeout, timeProvider))
        using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token))
        {
            try
            {
                addresses = await resolver.ResolveAsync(host, linked.Token).WaitAsync(linked.Token);
            }
            catch (SocketException)
            {
                return TrackLinkVerdict.HostUnknown;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                return TrackLinkVerdict.HostUnknown;
            }
        }

        if (addresses.Length == 0)
        {
            return TrackLinkVerdict.HostUnknown;
        }

        // One private answer is enough to refuse: Lavalink may pick any of them.
        return addresses.All(PublicAddress.IsPublic) ? TrackLinkVerdict.Allowed : TrackLinkVerdict.NotAllowed;
    }

    private static bool IsHostOrSubdomain(string host, string allowed) =>
        host.Equals(allowed, StringComparison.OrdinalIgnoreCase)
        || host.EndsWith("." + allowed, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique local), shared (CGNAT),
/// link-local (which holds the cloud metadata services, 169.254.169.254 and fd00:ec2::254), Azure's host address
/// 168.63.129.16, multicast, reserved or unspecified; IPv4 carried inside IPv6 (mapped, compatible, NAT64, 6to4) is
/// judged as the IPv4 address, and Teredo, which can tunnel anywhere, is refused.
/// </summary>
public static class PublicAddress
{
    public static bool IsPublic(IPAddress address)
    {
        ArgumentNullException.ThrowIfNull(address);
        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => IsPublicV4(address.GetAddressBytes()),
            AddressFamily.InterNetworkV6 => IsPublicV6(address.GetAddressBytes()),
            _ => false,
        };
    }

    private static bool IsPublicV4(ReadOnlySpan<byte> b) => !(
        b[0] == 0                                        // "this network", 0.0.0.0
        || b[0] == 10                                    // private
        || b[0] == 127                                   // loopback
        || (b[0] == 100 && (b[1] & 0xC0) == 64)          // 100.64.0.0/10 shared (CGNAT; Alibaba's metadata)
        || (b[0] == 169 && b[1] == 254)                  // link-local, cloud metadata
        || (b[0] == 172 && (b[1] & 0xF0) == 16)          // private
        || (b[0] == 192 && b[1] == 0 && b[2] == 0)       // IETF protocol assignments (Oracle's metadata)
        || (b[0] == 192 && b[1] == 168)                  // private
        || (b[0] == 198 && (b[1] & 0xFE) == 18)          // benchmarking
        || (b[0] == 168 && b[1] == 63 && b[2] == 129 && b[3] == 16) // Azure's host (wire server, DNS)
        || b[0] >= 224);                                 // multicast, reserved, broadcast

    private static bool IsPublicV6(ReadOnlySpan<byte> b)
    {
        if (b[..10].IndexOfAnyExcept((byte)0) < 0 && ((b[10] == 0 && b[11] == 0) || (b[10] == 0xFF && b[11] == 0xFF)))
        {
            // ::a.b.c.d (compatible; also :: and ::1) and ::ffff:a.b.c.d (mapped).
            return IsPublicV4(b[12..]);
        }

        if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B)
        {
            // 64:ff9b::/96 NAT64 carries an IPv4 address; 64:ff9b:1::/48 is for local use.
            return b[4..12].IndexOfAnyExcept((byte)0) < 0 && IsPublicV4(b[12..]);
        }

        if (b[0] == 0x20 && b[1] == 0x02)
        {
            return IsPublicV4(b[2..6]); // 6to4
        }

        return !(
            b[0] == 0                                        // ::/8 reserved
            || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) // Teredo
            || (b[0] == 0x01 && b[1] == 0x00 && b[2..8].IndexOfAnyExcept((byte)0) < 0) // 100::/64 discard
            || (b[0] & 0xFE) == 0xFC                         // fc00::/7 unique local (fd00:ec2::254)
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0x80)       // fe80::/10 link-local
            || (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0)       // fec0::/10 site-local
            || b[0] == 0xFF);                                // multicast
    }
}
