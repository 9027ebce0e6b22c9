using System.ComponentModel.DataAnnotations;
using System.Globalization;

namespace GroupBuy.Runtime.Hosting;

/// <summary>
/// A <see cref="TimeSpan"/> setting between two bounds, both included. It stands in for
/// <c>[Range(typeof(TimeSpan), …)]</c>: that attribute turns its bounds from text into values the first time it
/// validates, and two hosts validating at once (tests start silos side by side) can fail with an
/// <see cref="InvalidCastException"/>. These bounds are parsed once, when the attribute is made, and never change.
/// </summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field | AttributeTargets.Parameter)]
public sealed class TimeSpanRangeAttribute(string minimum, string maximum)
    : ValidationAttribute("The field {0} must be between {1} and {2}.")
{
    public TimeSpan Minimum { get; } = TimeSpan.Parse(minimum, CultureInfo.InvariantCulture);

    public TimeSpan Maximum { get; } = TimeSpan.Parse(maximum, CultureInfo.InvariantCulture);

    /// <summary>Null passes, as with <c>[Range]</c>: whether a value is required is <c>[Required]</c>'s to say.</summary>
    public override bool IsValid(object? value) =>
        value is null || (value is TimeSpan span && span >= Minimum && span <= Maximum);

    public override string FormatErrorMessage(string name) =>
        string.Format(CultureInfo.CurrentCulture, ErrorMessageString, name, Minimum, Maximum);
}
