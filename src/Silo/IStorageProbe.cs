namespace GroupBuy.Silo;

/// <summary>Answers whether the configured storage can be reached (readiness).</summary>
public interface IStorageProbe
{
    Task PingAsync(CancellationToken cancellationToken);
}
