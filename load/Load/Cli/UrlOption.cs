using System.CommandLine;

namespace GroupBuy.Load.Cli;

/// <summary><c>--url</c>: the server to drive, an absolute http(s) address.</summary>
public static class UrlOption
{
    public static Option<Uri> Create() => new("--url")
    {
        Description = "The server to drive.",
        DefaultValueFactory = _ => new Uri("http://127.0.0.1:5000"),
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
            if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
            {
                return uri;
            }
            result.AddError($"--url must be an absolute http(s) address, not '{text}'");
            return null;
        },
    };
}
