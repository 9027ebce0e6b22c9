using System.Globalization;
using GroupBuy.Api.Live;

namespace GroupBuy.Api.Tests;

/// <summary>
/// The API deepens the shared array pool at start-up unless the operator has set its depth. The effect on a push to
/// 10,000 watchers is measured by P5 (docs/benchmarks.md); these check the setting itself.
/// </summary>
public sealed class FanOutBuffersTests
{
    [Fact]
    public void The_depth_is_set_when_nobody_has_set_it()
    {
        var before = Environment.GetEnvironmentVariable(FanOutBuffers.Variable);
        try
        {
            Environment.SetEnvironmentVariable(FanOutBuffers.Variable, null);

            FanOutBuffers.DeepenSharedPool();

            Assert.Equal(FanOutBuffers.ArraysPerCore.ToString(CultureInfo.InvariantCulture), Environment.GetEnvironmentVariable(FanOutBuffers.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(FanOutBuffers.Variable, before);
        }
    }

    [Fact]
    public void An_operators_depth_is_kept()
    {
        var before = Environment.GetEnvironmentVariable(FanOutBuffers.Variable);
        try
        {
            Environment.SetEnvironmentVariable(FanOutBuffers.Variable, "64");

            FanOutBuffers.DeepenSharedPool();

            Assert.Equal("64", Environment.GetEnvironmentVariable(FanOutBuffers.Variable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(FanOutBuffers.Variable, before);
        }
    }
}
