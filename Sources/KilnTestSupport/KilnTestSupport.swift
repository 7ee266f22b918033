// KilnTestSupport module
