namespace GroupBuy.Runtime;

public enum DeactivationReasonCode
{
    ApplicationRequested,
    ActivationIdle,
    ShuttingDown,
    StateFailure,
}

/// <summary>Why an activation is being deactivated, passed to <see cref="Grain.OnDeactivateAsync"/>.</summary>
public readonly record struct DeactivationReason(DeactivationReasonCode Code, string Description)
{
    public override string ToString() => $"{Code}: {Description}";
}
