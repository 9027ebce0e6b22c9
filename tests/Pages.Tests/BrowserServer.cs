using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using GroupBuy.Runtime.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Playwright;

namespace GroupBuy.Pages.Tests;

/// <summary>
/// One server and one headless Chromium per test class. The browser is Debian's (/usr/bin/chromium); nothing is
/// downloaded. Each page gets a context of its own (its own localStorage), sized like a phone.
/// A navigation is checked with <c>Expect(page).ToHaveURLAsync</c>, which polls the address: the client's
/// <c>WaitForURLAsync</c> waits for a load event, and on a busy machine it can miss one that lands as it subscribes.
/// </summary>
public class BrowserServer : IAsyncLifetime
{
    private const string Chromium = "/usr/bin/chromium";
    private static readonly string[] ChromiumArgs =
        ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>What went wrong inside each page: uncaught script errors and Content-Security-Policy refusals.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> Faults = [];
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public PagesFactory Factory { get; private set; } = null!;

    public Uri Address => Factory.ClientOptions.BaseAddress;

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>Where screenshots go: beside the test results, printed in the test output.</summary>
    public static string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    protected virtual ManualTimeProvider? Clock => null;

    protected virtual IHubFilter? HubFilter => null;

    public async ValueTask InitializeAsync()
    {
        Factory = new PagesFactory { Clock = Clock, HubFilter = HubFilter, LogPath = ServerLog.NextPath(GetType().Name) };
        Factory.UseKestrel(0);
        Factory.StartServer();
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ChromiumArgs });
    }

    /// <summary>A new phone-sized page; signed in (its token in localStorage["groupbuy.token"]) when a user is given.</summary>
    public async Task<IPage> NewPageAsync(string? userId = null, string role = "shopper", string? name = null, string? lang = null)
    {
        var context = await _browser!.NewContextAsync(new()
        {
            BaseURL = Address.ToString(),
            ViewportSize = new() { Width = 390, Height = 844 },
            DeviceScaleFactor = 2,
            IsMobile = true,
            HasTouch = true,
            Locale = "zh-CN",
        });
        _contexts.Add(context);
        var storage = new Dictionary<string, string>();
        if (userId is not null)
        {
            storage["groupbuy.token"] = await MintTokenAsync(userId, role, name ?? userId);
            storage["groupbuy.identity"] = JsonSerializer.Serialize(new { userId, role, name = name ?? userId });
        }
        if (lang is not null)
        {
            storage["groupbuy.lang"] = lang;
        }
        if (storage.Count > 0)
        {
            // Set before any page script runs, only where it is not set yet, so a page's own sign-in or switch sticks.
            await context.AddInitScriptAsync(
                $"for (const [k, v] of Object.entries({JsonSerializer.Serialize(storage)})) if (localStorage.getItem(k) === null) localStorage.setItem(k, v);");
        }
        var page = await context.NewPageAsync();
        var faults = Faults.GetOrCreateValue(page);
        // Playwright raises the page's events on its own thread, outside the test's context: the output is taken here.
        var output = TestContext.Current.TestOutputHelper;
        page.Console += (_, message) =>
        {
            if (message.Type is "warning")
            {
                output?.WriteLine($"[browser warning] {message.Text}");
            }
            if (message.Type == "error")
            {
                output?.WriteLine($"[browser] {message.Text}");
                if (message.Text.Contains("Content Security Policy", StringComparison.Ordinal))
                {
                    lock (faults)
                    {
                        faults.Add(message.Text);
                    }
                }
            }
        };
        // The page's traffic, in the test's output: when a wait times out it shows which request never finished.
        page.Request += (_, request) => output?.WriteLine($"[net {DateTime.UtcNow:HH:mm:ss.fff}] {request.Method} {request.Url}");
        page.Response += (_, response) => output?.WriteLine($"[net {DateTime.UtcNow:HH:mm:ss.fff}] {response.Status} {response.Url}");
        page.RequestFailed += (_, request) => output?.WriteLine($"[net {DateTime.UtcNow:HH:mm:ss.fff}] failed {request.Url}: {request.Failure}");
        page.PageError += (_, error) =>
        {
            output?.WriteLine($"[page error] {error}");
            lock (faults)
            {
                faults.Add(error);
            }
        };
        return page;
    }

    public async Task<string> MintTokenAsync(string userId, string role, string name)
    {
        using var client = Factory.CreateClient();
        var response = await client.PostAsJsonAsync("/api/dev/tokens", new { userId, role, name }, Token);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>(Token))!["token"]!.GetValue<string>();
    }

    /// <summary>An API client signed in as the user.</summary>
    public async Task<HttpClient> ApiAsync(string userId, string role = "shopper", string? name = null)
    {
        var client = Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await MintTokenAsync(userId, role, name ?? userId));
        return client;
    }

    /// <summary>Saves a screenshot, and fails the test if the page has thrown or been refused anything by its own security policy.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotDirectory);
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.EvaluateAsync("window.scrollTo(0, 0)");   // a sticky header drawn mid-page otherwise
        await page.ScreenshotAsync(new() { Path = path, FullPage = true, Animations = ScreenshotAnimations.Disabled });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        var faults = Faults.GetOrCreateValue(page);
        lock (faults)
        {
            Assert.True(faults.Count == 0, $"the page {page.Url} went wrong: {string.Join(" | ", faults)}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        await Factory.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}

/// <summary>The same on a manual clock, far from the browser's, for what depends on the server's time.</summary>
public sealed class ManualClockBrowserServer : BrowserServer
{
    /// <summary>
    /// Weeks ahead of the browser's clock, never behind it: tokens expire on the server's clock, and the hub closes a
    /// connection whose token has expired by the real clock, which a server clock in the past would do within a second.
    /// </summary>
    public ManualTimeProvider ServerClock { get; } = new(TimeProvider.System.GetUtcNow().AddDays(30));

    /// <summary>The hub's answered watches: a test moves the clock only once the page watches what will change.</summary>
    public AnsweredWatches Watches { get; } = new();

    protected override ManualTimeProvider? Clock => ServerClock;

    protected override IHubFilter? HubFilter => Watches;
}

/// <summary>
/// Completes a topic's task once the hub has answered a <c>Watch</c> of it, by when the feed is subscribed: a change made
/// before that reaches the page in the answer's snapshot, not as a push.
/// </summary>
public sealed class AnsweredWatches : IHubFilter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, TaskCompletionSource> _answered = new(StringComparer.Ordinal);

    public Task AnsweredAsync(string topic) => Answered(topic).Task.WaitAsync(TimeSpan.FromSeconds(15), TestContext.Current.CancellationToken);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var result = await next(invocationContext);
        if (invocationContext.HubMethodName == "Watch" && invocationContext.HubMethodArguments[0] is string topic)
        {
            Answered(topic).TrySetResult();
        }
        return result;
    }

    private TaskCompletionSource Answered(string topic) =>
        _answered.GetOrAdd(topic, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>The same with a hub that answers the first <c>Watch</c> of each topic as too busy, as it does under overload.</summary>
public sealed class BusyHubBrowserServer : BrowserServer
{
    public FirstWatchRefused Refusals { get; } = new();

    protected override IHubFilter? HubFilter => Refusals;
}

/// <summary>Refuses the first <c>Watch</c> of each topic with the hub's <c>overloaded</c> refusal; lets every later call through.</summary>
public sealed class FirstWatchRefused : IHubFilter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _refused = new(StringComparer.Ordinal);

    public int Count => _refused.Count;

    public ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next) =>
        invocationContext.HubMethodName == "Watch" && invocationContext.HubMethodArguments[0] is string topic && _refused.TryAdd(topic, true)
            ? throw new HubException("overloaded: the service cannot take this call now; retry shortly.")
            : next(invocationContext);
}
