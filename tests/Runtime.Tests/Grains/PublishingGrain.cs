namespace GroupBuy.Runtime.Tests.Grains;

public interface IPublishingGrain : IGrainWithStringKey
{
    Task<int> Increment();
}

/// <summary>Publishes its count to <c>counter:{key}</c> after every change, awaiting in between.</summary>
public sealed class PublishingGrain(ILiveTopics topics) : Grain, IPublishingGrain
{
    private int _count;

    public async Task<int> Increment()
    {
        await Task.Yield();
        _count++;
        topics.Publish($"counter:{GetPrimaryKeyString()}", new Tally(_count));
        return _count;
    }
}
