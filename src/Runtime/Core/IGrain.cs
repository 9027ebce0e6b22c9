namespace GroupBuy.Runtime;

/// <summary>Marks a grain interface. Calls go through references generated at compile time.</summary>
public interface IGrain;

/// <summary>A grain identified by a string key.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>A grain identified by a <see cref="Guid"/> key.</summary>
public interface IGrainWithGuidKey : IGrain;

/// <summary>A grain identified by a 64-bit integer key.</summary>
public interface IGrainWithIntegerKey : IGrain;
