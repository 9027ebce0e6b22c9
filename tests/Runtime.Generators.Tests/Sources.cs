namespace GroupBuy.Runtime.Generators.Tests;

/// <summary>Grain contracts that exercise everything a reference has to reproduce.</summary>
internal static class Sources
{
    public const string RichContracts = """
        using System;
        using System.Collections.Generic;
        using System.Threading;
        using System.Threading.Tasks;
        using GroupBuy.Runtime;

        namespace Shop.Contracts
        {
            public enum Tier { Bronze, Gold }

            public readonly record struct Money(decimal Amount, string Currency);

            public sealed record Item(string Sku, int Quantity);

            public interface IReadable : IGrain
            {
                [ReadOnly]
                ValueTask<string?> GetName(CancellationToken cancellationToken);

                Task Reset();
            }

            public interface IWritable : IGrain
            {
                Task Reset();

                [AlwaysInterleave, ReadOnly]
                ValueTask Ping();

                [AlwaysInterleave]
                Task<int> Touch();
            }

            public interface ICartGrain : IGrainWithStringKey, IReadable, IWritable
            {
                Task<int> Add(Item item, int quantity = 1, CancellationToken cancellationToken = default);

                ValueTask<IReadOnlyList<Item?>> Items(Tier? tier = null);

                Task<Money> Total(string currency = "CNY", params string[] coupons);

                Task Publish(string @event, object? @class, int? @default);

                Task<(int Count, Money? Sum)> Summary(Dictionary<string, List<Money?>>? filter);

                Task<Tier> Upgrade(Tier tier = Tier.Gold, decimal limit = 10.5m, DateTimeOffset? at = null);

                Task<int[]?> Numbers(int[]?[] jagged);

                [Obsolete("use Items")]
                Task<string> Legacy();
            }

            public sealed class Outer
            {
                public sealed record Nested(int Value);

                public interface INestedGrain : IGrainWithGuidKey
                {
                    Task<Nested> Echo(Nested value);
                }
            }

            /// <summary>Not a grain interface, but a base of one: the reference implements it too.</summary>
            public interface IHelper
            {
                ValueTask<int> Help(int times);
            }

            internal interface IInternalGrain : IGrainWithIntegerKey, IHelper
            {
                Task Run();

                static int Helper() => 1;

                Task Default() => Task.CompletedTask;
            }

            public interface IDiamondLeft : IReadable;

            public interface IDiamondRight : IReadable;

            public interface IDiamondGrain : IDiamondLeft, IDiamondRight, IGrainWithStringKey;
        }

        namespace Shop.Other
        {
            public interface ICartGrain : IGrain
            {
                Task Clear();
            }
        }

        namespace Shop
        {
            public static class Caller
            {
                // Defaults and params still work through the interface, which is how callers hold references.
                public static async Task Use(Shop.Contracts.ICartGrain cart)
                {
                    await cart.Add(new Shop.Contracts.Item("sku", 1));
                    await cart.Total();
                    await cart.Total("USD", "first", "second");
                    await cart.Upgrade();
                    await cart.Items();
                }
            }
        }
        """;
}
