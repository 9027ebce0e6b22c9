using System.Text.Json.Serialization;
using GroupBuy.Grains.Interfaces.Products;

namespace GroupBuy.Grains.Products;

/// <summary>
/// What happens to a product's stock, as its journal keeps it: each change one small event, so a change costs the
/// same however many campaigns hold reservations on the product.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$event")]
[JsonDerivedType(typeof(ProductCreated), "created")]
[JsonDerivedType(typeof(ProductRestocked), "restocked")]
[JsonDerivedType(typeof(StockReserved), "reserved")]
[JsonDerivedType(typeof(ReservationSettled), "settled")]
[JsonDerivedType(typeof(ProductImported), "imported")]
public abstract record ProductEvent;

public sealed record ProductCreated(ProductDraft Draft) : ProductEvent;

public sealed record ProductRestocked(int Quantity) : ProductEvent;

/// <summary>Units moved from available to reserved under the id.</summary>
public sealed record StockReserved(string ReservationId, int Quantity) : ProductEvent;

/// <summary>Units of a reservation moved on: <paramref name="Sold"/> to sold, <paramref name="Released"/> back to available.</summary>
public sealed record ReservationSettled(string ReservationId, int Sold, int Released) : ProductEvent;

/// <summary>The whole stock as the product's earlier state kept it, in one write, before the journal took over.</summary>
public sealed record ProductImported(ProductState Stock) : ProductEvent;
