namespace NetSim.Tcp;

/// <summary>connect() found no local port whose 4-tuple it may use (EADDRNOTAVAIL).</summary>
public sealed class AddressNotAvailableException(string message) : InvalidOperationException(message)
{
    public const string Errno = "EADDRNOTAVAIL";
}
