namespace GroupBuy.Runtime.Catalog;

/// <summary>One resident grain: its instance, its turn scheduler and its request queue.</summary>
internal sealed class Activation;
