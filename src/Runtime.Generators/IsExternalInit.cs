namespace System.Runtime.CompilerServices;

/// <summary>Lets records compile on netstandard2.0, which the compiler host requires of generators.</summary>
internal static class IsExternalInit;
