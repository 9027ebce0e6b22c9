namespace GroupBuy.Api.Errors;

/// <summary>Bounds on numbers the API accepts, so no input can overflow what the grains compute with.</summary>
public static class Limits
{
    /// <summary>¥100,000,000.00 in fen.</summary>
    public const long MaxPrice = 10_000_000_000;

    public const long MaxQuantity = 10_000_000;

    /// <summary>Request bodies above this are refused with 413 before they are read.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;
}
