using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace GroupBuy.Silo.Storage.Sqlite;

/// <summary>
/// The write-ahead log of one writer connection, synced apart from its commits. The writer commits at
/// <c>synchronous = NORMAL</c>, which puts a transaction's frames in the log without waiting for the disk; the commit
/// queue's flusher then syncs the log once for every transaction committed since its last sync, while the writer runs
/// the next one, and only then releases their callers. The sync leaves the writer's thread, and an acknowledged write
/// is on disk as before.
/// </summary>
/// <remarks>
/// Syncing any descriptor of a file syncs the file. The log is opened at its first sync, which follows a commit, so it
/// exists; SQLite deletes it only when the last connection to the database closes, so it stays the same file while the
/// writer is open. The store disposes of this before it closes the writer, and disposing syncs: every transaction the
/// writer committed is then durable, and a flush that comes later has nothing left to do.
/// On Linux the log is synced with <c>fdatasync</c>, as SQLite and PostgreSQL sync theirs: it writes the data and what
/// reading it back needs (the file's size), but not the times of last change, which would cost a second write, and on a
/// journaled file system a journal commit, at every sync.
/// </remarks>
internal sealed partial class WalFile(string databasePath) : IDisposable
{
    private readonly string _path = databasePath + "-wal";
    private readonly Lock _gate = new();
    private FileStream? _log;
    private bool _disposed;
    private Exception? _closingFailure;

    /// <summary>Makes every transaction committed through the writer so far durable.</summary>
    public void Sync()
    {
        lock (_gate)
        {
            if (_closingFailure is not null)
            {
                throw new IOException("The write-ahead log could not be synced as its writer closed.", _closingFailure);
            }
            if (!_disposed)
            {
                SyncLog();
            }
        }
    }

    /// <summary>Syncs, then closes the log: call before the writer's connection closes.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            try
            {
                // No log yet: the writer committed nothing, so nothing waits for a sync.
                if (_log is not null || File.Exists(_path))
                {
                    SyncLog();
                }
            }
            catch (Exception exception)
            {
                _closingFailure = exception;   // a flush still holding this file must not pass for a sync
                throw;
            }
            finally
            {
                _log?.Dispose();
                _log = null;
            }
        }
    }

    private void SyncLog()
    {
        _log ??= new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        if (!OperatingSystem.IsLinux())
        {
            _log.Flush(flushToDisk: true);
        }
        else if (FDataSync(_log.SafeFileHandle) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            throw new IOException($"Could not sync the write-ahead log {_path}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}).");
        }
    }

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle descriptor);
}
