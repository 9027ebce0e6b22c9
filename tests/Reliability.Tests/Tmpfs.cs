using System.Diagnostics;

namespace GroupBuy.Reliability.Tests;

/// <summary>
/// A tmpfs of a fixed size mounted on a folder, so that a test can fill a disk to its last byte and then give it more
/// room; unmounted on dispose. Mounting needs root: a test that uses one fails, rather than skips, when not run as root.
/// </summary>
public sealed class Tmpfs : IAsyncDisposable
{
    private const int FillChunkBytes = 64 * 1024;

    /// <summary>The mounts' source name, by which <c>scripts/test.sh</c> finds one a killed test host left mounted.</summary>
    public const string Source = "groupbuy-test-disk";

    private Tmpfs(string path) => Path = path;

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public static async Task<Tmpfs> MountAsync(string path, int megabytes, CancellationToken cancellationToken)
    {
        Assert.True(Environment.IsPrivilegedProcess, "this test mounts a tmpfs to fill a disk, which needs root: run the reliability tests as root");
        Directory.CreateDirectory(path);
        await RunAsync("mount", ["-t", "tmpfs", "-o", $"size={megabytes}m", Source, path], cancellationToken);
        return new Tmpfs(path);
    }

    /// <summary>Gives the disk <paramref name="megabytes"/> in all, as an operator freeing space would; its files stay.</summary>
    public Task ResizeAsync(int megabytes, CancellationToken cancellationToken) =>
        RunAsync("mount", ["-o", $"remount,size={megabytes}m", Path], cancellationToken);

    /// <summary>Writes a file until the disk refuses another byte; returns how many it took.</summary>
    public long Fill(string name)
    {
        var chunk = new byte[FillChunkBytes];
        long written = 0;
        // Unbuffered, so that closing the file flushes nothing more into the full disk.
        using var ballast = new FileStream(File(name), FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0);
        try
        {
            while (true)
            {
                ballast.Write(chunk);
                written += chunk.Length;
            }
        }
        catch (IOException)
        {
            return written;   // no space left on the device
        }
    }

    /// <summary>Unmounts; a mount still busy (a process that did not let go) is detached lazily rather than left behind.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await RunAsync("umount", [Path], CancellationToken.None);
        }
        catch (InvalidOperationException)
        {
            await RunAsync("umount", ["--lazy", Path], CancellationToken.None);
        }
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        // Not abandoned on cancellation: a mount half made would be left behind.
        await process.WaitForExitAsync(CancellationToken.None);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
        cancellationToken.ThrowIfCancellationRequested();
    }
}
