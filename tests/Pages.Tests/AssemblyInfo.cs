// Each class runs its own server and browser; one class at a time keeps a two-core machine responsive.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
