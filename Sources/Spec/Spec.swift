// Spec module
