namespace GroupBuy.Runtime;

/// <summary>Hands out typed grain references. Nothing is activated until a reference is called.</summary>
public interface IGrainFactory
{
    TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey;

    TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey;

    TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey;
}
