using GroupBuy.Silo.Storage.Postgres;
using Npgsql;

namespace GroupBuy.Silo.Tests.Storage;

public sealed class PostgresConnectionDefaultsTests
{
    [Fact]
    public void A_connection_string_without_a_connect_timeout_gets_a_short_one()
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply("Host=db;Username=app"));

        Assert.Equal(PostgresConnectionDefaults.ConnectTimeoutSeconds, applied.Timeout);
        Assert.Equal(PostgresConnectionDefaults.MaxAutoPrepare, applied.MaxAutoPrepare);
        Assert.Equal("db", applied.Host);
    }

    [Fact]
    public void Settings_the_connection_string_makes_are_kept()
    {
        var applied = new NpgsqlConnectionStringBuilder(PostgresConnectionDefaults.Apply("Host=db;timeout=20;Max Auto Prepare=0"));

        Assert.Equal(20, applied.Timeout);
        Assert.Equal(0, applied.MaxAutoPrepare);
    }
}
