using System.Globalization;

namespace GroupBuy.Runtime.Invocation;

internal sealed class GrainFactory(GrainRuntime runtime) : IGrainFactory
{
    public TGrain GetGrain<TGrain>(string key) where TGrain : IGrainWithStringKey
    {
        ArgumentNullException.ThrowIfNull(key);
        return runtime.Types.CreateReference<TGrain>(key, runtime);
    }

    public TGrain GetGrain<TGrain>(Guid key) where TGrain : IGrainWithGuidKey =>
        runtime.Types.CreateReference<TGrain>(key.ToString("N"), runtime);

    public TGrain GetGrain<TGrain>(long key) where TGrain : IGrainWithIntegerKey =>
        runtime.Types.CreateReference<TGrain>(key.ToString(CultureInfo.InvariantCulture), runtime);
}
