using Microsoft.CodeAnalysis;

namespace GroupBuy.Runtime.Generators.Tests;

public sealed class PipelineTests
{
    [Fact]
    public void Output_is_identical_across_runs()
    {
        var first = GeneratorHarness.Run(GeneratorHarness.Compile("TestGrains", Sources.RichContracts));
        var second = GeneratorHarness.Run(GeneratorHarness.Compile("TestGrains", Sources.RichContracts));

        Assert.Equal(
            first.Result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())),
            second.Result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())));
    }

    [Fact]
    public void Unrelated_edit_keeps_the_pipeline_cached()
    {
        var compilation = GeneratorHarness.Compile(
            "TestGrains",
            Sources.RichContracts,
            "public static class Unrelated { public const int Value = 1; }",
            "public sealed class CartGrain : GroupBuy.Runtime.Grain;");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);

        var unrelated = compilation.SyntaxTrees.Single(t => t.FilePath == "Source1.cs");
        var edited = compilation.ReplaceSyntaxTree(
            unrelated,
            GeneratorHarness.Parse("public static class Unrelated { public const int Value = 2; public static int Twice => Value * 2; }", "Source1.cs"));
        var result = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        foreach (var step in new[] { TrackingNames.Interfaces, TrackingNames.GrainClasses, TrackingNames.Assembly })
        {
            Assert.All(
                result.TrackedSteps[step].SelectMany(s => s.Outputs),
                output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{step}: {output.Reason}"));
        }
        Assert.All(
            result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs),
            output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
    }

    [Fact]
    public void Editing_a_grain_interface_regenerates_its_reference()
    {
        var compilation = GeneratorHarness.Compile("TestGrains", "public interface IPingGrain : GroupBuy.Runtime.IGrain { System.Threading.Tasks.Task Ping(); }");
        var driver = GeneratorHarness.CreateDriver().RunGenerators(compilation, TestContext.Current.CancellationToken);

        var edited = compilation.ReplaceSyntaxTree(
            compilation.SyntaxTrees.Single(t => t.FilePath == "Source0.cs"),
            GeneratorHarness.Parse("public interface IPingGrain : GroupBuy.Runtime.IGrain { System.Threading.Tasks.Task Ping(); System.Threading.Tasks.Task Pong(); }", "Source0.cs"));
        var result = driver.RunGenerators(edited, TestContext.Current.CancellationToken).GetRunResult().Results.Single();

        Assert.Contains(result.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains("Pong", result.GeneratedSources.Single(s => s.HintName == "IPingGrainReference.g.cs").SourceText.ToString(), StringComparison.Ordinal);
    }
}
