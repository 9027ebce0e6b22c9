namespace GroupBuy.TestSupport;

/// <summary>A temp folder deleted on dispose (SQLite files, test data).</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("groupbuy-test-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
