"""The local stack: template.yaml on moto, in-process. Only the local entry points import this package."""
