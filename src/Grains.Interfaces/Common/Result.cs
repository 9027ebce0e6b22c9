namespace GroupBuy.Grains.Interfaces;

/// <summary>
/// A refusal the caller can act on, with a stable code from the public contract
/// (<see cref="ErrorCodes"/>). Grains return these rather than throw: they are answers, not failures.
/// </summary>
public sealed record DomainError(string Code, string Detail);

/// <summary>The outcome of a command: a value, or the reason it was refused.</summary>
public sealed record Result<T>(T? Value, DomainError? Error)
{
    public bool IsSuccess => Error is null;

    public static Result<T> Ok(T value) => new(value, null);

    public static Result<T> Fail(string code, string detail) => new(default, new DomainError(code, detail));

    public static Result<T> Fail(DomainError error) => new(default, error);

    /// <summary>The value of a success; throws when the result is a refusal (for callers that already checked).</summary>
    public T Unwrap() => IsSuccess ? Value! : throw new InvalidOperationException($"{Error!.Code}: {Error.Detail}");
}

/// <summary>The machine-readable codes of the public contract.</summary>
public static class ErrorCodes
{
    public const string Validation = "validation";
    public const string Unauthorized = "unauthorized";
    public const string Overloaded = "overloaded";
    public const string RateLimited = "rate_limited";
    public const string NotFound = "not_found";
    public const string Forbidden = "forbidden";
    public const string Conflict = "conflict";
    public const string SoldOut = "sold_out";
    public const string NotStarted = "not_started";
    public const string Ended = "ended";
    public const string LimitExceeded = "limit_exceeded";
    public const string InsufficientStock = "insufficient_stock";
    public const string TeamFull = "team_full";
    public const string AlreadyMember = "already_member";
    public const string TeamClosed = "team_closed";
    public const string NotMember = "not_member";
    public const string OrderClosed = "order_closed";

    /// <summary>The payment gateway failed or could not be reached; the order stays payable (503).</summary>
    public const string PaymentUnavailable = "payment_unavailable";
}
