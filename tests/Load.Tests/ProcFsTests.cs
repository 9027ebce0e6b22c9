using GroupBuy.Load.Bench;

namespace GroupBuy.Load.Tests;

/// <summary>What a run records of the machine it ran on.</summary>
public sealed class ProcFsTests : IDisposable
{
    private readonly string _file = Path.GetTempFileName();

    [Fact]
    public void The_processor_is_named_from_its_first_model_name()
    {
        File.WriteAllText(_file, """
            processor	: 0
            vendor_id	: AuthenticAMD
            model name	: AMD EPYC 9B14
            flags		: fpu avx512f

            processor	: 1
            model name	: AMD EPYC 9B14
            """);

        Assert.Equal("AMD EPYC 9B14", ProcFs.ProcessorName(_file));
    }

    [Fact]
    public void A_processor_without_a_model_name_is_unknown()
    {
        File.WriteAllText(_file, "processor\t: 0\nmodel name\t:\n");

        Assert.Equal("?", ProcFs.ProcessorName(_file));
        Assert.Equal("?", ProcFs.ProcessorName(_file + ".missing"));
    }

    public void Dispose() => File.Delete(_file);
}
