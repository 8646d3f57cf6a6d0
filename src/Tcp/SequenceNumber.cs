namespace NetSim.Tcp;

/// <summary>
/// A 32-bit TCP sequence number. Comparisons are modulo 2^32 (RFC 9293 §3.4): a is before b
/// when the signed 32-bit difference a - b is negative, as Linux's before()/after() compute it.
/// </summary>
public readonly record struct SequenceNumber(uint Value) : IComparable<SequenceNumber>
{
    public static SequenceNumber operator +(SequenceNumber s, int n) => new(unchecked(s.Value + (uint)n));
    public static SequenceNumber operator -(SequenceNumber s, int n) => new(unchecked(s.Value - (uint)n));

    /// <summary>The signed distance from b to a; meaningful while they are within 2^31 of each other.</summary>
    public static int operator -(SequenceNumber a, SequenceNumber b) => unchecked((int)(a.Value - b.Value));

    public static bool operator <(SequenceNumber a, SequenceNumber b) => a - b < 0;
    public static bool operator >(SequenceNumber a, SequenceNumber b) => a - b > 0;
    public static bool operator <=(SequenceNumber a, SequenceNumber b) => a - b <= 0;
    public static bool operator >=(SequenceNumber a, SequenceNumber b) => a - b >= 0;

    public static SequenceNumber Max(SequenceNumber a, SequenceNumber b) => a >= b ? a : b;
    public static SequenceNumber Min(SequenceNumber a, SequenceNumber b) => a <= b ? a : b;

    /// <summary>RFC 9293 §3.4: low &lt;= s &lt; high, modulo 2^32.</summary>
    public bool InWindow(SequenceNumber low, SequenceNumber high) => this - low >= 0 && high - this > 0;

    public int CompareTo(SequenceNumber other) => (this - other).CompareTo(0);

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
