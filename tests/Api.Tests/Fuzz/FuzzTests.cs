using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using GroupBuy.TestSupport;

namespace GroupBuy.Api.Tests.Fuzz;

/// <summary>
/// Bad input, everywhere: every mapped route gets thousands of generated cases, and none may
/// answer 5xx; every 4xx must be a problem detail with a <c>code</c>. The seed is printed; set
/// <c>GROUPBUY_FUZZ_SEED</c> to run the same cases again.
/// </summary>
public sealed class HttpFuzzTests(FuzzWorld world) : IClassFixture<FuzzWorld>
{
    private const int HttpCaseCount = 10_000;

    private static int Seed => FuzzSeed.Value;

    [Fact]
    public async Task No_generated_request_to_any_route_gets_a_5xx_and_every_refusal_is_a_problem_with_a_code()
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"fuzz seed {Seed} (GROUPBUY_FUZZ_SEED={Seed} repeats this run)");
        var cases = new HttpCases(world, Seed).Generate(HttpCaseCount).ToList();
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();

        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = ApiClient.Token }, async (@case, cancellationToken) =>
        {
            if (@case.First is { } first)
            {
                await CheckAsync(first, failures, statuses, cancellationToken);
            }
            await CheckAsync(@case, failures, statuses, cancellationToken);
        });

        TestContext.Current.TestOutputHelper?.WriteLine($"{cases.Count} cases over {world.Routes.Count} routes; statuses {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}");
        Assert.True(failures.IsEmpty, $"seed {Seed}: {failures.Count} bad answers, first ones:\n{string.Join("\n", failures.Take(10))}");
        Assert.True(statuses.Keys.Any(s => s < 300), "no case got through to a success, so the cases are not reaching the handlers");
    }

    [Fact]
    public void The_same_seed_generates_the_same_cases_and_every_route_gets_some()
    {
        var first = new HttpCases(world, 42).Generate(1000).ToList();
        var second = new HttpCases(world, 42).Generate(1000).ToList();

        Assert.Equal(first.Select(c => c.ToString()), second.Select(c => c.ToString()));
        // Every route is fuzzed but HEAD, which the pages map beside GET with the same handler (and no body to check).
        Assert.Equal(world.Routes.Where(r => !r.IsHub && r.Method != "HEAD").Select(r => r.Key).Order(StringComparer.Ordinal), first.Select(c => c.Route).Distinct().Order(StringComparer.Ordinal));
    }

    private async Task CheckAsync(HttpCase @case, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> statuses, CancellationToken cancellationToken)
    {
        using var request = world.Request(new HttpMethod(@case.Method), @case.Url, @case.Caller);
        if (@case.Body is { } body)
        {
            request.Content = new ByteArrayContent(body);
            if (@case.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }
        foreach (var (name, value) in @case.Headers)
        {
            if (name == "Authorization")
            {
                request.Headers.Authorization = null;
            }
            request.Headers.TryAddWithoutValidation(name, value);
        }
        HttpResponseMessage response;
        try
        {
            response = await world.Client.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException error)
        {
            failures.Enqueue($"{@case}: the connection failed ({error.Message})");
            return;
        }
        using (response)
        {
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (status >= 500)
            {
                failures.Enqueue($"{@case}: {status} {text}");
            }
            else if (status >= 400 && !IsProblemWithCode(response.Content.Headers.ContentType, text, status))
            {
                failures.Enqueue($"{@case}: {status} is not a problem detail with a code: {response.Content.Headers.ContentType} {text}");
            }
            else if (status >= 400 && Undocumented(@case, status, JsonNode.Parse(text)!["code"]!.GetValue<string>()) is { } undocumented)
            {
                failures.Enqueue($"{@case}: {undocumented}");
            }
        }
    }

    /// <summary>Why a refusal of an <c>/api</c> route is not in the OpenAPI document's responses for it; null when it is.</summary>
    private string? Undocumented(HttpCase @case, int status, string code)
    {
        var pattern = @case.Route[(@case.Route.IndexOf(' ', StringComparison.Ordinal) + 1)..];
        if (!pattern.StartsWith("/api/", StringComparison.Ordinal))
        {
            return null;
        }
        var responses = world.OpenApi["paths"]?[pattern]?[@case.Method.ToLowerInvariant()]?["responses"];
        var description = responses?[status.ToString(System.Globalization.CultureInfo.InvariantCulture)]?["description"]?.GetValue<string>();
        return description?.Contains($"`{code}`", StringComparison.Ordinal) == true
            ? null
            : $"{status} {code} is not among the refusals /openapi/v1.json lists for {@case.Route}";
    }

    private static bool IsProblemWithCode(MediaTypeHeaderValue? contentType, string text, int status)
    {
        if (contentType?.MediaType != "application/problem+json")
        {
            return false;
        }
        try
        {
            return JsonNode.Parse(text) is JsonObject problem
                && problem["code"]?.GetValue<string>() is { Length: > 0 }
                && problem["status"]?.GetValue<int>() == status;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }
}

/// <summary>The run's seed: <c>GROUPBUY_FUZZ_SEED</c> when set (to repeat a run), else a new one, printed by each suite.</summary>
public static class FuzzSeed
{
    public static int Value { get; } = int.TryParse(Environment.GetEnvironmentVariable("GROUPBUY_FUZZ_SEED"), out var seed) ? seed : Random.Shared.Next();
}

/// <summary>The hub's methods get generated invocations over a real WebSocket; none may fail as a server error.</summary>
public sealed class HubFuzzTests(SocketFuzzWorld world) : IClassFixture<SocketFuzzWorld>
{
    private const int HubCaseCount = 2_000;

    private static int Seed => FuzzSeed.Value;

    [Fact]
    public async Task No_generated_hub_invocation_fails_as_a_server_error_and_every_refusal_names_its_code()
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"hub fuzz seed {Seed}");
        var random = new Random(Seed);
        var failures = new List<string>();
        var callers = world.Tokens.Keys.ToList();
        for (var batch = 0; batch < 4; batch++)
        {
            var caller = callers[batch % callers.Count];
            await using var client = await SignalRClient.ConnectAsync(world.Address, world.Tokens[caller], ApiClient.Token);
            for (var i = 0; i < HubCaseCount / 4; i++)
            {
                var (target, arguments) = HubCases.Next(random, world);
                var description = $"{caller} {target}({arguments.ToJsonString()[..Math.Min(200, arguments.ToJsonString().Length)]})";
                try
                {
                    await client.InvokeRawAsync(target, arguments).WaitAsync(TimeSpan.FromSeconds(30), ApiClient.Token);
                }
                catch (HubErrorException error) when (HubCases.IsClientRefusal(error.Message))
                {
                }
                catch (Exception error)
                {
                    failures.Add($"{description}: {error.GetType().Name} {error.Message}");
                }
            }
            Assert.True(client.IsOpen, $"seed {Seed}: the connection closed under fuzzing");
            Assert.NotNull(await client.InvokeAsync("Watch", $"flash-sale:{world.Ids["flash-sales"][0]}"));
        }
        Assert.True(failures.Count == 0, $"seed {Seed}: {failures.Count} bad hub answers, first ones:\n{string.Join("\n", failures.Take(10))}");
    }
}
