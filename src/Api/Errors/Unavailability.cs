using GroupBuy.Runtime;

namespace GroupBuy.Api.Errors;

/// <summary>
/// Whether a failure means "not now" rather than a bug: an overloaded grain, a store that could not be reached, a
/// timeout. Looked for along the whole chain of causes, since a grain whose write failed refuses later calls with
/// an error of its own that carries the store's failure inside.
/// </summary>
internal static class Unavailability
{
    public static Exception? CauseOf(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            if (current is GrainOverloadedException or StorageUnavailableException or TimeoutException)
            {
                return current;
            }
        }
        return null;
    }
}
