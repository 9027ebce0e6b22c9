using GroupBuy.TestSupport;

[assembly: AssemblyFixture(typeof(PostgresFixture))]
