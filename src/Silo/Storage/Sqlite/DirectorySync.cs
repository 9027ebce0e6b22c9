using System.Runtime.InteropServices;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// Makes a directory's entries durable. A new file or folder is on disk only once the directory that names it has been
/// synced: until then a power cut can take the entry, and everything under it, however well the file itself was synced.
/// .NET cannot sync a directory (<see cref="FileStream"/> and <see cref="File.OpenHandle"/> refuse to open one), so this
/// opens, syncs and closes it through the C library.
/// </summary>
/// <remarks>
/// SQLite syncs the directory of each journal and write-ahead log it creates, once, before the first commit written into
/// it, and with it every entry the directory holds then, the database file's among them. Folders it does not create:
/// the store makes the database's folder, and must sync the folder that names it. On Windows a directory is not synced
/// this way (NTFS journals its entries): nothing is done there.
/// </remarks>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;             // O_RDONLY, the same everywhere
    private const int CloseOnExecLinux = 0x80000; // O_CLOEXEC on Linux
    private const int InvalidArgument = 22;     // EINVAL, the same everywhere: the file system cannot sync a directory

    /// <summary>Creates <paramref name="directory"/> and any missing folder above it, then syncs the folder naming each one created.</summary>
    public static void Create(string directory) => Create(directory, Sync);

    /// <summary>As <see cref="Create(string)"/>, syncing each folder with <paramref name="sync"/> (tests record them).</summary>
    public static void Create(string directory, Action<string> sync)
    {
        var missing = new List<string>();
        for (var folder = Path.GetFullPath(directory); folder is not null && !Directory.Exists(folder); folder = Path.GetDirectoryName(folder))
        {
            missing.Add(folder);
        }
        Directory.CreateDirectory(directory);
        // From the top: each created folder is named in the one above it, which existed before, or was created and is synced next.
        for (var i = missing.Count - 1; i >= 0; i--)
        {
            sync(Path.GetDirectoryName(missing[i])!);
        }
    }

    /// <summary>Syncs the directory: the entries it holds now are durable. Does nothing on Windows.</summary>
    public static void Sync(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        var descriptor = Open(directory, OperatingSystem.IsLinux() ? ReadOnly | CloseOnExecLinux : ReadOnly);
        if (descriptor < 0)
        {
            throw Failure("open", directory);
        }
        try
        {
            // As SQLite does, a file system that cannot sync a directory (EINVAL) is taken as one that needs no sync.
            if (FSync(descriptor) != 0 && Marshal.GetLastPInvokeError() != InvalidArgument)
            {
                throw Failure("sync", directory);
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    private static IOException Failure(string operation, string directory)
    {
        var error = Marshal.GetLastPInvokeError();
        return new IOException($"Could not {operation} the directory {directory}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int FSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
