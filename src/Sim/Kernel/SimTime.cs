using System.Globalization;

namespace NetSim.Sim.Kernel;

/// <summary>
/// A point or span of virtual time, as an integer count of nanoseconds: no floating-point clock,
/// no drift, and 292 years of range.
/// </summary>
public readonly record struct SimTime(long Nanoseconds) : IComparable<SimTime>
{
    public static readonly SimTime Zero = new(0);

    /// <summary>Later than any event: used for "not armed" and "run until the calendar is empty".</summary>
    public static readonly SimTime Never = new(long.MaxValue);

    public static SimTime FromNanoseconds(long ns) => new(ns);
    public static SimTime FromMicroseconds(long us) => new(checked(us * 1_000));
    public static SimTime FromMilliseconds(long ms) => new(checked(ms * 1_000_000));
    public static SimTime FromSeconds(long s) => new(checked(s * 1_000_000_000));

    /// <summary>Rounds to the nearest nanosecond; for configuration values, never for the clock.</summary>
    public static SimTime FromSeconds(double s) => new(checked((long)Math.Round(s * 1e9)));

    public long Microseconds => Nanoseconds / 1_000;
    public long Milliseconds => Nanoseconds / 1_000_000;
    public double TotalSeconds => Nanoseconds / 1e9;
    public double TotalMilliseconds => Nanoseconds / 1e6;

    public static SimTime operator +(SimTime a, SimTime b) => new(checked(a.Nanoseconds + b.Nanoseconds));
    public static SimTime operator -(SimTime a, SimTime b) => new(checked(a.Nanoseconds - b.Nanoseconds));
    public static SimTime operator *(SimTime a, long k) => new(checked(a.Nanoseconds * k));

    public static SimTime operator /(SimTime a, long k) => new(a.Nanoseconds / k);
    public static bool operator <(SimTime a, SimTime b) => a.Nanoseconds < b.Nanoseconds;
    public static bool operator >(SimTime a, SimTime b) => a.Nanoseconds > b.Nanoseconds;
    public static bool operator <=(SimTime a, SimTime b) => a.Nanoseconds <= b.Nanoseconds;
    public static bool operator >=(SimTime a, SimTime b) => a.Nanoseconds >= b.Nanoseconds;

    public static SimTime Min(SimTime a, SimTime b) => a <= b ? a : b;
    public static SimTime Max(SimTime a, SimTime b) => a >= b ? a : b;

    public int CompareTo(SimTime other) => Nanoseconds.CompareTo(other.Nanoseconds);

    public override string ToString() => this == Never
        ? "never"
        : (Nanoseconds / 1e9).ToString("0.#########", CultureInfo.InvariantCulture) + "s";
}
