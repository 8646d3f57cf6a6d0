namespace NetSim.Reports;

/// <summary>
/// A results folder that appears whole or not at all: files are written into a hidden staging
/// folder beside the destination, which replaces the destination only on <see cref="Commit"/>.
/// Disposing without committing removes the staging folder, so a failed run leaves nothing
/// that looks complete (and keeps the previous results).
/// </summary>
public sealed class ResultsDirectory : IDisposable
{
    private bool _committed;

    private ResultsDirectory(string destination, string staging)
    {
        Destination = destination;
        Staging = staging;
    }

    /// <summary>Where the results will be once committed.</summary>
    public string Destination { get; }

    /// <summary>Where files are written until then.</summary>
    public string Staging { get; }

    public static ResultsDirectory Begin(string destination)
    {
        var full = Path.GetFullPath(destination);
        var parent = Path.GetDirectoryName(full) ?? throw new ArgumentException("results cannot go to a root folder", nameof(destination));
        Directory.CreateDirectory(parent);
        var staging = Path.Combine(parent, $".{Path.GetFileName(full)}.partial-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        return new ResultsDirectory(full, staging);
    }

    public string PathOf(string fileName) => Path.Combine(Staging, fileName);

    public void Commit()
    {
        string? previous = null;
        if (Directory.Exists(Destination))
        {
            previous = Path.Combine(Path.GetDirectoryName(Destination)!, $".{Path.GetFileName(Destination)}.old-{Guid.NewGuid():N}");
            Directory.Move(Destination, previous);
        }

        Directory.Move(Staging, Destination);
        _committed = true;
        if (previous is not null)
        {
            Directory.Delete(previous, recursive: true);
        }
    }

    public void Dispose()
    {
        if (!_committed && Directory.Exists(Staging))
        {
            Directory.Delete(Staging, recursive: true);
        }
    }
}
