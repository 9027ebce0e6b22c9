using GroupBuy.Api.Operations;
using GroupBuy.Silo;

var builder = WebApplication.CreateBuilder(args);

builder.AddSilo();
builder.Services.AddOperations();

var app = builder.Build();

app.MapOperations();

app.Run();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
