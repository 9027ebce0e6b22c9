using Microsoft.CodeAnalysis;

namespace GroupBuy.Runtime.Generators.Tests;

public sealed class DiagnosticTests
{
    [Theory]
    [InlineData("int Count();", "GBR001", "Count")]
    [InlineData("void Fire();", "GBR001", "Fire")]
    [InlineData("Task<T> Echo<T>(T value);", "GBR002", "Echo")]
    [InlineData("int Size { get; }", "GBR004", "Size")]
    [InlineData("event EventHandler Changed;", "GBR004", "Changed")]
    [InlineData("int this[int index] { get; }", "GBR004", "this")]
    [InlineData("static abstract Task Create();", "GBR004", "Create")]
    [InlineData("Task Take(ref int count);", "GBR005", "count")]
    [InlineData("Task Take(out int count);", "GBR005", "count")]
    [InlineData("Task Take(in int count);", "GBR005", "count")]
    [InlineData("Task Take(ReadOnlySpan<int> items);", "GBR006", "items")]
    public void Unsupported_member_is_reported_at_the_member_and_gets_no_reference(string member, string id, string markedText)
    {
        var source = $$"""
            using System;
            using System.Threading.Tasks;
            using GroupBuy.Runtime;

            public interface IBadGrain : IGrain
            {
                Task Fine();

                {{member}}
            }
            """;

        var output = GeneratorHarness.Run(source);

        var diagnostic = Assert.Single(output.Diagnostics);
        AssertReported(diagnostic, id, source, markedText);
        Assert.Empty(output.Result.GeneratedSources);
        Assert.DoesNotContain(output.CompilationProblems, d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("GBR", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("public interface IGenericGrain<T> : IGrain { Task<T> Get(); }", "GBR003", "IGenericGrain")]
    [InlineData("public class Holder<T> { public interface IInsideGrain : IGrain { Task Run(); } }", "GBR003", "IInsideGrain")]
    [InlineData("public class Holder { private interface IHiddenGrain : IGrain { Task Run(); } }", "GBR007", "IHiddenGrain")]
    [InlineData("public class Holder { protected interface IHiddenGrain : IGrain { Task Run(); } }", "GBR007", "IHiddenGrain")]
    [InlineData("file interface IFileGrain : IGrain { Task Run(); }", "GBR007", "IFileGrain")]
    [InlineData("public class Holder { private sealed class HiddenGrain : Grain; }", "GBR007", "HiddenGrain")]
    public void Unusable_grain_type_is_reported_at_its_name(string declaration, string id, string markedText)
    {
        var source = $"""
            using System.Threading.Tasks;
            using GroupBuy.Runtime;

            {declaration}
            """;

        var output = GeneratorHarness.Run(source);

        AssertReported(Assert.Single(output.Diagnostics), id, source, markedText);
        Assert.Empty(output.Result.GeneratedSources);
    }

    [Fact]
    public void Error_in_a_base_interface_is_reported_once_and_blocks_its_derived_references()
    {
        const string Source = """
            using System.Threading.Tasks;
            using GroupBuy.Runtime;

            public interface IHelper { int Broken(); }
            public interface IBaseGrain : IGrain, IHelper { Task Run(); }
            public interface IDerivedGrain : IBaseGrain { Task Walk(); }
            public interface IGoodGrain : IGrain { Task Run(); }
            """;

        var output = GeneratorHarness.Run(Source);

        AssertReported(Assert.Single(output.Diagnostics), "GBR001", Source, "Broken");
        Assert.Equal(["GeneratedGrainCode.g.cs", "IGoodGrainReference.g.cs"], output.HintNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Messages_name_the_offending_member()
    {
        const string Source = """
            using System.Threading.Tasks;
            using GroupBuy.Runtime;

            public interface IBadGrain : IGrain { int Count(); Task Take(out int count); }
            """;

        var messages = GeneratorHarness.Run(Source).Diagnostics.Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)).ToList();

        Assert.Contains("Grain method 'IBadGrain.Count' returns 'int'; grain methods must return Task, Task<T>, ValueTask or ValueTask<T>", messages);
        Assert.Contains("Parameter 'count' of grain method 'IBadGrain.Take' is 'out'; grain method arguments are passed by value only", messages);
    }

    private static void AssertReported(Diagnostic diagnostic, string id, string source, string markedText)
    {
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Equal("GroupBuy.Runtime", diagnostic.Descriptor.Category);
        Assert.Equal("Source0.cs", diagnostic.Location.GetLineSpan().Path);
        var span = diagnostic.Location.SourceSpan;
        Assert.Equal(markedText, source.Substring(span.Start, span.Length));
        Assert.Equal(LineOf(source, span.Start), diagnostic.Location.GetLineSpan().StartLinePosition.Line);
    }

    private static int LineOf(string source, int position) => source.AsSpan(0, position).Count('\n');
}
