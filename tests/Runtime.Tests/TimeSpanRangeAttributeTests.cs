using System.ComponentModel.DataAnnotations;
using GroupBuy.Runtime.Hosting;

namespace GroupBuy.Runtime.Tests;

public sealed class TimeSpanRangeAttributeTests
{
    [Theory]
    [InlineData("00:00:00.001", true)]
    [InlineData("01:00:00", true)]
    [InlineData("00:00:00", false)]
    [InlineData("01:00:00.0000001", false)]
    [InlineData("-00:00:01", false)]
    public void A_setting_passes_between_its_bounds_both_included_and_fails_outside_them_naming_the_field(string timeout, bool valid)
    {
        var options = new GrainRuntimeOptions { ResponseTimeout = TimeSpan.Parse(timeout, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();

        Assert.Equal(valid, Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));

        Assert.Equal(valid ? [] : ["The field ResponseTimeout must be between 00:00:00.0010000 and 01:00:00."], results.Select(r => r.ErrorMessage));
    }

    [Fact]
    public void Bounds_are_read_as_invariant_time_spans_when_the_attribute_is_made()
    {
        var range = new TimeSpanRangeAttribute("1.02:03:04.5", "7.00:00:00");

        Assert.Equal((new TimeSpan(1, 2, 3, 4, 500), TimeSpan.FromDays(7)), (range.Minimum, range.Maximum));
        Assert.True(range.IsValid(null));
        Assert.False(range.IsValid("1.02:03:04.5"));
        Assert.Throws<FormatException>(() => new TimeSpanRangeAttribute("soon", "later"));
    }
}
