using GroupBuy.Silo.Storage.Sqlite;
using GroupBuy.TestSupport;

namespace GroupBuy.Silo.Tests.Storage;

/// <summary>
/// Folders the SQLite store creates are synced into the folder above them. A test cannot cut the power, so these prove
/// which folders are synced, and that syncing reaches the operating system and reports its failures.
/// </summary>
public sealed class DirectorySyncTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Creating_nested_folders_syncs_the_folder_that_names_each_one_created()
    {
        var synced = new List<string>();
        DirectorySync.Create(_directory.File("a/b/c"), synced.Add);

        Assert.True(Directory.Exists(_directory.File("a/b/c")));
        Assert.Equal([_directory.Path, _directory.File("a"), _directory.File("a/b")], synced);
    }

    [Fact]
    public void Creating_a_folder_that_exists_syncs_nothing()
    {
        Directory.CreateDirectory(_directory.File("data"));

        var synced = new List<string>();
        DirectorySync.Create(_directory.File("data"), synced.Add);

        Assert.Empty(synced);
    }

    [Fact]
    public void Syncing_a_folder_that_does_not_exist_fails_with_the_reason()
    {
        var exception = Assert.Throws<IOException>(() => DirectorySync.Sync(_directory.File("missing")));

        Assert.Contains(_directory.File("missing"), exception.Message, StringComparison.Ordinal);
        Assert.Contains("errno 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Creating_folders_with_the_operating_system_s_sync_succeeds()
    {
        DirectorySync.Create(_directory.File("a/b"));

        Assert.True(Directory.Exists(_directory.File("a/b")));
    }
}
