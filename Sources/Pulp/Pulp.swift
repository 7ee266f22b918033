// Pulp module
