using GroupBuy.Api;
using GroupBuy.Api.Live;
using GroupBuy.Api.Operations;

FanOutBuffers.DeepenSharedPool();

var builder = WebApplication.CreateBuilder(ConfigurationWatch.OffUnlessSet(args));
builder.AddApplicationServices();

var app = builder.Build();
app.MapApplication();
app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
