using System.Globalization;
using System.Text.RegularExpressions;
using GroupBuy.Grains.Interfaces.Referrals;
using Microsoft.AspNetCore.Http.HttpResults;

namespace GroupBuy.Api.Errors;

/// <summary>Input checks that answer with a <c>validation</c> problem naming the field, or null when the value is fine.</summary>
public static partial class Validate
{
    public static ProblemHttpResult? Id(string? value, string field) =>
        value is not null && IdPattern().IsMatch(value)
            ? null
            : Invalid(field, "must be 1–64 letters, digits, '-', '_' or ':'");

    /// <summary>Text of 1 to <paramref name="maxLength"/> characters, not blank; <paramref name="multiline"/> allows line breaks and tabs.</summary>
    public static ProblemHttpResult? Text(string? value, string field, int maxLength, bool required = true, bool multiline = false)
    {
        if (value is null)
        {
            return required ? Invalid(field, "is required") : null;
        }
        if (value.Length == 0 || value.Length > maxLength || string.IsNullOrWhiteSpace(value))
        {
            return Invalid(field, $"must be 1–{maxLength} characters and not blank");
        }
        foreach (var c in value)
        {
            if (char.IsControl(c) && !(multiline && c is '\n' or '\r' or '\t') || char.IsSurrogate(c) && !IsWellFormed(value))
            {
                return Invalid(field, "must not contain control characters or broken Unicode");
            }
        }
        return null;
    }

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/> in a query value; <paramref name="fallback"/> when none is given.</summary>
    public static bool TryParseWhole(string? text, long fallback, long min, long max, out long value)
    {
        if (string.IsNullOrEmpty(text))
        {
            value = fallback;
            return true;
        }
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
    }

    public static ProblemHttpResult? Range(long? value, string field, long min, long max) =>
        value is { } v && v >= min && v <= max ? null : Invalid(field, $"must be a whole number from {min} to {max}");

    /// <summary>A campaign's commission rate: absent (0) or a fraction from 0 to 0.5.</summary>
    public static ProblemHttpResult? Rate(decimal? value, string field) =>
        value is null || CommissionRates.IsValid(value.Value) ? null : Invalid(field, $"must be a decimal fraction from 0 to {CommissionRates.MaxRate}");

    public static ProblemHttpResult? OneOf(string? value, string field, params string[] allowed) =>
        value is not null && allowed.Contains(value, StringComparer.Ordinal) ? null : Invalid(field, $"must be one of {string.Join(", ", allowed)}");

    /// <summary>A campaign window: both ends given, the end after the start, within ten years.</summary>
    public static ProblemHttpResult? Window(DateTimeOffset? startsAt, DateTimeOffset? endsAt)
    {
        if (startsAt is null || endsAt is null)
        {
            return All(startsAt is null ? Invalid("startsAt", "is required (ISO-8601)") : null, endsAt is null ? Invalid("endsAt", "is required (ISO-8601)") : null);
        }
        return endsAt <= startsAt || endsAt - startsAt > TimeSpan.FromDays(3650) ? Invalid("endsAt", "must be after startsAt, within ten years") : null;
    }

    /// <summary>
    /// Every check's refusal at once, so a form learns all its wrong fields in one answer: the details joined, and
    /// <c>errors</c> mapping each field to its messages. Null when every check passed.
    /// </summary>
    public static ProblemHttpResult? All(params ReadOnlySpan<ProblemHttpResult?> checks)
    {
        ProblemHttpResult? first = null;
        var refusals = 0;
        foreach (var check in checks)
        {
            if (check is not null)
            {
                first ??= check;
                refusals++;
            }
        }
        if (refusals <= 1)
        {
            return first;   // nothing to merge, nothing allocated: the path every valid request takes
        }
        var details = new List<string>();
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            if (check?.ProblemDetails is not { } problem)
            {
                continue;
            }
            details.Add(problem.Detail ?? "");
            if (problem.Extensions.TryGetValue(Problems.ErrorsField, out var fields) && fields is Dictionary<string, string[]> byField)
            {
                foreach (var (field, messages) in byField)
                {
                    errors[field] = [.. errors.GetValueOrDefault(field, []), .. messages];
                }
            }
        }
        return Problems.Invalid(string.Join(" ", details), errors);
    }

    /// <summary>A <c>validation</c> problem naming <paramref name="field"/>, in its detail and in <c>errors</c>.</summary>
    public static ProblemHttpResult Invalid(string field, string rule)
    {
        return Problems.InvalidField(field, $"'{field}' {rule}.");
    }

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(value[i]))
            {
                return false;
            }
        }
        return true;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_:-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex IdPattern();
}
