// GitSource module
