"""The Pulumi side: the desired-state model, the provider plugin, the resource classes the program declares,
and the vendor clients."""
