using System.CommandLine;
using GroupBuy.Load;

var url = new Option<Uri>("--url") { Description = "The server to drive.", DefaultValueFactory = _ => new Uri("http://127.0.0.1:5000") };
var count = new Option<int>("--count") { Description = "How many probes to send.", DefaultValueFactory = _ => 20 };

var ping = new Command("ping", "Checks that a server is live and ready, and how fast it answers.") { url, count };
ping.SetAction((parse, cancellationToken) => PingCommand.RunAsync(parse.GetValue(url)!, parse.GetValue(count), Console.Out, cancellationToken));

var root = new RootCommand("GroupBuy load tool. Scenarios (flash-sale, group-buy, watchers, chat) are on the way; 'ping' checks a server today.") { ping };
return await root.Parse(args).InvokeAsync();
