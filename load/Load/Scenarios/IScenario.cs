namespace GroupBuy.Load.Scenarios;

/// <summary>A load scenario: it seeds what it needs through the API, then drives its virtual users.</summary>
public interface IScenario
{
    string Name { get; }

    Task SeedAsync(ScenarioContext context, CancellationToken cancellationToken);

    /// <summary>Runs until every user is done or the token is cancelled (the run's duration is over).</summary>
    Task RunAsync(ScenarioContext context, CancellationToken cancellationToken);
}
